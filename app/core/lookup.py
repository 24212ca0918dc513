"""Ask every configured account about a number at once, and publish each answer the moment it comes.

Each account gets its own deadline; a slow or broken CRM delays only its own section of the card.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.connectors.base import Connector
from app.core.errors import ConnectorError, NeedsSignIn
from app.core.models import AccountResult, Job, LookupStatus, Record, RecordType

log = logging.getLogger(__name__)

Publish = Callable[[AccountResult], None]


@dataclass(frozen=True)
class Account:
    connector: Connector
    timeout_s: float = 3.0

    @property
    def id(self) -> str:
        return self.connector.account_id

    @property
    def label(self) -> str:
        return self.connector.label


class LookupService:
    def __init__(self, accounts: Sequence[Account]) -> None:
        self._accounts = list(accounts)

    @property
    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def replace_accounts(self, accounts: Sequence[Account]) -> None:
        self._accounts = list(accounts)

    def pending(self) -> list[AccountResult]:
        """What the card shows before anyone has answered."""
        return [AccountResult(account_id=a.id, account_label=a.label, status=LookupStatus.PENDING)
                for a in self._accounts]

    async def run(self, e164: str, publish: Publish) -> None:
        """Query every account concurrently; returns when all have answered or timed out."""
        await asyncio.gather(*(self._one(account, e164, publish) for account in self._accounts))

    async def _one(self, account: Account, e164: str, publish: Publish) -> None:
        started = time.perf_counter()

        def elapsed() -> float:
            return (time.perf_counter() - started) * 1000

        try:
            records = await asyncio.wait_for(account.connector.lookup(e164), account.timeout_s)
        except Exception as exc:  # every failure becomes this account's section, never a crash
            publish(_failed(account, exc, elapsed()))
            return
        wants_jobs = [r for r in records if r.type is RecordType.CONTACT and r.id]
        status = LookupStatus.FOUND if records else LookupStatus.NOT_FOUND
        result = AccountResult(
            account_id=account.id,
            account_label=account.label,
            status=status,
            records=tuple(records),
            complete=not (wants_jobs and account.connector.capabilities.open_jobs),
            elapsed_ms=elapsed(),
        )
        publish(result)
        if result.complete:
            return
        jobs, error = await self._jobs(account, wants_jobs)
        publish(result.model_copy(update={"jobs": jobs, "error": error, "complete": True,
                                          "elapsed_ms": elapsed()}))

    async def _jobs(self, account: Account, records: list[Record]) -> tuple[dict[str, tuple[Job, ...]], str | None]:
        async def fetch(record: Record) -> list[Job]:
            return await asyncio.wait_for(account.connector.open_jobs(record), account.timeout_s)

        answers = await asyncio.gather(*(fetch(r) for r in records), return_exceptions=True)
        jobs: dict[str, tuple[Job, ...]] = {}
        error = None
        for record, answer in zip(records, answers, strict=True):
            if isinstance(answer, BaseException):
                error = f"Open jobs unavailable: {describe(account, answer)}"
            else:
                jobs[record.key] = tuple(answer)
        return jobs, error


def describe(account: Account, exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"{account.label} didn't answer within {account.timeout_s:g} s."
    if isinstance(exc, ConnectorError):
        return str(exc)
    log.exception("Unexpected error from account %s", account.id, exc_info=exc)
    return f"Unexpected problem talking to {account.label} ({exc.__class__.__name__})."


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
