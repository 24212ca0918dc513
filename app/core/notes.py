"""Notes of calls in memory: a saved note becomes one outbox entry per chosen record, and what the
outbox later says about each (logged, failed, unconfirmed) is shown on the call's card and the tray.
Saving is awaited: the notes are written off the event loop, and shown as saved once committed."""

from __future__ import annotations

from app.core.calls import CallBook
from app.core.drafts import Drafts
from app.core.models import NoteDraft, NoteStatus
from app.core.outbox import Outbox
from app.core.session import CallSession, NoteProgress
from app.core.stores import NoteBusy, NoteRow
from app.core.tray_state import TrayStatus
from app.core.views import SwitchboardListener


class NoteTaker:
    def __init__(self, outbox: Outbox, book: CallBook, tray: TrayStatus, listener: SwitchboardListener,
                 drafts: Drafts) -> None:
        self._outbox = outbox
        self.drafts = drafts
        self._book = book
        self._tray = tray
        self._listener = listener

    async def save(self, session: CallSession, text: str, record_keys: list[str]) -> bool:
        """Queue the note for each record (by key) the recruiter ticked; the card shows each one's state
        once it is committed. True when every one was stored: the call's draft is then done with.
        False when one was refused (a full or read-only disk; an earlier text still on its way): the
        recruiter is told, and the text stays the call's draft."""
        stored = True
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
            try:
                row = await self._outbox.submit(draft)  # not pending when already logged or being checked
            except NoteBusy as exc:  # the earlier text is on the wire: it stays pending, as it is
                session.notes.setdefault(key, NoteProgress(record.account_id, label, record, NoteStatus.PENDING))
                self._listener.message(str(exc), error=True)
                stored = False
            except Exception as exc:  # shown on the card as today; the text stays in the form and draft
                problem = f"Could not store the note: {exc}"
                session.notes[key] = NoteProgress(record.account_id, label, record, NoteStatus.FAILED, problem)
                self._listener.message(problem, error=True)
                stored = False
            else:
                session.notes[key] = NoteProgress(record.account_id, label, record, row.status, row.last_error)
        if stored:
            session.note_closed = True
            session.draft = ""
            await self.drafts.forget(session.call_id)
        else:  # what was typed is kept where history shows it (if the disk takes that)
            await self.keep_draft(session, text)
        self._listener.call_updated(session.view())
        self._tray.refresh()
        return stored

    async def keep_draft(self, session: CallSession, text: str, needs_pick: tuple[str, ...] = ()) -> None:
        """What the recruiter typed so far (or an auto-logged note waiting for picks), kept."""
        session.draft = text
        await self.drafts.keep(session.call_id, text, needs_pick)

    async def auto_log(self, session: CallSession, text: str) -> None:
        """`auto_log = true`: log to every account with a settled match; where the number matched
        several people and nobody picked, nothing is logged and the note waits as "needs a pick"."""
        view = session.view()
        await self.save(session, text, [r.key for r in view.chosen()])
        waiting = tuple(a.account_id for a in view.needs_pick())
        if waiting:
            await self.keep_draft(session, text, waiting)


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
