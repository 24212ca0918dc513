"""Notes not yet saved: what the recruiter typed on a card during a call, a note form closed with
text in it, and an auto-logged note that waits for a pick ("needs a pick": the number matched
several people in an account and nobody chose). Kept in the database as they are typed, so a
killed Ringside shows them in history on the next start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from app.core.stores import written

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DraftRow:
    call_id: str
    text: str
    updated_at: datetime
    needs_pick: tuple[str, ...] = ()  # account ids where the note waits for the recruiter's pick


class DraftStore(Protocol):
    """Where drafts are kept (the database's drafts table)."""

    def save_draft(self, row: DraftRow) -> None: ...
    def draft(self, call_id: str) -> DraftRow | None: ...
    def drafts(self, limit: int = 200) -> list[DraftRow]: ...
    def delete_draft(self, call_id: str) -> None: ...


class MemoryDrafts:
    """A DraftStore in a dict (a core built without a database)."""

    def __init__(self) -> None:
        self.rows: dict[str, DraftRow] = {}

    def save_draft(self, row: DraftRow) -> None:
        self.rows[row.call_id] = row

    def draft(self, call_id: str) -> DraftRow | None:
        return self.rows.get(call_id)

    def drafts(self, limit: int = 200) -> list[DraftRow]:
        return sorted(self.rows.values(), key=lambda r: r.updated_at, reverse=True)[:limit]

    def delete_draft(self, call_id: str) -> None:
        self.rows.pop(call_id, None)


class Drafts:
    """Keeps and forgets drafts, off the event loop where the store has a writer thread; a storage
    failure is logged, never raised into a call."""

    def __init__(self, store: DraftStore, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._store = store
        self._now = now

    async def keep(self, call_id: str, text: str, needs_pick: tuple[str, ...] = ()) -> bool:
        """Store the text (an empty text with nothing waiting forgets the draft). False: not stored."""
        row = DraftRow(call_id, text, self._now(), needs_pick)
        try:
            if not text.strip() and not needs_pick:
                await written(self._store, lambda store: store.delete_draft(call_id))
            else:
                await written(self._store, lambda store: store.save_draft(row))
        except Exception as exc:  # a full disk must not stop the call
            log.error("Could not keep the draft note of call %s: %s", call_id, exc)
            return False
        return True

    async def forget(self, call_id: str) -> None:
        try:
            await written(self._store, lambda store: store.delete_draft(call_id))
        except Exception as exc:
            log.error("Could not forget the draft note of call %s: %s", call_id, exc)

    def get(self, call_id: str) -> DraftRow | None:
        try:
            return self._store.draft(call_id)
        except Exception as exc:
            log.error("Could not read the draft note of call %s: %s", call_id, exc)
            return None

    def all(self) -> list[DraftRow]:
        try:
            return self._store.drafts()
        except Exception as exc:
            log.error("Could not read the draft notes: %s", exc)
            return []
