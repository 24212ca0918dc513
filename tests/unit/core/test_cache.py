"""LookupCache: only complete, error-free answers of a sensible size are kept."""

from __future__ import annotations

import gc
import sys

from app.core.cache import CachePolicy, LookupCache
from app.core.models import AccountResult, LookupStatus, Record, RecordType
from tests.unit.core.fakes import MemoryCache

NUMBER = "+61491570006"


def found(count: int) -> AccountResult:
    records = tuple(Record(account_id="rw", type=RecordType.CANDIDATE, id=str(n), name=f"Person {n}")
                    for n in range(count))
    return AccountResult(account_id="rw", account_label="Recruit Wizard", status=LookupStatus.FOUND,
                         records=records, complete=True)


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
