"""Bounds on what a CRM may send back: how many bytes of an answer are read, how long one request
may take in all, and how deeply its JSON may nest.

A connector's `Http` reads its limits from the client it is given: a `BoundedClient` carries an
account's own, any other httpx client gets the defaults. The body is streamed and reading stops
at the limit, so a 50 MB answer costs at most the limit in memory; JSON above `OFF_LOOP_BYTES` is
parsed on a worker thread so the event loop (and the card on it) never waits for it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from typing import Any

import httpx

from app.crm._shared.json_limits import TooDeep, loads_bounded

DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024
DEFAULT_DEADLINE_S = 20.0
# Parsing this much JSON takes a millisecond or so; larger bodies are parsed off the loop.
OFF_LOOP_BYTES = 64 * 1024


# httpcore asks which async library runs it by importing sniffio, several times per request; without
# sniffio installed each try searches the whole import path again (~0.2 ms a request). A None in
# sys.modules makes that failed import instant, and httpcore then assumes asyncio, as it does anyway.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]


class BoundedClient(httpx.AsyncClient):
    """An httpx client that also says how much of one answer may be read and how long one request
    may take from start to last byte (httpx's own timeouts are per phase: a server dripping a byte
    a second never trips them). It sends through aiohttp (app.crm._shared.transport)."""

    def __init__(self, *, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
                 deadline_s: float = DEFAULT_DEADLINE_S, **kwargs: Any) -> None:
        if "transport" not in kwargs:  # a test's MockTransport stays; everything else goes by aiohttp
            from app.crm._shared.transport import AiohttpTransport

            kwargs["transport"] = AiohttpTransport(kwargs.pop("limits", None))
        super().__init__(**kwargs)
        self.max_answer_bytes = max_answer_bytes
        self.deadline_s = deadline_s


def limits_of(client: httpx.AsyncClient) -> tuple[int, float]:
    """(answer bytes, overall deadline in seconds) for requests through `client`."""
    if isinstance(client, BoundedClient):
        return client.max_answer_bytes, client.deadline_s
    return DEFAULT_MAX_ANSWER_BYTES, DEFAULT_DEADLINE_S


class TooLarge(Exception):
    """The answer is longer than the limit; reading stopped there."""


async def read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """The (decompressed) body of a streamed response, or TooLarge as soon as it passes `max_bytes`.
    The response is closed either way."""
    chunks = response.aiter_bytes()
    try:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes and "Content-Encoding" not in response.headers:
            raise TooLarge
        body: list[bytes] = []
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge
            body.append(chunk)
        return b"".join(body)
    finally:
        # Close the stream while `chunks` is still held: the iterators left mid-body then finish
        # without awaiting when they go (an event loop without async-generator hooks, such as
        # the Qt one, would otherwise report "async generator ignored GeneratorExit").
        await response.aclose()


class ReadResponse(httpx.Response):
    """A response whose body was read within the limit; `json()` is bounded in depth and parsed
    once (`parse_off_loop` does it on a worker thread beforehand for a large body)."""

    _parsed: tuple[Any, ValueError | None] | None = None

    def json(self, **kwargs: Any) -> Any:
        if self._parsed is None:
            self._parsed = _outcome(self.content)
        value, error = self._parsed
        if isinstance(error, TooDeep):
            raise TooDeep(str(error))
        if error is not None:
            raise ValueError(str(error))
        return value

    async def parse_off_loop(self) -> None:
        if self._parsed is None and len(self.content) > OFF_LOOP_BYTES:
            self._parsed = await asyncio.to_thread(_outcome, self.content)


def _outcome(body: bytes) -> tuple[Any, ValueError | None]:
    try:
        return loads_bounded(body), None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, TooDeep
        return None, exc


def read_response(streamed: httpx.Response, body: bytes) -> ReadResponse:
    """A plain response holding `body` (already decompressed, so the encoding headers go)."""
    headers = [(k, v) for k, v in streamed.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return ReadResponse(streamed.status_code, headers=headers, content=body, request=streamed.request)
