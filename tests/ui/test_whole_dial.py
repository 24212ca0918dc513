"""Dialling out through the real app: tray → Dial… (typed, Enter), the outbound card with its
Connected / Call ended buttons, the note form, the note logged as outbound in the Recruit Wizard
emulator, then Call back from the same card. The system dialer's tel: opener is captured."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.config.settings import SystemDialerSettings
from tests.conftest import RwEnv
from tests.support import RunningApp, run, running_app, until

PRIYA = "+61491570006"


@dataclass
class App(RunningApp):
    opened: list[str] = field(default_factory=list)  # tel: URLs handed to the desktop


@pytest.fixture
def app(qapp: QApplication, rw_env: RwEnv) -> Iterator[App]:
    opened: list[str] = []

    async def open_tel(url: str) -> None:
        opened.append(url)

    settings = rw_env.settings().model_copy(update={"dialer": SystemDialerSettings(kind="system")})
    with running_app(qapp, settings, rw_env.secrets, open_tel=open_tel) as running:
        yield App(running.loop, running.runtime, running.shell, opened)


def test_dial_from_the_tray_then_note_and_call_back(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        app.shell.tray.menu.dial_action.trigger()
        dialog = app.shell.tray.menu.dial_dialog
        assert dialog is not None
        QTest.keyClicks(dialog.number_edit, "0491 570 006")
        QTest.keyClick(dialog.number_edit, Qt.Key.Key_Return)

        await until(lambda: app.shell.cards(), what="the outbound card")
        card = app.shell.cards()[0]
        assert app.opened == [f"tel:{PRIYA}"]
        assert card.direction_label.text().endswith("Outgoing call")
        await until(lambda: card.record_rows("rw"), what="Priya's record")
        assert card.answer_button.text() == "Connected" and card.answer_button.isVisible()

        card.answer_button.click()
        await until(lambda: not card.answer_button.isVisible(), what="the call to be connected")
        assert card.hang_up_button.text() == "Call ended"
        card.hang_up_button.click()
        await until(lambda: app.shell.note_form(card.call_id) is not None, what="the note form")
        form = app.shell.note_form(card.call_id)
        assert form is not None
        QTest.keyClicks(form.editor, "Left a voicemail about the Java role.")
        # The recruiter clicks into the form. (Under the offscreen platform any window shown later,
        # even a card that never takes focus, deactivates it; a real desktop does not.)
        form.activateWindow()
        await until(form.isActiveWindow, what="the note form to have the keyboard")
        QTest.keyClick(form.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: rw_env.sandbox.activities(), what="the note to reach Recruit Wizard")
        (activity,) = rw_env.sandbox.activities()
        assert activity["TypeId"] == 4  # outbound

        assert card.call_back_button.isVisible()
        card.call_back_button.click()
        await until(lambda: len(app.opened) == 2, what="the call back")
        await until(lambda: len(app.shell.cards()) == 2, what="a card for the call back")

    run(app.loop, scenario())
