"""How a call session is written to history, and the other small facts derived from a session."""

from __future__ import annotations

from typing import Any

from app.core.models import Direction, LookupStatus
from app.core.session import CallSession


def auto_note_text(session: CallSession) -> str:
    minutes, seconds = divmod(session.duration_s, 60)
    kind = "Inbound" if session.direction is Direction.INBOUND else "Outbound"
    return f"{kind} call, {minutes}m {seconds:02d}s (logged automatically by Ringside)."


def matches(session: CallSession) -> list[dict[str, Any]]:
    return [
        {"account": r.account_id, "type": rec.type.value, "id": rec.id, "name": rec.name,
         # the rest lets history show the call's card and log a note for it later (core.history)
         "job_title": rec.job_title, "company": rec.company, "link": rec.link, "type_label": rec.type_label,
         "chosen": rec.key in chosen}
        for chosen in [{c.key for c in session.view().chosen()}]
        for r in session.results.values() if r.status is LookupStatus.FOUND for rec in r.records
    ]


def timings(session: CallSession) -> dict[str, Any]:
    return {
        "card_shown_ms": round(session.card_shown_ms, 1) if session.card_shown_ms is not None else None,
        "lookup_ms": {a: round(r.elapsed_ms, 1) for a, r in session.results.items()
                      if r.elapsed_ms is not None},
        "lookup_status": {a: r.status.value for a, r in session.results.items()},
    }
