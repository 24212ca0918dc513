"""The seam between Ringside and a CRM.

A connector is built by its factory (see `app.connectors.registry`) from the account's settings,
a pooled `httpx.AsyncClient` and the secret store. It raises only `app.core.errors.ConnectorError`
subclasses, with messages a recruiter can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from app.core.models import CallEvent, Job, NoteDraft, Receipt, Record


@dataclass(frozen=True)
class Capabilities:
    lookup: bool = True
    open_jobs: bool = False
    log_call: bool = False
    notify: bool = False
    create_record: bool = False
    sign_in: bool = False


@runtime_checkable
class Connector(Protocol):
    account_id: str
    label: str
    capabilities: Capabilities

    async def lookup(self, e164: str) -> list[Record]:
        """Records matching the number (E.164 with '+'); [] when none."""
        ...

    async def open_jobs(self, record: Record) -> list[Job]:
        """Open jobs for a record; [] when the CRM has none or the record type has none."""
        ...

    async def log_call(self, note: NoteDraft) -> Receipt:
        """Log the call against `note.record`. Raises on failure; never logs half a note."""
        ...

    async def notify(self, event: CallEvent, e164: str) -> None:
        """Tell a CRM that pops its own card about a call event (no-op where not supported)."""
        ...

    async def aclose(self) -> None: ...
