"""Issue 14, point 6 (and 9's "Ready" once): notices wrap within the screen, keep clear of cards and
forms, expire, and stay readable in the message log afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.tray.toast import TOAST_MAX_MS, TOAST_MS, Toast, breakable, free_spot, timeout_for
from app.ui.tray.tray import TrayController
from tests.ui.helpers import FakeControls

LONG = ("Couldn't reach TrackerRMS at https://evoapi.tracker-rms.com/api/widget/getRecords/with/a/very/long/path "
        "after three tries: the connection was refused. Ringside keeps trying every minute; your note is safe.")
AREA = QRect(0, 0, 1280, 800)


@pytest.fixture
def tray(qtbot: QtBot) -> Iterator[TrayController]:
    card = QWidget()
    qtbot.addWidget(card)
    area = QGuiApplication.primaryScreen().availableGeometry()
    card.setGeometry(area.right() - 12 - 360, area.top() + 12, 360, 300)  # a card in the top-right corner
    card.show()
    controller = TrayController(FakeControls(), occupied=lambda: [card.frameGeometry()])
    if controller.main_window is not None:
        qtbot.addWidget(controller.main_window)
    controller.card = card  # type: ignore[attr-defined]
    yield controller
    controller.hide()


def test_a_long_message_wraps_within_the_screen_and_never_covers_a_card(qtbot: QtBot, tray: TrayController) -> None:
    tray.show_message(LONG, error=True)
    (toast,) = tray.toasts
    qtbot.waitExposed(toast)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.contains(toast.frameGeometry())
    assert toast.label.width() <= toast.width() and toast.label.heightForWidth(toast.label.width()) > 40  # wrapped
    assert not toast.frameGeometry().intersects(tray.card.frameGeometry())  # type: ignore[attr-defined]
    tray.show_message("Second notice.")
    second = tray.toasts[-1]
    assert not second.frameGeometry().intersects(toast.frameGeometry())
    assert not second.frameGeometry().intersects(tray.card.frameGeometry())  # type: ignore[attr-defined]


def test_messages_expire_and_stay_in_the_log(qtbot: QtBot) -> None:
    toast = Toast("Saved.", timeout_ms=50)
    toast.popup()
    qtbot.waitUntil(lambda: not shiboken6.isValid(toast) or not toast.isVisible())  # closed, then deleted
    assert timeout_for("short") == TOAST_MS and timeout_for(LONG * 3) == TOAST_MAX_MS


def test_the_log_keeps_every_message(tray: TrayController) -> None:
    tray.show_message("First.")
    tray.show_message("Broken.", error=True)
    assert [(m.text, m.error) for m in tray.messages.messages] == [("First.", False), ("Broken.", True)]


def test_the_fallback_windows_message_grows_and_clears(qtbot: QtBot, tray: TrayController) -> None:
    window = tray.main_window
    assert window is not None
    tray.show()
    qtbot.waitExposed(window)
    tray.show_message(LONG)
    assert window.message_label.isVisible()
    assert window.message_label.height() >= window.message_label.heightForWidth(window.message_label.width())
    window._message_timer.setInterval(10)
    window._message_timer.start()
    qtbot.waitUntil(lambda: not window.message_label.isVisible())


def test_long_words_can_break_and_spots_avoid_what_is_taken() -> None:
    assert "\u200b" in breakable("x" * 60) and breakable("short words stay") == "short words stay"
    card = QRect(AREA.right() - 372, 12, 360, 500)
    spot = free_spot((340, 80), AREA, [card])
    assert not QRect(spot.x(), spot.y(), 340, 80).intersects(card)
    full = [QRect(AREA.right() - 372, 0, 360, 800), QRect(0, 0, 400, 800)]
    assert free_spot((340, 80), AREA, full).y() == 12  # nowhere free: the corner


def test_idle_says_ready_once(tray: TrayController) -> None:
    tray.set_state("idle", "Ready")
    assert tray.tooltip() == "Ringside — Ready"
    assert tray.main_window is not None and tray.main_window.detail_label.text() == "Waiting for calls"
