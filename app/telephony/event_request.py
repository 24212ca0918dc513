"""A call event as the webhook and the instance door (`ringside event …`) receive it, checked in one
place: the fields, then the number, read once into the `CallEvent` handed on. A problem is a
`BadEvent` naming the field."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.models import CallEvent, Direction, EventType
from app.core.phone import CallerNumber
from app.errors import InvalidNumber, RingsideError


class BadEvent(RingsideError):
    """The event can't be used; the message names the field (answered with HTTP 400)."""


class EventRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: EventType
    number: str
    direction: Direction = Direction.INBOUND
    call_id: str | None = None


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "body"
        parts.append(f"{field}: {err['msg']}")
    return "; ".join(parts)


def parse_event(body: Any, default_region: str | None, *, source: str) -> CallEvent:
    """The event in `body` (a decoded JSON object or query parameters), from `source`; raises BadEvent.
    A withheld or extension-only caller is an event like any other; text that is no number is not."""
    received_ns = time.perf_counter_ns()
    try:
        request = EventRequest.model_validate(body)
    except ValidationError as exc:
        raise BadEvent(validation_message(exc)) from None
    try:
        number = CallerNumber.parse(request.number, default_region)
    except InvalidNumber as exc:
        raise BadEvent(f"number: {exc}") from None
    return CallEvent(type=request.type, number=number, direction=request.direction, call_id=request.call_id,
                     source=source, at=datetime.now(UTC), received_ns=received_ns)
