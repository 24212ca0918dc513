"""The HTTP layer of every request to a retailCRM account: the shared `Http`, paced and taught what
retailCRM's answers mean.

- Paced: every request waits for its slot in the account's pacer (app.crm.retailcrm.pacer).
- Throttled (503, 429): retried with exponential back-off (0.25 s, 0.5 s, 1 s; a longer Retry-After
  wins), and the whole account holds off meanwhile; after the last attempt RateLimited is raised.
- An HTML answer means no such account at that address (the public clients read any body starting
  with `<` as "account does not exist"): said as "this retailCRM account was not found at <host>".
  A redirect is not read that way: it stays a fault the shared layer retries later.
- Error bodies: `errorMsg` with the per-field `errors` after it, which say what was actually wrong.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import httpx

from app.crm._shared.http import Auth, Http
from app.crm.retailcrm.pacer import Pacer, pacer_for
from app.crm.retailcrm.wire import SERVICE, errors_text
from app.errors import RateLimited, Rejected

log = logging.getLogger(__name__)

ATTEMPTS = 4  # one request and up to three retries when throttled
BACKOFF_BASE_S = 0.25  # doubled after each throttled attempt
MAX_WAIT_S = 8.0  # a longer Retry-After is not waited for here: the caller retries later


def is_html(response: httpx.Response) -> bool:
    return response.content.lstrip()[:1] == b"<" or "html" in response.headers.get("Content-Type", "").lower()


def not_found_message(host: str) -> str:
    return (f"This retailCRM account was not found at {host}: it answered with a web page, not the API. "
            "Check the account's address in its settings (https://<your account>.retailcrm.ru).")


class RetailHttp(Http):
    def __init__(self, client: httpx.AsyncClient, *, base_url: str, auth: Auth | None = None,
                 headers: Mapping[str, str] | None = None, pacer: Pacer | None = None) -> None:
        super().__init__(client, service=SERVICE, base_url=base_url, auth=auth, headers=headers)
        self.pacer = pacer or pacer_for(base_url)

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await super().send(method, path, **kwargs)
            except RateLimited as exc:
                wait = max(BACKOFF_BASE_S * 2 ** (attempt - 1), exc.retry_after or 0.0)
                if attempt == ATTEMPTS or wait > MAX_WAIT_S:
                    raise
                log.info("%s throttled %s %s; backing off %.2f s (attempt %d of %d)", self.host, method, path,
                         wait, attempt, ATTEMPTS)
                self.pacer.hold(wait)
                await asyncio.sleep(0)  # let the hold apply before this request takes its next slot
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        await self.pacer.wait(path)
        return await super()._send_once(method, path, **kwargs)

    def _check_status(self, response: httpx.Response, secrets: AbstractSet[str] = frozenset()) -> None:
        # A redirect stays the shared layer's fault to retry later (a login page or a moved host may pass).
        status = response.status_code
        if status not in (429, 503) and not 200 <= status < 400 and is_html(response):
            raise Rejected(not_found_message(self.host), response.status_code)
        super()._check_status(response, secrets)

    def decode(self, response: httpx.Response) -> Any:
        if is_html(response):
            raise Rejected(not_found_message(self.host), response.status_code)
        return super().decode(response)

    @staticmethod
    def error_message(response: httpx.Response) -> str | None:
        reason = Http.error_message(response)
        try:
            body = response.json()
        except (ValueError, RecursionError):
            return reason
        details = errors_text(body.get("errors")) if isinstance(body, dict) else ""
        if reason and details:
            return f"{reason} ({details})"
        return reason or details or None
