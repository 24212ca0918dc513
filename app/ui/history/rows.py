"""Pieces of the history window: how a call reads in its row, and one line of the callback list."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton

from app.core.models import NoteStatus
from app.core.views import CallState, CallView, Controls, MissedCall
from app.ui.common import format as fmt
from app.ui.common.widgets import label


def when_text(moment: datetime, now: datetime | None = None) -> str:
    """'Today 14:02', 'Yesterday 14:02', 'Sun 2 Mar 14:02' before (and the year when not this one)."""
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).date()
    days = (today - local.date()).days
    if days == 0:
        return f"Today {local:%H:%M}"
    if days == 1:
        return f"Yesterday {local:%H:%M}"
    year = f" {local.year}" if local.year != today.year else ""
    return f"{local:%a} {local.day} {local:%b}{year} {local:%H:%M}"


def who_text(view: CallView) -> str:
    """One format: the person, how many other people matched, then the CRMs in brackets —
    'Priya Raman (Recruit Wizard)', 'Priya Raman (Recruit Wizard, TrackerRMS)',
    'Mei Lin Chen (Recruit Wizard + 2 more)', 'Daniel O'Connor and 1 other (TrackerRMS)';
    '' when no CRM knew the number."""
    records = view.chosen() or list(view.matches)
    if not records:
        return ""
    first = records[0]
    labels = {a.account_id: a.account_label for a in view.accounts}
    crms = [c for c in dict.fromkeys(labels.get(r.account_id, "") for r in records) if c]
    others = len({r.name for r in records} - {first.name})
    also = f" and {others} other{'s' if others > 1 else ''}" if others else ""
    where = ", ".join(crms) if len(crms) <= 2 else f"{crms[0]} + {len(crms) - 1} more"
    return f"{first.name}{also} ({where})" if where else f"{first.name}{also}"


def direction_text(view: CallView) -> str:
    if view.state is CallState.MISSED:
        return f"{fmt.ARROW[view.direction]} Missed" if view.direction.value == "inbound" else "↗ No answer"
    return f"{fmt.ARROW[view.direction]} {'In' if view.direction.value == 'inbound' else 'Out'}"


def loggable(view: CallView) -> bool:
    """Whether a note can still be written for the call: ended, a record to log against, and not
    every note already gone."""
    if view.state in (CallState.RINGING, CallState.ANSWERED) or not view.matches:
        return False
    return not view.notes or any(n.status is not NoteStatus.LOGGED for n in view.notes)


class MissedRow(QFrame):
    """One number on the callback list: who, how many missed and when, Call back and Dismiss."""

    def __init__(self, controls: Controls, missed: MissedCall) -> None:
        super().__init__()
        self.missed = missed
        self.setObjectName("missedRow")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        who = missed.name or missed.number_display
        also = f" · {missed.number_display}" if missed.name else ""
        times = f"{missed.count} missed calls" if missed.count > 1 else "Missed call"
        last = when_text(missed.last_at).replace("Yesterday", "yesterday").replace("Today", "today")
        self.text_label = label(f"{who}{also} — {times}, last {last}", name="missedText", wrap=True)
        self.call_back_button = QPushButton("Call back")
        self.call_back_button.setObjectName("missedCallBack")
        self.call_back_button.setEnabled(missed.e164 is not None)
        self.call_back_button.setToolTip("Call this number through your dialer" if missed.e164
                                         else "Not a number that can be called")
        self.call_back_button.clicked.connect(lambda: controls.dial(missed.e164 or missed.number))
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setObjectName("missedDismiss")
        self.dismiss_button.setToolTip("Take it off this list (the call stays in history)")
        self.dismiss_button.clicked.connect(lambda: controls.dismiss_missed(missed.key))
        for button in (self.call_back_button, self.dismiss_button):
            button.setAutoDefault(False)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.call_back_button)
        layout.addWidget(self.dismiss_button)
