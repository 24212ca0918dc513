"""LookupService: each account's section holds at most its record limit; the rest are counted."""

from __future__ import annotations

from app.core.cache import LookupCache
from app.core.lookup import Account, LookupService
from app.core.models import AccountResult, Job, LookupStatus, Record, RecordType
from app.core.phone import CallerNumber
from app.core.ports import Capabilities, ConnectorBase
from tests.unit.core.fakes import MemoryCache

NUMBER = CallerNumber.parse("+61491570006", "AU")


class Crowd(ConnectorBase):
    """A CRM where `count` people share the number."""

    account_id = "rw"
    label = "Recruit Wizard"
    capabilities = Capabilities(lookup=True)

    def __init__(self, count: int) -> None:
        self.count = count

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        return [Record(account_id="rw", type=RecordType.CANDIDATE, id=str(n), name=f"Person {n}")
                for n in range(self.count)]

    async def open_jobs(self, record: Record) -> list[Job]:
        return []


async def test_records_past_the_limit_are_counted_not_kept() -> None:
    published: list[AccountResult] = []
    service = LookupService([Account(Crowd(2000), max_records=50)])
    await service.run(NUMBER, published.append)
    (result,) = published
    assert result.status is LookupStatus.FOUND
    assert len(result.records) == 50 and result.more == 1950
    assert [r.id for r in result.records[:2]] == ["0", "1"]  # the CRM's order: its best matches first


async def test_within_the_limit_nothing_is_counted() -> None:
    published: list[AccountResult] = []
    await LookupService([Account(Crowd(3))]).run(NUMBER, published.append)
    assert len(published[0].records) == 3 and published[0].more == 0


async def test_the_cache_keeps_the_limited_answer_and_its_count() -> None:
    cache = LookupCache(MemoryCache())
    await LookupService([Account(Crowd(120), max_records=10)], cache).run(NUMBER, lambda result: None)
    cached = cache.get("rw", "+61491570006")
    assert cached is not None and len(cached.records) == 10 and cached.more == 110
