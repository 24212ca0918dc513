"""Deliver stored notes to their CRMs in the background, retrying what is worth retrying, and never
sending a note twice to a CRM that can't tell repeats apart.

The note is already committed to the database when it gets here (see `NoteStore`), so a crash
or restart only delays delivery: `run()` picks up every pending note again. What happens to a try:

    logged                                   → logged
    can't connect, DNS, 5xx, 408             → retried with exponential backoff and jitter
    429 / 503                                → retried after the CRM's Retry-After (the whole account waits)
    401 (NeedsSignIn)                        → waits for sign-in; retried at once when accounts reload
    other 4xx (Rejected)                     → failed, with the CRM's own message
    sent, outcome unknown (a timeout after   → idempotent CRM: retried (it ignores repeats);
      sending, a broken connection, an         otherwise unconfirmed: the recruiter checks the record
      unreadable answer, a crash mid-request)  and confirms it, or sends it again

Notes go out one at a time per account, oldest first, so a rate-limited CRM is not hammered and
one account's outage never delays another's notes. Every write (a new note, claimed, logged,
failed …, the recruiter's retry or confirmation), many of which fsync, is done on the store's writer
thread when it has one (`stores.written`), and awaited: nothing is reported before it is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from app.core.models import NoteDraft, NoteStatus, Receipt
from app.core.ports import Connector
from app.core.stores import WAIT_SIGN_IN, NoteRow, NoteStore, write_off_loop, written
from app.errors import BadResponse, ConnectorError, NeedsSignIn, RateLimited, Rejected, Unavailable

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 300.0
T = TypeVar("T")
RETRY_AFTER_CAP_S = 3600.0  # a Retry-After beyond this is taken as a mistake, not a day's silence


@dataclass(frozen=True)
class OutboxPolicy:
    """Timings (the [outbox] section of config.toml)."""

    backoff_initial_s: float = 2.0
    backoff_max_s: float = MAX_BACKOFF_S
    delivery_timeout_s: float = 20.0
    sign_in_retry_s: float = 900.0


def backoff(attempts: int, retry_after: float | None = None, *, initial: float = 2.0,
            maximum: float = MAX_BACKOFF_S) -> float:
    """Seconds before the next try: the CRM's Retry-After if it gave one (even beyond `maximum`:
    the CRM knows best), else exponential with ±25 % jitter (initial, 2×, 4× … capped at `maximum`)."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), RETRY_AFTER_CAP_S)
    base = min(initial * 2 ** min(attempts, 30), maximum)
    return float(base * random.uniform(0.75, 1.25))


@dataclass
class NoteCounts:
    """Failed or unconfirmed notes: the outbox keeps the count current, the tray reads it."""

    attention: int = 0


class Outbox:
    def __init__(
        self,
        store: NoteStore,
        connectors: Mapping[str, Connector],
        on_change: Callable[[NoteRow], None],
        clock: Callable[[], float] = time.time,
        policy: OutboxPolicy | None = None,
        counts: NoteCounts | None = None,
    ) -> None:
        self._store = store
        self._connectors = connectors
        self._on_change = on_change
        self._clock = clock
        self.policy = policy or OutboxPolicy()
        self._wake = asyncio.Event()
        self._workers: dict[str, asyncio.Task[None]] = {}  # account id → its delivery task
        self._paused_until: dict[str, float] = {}  # account id → no request before (Retry-After, outage)
        self._closing = False
        self._recovered = False
        self.counts = counts or NoteCounts()
        self.counts.attention = store.attention_count()

    # -- intents -------------------------------------------------------------------------------

    def set_connectors(self, connectors: Mapping[str, Connector]) -> None:
        """Accounts were reloaded (after a sign-in, among others): notes waiting for a sign-in go now."""
        self._connectors = connectors
        self._paused_until.clear()
        # Queued now, so the worker's next read (which waits for queued writes) finds them due.
        waking = write_off_loop(self._store, lambda store: store.wake_waiting())
        waking.add_done_callback(_log_failure("Notes waiting for a sign-in could not be made due"))
        self.wake()

    async def submit(self, draft: NoteDraft) -> NoteRow:
        """Commit the note, then nudge the worker. Returns the stored row (pending, unless that
        call+record was already logged or is awaiting confirmation) once it is committed. Raises
        NoteBusy while an earlier text of it is on its way; NotStored when it could not be written."""
        note_id = await self._write(lambda store: store.enqueue_note(draft))
        self.wake()
        return self._store.note(note_id)

    async def retry(self, call_id: str, record_key: str) -> NoteRow | None:
        return self._decided(await self._write(lambda store: store.retry_note(call_id, record_key)))

    async def confirm(self, call_id: str, record_key: str) -> NoteRow | None:
        return self._decided(await self._write(lambda store: store.confirm_note(call_id, record_key)))

    async def dismiss(self, call_id: str, record_key: str) -> NoteRow | None:
        return self._decided(await self._write(lambda store: store.dismiss_note(call_id, record_key)))

    def _decided(self, note_id: int | None) -> NoteRow | None:
        if note_id is None:
            return None
        self.wake()
        return self._changed(note_id, always=True)

    def wake(self) -> None:
        self._wake.set()

    # -- the worker ----------------------------------------------------------------------------

    async def recover(self) -> None:
        """At start-up: pending notes go at once (a new start often means a new network); notes that
        were on the wire when Ringside last stopped are resent where the CRM ignores repeats, and
        otherwise left for the recruiter to confirm (they may have arrived)."""
        self._recovered = True
        await self._write(lambda store: store.make_due())
        for note in self._store.interrupted_notes():
            connector = self._connectors.get(note.account_id)
            label = connector.label if connector else note.account_id
            if connector is not None and connector.capabilities.idempotent_log:
                await self._write(partial(_resend, note.id))
                log.info("Note %s was being sent when Ringside stopped; resending (idempotent)", note.id)
            else:
                text = self._unsure_text(note, label, f"Ringside stopped while sending this note to {label}")
                await self._write(partial(_unconfirmed, note.id, text))
                log.warning("Note %s was being sent when Ringside stopped; needs confirmation", note.id)
            self._changed(note.id)

    async def run(self) -> None:
        if not self._recovered:
            try:
                await self.recover()
            except Exception:  # e.g. a read-only database: notes still go out, their states can't be saved
                log.exception("Notes of the last run could not be brought up to date")
        try:
            while not self._closing:
                self._wake.clear()
                now = self._clock()
                for note in self._store.due_notes(now):
                    account = note.account_id
                    if account not in self._workers and self._paused_until.get(account, 0.0) <= now:
                        self._workers[account] = asyncio.get_running_loop().create_task(self._drain(account))
                delay = self._next_due(now)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
        finally:
            for task in list(self._workers.values()):
                task.cancel()
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def aclose(self, grace_s: float = 3.0) -> None:
        """Start nothing new; give requests already on the wire `grace_s` to be answered, so a
        normal quit doesn't leave their outcome unknown."""
        self._closing = True
        self.wake()
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=grace_s)

    def _next_due(self, now: float) -> float | None:
        times = [max(n.next_attempt_at, self._paused_until.get(n.account_id, 0.0))
                 for n in self._store.pending_notes()
                 if n.account_id not in self._workers and not n.sending]
        return max(0.0, min(times) - now) if times else None

    async def _drain(self, account_id: str) -> None:
        """Deliver an account's due notes one at a time, oldest first, until none is due or the
        account has to wait."""
        try:
            while not self._closing and self._paused_until.get(account_id, 0.0) <= self._clock():
                due = [n for n in self._store.due_notes(self._clock()) if n.account_id == account_id]
                if not due:
                    break
                await self._deliver(due[0])
        except Exception:  # a bug or a database that can't be written must not kill the outbox
            log.exception("Delivering notes for %s failed unexpectedly", account_id)
            # The note stays pending and visible; wait before trying again rather than spin.
            self._paused_until[account_id] = self._clock() + self.policy.backoff_max_s
        finally:
            self._workers.pop(account_id, None)
            self.wake()

    async def _write(self, write: Callable[[NoteStore], T]) -> T:
        """A write, off the event loop when the store can do that; committed on return."""
        return await written(self._store, write)

    async def _deliver(self, note: NoteRow) -> None:
        connector = self._connectors.get(note.account_id)
        if connector is None:
            error = f"Account '{note.account_id}' is no longer configured."
            await self._write(lambda store: store.mark_failed(note.id, error))
            self._changed(note.id)
            return
        label = connector.label
        if not await self._claim(note.id):  # durably, before the request can leave
            return  # another Ringside on this file took it (or it was settled meanwhile)
        try:
            async with asyncio.timeout(self.policy.delivery_timeout_s):
                receipt: Receipt = await connector.log_call(note.draft)
        except TimeoutError:
            await self._unsure(note, connector,
                               f"{label} didn't confirm within {self.policy.delivery_timeout_s:g} s")
        except NeedsSignIn as exc:
            error, when = f"Waiting for you to sign in to {label} again: {exc}", \
                self._clock() + self.policy.sign_in_retry_s
            await self._write(lambda store: store.mark_attempt(note.id, error=error, next_attempt_at=when,
                                                               waiting=WAIT_SIGN_IN))
        except Unavailable as exc:
            if exc.sent:
                await self._unsure(note, connector, _sentence(str(exc)))
            else:
                await self._retry(note, str(exc), None, pause=True)
        except RateLimited as exc:
            await self._retry(note, str(exc), exc.retry_after, pause=True)
        except Rejected as exc:
            if exc.status == 408:  # the server gave up waiting for the request: nothing was done
                await self._retry(note, str(exc), None, pause=False)
            else:
                await self._fail(note, str(exc))
        except BadResponse as exc:  # it answered, but not in a way that says the note was stored
            await self._unsure(note, connector, _sentence(str(exc)))
        except ConnectorError as exc:
            await self._fail(note, str(exc))
        except Exception as exc:  # a bug must not kill the worker; the note stays visible as failed
            log.exception("Delivering note %s failed unexpectedly", note.id)
            await self._fail(note, f"Unexpected problem ({exc.__class__.__name__}).")
        else:
            await self._write(lambda store: store.mark_logged(note.id, receipt.remote_id))
        # CancelledError (quitting mid-request) leaves the note marked as sending: the next start
        # treats it as an unknown outcome, which it is.
        self._changed(note.id)

    async def _claim(self, note_id: int) -> bool:
        try:
            return await self._write(lambda store: store.claim(note_id))
        except asyncio.CancelledError:  # quitting while the claim was written: nothing was sent
            # Queued after the claim, so done before the file closes.
            write_off_loop(self._store, lambda store: store.release(note_id))
            raise

    async def _fail(self, note: NoteRow, error: str) -> None:
        await self._write(lambda store: store.mark_failed(note.id, error))

    async def _retry(self, note: NoteRow, error: str, retry_after: float | None, *, pause: bool) -> None:
        delay = backoff(note.attempts, retry_after, initial=self.policy.backoff_initial_s,
                        maximum=self.policy.backoff_max_s)
        when = self._clock() + delay
        if pause:  # the CRM is down or asked us to slow down: the account's other notes wait too
            self._paused_until[note.account_id] = max(self._paused_until.get(note.account_id, 0.0), when)
        text = f"{_sentence(error)} Retrying in {_seconds(delay)}."
        await self._write(lambda store: store.mark_attempt(note.id, error=text, next_attempt_at=when))

    async def _unsure(self, note: NoteRow, connector: Connector, error: str) -> None:
        if connector.capabilities.idempotent_log:  # the CRM ignores a repeat of the same delivery key
            await self._retry(note, f"{error.rstrip('.')}; sending again is safe", None, pause=True)
            return
        # The request may have reached the CRM: resending could log the call twice.
        text = self._unsure_text(note, connector.label, error)
        await self._write(lambda store: store.mark_unconfirmed(note.id, text))

    @staticmethod
    def _unsure_text(note: NoteRow, label: str, error: str) -> str:
        return (f"{_sentence(error).rstrip('.')}, so it may or may not have been logged. Check "
                f"{note.draft.record.name} in {label}, then mark it logged or send it again.")

    @property
    def attention(self) -> int:
        return self.counts.attention

    def _changed(self, note_id: int, *, always: bool = False) -> NoteRow:
        row = self._store.note(note_id)
        self.counts.attention = self._store.attention_count()
        if always or row.status is not NoteStatus.PENDING or row.attempts:
            self._on_change(row)
        return row


def _resend(note_id: int, store: NoteStore) -> None:
    store.mark_attempt(note_id, error="", next_attempt_at=0.0)


def _unconfirmed(note_id: int, text: str, store: NoteStore) -> None:
    store.mark_unconfirmed(note_id, text)


def _log_failure(what: str) -> Callable[[Future[Any]], None]:
    def done(future: Future[Any]) -> None:
        if not future.cancelled() and (exc := future.exception()) is not None:
            log.error("%s: %s", what, exc)
    return done


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _seconds(delay: float) -> str:
    return f"{delay:.1f} s" if delay < 10 else f"{delay:.0f} s"
