"""UiShell wired to a real Bridge: switchboard calls in, windows out, intents back to Controls."""

from __future__ import annotations

import itertools
from dataclasses import replace

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.models import NoteStatus
from app.core.views import CallState, SwitchboardListener, TrayState
from app.ui.bridge import Bridge
from app.ui.card.placement import available_area
from app.ui.card.stack import fit_stack
from app.ui.shell import MAX_ENDED_CARDS, UiShell
from tests.ui.helpers import HARBOURLINE, PRIYA, RW, TR, FakeControls, call, found, not_found, pending, with_notes


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


def test_at_most_three_ended_cards_newest_nearest_the_tray(qtbot: QtBot, shell: UiShell, bridge: Bridge) -> None:
    deleted: list[str] = []
    for n in range(MAX_ENDED_CARDS + 1):
        bridge.call_updated(call(pending(RW), call_id=f"c{n}", state=CallState.ENDED))
        shown = shell.card(f"c{n}")
        assert shown is not None
        shown.destroyed.connect(lambda *_, n=n: deleted.append(f"c{n}"))
    cards = shell.cards()
    assert [c.call_id for c in cards] == ["c3", "c2", "c1"]
    assert shell.card("c0") is None
    # The oldest card went at once; deleting it waits until the newest card has painted (its first frame first).
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert deleted == []
    cards[0].repaint()
    qtbot.waitUntil(lambda: deleted == ["c0"])
    bottoms = [c.geometry().bottom() for c in cards]
    assert bottoms == sorted(bottoms, reverse=True)  # stacked upward
    for lower, upper in itertools.pairwise(cards):
        assert upper.geometry().bottom() < lower.geometry().top()
    bridge.call_updated(call(found(RW, PRIYA), call_id="c0"))  # a closed card does not come back
    assert shell.card("c0") is None


def test_every_live_call_keeps_its_card_older_ones_fold_to_fit_the_screen(
    qtbot: QtBot, shell: UiShell, bridge: Bridge
) -> None:
    area = available_area()
    for n in range(5):
        bridge.call_updated(call(found(RW, PRIYA), call_id=f"c{n}"))
    cards = shell.cards()
    assert [c.call_id for c in cards] == ["c4", "c3", "c2", "c1", "c0"]  # none closed while ringing
    assert not cards[0].collapsed
    shown = [c for c in cards if c.isVisible()]
    assert all(area.contains(c.geometry()) for c in shown)
    for lower, upper in itertools.pairwise(shown):
        assert upper.geometry().bottom() < lower.geometry().top()  # none hides another
    folded = [c for c in cards if c.collapsed]
    hidden = len(cards) - len(shown)
    assert folded or hidden == 0
    assert shell.more.isVisible() == bool(hidden)

    # The oldest answered: its card comes forward, unfolded, nearest the corner.
    bridge.call_updated(call(found(RW, PRIYA), call_id="c0", state=CallState.ANSWERED))
    assert shell.cards()[0].call_id == "c0" and not shell.cards()[0].collapsed


def test_a_folded_card_unfolds_on_click(qtbot: QtBot, shell: UiShell, bridge: Bridge) -> None:
    for n in range(6):
        bridge.call_updated(call(found(RW, PRIYA), call_id=f"c{n}"))
    folded = next(c for c in shell.cards() if c.collapsed and c.isVisible())
    qtbot.mouseClick(folded.collapsed_bar, Qt.MouseButton.LeftButton)
    assert shell.cards()[0] is folded and not folded.collapsed
    assert len(shell.cards()) == 6


def test_stacks_fold_then_count_what_does_not_fit() -> None:
    plan = fit_stack([(300, 40)] * 3, 1000, 8)
    assert plan.slots == (False, False, False)
    plan = fit_stack([(300, 40)] * 5, 700, 8)
    assert plan.slots[0] is False and True in plan.slots and plan.hidden == 0
    plan = fit_stack([(500, 40)] * 30, 700, 8)
    assert plan.slots[0] is False and plan.hidden > 0 and None not in plan.slots[: len(plan.slots) - plan.hidden]


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


def test_note_forms_come_one_at_a_time_titled_with_a_count_of_those_waiting(
    qtbot: QtBot, shell: UiShell, bridge: Bridge
) -> None:
    for n in range(3):
        bridge.note_requested(call(found(RW, PRIYA), call_id=f"e{n}", state=CallState.ENDED))
    forms = shell.note_forms()
    assert [f.call_id for f in forms] == ["e0", "e1", "e2"]
    assert [f.isVisible() for f in forms] == [True, False, False]
    first = shell.note_form_shown()
    assert first is not None and first.windowTitle() == "Log call — Priya Raman · 0491 570 006"
    assert first.waiting_label.text() == "2 more notes waiting after this one"
    first.save()
    second = shell.note_form_shown()
    assert second is not None and second.call_id == "e1" and second.isVisible()
    assert second.waiting_label.text() == "1 more note waiting after this one"


def test_notes_typed_on_the_card_are_kept_as_a_draft_and_carried_into_the_form(
    qtbot: QtBot, shell: UiShell, bridge: Bridge, controls: FakeControls
) -> None:
    bridge.call_updated(call(found(RW, PRIYA), state=CallState.ANSWERED))
    card = shell.card("c1")
    assert card is not None and card.notes_box.isVisible()
    card.notes_box.editor.setPlainText("Open to contract roles")
    qtbot.waitUntil(lambda: controls.named("keep_draft") == [("c1", "Open to contract roles")])
    card.notes_box.editor.setPlainText("Open to contract roles, from May")
    ended = call(found(RW, PRIYA), state=CallState.ENDED)
    bridge.call_updated(ended)  # hang-up: kept at once, not after the debounce
    assert controls.named("keep_draft")[-1] == ("c1", "Open to contract roles, from May")
    assert not card.notes_box.isVisible()
    bridge.note_requested(ended)
    form = shell.note_form("c1")
    assert form is not None and form.editor.toPlainText() == "Open to contract roles, from May"


def test_a_withheld_caller_gets_a_card(qtbot: QtBot, shell: UiShell, bridge: Bridge) -> None:
    from dataclasses import replace
    bridge.call_updated(replace(call(), number="", number_display="Withheld number", e164=None))
    card = shell.card("c1")
    assert card is not None and card.number_label.text() == "Withheld number"
