"""UiShell wired to a real Bridge: switchboard calls in, windows out, intents back to Controls."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.models import NoteStatus
from app.core.views import CallState, SwitchboardListener, TrayState
from app.ui.bridge import Bridge
from app.ui.shell import MAX_CARDS, UiShell
from tests.ui.helpers import HARBOURLINE, PRIYA, RW, TR, FakeControls, call, found, not_found, pending, with_notes


@pytest.fixture
def controls() -> FakeControls:
    return FakeControls()


@pytest.fixture
def bridge() -> Bridge:
    return Bridge()


@pytest.fixture
def shell(qtbot: QtBot, controls: FakeControls, bridge: Bridge) -> Iterator[UiShell]:
    ui = UiShell(controls, bridge, settled_close_ms=0)
    ui.start()
    yield ui
    ui.shutdown()


def test_bridge_is_a_listener_that_emits_signals(qtbot: QtBot, bridge: Bridge) -> None:
    listener: SwitchboardListener = bridge
    view = call(pending(RW))
    with qtbot.waitSignal(bridge.callUpdated) as updated:
        listener.call_updated(view)
    assert updated.args == [view]
    with qtbot.waitSignal(bridge.noteRequested) as requested:
        listener.note_requested(view)
    assert requested.args == [view]
    with qtbot.waitSignal(bridge.trayStateChanged) as state:
        listener.tray_state_changed(TrayState.IN_CALL, "Priya Raman")
    assert state.args == ["in_call", "Priya Raman"]
    with qtbot.waitSignal(bridge.messagePosted) as message:
        listener.message("Bad event from the softphone", error=True)
    assert message.args == ["Bad event from the softphone", True]


def test_a_call_pops_one_card_updated_in_place(qtbot: QtBot, shell: UiShell, bridge: Bridge) -> None:
    bridge.call_updated(call(pending(RW), pending(TR)))
    card = shell.card("c1")
    assert card is not None
    qtbot.waitExposed(card)
    bridge.call_updated(call(found(RW, PRIYA), pending(TR)))
    bridge.call_updated(call(found(RW, PRIYA), not_found(TR)))
    assert shell.cards() == [card]
    assert [r.record.name for r in card.record_rows()] == ["Priya Raman"]


def test_at_most_three_cards_newest_nearest_the_tray(qtbot: QtBot, shell: UiShell, bridge: Bridge) -> None:
    for n in range(MAX_CARDS + 1):
        bridge.call_updated(call(pending(RW), call_id=f"c{n}"))
    cards = shell.cards()
    assert [c.call_id for c in cards] == ["c3", "c2", "c1"]
    assert shell.card("c0") is None
    bottoms = [c.geometry().bottom() for c in cards]
    assert bottoms == sorted(bottoms, reverse=True)  # stacked upward
    for lower, upper in itertools.pairwise(cards):
        assert upper.geometry().bottom() < lower.geometry().top()
    bridge.call_updated(call(found(RW, PRIYA), call_id="c0"))  # a closed card does not come back
    assert shell.card("c0") is None


def test_dismissed_card_stays_closed(qtbot: QtBot, shell: UiShell, bridge: Bridge, controls: FakeControls) -> None:
    bridge.call_updated(call(pending(RW)))
    card = shell.card("c1")
    assert card is not None
    qtbot.mouseClick(card.close_button, Qt.MouseButton.LeftButton)
    assert controls.named("dismiss") == [("c1",)]
    assert shell.cards() == []
    bridge.call_updated(call(found(RW, PRIYA)))
    assert shell.cards() == []


def test_note_form_flow_and_card_settling(qtbot: QtBot, shell: UiShell, bridge: Bridge, controls: FakeControls) -> None:
    ended = call(found(RW, PRIYA), state=CallState.ENDED)
    bridge.call_updated(ended)
    bridge.note_requested(ended)
    form = shell.note_form("c1")
    assert form is not None
    qtbot.waitExposed(form)
    qtbot.keyClicks(form.editor, "Sending CVs")
    form.save()
    assert controls.named("save_note") == [("c1", "Sending CVs", [PRIYA.key])]
    assert shell.note_form("c1") is None

    bridge.call_updated(with_notes(ended, NoteStatus.PENDING))
    card = shell.card("c1")
    assert card is not None
    assert card.note_labels[0].text().startswith("Logging note…")
    bridge.call_updated(with_notes(ended, NoteStatus.LOGGED))
    qtbot.waitUntil(lambda: shell.card("c1") is None)  # logged: the card goes away by itself


def test_a_failed_note_keeps_its_card(qtbot: QtBot, shell: UiShell, bridge: Bridge) -> None:
    ended = call(found(RW, PRIYA), state=CallState.ENDED)
    bridge.call_updated(ended)
    bridge.note_requested(ended)
    form = shell.note_form("c1")
    assert form is not None
    form.save()
    bridge.call_updated(with_notes(ended, NoteStatus.FAILED, "Recruit Wizard refused the note."))
    qtbot.wait(0)
    card = shell.card("c1")
    assert card is not None and "refused" in card.note_labels[0].text()


def test_late_results_reach_an_open_note_form(shell: UiShell, bridge: Bridge) -> None:
    ended = call(found(RW, PRIYA), pending(TR), state=CallState.ENDED)
    bridge.note_requested(ended)
    bridge.call_updated(replace(ended, accounts=(found(RW, PRIYA), found(TR, *HARBOURLINE))))
    form = shell.note_form("c1")
    assert form is not None and list(form.target_combos) == ["tr"]


def test_paused_pops_no_new_cards(shell: UiShell, bridge: Bridge, controls: FakeControls) -> None:
    shell.tray.menu.pause_action.trigger()
    assert shell.paused and controls.named("set_paused") == [(True,)]
    bridge.call_updated(call(pending(RW)))
    assert shell.cards() == []


def test_tray_state_messages_and_quit(qtbot: QtBot, shell: UiShell, bridge: Bridge) -> None:
    window = shell.tray.main_window
    assert window is not None and window.isVisible()
    bridge.tray_state_changed(TrayState.ATTENTION, "A note failed to log")
    assert window.state_label.text() == "Needs attention"
    bridge.message("TrackerRMS needs you to sign in again.", error=True)
    assert window.message_label.text() == "TrackerRMS needs you to sign in again."
    assert [t.label.text() for t in shell.tray.toasts] == ["TrackerRMS needs you to sign in again."]
    with qtbot.waitSignal(shell.quitRequested):
        shell.tray.menu.quit_action.trigger()


def test_show_main_brings_the_fallback_window_forward(qtbot: QtBot, shell: UiShell) -> None:
    assert not shell.has_tray
    window = shell.tray.main_window
    assert window is not None
    window.hide()
    shell.show_main()
    qtbot.waitExposed(window)
    assert window.isVisible()
    shell.close()
    assert not window.isVisible()
