"""The lookup cache through the real runtime and the Recruit Wizard emulator: a repeat caller's card
from the cache at once, refreshed in the background; what changed replaces what was cached."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from app.config import paths
from app.config.settings import CacheSettings
from app.core.cache import CachePolicy, LookupCache
from app.core.models import AccountResult, EventType, LookupStatus, Record, RecordType
from app.core.views import CallView
from app.runtime.runtime import Runtime
from app.sandbox.faults import FaultKind
from app.storage.cache_db import CacheStore
from app.storage.db import Database
from tests.conftest import RwEnv
from tests.integration.test_call_flow import PRIYA, Recorder, event
from tests.integration.test_cli import ringside
from tests.support import until

LOOKUP = "/api/telephony/lookup/"
UNKNOWN = "+61491570159"


@pytest.fixture
async def runtime(rw_env: RwEnv) -> AsyncIterator[tuple[Runtime, Recorder]]:
    rec = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=rw_env.settings(), listener=rec, secrets=rw_env.secrets)
    await rt.start()
    yield rt, rec
    await rt.stop()


def rw(view: CallView) -> AccountResult:
    (result,) = view.accounts
    return result


def of(call_id: str, predicate: Callable[[CallView], bool] = lambda v: True) -> Callable[[CallView], bool]:
    return lambda v: v.call_id == call_id and predicate(v)


async def test_a_repeat_caller_is_shown_from_the_cache_at_once_then_checked(
        runtime: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, call_id="first"))
    first = await rec.view(of("first", lambda v: v.complete))
    assert not rw(first).from_cache
    lookups = len(rw_env.sandbox.journal.entries(LOOKUP))

    rt.switchboard.handle(event(EventType.RING, call_id="again"))
    # The very first view of the call already has the contact and the open jobs: no network yet.
    painted = next(v for v in rec.views if v.call_id == "again")
    assert rw(painted).from_cache and painted.complete
    assert rw(painted).records == rw(first).records and rw(painted).jobs == rw(first).jobs
    assert len(rw_env.sandbox.journal.entries(LOOKUP)) == lookups
    # …and the CRM is still asked (the cache entry is stored again when it answers); nothing
    # changed, so the card is left as it is.
    store = CacheStore(rt.db.connection, rt.db.writer)
    stored_at = store.get("rw", PRIYA)[2]  # type: ignore[index]
    await until(lambda: store.get("rw", PRIYA)[2] > stored_at, 5, "the refresh")  # type: ignore[index]
    assert len(rw_env.sandbox.journal.entries(LOOKUP)) == lookups + 1
    assert all(rw(v).from_cache for v in rec.views if v.call_id == "again")


async def test_what_changed_in_the_crm_replaces_the_cached_details(
        runtime: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, call_id="before"))
    await rec.view(of("before", lambda v: v.complete))
    data = rw_env.sandbox.data
    promoted = tuple(p.model_copy(update={"job_title": "CTO"}) if p.key == data.matching(PRIYA)[0].key else p
                     for p in data.people)
    rw_env.sandbox.data = data.model_copy(update={"people": promoted})

    rt.switchboard.handle(event(EventType.RING, call_id="after"))
    cached = next(v for v in rec.views if v.call_id == "after")
    assert rw(cached).from_cache and rw(cached).records[0].job_title == "Head of Engineering"
    fresh = await rec.view(of("after", lambda v: not rw(v).from_cache))
    assert fresh.complete and rw(fresh).records[0].job_title == "CTO"
    assert rw(fresh).jobs  # the open jobs came with it

    rt.switchboard.handle(event(EventType.RING, call_id="next"))  # and the cache has the new title
    assert rw(next(v for v in rec.views if v.call_id == "next")).records[0].job_title == "CTO"


async def test_a_crm_that_cannot_be_reached_leaves_the_saved_details_up(
        runtime: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, call_id="one"))
    await rec.view(of("one", lambda v: v.complete))
    rw_env.sandbox.faults.inject(LOOKUP, FaultKind.STATUS, status=502)
    rt.switchboard.handle(event(EventType.RING, call_id="two"))
    stale = await rec.view(of("two", lambda v: rw(v).error is not None))
    assert rw(stale).status is LookupStatus.FOUND and rw(stale).records[0].name == "Priya Raman"
    assert rw(stale).error and rw(stale).error.startswith("Showing saved details: Recruit Wizard had a problem")
    assert stale.chosen()  # a note can still be logged against the saved record


async def test_records_created_from_ringside_invalidate_the_entry(
        runtime: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, UNKNOWN, call_id="u1"))
    await rec.view(of("u1", lambda v: v.complete))
    rt.switchboard.handle(event(EventType.RING, UNKNOWN, call_id="u2"))
    assert rw(next(v for v in rec.views if v.call_id == "u2")).from_cache  # "no match", cached
    rt.lookup.invalidate("rw", UNKNOWN)  # what the create-record flow calls
    rt.switchboard.handle(event(EventType.RING, UNKNOWN, call_id="u3"))
    await rec.view(of("u3", lambda v: v.complete))
    views = [v for v in rec.views if v.call_id == "u3"]
    assert not any(rw(v).from_cache for v in views)  # asked the CRM, not the cache
    assert rw(views[-1]).status is LookupStatus.NOT_FOUND


def test_not_found_is_kept_shorter_than_a_match(ringside_home: object) -> None:
    db = Database(paths.resolve().database)
    now = [1_000_000.0]
    cache = LookupCache(CacheStore(db.connection), CachePolicy(found_ttl_s=3600, not_found_ttl_s=60),
                        clock=lambda: now[0])
    found = AccountResult(account_id="rw", account_label="RW", status=LookupStatus.FOUND, complete=True,
                          records=(Record(account_id="rw", type=RecordType.CONTACT, id="1", name="A"),))
    missing = AccountResult(account_id="rw", account_label="RW", status=LookupStatus.NOT_FOUND, complete=True)
    cache.put("+61491570006", found)
    cache.put("+61491570159", missing)
    cache.put("+61491570011", found.model_copy(update={"error": "Open jobs unavailable"}))  # never stored
    now[0] += 120
    assert cache.get("rw", "+61491570006") is not None
    assert cache.get("rw", "+61491570159") is None  # a "no match" two minutes old is asked again
    assert cache.get("rw", "+61491570011") is None
    now[0] += 3600
    assert cache.get("rw", "+61491570006") is None
    assert cache.prune().result(5) == 2
    db.close()


async def test_the_cache_can_be_switched_off(rw_env: RwEnv) -> None:
    rec = Recorder()
    settings = rw_env.settings().model_copy(update={"cache": CacheSettings(enabled=False)})
    rt = Runtime(paths=paths.resolve(), settings=settings, listener=rec, secrets=rw_env.secrets)
    await rt.start()
    try:
        for call_id in ("a", "b"):
            rt.switchboard.handle(event(EventType.RING, call_id=call_id))
            await rec.view(of(call_id, lambda v: v.complete))
        assert not any(rw(v).from_cache for v in rec.views)
    finally:
        await rt.stop()


async def test_ringside_cache_clear(runtime: tuple[Runtime, Recorder]) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, call_id="c1"))
    await rec.view(of("c1", lambda v: v.complete))
    assert CacheStore(rt.db.connection, rt.db.writer).count() == 1
    code, out, _ = await ringside("cache", "clear")  # while the app runs, as a user would
    assert (code, out.strip()) == (0, "Cleared 1 cached lookup.")
    assert CacheStore(rt.db.connection, rt.db.writer).count() == 0
