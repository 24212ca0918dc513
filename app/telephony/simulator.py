"""The built-in simulator: a pretend softphone the tray (and the demo) can ring, answer and hang up."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from app.core.models import CallEvent, Direction, EventType
from app.core.phone import NO_NUMBER, CallerNumber

SOURCE = "simulator"


class Simulator:
    """Turns the card's Answer / Hang up buttons into call events, like a softphone would."""

    def __init__(self, emit: Callable[[CallEvent], object]) -> None:
        self._emit = emit

    def _send(self, type_: EventType, call_id: str, number: CallerNumber = NO_NUMBER,
              direction: Direction = Direction.INBOUND) -> None:
        self._emit(CallEvent(type=type_, number=number, direction=direction, call_id=call_id,
                             source=SOURCE, at=datetime.now(UTC), received_ns=time.perf_counter_ns()))

    def ring(self, number: CallerNumber, call_id: str, direction: Direction = Direction.INBOUND) -> None:
        self._send(EventType.RING, call_id, number, direction)

    async def answer(self, call_id: str) -> None:
        self._send(EventType.ANSWER, call_id)

    async def hang_up(self, call_id: str) -> None:
        self._send(EventType.HANGUP, call_id)
