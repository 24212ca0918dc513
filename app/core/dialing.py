"""Placing calls: what the switchboard needs of a dialer, and how a call Ringside placed meets the
softphone's own report of it.

When Ringside dials, the switchboard opens the outbound call at once (the card pops while the dialer
works). That call has no id from any source yet. A softphone that reports its calls (baresip) soon
sends the same call with an id of its own; `DialLinks` pairs the first such outbound event for the
same number with the waiting call, so the recruiter sees one card, and remembers the softphone's id
for Answer / Hang up. Dialers that report nothing (Puzzel's callout, the desktop's tel: handler) leave
the call to the recruiter: `ManualCalls` turns the card's buttons into "connected" and "ended".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from app.core.models import CallEvent, Direction, EventType
from app.core.phone import PhoneNumber

if TYPE_CHECKING:
    from app.core.session import CallSession

DIALER = "dialer"  # the source of calls placed through a dialer that reports nothing back
LINK_WINDOW_S = 120.0  # a softphone's report later than this after the dial is another call
_KEEP_LINKS = 200
NO_DIALER = ("No dialer is set up, so Ringside can't place calls. Add a [dialer] section to config.toml "
             '(kind = "baresip", "puzzel" or "system").')


class Dialer(Protocol):
    """Places a call to an already normalised number; raises a RingsideError the recruiter can read.

    `source` names the call source the call will be reported by: a softphone source's name when
    the softphone reports the calls it places (baresip), else DIALER."""

    source: str

    async def dial(self, number: PhoneNumber) -> None: ...


class DialLinks:
    """Calls Ringside placed, waiting for (or paired with) the softphone's report of them."""

    def __init__(self) -> None:
        self._waiting: dict[str, str] = {}  # our call id -> E.164, in dial order
        self._ours: dict[str, str] = {}  # the softphone's call id -> our call id
        self._theirs: dict[str, str] = {}  # our call id -> the softphone's call id

    def expect(self, call_id: str, e164: str) -> None:
        self._waiting[call_id] = e164

    def forget(self, call_id: str) -> None:
        self._waiting.pop(call_id, None)

    def remote_id(self, call_id: str) -> str | None:
        """The softphone's id for one of our calls, once paired."""
        return self._theirs.get(call_id)

    def match(self, event: CallEvent, sessions: Mapping[str, CallSession]) -> str | None:
        """Our call id for an event carrying a source's id we don't know: the call it was paired with
        before, or the newest waiting outbound call for the same number (which it is now paired with)."""
        if event.call_id is None:
            return None
        ours = self._ours.get(event.call_id)
        if ours is not None or event.direction is not Direction.OUTBOUND:
            return ours
        theirs = event.number.e164
        if theirs is None:
            return None
        for call_id, e164 in reversed(list(self._waiting.items())):
            session = sessions.get(call_id)
            if session is None or not session.open:
                del self._waiting[call_id]
                continue
            if e164 == theirs and (event.at - session.started_at).total_seconds() <= LINK_WINDOW_S:
                del self._waiting[call_id]
                self._link(call_id, event.call_id)
                return call_id
        return None

    def _link(self, ours: str, theirs: str) -> None:
        self._ours[theirs] = ours
        self._theirs[ours] = theirs
        while len(self._ours) > _KEEP_LINKS:  # dicts keep insertion order: drop the oldest
            old_theirs = next(iter(self._ours))
            self._theirs.pop(self._ours.pop(old_theirs), None)


class ManualCalls:
    """CallControl for calls no source reports (Puzzel, tel:): Answer and Hang up on the card record
    that the call connected or ended, so the timer runs and the note form follows."""

    def __init__(self, emit: Callable[[CallEvent], object],
                 session: Callable[[str], CallSession | None]) -> None:
        self._emit = emit
        self._session = session

    async def answer(self, call_id: str) -> None:
        self._record(call_id, EventType.ANSWER)

    async def hang_up(self, call_id: str) -> None:
        self._record(call_id, EventType.HANGUP)

    def _record(self, call_id: str, type_: EventType) -> None:
        session = self._session(call_id)
        if session is None:
            return
        self._emit(CallEvent(type=type_, number=session.number, direction=session.direction, call_id=call_id,
                             source=session.source, at=datetime.now(UTC)))
