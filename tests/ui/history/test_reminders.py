"""History's to-call-back reminders and the reminder notice: Call back dials, Done takes it off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from app.core.reminders import Reminder
from app.ui.history.reminders import ReminderList, due_text
from app.ui.history.window import HistoryWindow
from app.ui.tray.reminder import ReminderNotice
from tests.ui.helpers import PRIYA_NUMBER, FakeControls

NOW = datetime(2025, 12, 2, 14, 0, tzinfo=UTC)
DUE = Reminder(1, "c1", PRIYA_NUMBER, "Priya Raman", NOW - timedelta(minutes=5), fired=True)
LATER = Reminder(2, "c2", "+61290000000", "", NOW + timedelta(days=1))


def test_the_list_shows_each_reminder_with_call_back_and_done(qtbot: QtBot) -> None:
    controls = FakeControls()
    box = ReminderList(controls)
    qtbot.addWidget(box)
    box.show_reminders([DUE, LATER], NOW)
    assert box.isVisibleTo(box.parentWidget() or box)
    first, second = box.rows
    assert first.text_label.text() == f"Priya Raman · {PRIYA_NUMBER} — due now"
    assert second.text_label.text().startswith("+61290000000 — at ")
    first.call_button.click()
    second.done_button.click()
    assert controls.named("dial") == [(PRIYA_NUMBER,)]
    assert controls.named("reminder_done") == [(2,)]
    box.show_reminders([], NOW)
    assert box.rows == [] and not box.isVisibleTo(box.parentWidget() or box)


def test_due_text_names_the_day() -> None:
    assert due_text(DUE, NOW) == "due now"
    assert due_text(LATER, NOW).startswith("at ")


def test_the_history_window_lists_reminders(qtbot: QtBot) -> None:
    controls = FakeControls(reminder_rows=[DUE])
    window = HistoryWindow(controls)
    qtbot.addWidget(window)
    window.show()
    window.refresh()
    assert [r.reminder.id for r in window.reminders_box.rows] == [1]
    assert window.reminders_box.isVisible()


def test_the_notice_calls_back_and_marks_done(qtbot: QtBot) -> None:
    controls = FakeControls()
    notice = ReminderNotice(controls, DUE)
    qtbot.addWidget(notice)
    notice.popup()
    assert "Time to call Priya Raman" in notice.text_label.text()
    notice.call_button.click()
    assert controls.named("dial") == [(PRIYA_NUMBER,)]
    assert controls.named("reminder_done") == [(1,)]
    qtbot.waitUntil(lambda: not notice.isVisible())
