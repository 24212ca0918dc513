"""Words and numbers as the recruiter reads them on cards, forms and menus.

Pure functions (no Qt) so widgets stay thin and the wording is tested in one place.
"""

from __future__ import annotations

from datetime import datetime

from app.core.models import Direction, Job, NoteStatus, Record
from app.core.phone import try_normalise
from app.core.views import CallState, CallView, NoteTarget
from app.ui.common.tray_words import TRAY_STATE_WORDS as TRAY_STATE_WORDS
from app.ui.common.tray_words import tray_tooltip as tray_tooltip

ARROW = {Direction.INBOUND: "↙", Direction.OUTBOUND: "↗"}


def duration_text(seconds: int) -> str:
    """4m 12s · 45s · 1h 02m"""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"


def clock_text(seconds: int) -> str:
    """02:14 · 1:02:14 — a running call timer."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def number_text(raw: str) -> str:
    """A number as people write it ('+61 491 570 006'); the raw text when it is not one."""
    parsed = try_normalise(raw, None)
    return parsed.display(None) if parsed is not None else raw


def direction_word(direction: Direction) -> str:
    return "Incoming call" if direction is Direction.INBOUND else "Outgoing call"


def direction_title(direction: Direction) -> str:
    return "Inbound call" if direction is Direction.INBOUND else "Outbound call"


def call_state_text(view: CallView) -> str:
    if view.state is CallState.RINGING:
        return "Ringing…"
    if view.state is CallState.ANSWERED:
        return f"In call {clock_text(view.duration_s)}"
    if view.state is CallState.ENDED:
        return f"Ended · {duration_text(view.duration_s)}"
    return "Missed"


def local_time(moment: datetime) -> str:
    """HH:MM in the computer's time zone (naive datetimes are taken as already local)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%H:%M")


def record_line(record: Record) -> str:
    """'Head of Engineering · Kestrel Software' (whichever parts are known)."""
    return " · ".join(part for part in (record.job_title, record.company) if part)


def job_line(job: Job) -> str:
    """'Senior Backend Engineer (Python) — Kestrel Software · Barangaroo, NSW'"""
    where = " · ".join(part for part in (job.employer, job.location) if part)
    return f"{job.title} — {where}" if where else job.title


def target_text(account_label: str, record: Record) -> str:
    """'Recruit Wizard — Priya Raman (Contact)'"""
    return f"{account_label} — {record.name} ({record.display_type})"


def note_status_text(target: NoteTarget) -> str:
    where = f"{target.record.name} in {target.account_label}"
    if target.status is NoteStatus.LOGGED:
        return f"Note logged ✓ — {where}"
    if target.status is NoteStatus.FAILED:
        reason = f": {target.message}" if target.message else ""
        return f"Note failed — {where}{reason}"
    if target.status is NoteStatus.PENDING:
        return f"Logging note… — {where}"
    if target.status is NoteStatus.UNCONFIRMED:
        reason = f": {target.message}" if target.message else ""
        return f"Note may not have been logged — {where}{reason}"
    return f"Note not saved yet — {where}"


def caller_name(view: CallView) -> str:
    """Who the call was with: the chosen record, else the only/first match, else the number."""
    chosen = view.chosen()
    if chosen:
        return chosen[0].name
    if view.matches:
        return view.matches[0].name
    return view.number_display


def note_summary(view: CallView) -> str:
    """'logged' · 'note failed' · 'logging…' · 'missed' · 'no note'"""
    statuses = [n.status for n in view.notes]
    if any(s is NoteStatus.FAILED for s in statuses):
        return "note failed"
    if any(s is NoteStatus.UNCONFIRMED for s in statuses):
        return "check note"
    if statuses and all(s is NoteStatus.LOGGED for s in statuses):
        return "logged"
    if any(s is NoteStatus.PENDING for s in statuses):
        return "logging…"
    if view.state is CallState.MISSED:
        return "missed"
    if view.state in (CallState.RINGING, CallState.ANSWERED):
        return "in progress"
    return "no note"


def recent_call_text(view: CallView) -> str:
    """'14:02 ↙ Priya Raman · logged'"""
    return f"{local_time(view.started_at)} {ARROW[view.direction]} {caller_name(view)} · {note_summary(view)}"
