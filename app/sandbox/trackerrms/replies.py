"""How the TrackerRMS emulator answers a Widget API call: a `{status, message, count, …}` body,
HTTP 200 even for application errors (status 1, 2, 3 or 99), and validation problems in words."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError


def body(status: int, message: str, *, count: int = 0, **extra: Any) -> dict[str, Any]:
    return {"status": status, "message": message, "count": count, **extra}


def ok(count: int = 0, **extra: Any) -> dict[str, Any]:
    return body(0, "success", count=count, **extra)


def status_reply(status: int, message: str) -> web.StreamResponse:
    # Application errors come with HTTP 200 and the status in the body [U].
    return web.json_response(body(status, message))


def problems(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts) + "."
