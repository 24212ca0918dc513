"""The lookup cache: a repeat caller's card is painted from what each account said last time, at
once, while the CRM is asked again in the background (`LookupService` publishes what changed).

Entries are per account and normalised (E.164) number. Matches are shown for `found_ttl_s`; a "no
match" for the shorter `not_found_ttl_s` (a new contact is more likely than a vanished one). Only
complete, error-free answers are stored, and none longer than `max_entry_bytes` (an entry that long,
left by an older version, is dropped unread rather than parsed on every ring). Records created from
Ringside call `invalidate`, so the next ring asks the CRM. Writes go to the database's writer thread
(`stores.write_off_loop`), off the event loop. A read (at every ring, before the card's first paint)
does not wait for them: what was put or removed and is not committed yet is held here until it is,
and read from here. A broken cache never breaks a lookup: its errors are logged and ignored.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError

from app.core.models import AccountResult, LookupStatus
from app.core.stores import CacheBackend, write_off_loop

log = logging.getLogger(__name__)
T = TypeVar("T")
_Entry = tuple[str, str, float]  # status, result JSON, stored at: a row of the backend
_Key = tuple[str, str]  # account id, E.164 number


@dataclass(frozen=True)
class CachePolicy:
    enabled: bool = True
    found_ttl_s: float = 7 * 24 * 3600.0
    not_found_ttl_s: float = 3600.0
    # A card's worth of records (the record limit's) is a few KB; far more is no answer to keep.
    max_entry_bytes: int = 1024 * 1024


class LookupCache:
    def __init__(self, backend: CacheBackend, policy: CachePolicy | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._backend = backend
        self.policy = policy or CachePolicy()
        self._clock = clock
        # Queued and not yet committed (a write's Future completes on the writer thread, hence the lock):
        # per key, the entry put or None (removed), with the token of the write; and removals of whole
        # accounts or numbers, by token.
        self._lock = threading.Lock()
        self._unwritten: dict[_Key, tuple[object, _Entry | None]] = {}
        self._removing: dict[object, tuple[str | None, str | None]] = {}

    def get(self, account_id: str, e164: str) -> AccountResult | None:
        """The account's last complete answer for the number if still fresh, marked from_cache."""
        if not self.policy.enabled:
            return None
        started = time.perf_counter()
        try:
            entry = self._read(account_id, e164)
            if entry is None:
                return None
            status, payload, stored_at = entry
            if len(payload) > self.policy.max_entry_bytes:
                log.info("Dropping an oversized cache entry for %s (%d bytes)", account_id, len(payload))
                self._queue(lambda backend: backend.delete(account_id, e164), "cache entry removal")
                return None
            ttl = self.policy.found_ttl_s if status == LookupStatus.FOUND.value else self.policy.not_found_ttl_s
            if self._clock() - stored_at >= ttl:
                return None
            result = AccountResult.model_validate_json(payload)
        except (ValidationError, ValueError) as exc:  # written by another version: ask the CRM
            log.info("Ignoring an unreadable cache entry for %s: %s", account_id, exc.__class__.__name__)
            return None
        except Exception:
            log.exception("Lookup cache read failed")
            return None
        return result.model_copy(update={"from_cache": True,
                                         "elapsed_ms": (time.perf_counter() - started) * 1000})

    def put(self, e164: str, result: AccountResult) -> None:
        if not self.policy.enabled or not result.complete or result.error is not None:
            return
        if result.status not in (LookupStatus.FOUND, LookupStatus.NOT_FOUND):
            return
        stored = result.model_copy(update={"from_cache": False, "elapsed_ms": None, "needs_sign_in": False})
        payload = stored.model_dump_json()
        if len(payload) > self.policy.max_entry_bytes:
            log.info("Not caching %s's answer: %d bytes is over the limit", result.account_id, len(payload))
            return
        account, status, stored_at = result.account_id, result.status.value, self._clock()
        token = object()
        with self._lock:
            self._unwritten[(account, e164)] = (token, (status, payload, stored_at))
        self._queue(lambda backend: backend.put(account, e164, status, payload, stored_at), "Lookup cache write",
                    token)

    def invalidate(self, account_id: str | None = None, e164: str | None = None) -> Future[int]:
        """Forget what an account (or every account) said about a number (or every number): after a
        record was created from Ringside, say. Queued (read as gone at once); the Future says how many
        entries went."""
        token = object()
        with self._lock:
            if account_id is None or e164 is None:
                self._removing[token] = (account_id, e164)
            for key in [k for k in self._unwritten if _within(k, account_id, e164)]:
                self._unwritten[key] = (token, None)
            if account_id is not None and e164 is not None:
                self._unwritten[(account_id, e164)] = (token, None)
        return self._queue(lambda backend: backend.delete(account_id, e164), "Lookup cache invalidation", token)

    def prune(self) -> Future[int]:
        """Drop entries too old to be shown any more. Queued; the Future says how many went."""
        oldest = max(self.policy.found_ttl_s, self.policy.not_found_ttl_s)
        cutoff = self._clock() - oldest
        return self._queue(lambda backend: backend.delete(older_than=cutoff), "Lookup cache pruning")

    def _read(self, account_id: str, e164: str) -> _Entry | None:
        """What the cache holds for the key: as last put or removed here, committed or not."""
        with self._lock:
            held = self._unwritten.get((account_id, e164))
            removing = any(_within((account_id, e164), *scope) for scope in self._removing.values())
        if held is not None:
            return held[1]
        return None if removing else self._backend.get(account_id, e164)

    def _queue(self, write: Callable[[CacheBackend], T], what: str, token: object = None) -> Future[T]:
        """Queue a write to the cache; its failure is logged (and held by the Future), never raised.
        Once it is done, committed or not, what `token` held for reads gives way to the backend's."""
        try:
            future = write_off_loop(self._backend, write)
        except Exception as exc:  # the database is closing, say
            future = Future()
            future.set_exception(exc)

        def done(finished: Future[T]) -> None:
            if token is not None:
                with self._lock:
                    self._removing.pop(token, None)
                    for key in [k for k, (held_by, _) in self._unwritten.items() if held_by is token]:
                        del self._unwritten[key]
            if not finished.cancelled() and (exc := finished.exception()) is not None:
                log.error("%s failed: %s", what, exc)

        future.add_done_callback(done)
        return future


def _within(key: _Key, account_id: str | None, e164: str | None) -> bool:
    """Whether a removal of `account_id`'s (None: every account's) entries for `e164` (None: every
    number) takes the entry at `key`."""
    return account_id in (None, key[0]) and e164 in (None, key[1])


def differs(cached: AccountResult, fresh: AccountResult) -> bool:
    """Whether a refreshed answer changes what the card shows."""
    return (cached.status, cached.records, cached.more, cached.jobs, cached.error) != (
        fresh.status, fresh.records, fresh.more, fresh.jobs, fresh.error)
