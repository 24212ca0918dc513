"""What core needs of storage: the store protocols and the rows they return.

Storage implements these (SQLite tables in `app.storage`, the OS keyring for secrets); core and
the connectors depend only on the protocols, so tests can hand them in-memory fakes. Core writes
through `written` / `write_off_loop`, which keep the disk off the event loop for a store that has a
writer thread (`WritesOffLoop`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:  # only annotations here: reading history needs no pydantic
    from app.core.models import NoteDraft, NoteStatus

# -- call history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallRow:
    call_id: str
    number: str
    e164: str | None
    direction: str
    state: str
    source: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    matches: list[dict[str, Any]]
    timings: dict[str, Any]
    notes: list[dict[str, Any]]


@dataclass(frozen=True)
class MissedRow:
    """Missed inbound calls from one number, not yet called back nor dismissed."""

    key: str  # the E.164 number (or the raw text when it was not a number): what dismissal names
    number: str
    e164: str | None
    count: int
    last: CallRow  # the latest of them


class CallStore(Protocol):
    """Where the switchboard saves each call as it changes."""

    def save_call(
        self, *, call_id: str, number: str, e164: str | None, direction: str, state: str, source: str,
        started_at: datetime, answered_at: datetime | None, ended_at: datetime | None,
        matches: list[dict[str, Any]], timings: dict[str, Any],
    ) -> Future[None]:
        """Queue the call's latest state for writing, off the event loop and in the order queued; the
        Future completes once it is committed (or holds why not). May raise at once instead."""
        ...


class CallbackStore(Protocol):
    def dismiss_callback(self, key: str) -> int:
        """Take a number off the missed-call callback list; how many calls that was."""
        ...


class HistoryStore(CallbackStore, Protocol):
    """Past calls and the missed-call callback list, as stored."""

    def recent_calls(self, limit: int = 20) -> list[CallRow]: ...
    def call(self, call_id: str) -> CallRow | None: ...
    def search_calls(self, text: str, limit: int = 200) -> list[CallRow]: ...
    def missed_callbacks(self, limit: int = 50) -> list[MissedRow]: ...
    def last_call(self, e164: str, before: datetime) -> tuple[CallRow | None, int]:
        """The latest call with `e164` started before `before` (with its notes), and how many
        calls with it came before that one."""
        ...


class HistoryDatabase(CallStore, HistoryStore, Protocol):
    """The history database: calls are saved to it as they change and read back from it."""


# -- the note outbox -----------------------------------------------------------------------------

WAIT_SIGN_IN = "sign_in"  # NoteRow.waiting: the note waits for its account's sign-in


class NoteBusy(Exception):
    """The note is being sent right now; it can't be edited until the CRM has answered."""


@dataclass(frozen=True)
class NoteRow:
    id: int
    call_id: str
    account_id: str
    record_key: str
    draft: NoteDraft
    status: NoteStatus
    attempts: int
    next_attempt_at: float
    last_error: str
    remote_id: str | None
    sending: bool = False
    waiting: str = ""
    confirmed: bool = False
    dismissed: bool = False


class NoteStore(Protocol):
    """The durable note outbox: a note is committed here before anything is sent."""

    def enqueue_note(self, draft: NoteDraft) -> int: ...
    def note(self, note_id: int) -> NoteRow: ...
    def note_for(self, call_id: str, record_key: str) -> NoteRow | None: ...
    def due_notes(self, now: float) -> list[NoteRow]: ...
    def pending_notes(self) -> list[NoteRow]: ...
    def interrupted_notes(self) -> list[NoteRow]: ...
    def attention_count(self) -> int: ...
    def claim(self, note_id: int) -> bool: ...  # False: not pending, or already being sent
    def release(self, note_id: int) -> None: ...  # claimed, but nothing was sent after all
    def mark_attempt(self, note_id: int, *, error: str, next_attempt_at: float, waiting: str = "") -> None: ...
    def mark_logged(self, note_id: int, remote_id: str | None) -> None: ...
    def mark_failed(self, note_id: int, error: str) -> None: ...
    def mark_unconfirmed(self, note_id: int, error: str) -> None: ...
    def wake_waiting(self, account_ids: set[str] | None = None) -> int: ...
    def make_due(self) -> int: ...
    def retry_note(self, call_id: str, record_key: str) -> int | None: ...
    def confirm_note(self, call_id: str, record_key: str) -> int | None: ...
    def dismiss_note(self, call_id: str, record_key: str) -> int | None: ...


# -- writing off the event loop -------------------------------------------------------------------

T = TypeVar("T")
S = TypeVar("S")


@runtime_checkable
class WritesOffLoop(Protocol):
    """A store that writes off the event loop: `write(store)` is run on its writer thread, with the
    store as that thread sees it, after the writes queued before it; the Future holds what it returned
    once committed (or what it raised: `NotStored` among it). The store's reads wait for those writes."""

    def off_loop(self, write: Callable[[Any], T]) -> Future[T]: ...


def write_off_loop(store: S, write: Callable[[S], T]) -> Future[T]:
    """Queue `write(store)` now: on the store's writer thread when it has one, else (a store in memory)
    run here and now. Either way the Future holds the result or the exception."""
    if isinstance(store, WritesOffLoop):
        return store.off_loop(write)
    return run_now(store, write)


def run_now(store: S, write: Callable[[S], T]) -> Future[T]:
    """`write(store)` here and now, its result or exception on a Future, as a writer thread hands it back."""
    done: Future[T] = Future()
    try:
        done.set_result(write(store))
    except Exception as exc:  # handed back on the Future, as the writer thread does
        done.set_exception(exc)
    return done


async def written(store: S, write: Callable[[S], T]) -> T:
    """`write_off_loop`, awaited: returns once the write is committed, or raises what it raised."""
    import asyncio  # here: reading history (this module's rows) runs no event loop

    return await asyncio.wrap_future(write_off_loop(store, write))


# -- the lookup cache ----------------------------------------------------------------------------


class CacheBackend(Protocol):
    """Each account's last answer per number: (status, result JSON, stored at)."""

    def get(self, account_id: str, e164: str) -> tuple[str, str, float] | None: ...
    def put(self, account_id: str, e164: str, status: str, result: str, stored_at: float) -> None: ...
    def delete(self, account_id: str | None = None, e164: str | None = None,
               older_than: float | None = None) -> int: ...


# -- secrets -------------------------------------------------------------------------------------


class SecretStore(Protocol):
    """Client secrets and tokens, one entry per account and name (never in config or logs)."""

    def get(self, account_id: str, name: str) -> str | None: ...
    def set(self, account_id: str, name: str, value: str) -> None: ...
    def delete(self, account_id: str, name: str) -> None: ...
