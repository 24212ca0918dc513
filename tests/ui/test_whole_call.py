"""A whole call through the real app: runtime, widgets and the Recruit Wizard emulator on loopback,
all on one qasync loop, driven the way a recruiter drives it (buttons and keys)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import RwEnv
from tests.support import RunningApp, run, running_app, until

PRIYA = "+61491570006"
HARBOURLINE_OFFICE = "+61370100200"  # matches Daniel O'Connor and Mei Lin Chen


App = RunningApp


@pytest.fixture
def app(qapp: QApplication, rw_env: RwEnv) -> Iterator[App]:
    with running_app(qapp, rw_env.settings(), rw_env.secrets) as running:
        yield running


def test_ring_card_hangup_note_logged(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        app.runtime.controls.simulate_call(PRIYA)
        await until(lambda: app.shell.cards(), what="the card")
        card = app.shell.cards()[0]
        await until(lambda: card.record_rows("rw") and card.record_rows("rw")[0].job_labels, what="record and jobs")
        (row,) = card.record_rows("rw")
        assert row.badge.text() == "Contact"
        assert "Priya Raman" in row.name_label.text()
        assert row.detail_label.text() == "Head of Engineering · Kestrel Software"
        assert row.href == "https://app.example.test/secure/contacts/details.aspx?ContactID=533995"
        jobs = [label.text() for label in row.job_labels]
        assert any("Senior Backend Engineer (Python)" in j for j in jobs)
        assert not any("closed" in j.lower() for j in jobs)

        card.answer_button.click()
        await until(lambda: card.hang_up_button.isVisible() and not card.answer_button.isVisible(), what="answered")
        card.hang_up_button.click()
        await until(lambda: app.shell.note_form(card.call_id) is not None, what="the note form")
        form = app.shell.note_form(card.call_id)
        assert form is not None
        assert list(form.target_checks) == [row.record.key]
        QTest.keyClicks(form.editor, "Needs a platform engineer by March.")
        # The recruiter clicks into the form. (Under the offscreen platform any window shown later,
        # even a card that never takes focus, deactivates it; a real desktop does not.)
        form.activateWindow()
        await until(form.isActiveWindow, what="the note form to have the keyboard")
        QTest.keyClick(form.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: rw_env.sandbox.activities(), what="the activity to reach Recruit Wizard")
        await until(lambda: "logged" in " ".join(label.text() for label in card.note_labels).lower(),
                    what="the card to say the note was logged")

    run(app.loop, scenario())
    (body,) = rw_env.sandbox.activities()
    assert body["StatusID"] == 2
    assert body["TypeId"] == 1
    assert body["Notes"] == "Needs a platform engineer by March."
    assert body["LinkedPlayers"] == [{"EntityID": 2, "PlayerID": 533995}]
    assert body["ActivityDate"].endswith("Z")


def test_several_matches_the_recruiter_picks_one(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        app.runtime.controls.simulate_call(HARBOURLINE_OFFICE)
        await until(lambda: app.shell.cards() and len(app.shell.cards()[0].record_rows("rw")) == 2, what="two rows")
        card = app.shell.cards()[0]
        mei = next(r for r in card.record_rows("rw") if "Mei Lin Chen" in r.name_label.text())
        assert mei.radio is not None
        mei.radio.click()
        await until(lambda: card.view.selected.get("rw") == mei.record.key, what="the pick")
        card.answer_button.click()
        await until(lambda: not card.answer_button.isVisible(), what="answered")
        card.hang_up_button.click()
        await until(lambda: app.shell.note_form(card.call_id) is not None, what="the note form")
        form = app.shell.note_form(card.call_id)
        assert form is not None
        assert form.selected_keys() == [mei.record.key]
        form.editor.setPlainText("Mei asked about the dispatch role.")
        form.save_button.click()
        await until(lambda: rw_env.sandbox.activities(), what="the activity")

    run(app.loop, scenario())
    (body,) = rw_env.sandbox.activities()
    assert body["LinkedPlayers"] == [{"EntityID": 2, "PlayerID": 534121}]


def test_account_failure_shows_on_the_card_and_the_app_goes_on(app: App, rw_env: RwEnv) -> None:
    from app.sandbox.faults import FaultKind

    rw_env.sandbox.faults.inject("/api/telephony/lookup", FaultKind.STATUS, status=500)

    async def scenario() -> None:
        app.runtime.controls.simulate_call(PRIYA)
        await until(lambda: app.shell.cards(), what="the card")
        card = app.shell.cards()[0]
        section = card.section("rw")
        assert section is not None
        await until(lambda: section.error_label is not None and section.error_label.isVisible(),
                    what="the error box")
        assert section.error_label is not None
        assert "Recruit Wizard" in section.error_label.text()
        # no "Looking up…" left spinning beside the error
        assert section.status_label is None or not section.status_label.isVisible()
        app.runtime.controls.simulate_call("+61491571266")
        await until(lambda: len(app.shell.cards()) == 2 and app.shell.cards()[0].record_rows("rw"),
                    what="the next call's card")

    run(app.loop, scenario())
