"""What the history window says about the selected call: each account's outcome, then the note's text."""

from __future__ import annotations

from app.core.models import LookupStatus
from app.core.views import CallView
from app.ui.common import format as fmt


def outcome_lines(view: CallView) -> list[str]:
    """One line per account: how its note went, or what it knew when no note was written."""
    lines: list[str] = []
    noted = set()
    for target in view.notes:
        noted.add(target.account_id)
        lines.append(fmt.note_status_text(target))
    chosen = {r.account_id: r for r in view.chosen()}
    for result in view.accounts:
        if result.account_id in noted:
            continue
        label = result.account_label
        if result.status is LookupStatus.NOT_FOUND:
            lines.append(f"{label}: didn't know this number")
        elif result.status is LookupStatus.ERROR:
            lines.append(f"{label}: couldn't be asked" + (f" ({result.error})" if result.error else ""))
        elif result.account_id in chosen:
            lines.append(f"{label}: {chosen[result.account_id].name} — no note logged")
        elif result.records:
            lines.append(f"{label}: {len(result.records)} matches, none picked — no note logged")
    if not lines:
        lines.append("No CRM knew this number, so there is nothing to log against.")
    elif not view.notes and view.matches:
        lines.insert(0, "No note yet.")
    return lines


def note_text(view: CallView) -> str:
    """The note as saved ('' when none was): the same text went to every account."""
    return next((n.text for n in view.notes if n.text), "")
