"""How the retailCRM emulator reads requests and answers errors: the API key check, form bodies only,
JSON strings in form fields, and the `{success: false, errorMsg, errors}` shape."""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from pydantic import BaseModel, ValidationError

from app.sandbox.retailcrm import models as m

API = "/api/v5"
FORM = "application/x-www-form-urlencoded"


def invalid(errors: dict[str, str]) -> web.Response:
    return web.json_response(m.input_errors(errors), status=400)


def error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"success": False, "errorMsg": message}, status=status)


def api_key_middleware(keys: Sequence[str]) -> Middleware:
    """Every /api/v5 call needs a known key (header or `apiKey`; 403 as retailCRM answers), and a POST
    a form body (a JSON body is refused)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API + "/"):
            return await handler(request)
        offered = request.headers.get("X-API-KEY") or request.query.get("apiKey")
        if not offered:
            return error('"apiKey" is missing.', 403)
        if not any(hmac.compare_digest(offered.encode(), key.encode()) for key in keys):
            return error('Wrong "apiKey" value.', 403)
        if request.method == "POST" and request.content_type != FORM:
            return error(f"The body must be {FORM}, with nested objects as JSON strings in one field "
                         f"(got {request.content_type or 'no content type'}).", 400)
        return await handler(request)

    return middleware


async def json_field(request: web.Request, name: str, model: type[BaseModel] | None = None) -> Any:
    """The form field `name` parsed as JSON (and validated with `model`), or the web.Response refusing it."""
    form = await request.post()
    raw = form.get(name)
    if not isinstance(raw, str) or not raw:
        return invalid({name: f"Parameter '{name}' is missing."})
    try:
        value = json.loads(raw)
    except ValueError:
        return invalid({name: f"Parameter '{name}' must be a JSON string."})
    if model is None:
        return value
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        return invalid(m.problems(exc, name))


async def undocumented_fields(request: web.Request, *documented: str) -> web.Response | None:
    """The refusal of form fields the method does not document (a `clientId` beside `event=` or
    `calls=`: the current clients send none), or None."""
    form = await request.post()
    extra = sorted(set(form) - set(documented))
    if not extra:
        return None
    return invalid({name: "This parameter is not expected." for name in extra})
