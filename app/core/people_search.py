"""The Dial window's search by name: every account whose CRM offers one is asked at once, and each
answer is handed on the moment it comes, so a slow CRM delays only its own rows.

A new search cancels the one before it (the window searches as the recruiter types, debounced);
an account that fails says why in a short line and leaves the others alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from app.core.lookup import Account, LookupService, describe
from app.core.ports import FoundPerson
from app.core.tasks import Tasks

MIN_LETTERS = 2  # one letter would list half the CRM


@dataclass(frozen=True)
class PeopleFound:
    """One account's answer to a search: the people it found, or why it could not say."""

    query: str
    account_id: str
    account_label: str
    people: tuple[FoundPerson, ...] = ()
    error: str = ""


Found = Callable[[PeopleFound], None]


class PeopleSearch:
    def __init__(self, lookup: LookupService, tasks: Tasks) -> None:
        self._lookup = lookup
        self._tasks = tasks
        self._running: list[asyncio.Task[None]] = []

    def sources(self) -> list[str]:
        """The labels of the accounts a search asks."""
        return [a.label for a in self._searchable()]

    def start(self, text: str, found: Found) -> int:
        """Ask every account that can search; returns how many were asked (0: too short, or none can)."""
        self.cancel()
        query = text.strip()
        if len(query) < MIN_LETTERS:
            return 0
        accounts = self._searchable()
        self._running = [self._tasks.spawn(self._one(a, query, found)) for a in accounts]
        return len(accounts)

    def cancel(self) -> None:
        for task in self._running:
            task.cancel()
        self._running = []

    def _searchable(self) -> list[Account]:
        return [a for a in self._lookup.accounts if a.connector.capabilities.search_people]

    @staticmethod
    async def _one(account: Account, query: str, found: Found) -> None:
        try:
            async with asyncio.timeout(account.timeout_s):
                people = await account.connector.search_people(query)
        except Exception as exc:  # one account's failure is its own line, never the others'
            found(PeopleFound(query, account.id, account.label, error=describe(account, exc)))
            return
        found(PeopleFound(query, account.id, account.label, tuple(people)))
