"""One person found by several accounts, merged for the card: one header, each CRM's record as a
source, open jobs once each with the CRMs that have them, and only what a CRM adds beyond that.

Accounts merge when each found exactly one record that is not a guess and those records are the
same person (`same_person`). An account with several matches (a shared office line) or a guessed
match keeps its own section and its pick, so the pick carried across accounts is untouched. The
merge is recomputed from whatever accounts have answered so far: the card fills in as each answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.models import AccountResult, Job, LookupStatus, Record
from app.core.same_person import is_guess, normalised, same_person


@dataclass(frozen=True)
class Source:
    """One CRM's record of the person: its badge on the header, and what it adds below it."""

    account_id: str
    account_label: str
    record: Record
    adds: tuple[str, ...] = ()  # lines beyond the header: a differing title or company, the CRM's note
    extra_links: tuple[tuple[str, str], ...] = ()  # (label, url): retailCRM's last order, new order
    loading: bool = False  # its open jobs are still being fetched
    problem: str | None = None  # found, but something else failed (its open jobs)

    @property
    def adds_anything(self) -> bool:
        return bool(self.adds or self.extra_links or self.loading or self.problem)


@dataclass(frozen=True)
class MergedJob:
    """An open job, once: `found_in` holds (account label, that CRM's job) for every CRM that has it."""

    found_in: tuple[tuple[str, Job], ...]

    @property
    def job(self) -> Job:
        """The first CRM's job: what the card shows and links to."""
        return self.found_in[0][1]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(account for account, _ in self.found_in)


@dataclass(frozen=True)
class Person:
    """The merged header and body for one person found by two or more accounts."""

    name: str
    job_title: str
    company: str
    sources: tuple[Source, ...]
    jobs: tuple[MergedJob, ...]

    @property
    def account_ids(self) -> tuple[str, ...]:
        return tuple(s.account_id for s in self.sources)

    @property
    def job_labels(self) -> tuple[str, ...]:
        """The CRMs that gave any open job, in account order."""
        having = {label for job in self.jobs for label in job.labels}
        return tuple(s.account_label for s in self.sources if s.account_label in having)


def _settled(result: AccountResult) -> Record | None:
    """The account's one match, when it found exactly one person and did not guess."""
    if result.status is not LookupStatus.FOUND or len(result.records) != 1 or result.more:
        return None
    record = result.records[0]
    return None if is_guess(record) else record


def _first(values: Sequence[str]) -> str:
    return next((v for v in values if v.strip()), "")


def _differs(value: str, header: str) -> bool:
    return bool(value.strip()) and normalised(value) != normalised(header)


def _job_key(job: Job) -> tuple[str, str]:
    return normalised(job.title), normalised(job.employer)


def merge_jobs(per_account: Sequence[tuple[str, Sequence[Job]]]) -> tuple[MergedJob, ...]:
    """Jobs with the same title and employer once, in first-seen order, labelled with each CRM
    that has them (`per_account`: (account label, its jobs) in account order)."""
    order: list[tuple[str, str]] = []
    found: dict[tuple[str, str], list[tuple[str, Job]]] = {}
    for account, jobs in per_account:
        for job in jobs:
            key = _job_key(job)
            if key not in found:
                order.append(key)
                found[key] = []
            if all(a != account for a, _ in found[key]):  # one CRM listing a job twice: once
                found[key].append((account, job))
    return tuple(MergedJob(tuple(found[key])) for key in order)


def _person(group: Sequence[AccountResult]) -> Person:
    records = [r.records[0] for r in group]
    name = records[0].name
    title = _first([r.job_title for r in records])
    company = _first([r.company for r in records])
    sources = []
    for result, record in zip(group, records, strict=True):
        adds = [part for part in (record.job_title if _differs(record.job_title, title) else "",
                                  record.company if _differs(record.company, company) else "") if part]
        if record.note:
            adds.append(record.note)
        sources.append(Source(account_id=result.account_id, account_label=result.account_label, record=record,
                              adds=tuple(adds), extra_links=record.extra_links, loading=not result.complete,
                              problem=result.error if result.complete else None))
    jobs = merge_jobs([(r.account_label, r.jobs.get(rec.key, ())) for r, rec in zip(group, records, strict=True)])
    return Person(name=name, job_title=title, company=company, sources=tuple(sources), jobs=jobs)


def merge_people(accounts: Sequence[AccountResult]) -> tuple[Person, ...]:
    """Each person whom two or more of `accounts` found, merged (in the order of their first account).
    Accounts not in any returned person keep their own section."""
    groups: list[list[AccountResult]] = []
    for result in accounts:
        record = _settled(result)
        if record is None:
            continue
        group = next((g for g in groups if same_person(g[0].records[0], record)), None)
        if group is None:
            groups.append([result])
        else:
            group.append(result)
    return tuple(_person(g) for g in groups if len(g) > 1)
