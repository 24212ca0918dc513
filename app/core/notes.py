"""Notes of calls in memory: a saved note becomes one outbox entry per chosen record, and what the
outbox later says about each (logged, failed, unconfirmed) is shown on the call's card and the tray."""

from __future__ import annotations

from app.core.calls import CallBook
from app.core.models import NoteDraft, NoteStatus
from app.core.outbox import Outbox
from app.core.session import CallSession, NoteProgress
from app.core.stores import NoteBusy, NoteRow
from app.core.tray_state import TrayStatus
from app.core.views import SwitchboardListener


class NoteTaker:
    def __init__(self, outbox: Outbox, book: CallBook, tray: TrayStatus, listener: SwitchboardListener) -> None:
        self._outbox = outbox
        self._book = book
        self._tray = tray
        self._listener = listener

    def save(self, session: CallSession, text: str, record_keys: list[str]) -> None:
        """Queue the note for each record (by key) the recruiter ticked; the card shows each one's state."""
        session.note_closed = True
        for key in record_keys:
            record = session.record(key)
            if record is None:
                continue
            label = session.results[record.account_id].account_label
            draft = NoteDraft(
                call_id=session.call_id, account_id=record.account_id, record=record,
                direction=session.direction, text=text, call_started_at=session.started_at,
                duration_s=session.duration_s,
            )
            session.notes[key] = NoteProgress(record.account_id, label, record, NoteStatus.PENDING)
            try:
                row = self._outbox.submit(draft)  # not pending when already logged or being checked
                session.notes[key].status, session.notes[key].message = row.status, row.last_error
            except NoteBusy as exc:  # the earlier text is on the wire: it stays pending, as it is
                self._listener.message(str(exc), error=True)
            except Exception as exc:
                session.notes[key].status = NoteStatus.FAILED
                session.notes[key].message = f"Could not store the note: {exc}"
                self._listener.message(f"Could not store the note: {exc}", error=True)
        self._listener.call_updated(session.view())
        self._tray.refresh()


class NoteTracker:
    """What the outbox later says about each note, shown on the call's card and the tray."""

    def __init__(self, book: CallBook, tray: TrayStatus, listener: SwitchboardListener) -> None:
        self._book = book
        self._tray = tray
        self._listener = listener

    def changed(self, row: NoteRow) -> None:
        """The outbox delivered (or gave up on) a note."""
        session = self._book.get(row.call_id)
        if session is None:
            self._tray.refresh()  # a past call's note: the history window and tray refresh on this
            return
        progress = session.notes.get(row.record_key)
        if progress is None:
            record = row.draft.record
            label = session.results.get(record.account_id)
            progress = NoteProgress(record.account_id, label.account_label if label else record.account_id,
                                    record, row.status)
            session.notes[row.record_key] = progress
        progress.status = row.status
        progress.message = row.last_error
        self._listener.call_updated(session.view())
        self._tray.refresh()
