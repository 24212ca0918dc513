"""Past calls as the UI sees them, retroactive notes, and the missed-call callback list.

Calls outlive their in-memory session in the database; here they become `CallView`s again (the
same views the card and note form render), so a call from last week can be shown, noted and
retried like one that just ended. A note written for a past call is logged with that call's own
direction, start time and duration — never "now".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from app.core.models import AccountResult, Direction, LookupStatus, NoteDraft, NoteStatus, Record, RecordType
from app.core.outbox import Outbox
from app.core.phone import CallerNumber, NumberKind, try_normalise
from app.core.stores import CallbackStore, CallRow, HistoryStore, NoteRow, written
from app.core.views import CallState, CallView, LastCall, MissedCall, NoteTarget

log = logging.getLogger(__name__)


class CallHistory:
    def __init__(self, store: HistoryStore, outbox: Outbox, *, labels: Callable[[], dict[str, str]],
                 region: Callable[[], str | None]) -> None:
        self._store = store
        self._outbox = outbox
        self._labels = labels  # account id → label, of the accounts configured now
        self._region = region

    def calls(self, limit: int = 200, search: str = "") -> list[CallView]:
        """The newest calls; with `search`, those whose number, matched name or company, or note
        text holds it."""
        labels = self._labels()
        rows = self._store.search_calls(search, limit) if search.strip() else self._store.recent_calls(limit)
        return [to_view(row, labels, self._region()) for row in rows]

    def view(self, call_id: str) -> CallView | None:
        row = self._store.call(call_id)
        return to_view(row, self._labels(), self._region()) if row is not None else None

    async def save_note(self, call_id: str, text: str, record_keys: list[str]) -> list[NoteRow]:
        """Log a note for a call that is no longer in memory, as of that call; returns once committed.
        Raises KeyError when the call is unknown; NoteBusy and NotStored as Outbox.submit does."""
        view = self.view(call_id)
        if view is None:
            raise KeyError(call_id)
        rows = []
        for key in record_keys:
            record = next((r for r in view.matches if r.key == key), None)
            if record is None:
                continue
            draft = NoteDraft(call_id=call_id, account_id=record.account_id, record=record,
                              direction=view.direction, text=text, call_started_at=view.started_at,
                              duration_s=view.duration_s)
            rows.append(await self._outbox.submit(draft))
        return rows

    def missed(self, limit: int = 50) -> list[MissedCall]:
        """Asked on every tray update (the badge), so built straight from the rows: no full views."""
        region = self._region()
        labels = self._labels()
        out = []
        for row in self._store.missed_callbacks(limit):
            matches = row.last.matches
            who = next((m for m in matches if m.get("chosen")), matches[0] if matches else None)
            account = str(who.get("account", "")) if who else ""
            out.append(MissedCall(
                key=row.key, number=row.number, number_display=_display(row.e164 or row.number, region),
                e164=row.e164, count=row.count, last_at=row.last.started_at, call_id=row.last.call_id,
                name=str(who.get("name") or "") if who else "", account_label=labels.get(account, account),
            ))
        return out

    async def count_missed(self, limit: int = 50) -> int:
        """How many entries `missed` would list. Read where the store writes, after the writes queued
        before it (the database's writer thread): the tray asks after every change, and its event loop
        must not wait on the disk while those writes finish."""
        return await written(self._store, _count_missed(limit))

    async def dismiss_missed(self, key: str) -> int:
        """Off the event loop where the store writes there; returns once committed."""
        return await written(self._store, _dismiss(key))

    def last_call(self, e164: str, before: datetime) -> LastCall | None:
        return last_call(self._store, e164, before)


def last_call(store: HistoryStore, e164: str, before: datetime) -> LastCall | None:
    """The previous call with this number (for the ringing card), or None when it is the first."""
    row, earlier = store.last_call(e164, before)
    if row is None:
        return None
    texts = (str(n.get("text") or "").strip() for n in row.notes)
    note = next((t.splitlines()[0].strip() for t in texts if t), "")
    talked = row.ended_at - row.answered_at if row.answered_at and row.ended_at else None
    state = CallState(row.state) if row.state in CallState._value2member_map_ else CallState.ENDED
    return LastCall(call_id=row.call_id, started_at=row.started_at,
                    direction=Direction.OUTBOUND if row.direction == Direction.OUTBOUND.value else Direction.INBOUND,
                    state=state, duration_s=max(0, round(talked.total_seconds())) if talked else 0, note=note,
                    earlier=earlier)


def _count_missed(limit: int) -> Callable[[HistoryStore], int]:
    return lambda store: len(store.missed_callbacks(limit))


def _dismiss(key: str) -> Callable[[CallbackStore], int]:
    return lambda store: store.dismiss_callback(key)


@lru_cache(maxsize=512)
def _display(number: str, region: str | None) -> str:
    phone = try_normalise(number, region)
    return phone.display(region) if phone else number


def to_view(row: CallRow, labels: dict[str, str], region: str | None) -> CallView:
    """A stored call as the view its card showed (complete: no lookup is running for it)."""
    records: dict[str, list[Record]] = {}
    selected: dict[str, str] = {}
    for match in row.matches:
        record = _record(match)
        if record is None:
            continue
        records.setdefault(record.account_id, []).append(record)
        if match.get("chosen"):
            selected[record.account_id] = record.key
    statuses: dict[str, str] = dict(row.timings.get("lookup_status") or {})
    for account_id in records:
        statuses.setdefault(account_id, LookupStatus.FOUND.value)
    accounts = tuple(
        AccountResult(account_id=account_id, account_label=labels.get(account_id, account_id),
                      status=_status(status), records=tuple(records.get(account_id, ())), complete=True)
        for account_id, status in statuses.items()
    )
    known = {r.key: r for rs in records.values() for r in rs}
    notes = tuple(_note_target(n, known, labels) for n in row.notes)
    try:
        state = CallState(row.state)
    except ValueError:
        state = CallState.ENDED
    return CallView(
        call_id=row.call_id, number=row.number,
        number_display=_display(row.e164 or row.number, region),
        e164=row.e164, invalid_reason=None if row.e164 else "not a phone number",
        number_kind=NumberKind.NUMBER if row.e164 else CallerNumber.read(row.number, region).kind,
        direction=Direction(row.direction) if row.direction in Direction._value2member_map_ else Direction.INBOUND,
        state=state, started_at=row.started_at, answered_at=row.answered_at,
        ended_at=row.ended_at or (row.started_at if state in (CallState.ENDED, CallState.MISSED) else None),
        accounts=accounts, selected=selected, notes=notes,
    )


def _status(value: str) -> LookupStatus:
    try:
        status = LookupStatus(value)
    except ValueError:
        return LookupStatus.ERROR
    # A lookup still pending when the call was last saved will never answer now.
    return LookupStatus.ERROR if status is LookupStatus.PENDING else status


def _record(match: dict[str, Any]) -> Record | None:
    try:
        return Record(
            account_id=str(match["account"]), type=RecordType(match.get("type", "other")),
            id=None if match.get("id") is None else str(match["id"]), name=str(match.get("name") or ""),
            job_title=match.get("job_title") or "", company=match.get("company") or "",
            link=match.get("link"), type_label=match.get("type_label") or "",
        )
    except (KeyError, ValueError, ValidationError):
        log.info("Skipping an unreadable match in history")
        return None


def _note_target(note: dict[str, Any], known: dict[str, Record], labels: dict[str, str]) -> NoteTarget:
    record = known.get(note["record_key"])
    if record is None and note.get("record"):
        try:
            record = Record.model_validate(note["record"])
        except ValidationError:
            record = None
    if record is None:
        record = Record(account_id=note["account_id"], type=RecordType.OTHER, id=None,
                        name=note.get("record_name") or note["record_key"], link=note.get("link"))
    status = NoteStatus(note["status"]) if note["status"] in NoteStatus._value2member_map_ else NoteStatus.FAILED
    message = note.get("error") or ""
    if status is NoteStatus.LOGGED and note.get("confirmed"):
        message = "You confirmed it is in the CRM."
    return NoteTarget(note["account_id"], labels.get(note["account_id"], note["account_id"]), record,
                      status, message, text=note.get("text") or "")

