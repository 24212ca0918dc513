"""A thread-safe record of every request an emulator received, with secrets scrubbed.

Tests read the journal from their own thread while the emulator writes it from the sandbox loop,
and some tests grep everything for secrets, so nothing secret is ever stored: the Authorization
header is replaced by its scheme, secret-named fields by a marker, and any value registered with
`add_secret` (client secrets, issued tokens) is scrubbed wherever it appears.
"""

from __future__ import annotations

import json as jsonlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

REDACTED = "<redacted>"
# Headers whose value is a credential however it is named.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
# Query, form and JSON keys that carry credentials in the APIs Ringside talks to.
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "token",
        "client_secret",
        "code_verifier",
        "password",
        "apikey",
        "api_key",
        "oauthtoken",
        "accesstoken",
        "sessionid",
    }
)
# Scrubbing values this short would mangle ordinary text; real secrets are longer.
_MIN_SECRET_LEN = 6


@dataclass(frozen=True)
class JournalEntry:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: str
    json: Any | None
    form: dict[str, str] | None
    status: int  # 0 when no response was delivered (reset, or a hang the client gave up on)
    at: float  # time.time() when the request finished


class Journal:
    """Append-only list of `JournalEntry`, safe to read from any thread."""

    def __init__(self, extra_secret_keys: Iterable[str] = ()) -> None:
        self._secret_keys = SECRET_KEYS | {k.lower() for k in extra_secret_keys}
        self._secrets: set[str] = set()
        self._entries: list[JournalEntry] = []
        self._changed = threading.Condition()

    def add_secret(self, value: str) -> None:
        """Scrub `value` from everything recorded from now on (tokens, client secrets)."""
        if len(value) >= _MIN_SECRET_LEN:
            with self._changed:
                self._secrets.add(value)

    def record(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: str,
        status: int,
        json: Any | None = None,
        form: Mapping[str, str] | None = None,
    ) -> JournalEntry:
        """Redact and store one request; returns what was stored."""
        with self._changed:
            secrets = set(self._secrets)
        secrets |= _secret_values(query, self._secret_keys)
        if form is not None:
            secrets |= _secret_values(form, self._secret_keys)
        if json is not None:
            secrets |= _secret_json_values(json, self._secret_keys)
        secrets |= {_credential(v) for k, v in headers.items() if k.lower() in SECRET_HEADERS}
        secrets = {s for s in secrets if len(s) >= _MIN_SECRET_LEN}

        def scrub(text: str) -> str:
            # Longest first, so a secret containing another is replaced whole.
            for secret in sorted(secrets, key=len, reverse=True):
                for form_of in {secret, quote_plus(secret), quote(secret, safe="")}:
                    text = text.replace(form_of, REDACTED)
            return text

        entry = JournalEntry(
            method=method.upper(),
            path=scrub(path),
            query={k: REDACTED if k.lower() in self._secret_keys else scrub(v) for k, v in query.items()},
            headers={k.lower(): _redact_header(k.lower(), v, scrub) for k, v in headers.items()},
            body=scrub(body),
            json=_redact_json(json, self._secret_keys, scrub) if json is not None else None,
            form=(
                {k: REDACTED if k.lower() in self._secret_keys else scrub(v) for k, v in form.items()}
                if form is not None
                else None
            ),
            status=status,
            at=time.time(),
        )
        with self._changed:
            self._entries.append(entry)
            self._changed.notify_all()
        return entry

    def entries(self, path_prefix: str | None = None, method: str | None = None) -> list[JournalEntry]:
        with self._changed:
            entries = list(self._entries)
        return [
            e
            for e in entries
            if (path_prefix is None or e.path.startswith(path_prefix))
            and (method is None or e.method == method.upper())
        ]

    def wait_for(self, predicate: Callable[[list[JournalEntry]], bool], timeout: float) -> bool:
        """Block until `predicate(entries)` holds (checked on every new entry) or `timeout` passes."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(list(self._entries)), timeout)

    def clear(self) -> None:
        with self._changed:
            self._entries.clear()
            self._changed.notify_all()


def _credential(header_value: str) -> str:
    """The secret part of an Authorization-style header ("Bearer abc" -> "abc")."""
    parts = header_value.split(None, 1)
    return parts[1] if len(parts) == 2 else header_value


def _redact_header(name: str, value: str, scrub: Callable[[str], str]) -> str:
    if name in {"authorization", "proxy-authorization"}:
        scheme = value.split(None, 1)[0].lower() if value.strip() else ""
        return f"<redacted {scheme}>" if scheme in {"bearer", "basic"} else REDACTED
    return REDACTED if name in SECRET_HEADERS else scrub(value)


def _secret_values(pairs: Mapping[str, str], keys: frozenset[str]) -> set[str]:
    return {v for k, v in pairs.items() if k.lower() in keys and v}


def _secret_json_values(value: Any, keys: frozenset[str]) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and k.lower() in keys and isinstance(v, str):
                found.add(v)
            else:
                found |= _secret_json_values(v, keys)
    elif isinstance(value, list):
        for item in value:
            found |= _secret_json_values(item, keys)
    return found


def _redact_json(value: Any, keys: frozenset[str], scrub: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and k.lower() in keys else _redact_json(v, keys, scrub)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_json(item, keys, scrub) for item in value]
    if isinstance(value, str):
        return scrub(value)
    return value


CONTROL_PREFIX = "/_sandbox/"


def journal_middleware(journal: Journal) -> Middleware:
    """aiohttp middleware recording every request with its final status. Install it outermost, so
    the status it sees includes injected faults. Sandbox control routes are not recorded."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        raw = await request.read()  # cached by aiohttp, so the handler can read it again
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            if request.transport is None or request.transport.is_closing():
                status = 0  # nothing reached the client
            _record(journal, request, raw, status)

    return middleware


def _record(journal: Journal, request: web.Request, raw: bytes, status: int) -> None:
    body = raw.decode("utf-8", errors="replace")
    parsed_json: Any | None = None
    form: dict[str, str] | None = None
    if request.content_type == "application/json" and body:
        try:
            parsed_json = jsonlib.loads(body)
        except ValueError:
            parsed_json = None
    elif request.content_type == "application/x-www-form-urlencoded":
        form = dict(parse_qsl(body, keep_blank_values=True))
    journal.record(
        request.method,
        request.path,
        query={k: v for k, v in request.query.items()},
        headers={k: v for k, v in request.headers.items()},
        body=body,
        status=status,
        json=parsed_json,
        form=form,
    )
