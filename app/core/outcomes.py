"""How a call went, written the same way into every CRM's note text.

No CRM has a field for it that is meant for outcomes (retailCRM's call `result` is a telephony status;
TrackerRMS's activity type stays "Telephone"), so the outcome and the job the call was about head the
note's text as one readable line, above what the recruiter typed:

    Outcome: Interested · Job: Senior Backend Engineer (Python)
    Sending Ethan's CV on Friday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

DEFAULT_OUTCOMES = ("Interested", "Not interested", "Left voicemail", "No answer", "Call back later")


def heading(outcome: str = "", job: str = "") -> str:
    """"Outcome: Interested · Job: Senior Backend Engineer", either part alone, or "" when neither."""
    parts = [f"Outcome: {outcome.strip()}"] if outcome.strip() else []
    if job.strip():
        parts.append(f"Job: {job.strip()}")
    return " · ".join(parts)


def compose(text: str, outcome: str = "", job: str = "") -> str:
    """The note text a CRM is sent: the heading line (when there is one), then the recruiter's words."""
    head = heading(outcome, job)
    body = text.strip()
    return "\n".join(part for part in (head, body) if part)


class CallBackIn(StrEnum):
    """The note form's "Call back in…" choices (a date is given as a `date`)."""

    HOUR = "1 h"
    TOMORROW = "tomorrow 9:00"


MORNING = time(9, 0)


def call_back_at(choice: CallBackIn | date, now: datetime, tz: tzinfo | None = None) -> datetime:
    """When the reminder is due: an hour from `now`, or 9:00 local (`tz`; None = this computer's)
    tomorrow or on the chosen date. Always timezone-aware."""
    if choice is CallBackIn.HOUR:
        return now + timedelta(hours=1)
    local = now.astimezone(tz)
    day = local.date() + timedelta(days=1) if choice is CallBackIn.TOMORROW else choice
    assert isinstance(day, date)
    return datetime.combine(day, MORNING, tzinfo=local.tzinfo)
