"""A call event as the webhook and the instance door (`ringside event …`) receive it, checked in one
place: the fields, then that the number can be read. A problem is a `BadEvent` naming the field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.models import Direction, EventType
from app.core.phone import normalise
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


def parse_event(body: Any, default_region: str | None) -> EventRequest:
    """The event in `body` (a decoded JSON object or query parameters); raises BadEvent."""
    try:
        event = EventRequest.model_validate(body)
    except ValidationError as exc:
        raise BadEvent(validation_message(exc)) from None
    try:
        normalise(event.number, default_region)
    except InvalidNumber as exc:
        raise BadEvent(f"number: {exc}") from None
    return event
