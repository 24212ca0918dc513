"""Deliver stored notes to their CRMs in the background, retrying what is worth retrying.

The note is already committed to the database when it gets here (see storage.db), so a crash or
restart only delays delivery: `run()` picks up every pending note again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from app.connectors.base import Connector
from app.core.errors import ConnectorError, NeedsSignIn, RateLimited, Unavailable
from app.core.models import NoteDraft, NoteStatus, Receipt
from app.storage.db import NoteRow

log = logging.getLogger(__name__)

DELIVERY_TIMEOUT_S = 20.0
MAX_BACKOFF_S = 300.0
SIGN_IN_RETRY_S = 60.0


class NoteStore(Protocol):
    def enqueue_note(self, draft: NoteDraft) -> int: ...
    def note(self, note_id: int) -> NoteRow: ...
    def due_notes(self, now: float) -> list[NoteRow]: ...
    def pending_notes(self) -> list[NoteRow]: ...
    def mark_attempt(self, note_id: int, *, error: str, next_attempt_at: float) -> None: ...
    def mark_logged(self, note_id: int, remote_id: str | None) -> None: ...
    def mark_failed(self, note_id: int, error: str) -> None: ...


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next try: the CRM's Retry-After if it gave one, else exponential with
    jitter (2 s, 4 s, 8 s … capped at 5 min)."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_BACKOFF_S)
    base = min(2.0 * 2**attempts, MAX_BACKOFF_S)
    return float(base * random.uniform(0.75, 1.25))


class Outbox:
    def __init__(
        self,
        store: NoteStore,
        connectors: Mapping[str, Connector],
        on_change: Callable[[NoteRow], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._connectors = connectors
        self._on_change = on_change
        self._clock = clock
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()

    def set_connectors(self, connectors: Mapping[str, Connector]) -> None:
        self._connectors = connectors
        self.wake()

    def submit(self, draft: NoteDraft) -> NoteRow:
        """Commit the note, then nudge the worker. Returns the stored row (status pending)."""
        note_id = self._store.enqueue_note(draft)
        self.wake()
        return self._store.note(note_id)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            due = [n for n in self._store.due_notes(self._clock()) if n.id not in self._in_flight]
            if due:
                await asyncio.gather(*(self._deliver(n) for n in due))
                continue
            pending = [n.next_attempt_at for n in self._store.pending_notes()
                       if n.id not in self._in_flight]
            delay = max(0.0, min(pending) - self._clock()) if pending else None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def _deliver(self, note: NoteRow) -> None:
        connector = self._connectors.get(note.account_id)
        if connector is None:
            self._store.mark_failed(note.id, f"Account '{note.account_id}' is no longer configured.")
            self._changed(note.id)
            return
        self._in_flight.add(note.id)
        try:
            receipt: Receipt = await asyncio.wait_for(connector.log_call(note.draft), DELIVERY_TIMEOUT_S)
        except TimeoutError:
            self._unsure(note, f"{connector.label} didn't confirm within {DELIVERY_TIMEOUT_S:g} s")
        except NeedsSignIn as exc:
            self._store.mark_attempt(note.id, error=f"Waiting for sign-in: {exc}",
                                     next_attempt_at=self._clock() + SIGN_IN_RETRY_S)
        except Unavailable as exc:
            if exc.sent:
                self._unsure(note, str(exc))
            else:
                self._retry(note, str(exc), None)
        except RateLimited as exc:
            self._retry(note, str(exc), exc.retry_after)
        except ConnectorError as exc:
            self._store.mark_failed(note.id, str(exc))
        except Exception as exc:  # a bug must not kill the worker; the note stays visible as failed
            log.exception("Delivering note %s failed unexpectedly", note.id)
            self._store.mark_failed(note.id, f"Unexpected problem ({exc.__class__.__name__}).")
        else:
            self._store.mark_logged(note.id, receipt.remote_id)
        finally:
            self._in_flight.discard(note.id)
        self._changed(note.id)

    def _retry(self, note: NoteRow, error: str, retry_after: float | None) -> None:
        delay = backoff(note.attempts, retry_after)
        self._store.mark_attempt(note.id, error=f"{error} Retrying in {delay:.0f} s.",
                                 next_attempt_at=self._clock() + delay)

    def _unsure(self, note: NoteRow, error: str) -> None:
        # The request may have reached the CRM: resending could log the call twice, so the
        # recruiter checks the record and retries by hand.
        self._store.mark_failed(
            note.id, f"{error}; it may or may not have been logged. Check the record before retrying.")

    def _changed(self, note_id: int) -> None:
        row = self._store.note(note_id)
        if row.status is not NoteStatus.PENDING or row.attempts:
            self._on_change(row)
