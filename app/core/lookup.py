"""Ask every configured account about a number at once, and publish each answer the moment it comes.

Each account gets its own deadline; a slow or broken CRM delays only its own section of the card.
Each shows at most its `max_records` records; the rest are counted (`AccountResult.more`).
With a cache (core.cache), an account that answered for this number before is shown at once from
it; the CRM is asked anyway (once that card is painted), and its answer replaces the cached one only
where something changed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from app.core.cache import LookupCache, differs
from app.core.models import AccountResult, Job, LookupStatus, Record, RecordType
from app.core.phone import CallerNumber
from app.core.ports import Connector
from app.errors import ConnectorError, NeedsSignIn

log = logging.getLogger(__name__)

Publish = Callable[[AccountResult], None]


DEFAULT_MAX_RECORDS = 50
# How long a cached account's refresh waits for the cached card's paint (several frames).
CACHED_REFRESH_AFTER_S = 0.05


@dataclass(frozen=True)
class Account:
    connector: Connector
    timeout_s: float = 3.0
    max_records: int = DEFAULT_MAX_RECORDS

    @property
    def id(self) -> str:
        return self.connector.account_id

    @property
    def label(self) -> str:
        return self.connector.label


class LookupService:
    def __init__(self, accounts: Sequence[Account], cache: LookupCache | None = None) -> None:
        self._accounts = list(accounts)
        self.cache = cache

    def invalidate(self, account_id: str | None = None, e164: str | None = None) -> None:
        """Forget cached answers (a record was created from Ringside: the next ring asks the CRM)."""
        if self.cache is not None:
            self.cache.invalidate(account_id, e164)

    @property
    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def replace_accounts(self, accounts: Sequence[Account]) -> None:
        self._accounts = list(accounts)

    def pending(self) -> list[AccountResult]:
        """What the card shows before anyone has answered."""
        return [AccountResult(account_id=a.id, account_label=a.label, status=LookupStatus.PENDING)
                for a in self._searchable()]

    def start(self, caller: CallerNumber, publish: Publish) -> list[asyncio.Task[None]]:
        """One task per account, created now so each request goes out on the loop's next turn,
        ahead of anything else queued (such as painting the ringing card). Cached answers are
        published before this returns. A caller with no number (withheld, an extension) asks no one."""
        e164 = caller.e164
        if e164 is None or not caller.is_number:
            return []
        loop = asyncio.get_running_loop()
        tasks = []
        waiting: set[str] = set()  # accounts whose records the card is still waiting for
        for account in self._searchable():
            cached = self.cache.get(account.id, e164) if self.cache is not None else None
            if cached is not None:
                cached = cached.model_copy(update={"account_label": account.label})  # renamed since?
                publish(cached)
            else:
                waiting.add(account.id)
            tasks.append(loop.create_task(self._one(account, caller, e164, publish, cached, waiting)))
        return tasks

    def _searchable(self) -> list[Account]:
        # A CRM that only pops its own card (FixDigital) has no section on ours.
        return [a for a in self._accounts if a.connector.capabilities.lookup]

    async def run(self, caller: CallerNumber, publish: Publish) -> None:
        """Query every account concurrently; returns when all have answered or timed out."""
        await asyncio.gather(*self.start(caller, publish))

    async def _one(self, account: Account, caller: CallerNumber, e164: str, publish: Publish,
                   cached: AccountResult | None = None, waiting: set[str] | None = None) -> None:
        """Ask one account. With a cached answer already shown, publish only a changed answer (or the
        cached one with the reason it could not be refreshed). `waiting`: the accounts of this call
        whose records are not in yet, this one among them until they are."""
        waiting = set() if waiting is None else waiting
        if cached is not None:
            # The card is complete from the cache: the refresh's request (a millisecond of the loop's
            # time) waits until that card is on screen.
            await asyncio.sleep(CACHED_REFRESH_AFTER_S)
        started = time.perf_counter()

        def elapsed() -> float:
            return (time.perf_counter() - started) * 1000

        try:
            # asyncio.timeout, not wait_for: wait_for runs the call in a task of its own, which would
            # queue the request behind whatever else is waiting (the ringing card's paint).
            async with asyncio.timeout(account.timeout_s):
                records = await account.connector.lookup(caller)
        except Exception as exc:  # every failure becomes this account's section, never a crash
            waiting.discard(account.id)
            failed = _failed(account, exc, elapsed())
            publish(failed if cached is None else _stale(cached, failed))
            return
        waiting.discard(account.id)
        # A card (and the cache) holds what a recruiter can read: the first few, and a count of the rest.
        more = max(0, len(records) - account.max_records)
        records = records[: account.max_records]
        # Connectors that do not return ids (TrackerRMS) resolve them themselves for jobs.
        wants_jobs = [r for r in records if r.type is RecordType.CONTACT]
        status = LookupStatus.FOUND if records else LookupStatus.NOT_FOUND
        result = AccountResult(
            account_id=account.id,
            account_label=account.label,
            status=status,
            records=tuple(records),
            more=more,
            complete=not (wants_jobs and account.connector.capabilities.open_jobs),
            elapsed_ms=elapsed(),
        )
        if not result.complete:
            loop = asyncio.get_running_loop()
            jobs_in = False
            records_only = result

            def records_first() -> None:
                if not jobs_in:  # the jobs came first: the records alone are no longer news
                    publish(records_only)

            # While other accounts are still to answer (the card is complete only once they have), the
            # records are painted first: their jobs requests go out on the loop's next turns, after the
            # paint's. The last answer's jobs complete the card: their requests go out first, and the
            # records' paint overlaps their round trip.
            paint_first = cached is None and bool(waiting)
            if paint_first:
                records_first()
            fetches = [loop.create_task(self._fetch_jobs(account, r)) for r in wants_jobs]
            if cached is None and not paint_first:
                after_requests_sent(records_first)
            jobs, error = await self._jobs(account, wants_jobs, fetches)
            jobs_in = True
            result = result.model_copy(update={"jobs": jobs, "error": error, "complete": True,
                                               "elapsed_ms": elapsed()})
        if self.cache is not None:
            self.cache.put(e164, result)
        if cached is None or differs(cached, result):
            publish(result)

    @staticmethod
    async def _fetch_jobs(account: Account, record: Record) -> list[Job]:
        async with asyncio.timeout(account.timeout_s):
            return await account.connector.open_jobs(record)

    @staticmethod
    async def _jobs(
        account: Account, records: list[Record], fetches: list[asyncio.Task[list[Job]]]
    ) -> tuple[dict[str, tuple[Job, ...]], str | None]:
        answers = await asyncio.gather(*fetches, return_exceptions=True)
        jobs: dict[str, tuple[Job, ...]] = {}
        error = None
        for record, answer in zip(records, answers, strict=True):
            if isinstance(answer, BaseException):
                error = f"Open jobs unavailable: {describe(account, answer)}"
            else:
                jobs[record.key] = tuple(answer)
        return jobs, error


# Loop turns a request may take from `send` to the socket. On a kept-alive connection a GET is written
# in the task's first step and a body one turn later (app.crm._shared.transport); a token refresh or a
# new connection takes more, and spare turns cost microseconds. Painting first would hold each request
# back by the paint's length.
SEND_TURNS = 4


def after_requests_sent(callback: Callable[..., object], *args: object, turns: int = SEND_TURNS) -> None:
    """Call `callback(*args)` a few loop turns from now, once the requests just started are on the wire,
    so the widget work the callback sets off (a card's update, its paint) doesn't delay them."""
    if turns <= 0:
        callback(*args)
    else:
        asyncio.get_running_loop().call_soon(partial(after_requests_sent, callback, *args, turns=turns - 1))


def describe(account: Account, exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"{account.label} didn't answer within {account.timeout_s:g} s."
    if isinstance(exc, ConnectorError):
        return str(exc)
    log.exception("Unexpected error from account %s", account.id, exc_info=exc)
    return f"Unexpected problem talking to {account.label} ({exc.__class__.__name__})."


def _stale(cached: AccountResult, failed: AccountResult) -> AccountResult:
    """The cached answer stays on the card, saying why it could not be refreshed."""
    return cached.model_copy(update={
        "error": f"Showing saved details: {failed.error}", "needs_sign_in": failed.needs_sign_in})


def _failed(account: Account, exc: BaseException, elapsed_ms: float) -> AccountResult:
    return AccountResult(
        account_id=account.id,
        account_label=account.label,
        status=LookupStatus.ERROR,
        error=describe(account, exc),
        needs_sign_in=isinstance(exc, NeedsSignIn),
        complete=True,
        elapsed_ms=elapsed_ms,
    )
