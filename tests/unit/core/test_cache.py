"""LookupCache: only complete, error-free answers of a sensible size are kept."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from app.core.cache import CachePolicy, LookupCache
from app.core.models import AccountResult, LookupStatus, Record, RecordType
from tests.unit.core.fakes import MemoryCache

NUMBER = "+61491570006"


def found(count: int) -> AccountResult:
    records = tuple(Record(account_id="rw", type=RecordType.CANDIDATE, id=str(n), name=f"Person {n}")
                    for n in range(count))
    return AccountResult(account_id="rw", account_label="Recruit Wizard", status=LookupStatus.FOUND,
                         records=records, complete=True)


class QueuedCache(MemoryCache):
    """A backend whose writes wait until `commit()`, as the database's wait for its writer thread."""

    def __init__(self) -> None:
        super().__init__()
        self.queued: list[tuple[Callable[[QueuedCache], Any], Future[Any]]] = []

    def off_loop(self, write: Callable[[QueuedCache], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self.queued.append((write, future))
        return future

    def commit(self, *, fail: bool = False) -> None:
        for write, future in self.queued:
            if fail:
                future.set_exception(RuntimeError("the disk is full"))
            else:
                future.set_result(write(self))
        self.queued.clear()


def names(cache: LookupCache) -> list[str]:
    result = cache.get("rw", NUMBER)
    return [r.name for r in result.records] if result is not None else []


def test_what_was_put_or_removed_reads_back_at_once_before_the_writer_commits_it() -> None:
    backend = QueuedCache()
    cache = LookupCache(backend, clock=lambda: 1.0)
    cache.put(NUMBER, found(1))
    assert backend.entries == {} and names(cache) == ["Person 0"]  # a ring right after: no wait, no miss
    backend.commit()
    assert names(cache) == ["Person 0"]
    cache.invalidate("rw", NUMBER)  # a record was created: the next ring asks the CRM
    assert backend.entries and names(cache) == []
    backend.commit()
    assert backend.entries == {}
    cache.put(NUMBER, found(2))
    backend.commit()
    cache.invalidate("rw")  # everything the account said
    assert names(cache) == []
    cache.put(NUMBER, found(3))  # answered again since: the newer answer holds
    assert names(cache) == ["Person 0", "Person 1", "Person 2"]
    backend.commit()
    assert names(cache) == ["Person 0", "Person 1", "Person 2"]


def test_a_write_the_disk_refused_no_longer_reads_back() -> None:
    backend = QueuedCache()
    cache = LookupCache(backend, clock=lambda: 1.0)
    cache.put(NUMBER, found(1))
    backend.commit(fail=True)
    assert names(cache) == []  # as stored: nothing


def test_an_answer_over_the_entry_limit_is_not_cached() -> None:
    backend = MemoryCache()
    cache = LookupCache(backend, CachePolicy(max_entry_bytes=4096))
    cache.put(NUMBER, found(200))
    assert backend.entries == {}
    cache.put(NUMBER, found(2))
    assert cache.get("rw", NUMBER) is not None


def test_a_failed_answer_is_not_cached() -> None:
    backend = MemoryCache()
    cache = LookupCache(backend)
    cache.put(NUMBER, AccountResult(account_id="rw", account_label="Recruit Wizard", status=LookupStatus.ERROR,
                                    error="Recruit Wizard sent an answer over 1 MB", complete=True))
    cache.put(NUMBER, found(1).model_copy(update={"error": "Open jobs unavailable"}))
    assert backend.entries == {}


def test_an_oversized_entry_left_by_an_older_version_is_dropped_unread() -> None:
    backend = MemoryCache()
    backend.put("rw", NUMBER, "found", "[" * 2_000_000, 0.0)  # never parsed: it would be too big (and deep)
    cache = LookupCache(backend, CachePolicy(max_entry_bytes=1024 * 1024), clock=lambda: 1.0)
    assert cache.get("rw", NUMBER) is None
    assert backend.entries == {}


def test_reading_many_different_answers_keeps_none_of_their_strings() -> None:
    """pydantic's JSON parser keeps short string values in a cache of thousands of entries unless told
    not to: every read of a cached answer would then hold on to its names for good."""
    backend = MemoryCache()
    cache = LookupCache(backend, clock=lambda: 1.0)

    def read(n: int) -> None:
        record = Record(account_id="rw", type=RecordType.CANDIDATE, id=str(n), name=f"Person number {n}")
        cache.put(NUMBER, AccountResult(account_id="rw", account_label="Recruit Wizard",
                                        status=LookupStatus.FOUND, records=(record,), complete=True))
        assert cache.get("rw", NUMBER) is not None

    for n in range(200):
        read(n)
    gc.collect()
    before = sys.getallocatedblocks()
    for n in range(200, 5200):
        read(n)
    gc.collect()
    assert sys.getallocatedblocks() - before < 1000  # two new strings a read would be 10,000
