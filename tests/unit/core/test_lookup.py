"""LookupService: each account's section holds at most its record limit; the rest are counted."""

from __future__ import annotations

import asyncio

from app.core.cache import LookupCache
from app.core.lookup import SEND_TURNS, Account, LookupService, after_requests_sent
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


class Contacts(Crowd):
    """One contact, whose open jobs come when `jobs_go` is set."""

    capabilities = Capabilities(lookup=True, open_jobs=True)

    def __init__(self, jobs_go: asyncio.Event | None = None) -> None:
        super().__init__(1)
        self.jobs_go = jobs_go

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        return [Record(account_id="rw", type=RecordType.CONTACT, id="7", name="Priya Raman")]

    async def open_jobs(self, record: Record) -> list[Job]:
        if self.jobs_go is not None:
            await self.jobs_go.wait()
        return [Job(id="j1", title="Data engineer")]


async def test_a_callback_waits_the_turns_a_request_takes_to_go_out() -> None:
    turns: list[int] = []
    called: list[int] = []

    async def count_turns() -> None:
        for n in range(SEND_TURNS + 2):
            turns.append(n)
            await asyncio.sleep(0)

    counting = asyncio.get_running_loop().create_task(count_turns())
    await asyncio.sleep(0)  # the counter has run its first turn
    after_requests_sent(lambda: called.append(len(turns)))
    assert called == []
    await counting
    assert called and called[0] >= SEND_TURNS  # not before the turns a request's write needs


async def test_records_show_before_their_jobs_once_the_jobs_requests_are_out() -> None:
    go = asyncio.Event()
    published: list[AccountResult] = []
    service = LookupService([Account(Contacts(go))])
    running = asyncio.get_running_loop().create_task(service.run(NUMBER, published.append))
    for _ in range(SEND_TURNS + 2):
        await asyncio.sleep(0)
    assert [r.complete for r in published] == [False]  # the records, while the jobs are fetched
    go.set()
    await running
    assert [r.complete for r in published] == [False, True] and published[1].jobs


class Answering(Contacts):
    """A contact found once `answer` is set; the open jobs asked for are written in `log`."""

    def __init__(self, account_id: str, log: list[str], answer: asyncio.Event, jobs_go: asyncio.Event) -> None:
        super().__init__(jobs_go)
        self.account_id, self.log, self.answer = account_id, log, answer

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        await self.answer.wait()
        return [Record(account_id=self.account_id, type=RecordType.CONTACT, id="7", name="Priya Raman")]

    async def open_jobs(self, record: Record) -> list[Job]:
        self.log.append(f"{self.account_id}: jobs asked")
        return await super().open_jobs(record)


async def test_an_answer_before_others_is_shown_before_its_jobs_are_asked_the_last_after() -> None:
    """The first answer is what the recruiter waits for: painted before its jobs requests. The last one's
    jobs complete the card: asked first, the paint overlapping their round trip."""
    log: list[str] = []
    answers = {name: asyncio.Event() for name in ("fast", "slow")}
    jobs = asyncio.Event()
    service = LookupService([Account(Answering(name, log, answers[name], jobs)) for name in answers])
    running = asyncio.get_running_loop().create_task(
        service.run(NUMBER, lambda r: log.append(f"{r.account_id}: {'complete' if r.complete else 'records'}")))
    for name in answers:
        answers[name].set()
        for _ in range(SEND_TURNS + 2):
            await asyncio.sleep(0)
    jobs.set()
    await running
    assert log[:4] == ["fast: records", "fast: jobs asked", "slow: jobs asked", "slow: records"]
    assert sorted(log[4:]) == ["fast: complete", "slow: complete"]


async def test_jobs_that_come_at_once_are_shown_with_their_records_only() -> None:
    published: list[AccountResult] = []
    await LookupService([Account(Contacts())]).run(NUMBER, published.append)
    for _ in range(SEND_TURNS + 2):
        await asyncio.sleep(0)
    first_complete = next(i for i, r in enumerate(published) if r.complete)
    assert all(r.complete for r in published[first_complete:])  # never the records alone after the jobs
