"""The history window and note actions through the real app: runtime, widgets and the Recruit
Wizard emulator on one qasync loop, driven with clicks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.config.settings import OutboxSettings
from app.core.models import NoteStatus
from app.sandbox.faults import FaultKind
from app.ui.note.actions import RETRY
from tests.conftest import RwEnv
from tests.support import run, running_app, until
from tests.ui.test_whole_call import App

PRIYA = "+61491570006"
UNKNOWN = "+61491570159"


@pytest.fixture
def app(qapp: QApplication, rw_env: RwEnv) -> Iterator[App]:
    settings = rw_env.settings().model_copy(update={"outbox": OutboxSettings(
        backoff_initial_s=0.05, backoff_max_s=0.2, delivery_timeout_s=0.5)})
    with running_app(qapp, settings, rw_env.secrets) as running:
        yield running


def test_a_skipped_note_is_written_later_from_history(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        controls = app.runtime.controls
        controls.simulate_call(PRIYA)
        await until(lambda: app.shell.cards() and app.shell.cards()[0].view.complete, what="the card")
        card = app.shell.cards()[0]
        call_id = card.call_id
        started = card.view.started_at
        card.answer_button.click()
        await until(lambda: card.hang_up_button.isVisible(), what="answered")
        card.hang_up_button.click()
        await until(lambda: app.shell.note_form(call_id) is not None, what="the note form")
        app.shell.note_form(call_id).skip_button.click()  # type: ignore[union-attr]

        app.shell.tray.menu.refresh_recent()
        (history,) = [a for a in app.shell.tray.menu.recent_menu.actions() if a.objectName() == "historyAction"]
        history.trigger()
        window = app.shell.history_window
        assert window is not None and window.select(call_id)
        assert window.note_button.text() == "Write note…"
        window.note_button.click()
        form = window.note_form
        assert form is not None
        QTest.keyClicks(form.editor, "Remembered: she wants two Java devs.")
        form.save_button.click()
        await until(lambda: rw_env.sandbox.activities(), what="the note to reach Recruit Wizard")
        (activity,) = rw_env.sandbox.activities()
        assert activity["Notes"] == "Remembered: she wants two Java devs."
        assert activity["TypeId"] == 1
        assert activity["ActivityDate"].startswith(started.strftime("%Y-%m-%dT%H:%M"))
        await until(lambda: window.select(call_id) and window.table.item(
            window.table.currentRow(), 5).text() == "logged", what="history to say logged")  # type: ignore[union-attr]

    run(app.loop, scenario())


def test_an_unknown_outcome_is_sent_again_from_the_card(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        rw_env.sandbox.faults.inject("/api/activities", FaultKind.HANG)
        controls = app.runtime.controls
        controls.simulate_call(PRIYA)
        await until(lambda: app.shell.cards() and app.shell.cards()[0].view.complete, what="the card")
        card = app.shell.cards()[0]
        card.answer_button.click()
        await until(lambda: card.hang_up_button.isVisible(), what="answered")
        card.hang_up_button.click()
        await until(lambda: app.shell.note_form(card.call_id) is not None, what="the note form")
        form = app.shell.note_form(card.call_id)
        assert form is not None
        QTest.keyClicks(form.editor, "Offer accepted.")
        form.save_button.click()
        await until(lambda: card.note_action_rows, what="the card to ask what to do")
        assert card.view.notes[0].status is NoteStatus.UNCONFIRMED
        assert "may or may not have been logged" in card.note_labels[0].text()
        assert app.shell.tray.state == "attention"
        assert rw_env.sandbox.activities() == []  # checked: it isn't there, so send it again
        card.note_action_rows[0].linkActivated.emit(RETRY)
        await until(lambda: card.view.notes[0].status is NoteStatus.LOGGED, what="logged")
        assert [a["Notes"] for a in rw_env.sandbox.activities()] == ["Offer accepted."]
        assert card.note_action_rows == []
        await until(lambda: app.shell.tray.state == "idle", what="the tray to calm down")

    run(app.loop, scenario())


def test_a_missed_call_badges_the_tray_until_dismissed(app: App) -> None:
    async def scenario() -> None:
        controls = app.runtime.controls
        controls.simulate_call(UNKNOWN)
        await until(lambda: app.shell.cards(), what="the card")
        card = app.shell.cards()[0]
        card.hang_up_button.click()  # declined: a missed call
        await until(lambda: app.shell.tray.missed == 1, what="the badge")
        window = app.shell.open_history()
        (row,) = window.missed_rows
        assert "0491 570 159" in row.text_label.text()
        row.dismiss_button.click()
        await until(lambda: app.shell.tray.missed == 0, what="the badge to go")
        await until(lambda: not window.missed_box.isVisible(), what="the list to empty")
        assert controls.missed_calls() == []

    run(app.loop, scenario())
