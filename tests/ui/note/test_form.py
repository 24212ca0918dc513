"""NoteForm: prefilled from the ended call; Ctrl+Enter saves against the ticked records, Esc skips."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.models import Direction
from app.core.views import CallState, CallView
from app.ui.note.form import NoteForm
from app.ui.note.targets import NO_MATCH_TEXT, STILL_LOOKING_TEXT
from tests.ui.helpers import HARBOURLINE, PRIYA, RW, TR, FakeControls, call, found, not_found, pending


def ended(*accounts: object, **kwargs: object) -> CallView:
    return call(*accounts, state=CallState.ENDED, duration_s=252, **kwargs)  # type: ignore[arg-type]


def open_form(qtbot: QtBot, controls: FakeControls, view: CallView) -> NoteForm:
    form = NoteForm(controls, view)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    return form


def test_prefilled_header_and_targets(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA), found(TR, *HARBOURLINE)))
    assert form.windowTitle() == "Log call — Priya Raman · 0491 570 006"  # the caller, not just "Log call"
    assert "Inbound call" in form.title_label.text()
    assert "0491 570 006" in form.title_label.text()
    assert form.when_label.text() == "14:02 · 4m 12s"
    [box] = form.target_checks.values()
    assert box.text() == "Recruit Wizard — Priya Raman (Contact)"
    assert box.isChecked()
    combo = form.target_combos["tr"]
    assert combo.count() == 3 and combo.currentData() is None
    assert not form.no_match_label.isVisible()
    assert form.editor.hasFocus()


def test_ctrl_enter_saves_with_the_checked_keys(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    qtbot.keyClicks(form.editor, "Wants two Python engineers by April")
    with qtbot.waitSignal(form.formClosed) as closed:
        qtbot.keyClick(form.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert closed.args == ["c1"]
    assert controls.named("save_note") == [("c1", "Wants two Python engineers by April", [PRIYA.key])]
    assert controls.named("skip_note") == []
    assert not form.isVisible()


def test_ctrl_keypad_enter_saves_too(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    qtbot.keyClick(
        form.editor, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier
    )
    assert controls.named("save_note") == [("c1", "", [PRIYA.key])]


def test_plain_enter_is_a_new_line(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    qtbot.keyClicks(form.editor, "one")
    qtbot.keyClick(form.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(form.editor, "two")
    assert form.editor.toPlainText() == "one\ntwo"
    assert controls.named("save_note") == []


def test_unticked_and_picked_targets(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA), found(TR, *HARBOURLINE)))
    form.target_checks[PRIYA.key].setChecked(False)
    form.target_combos["tr"].setCurrentIndex(2)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert controls.named("save_note") == [("c1", "", [HARBOURLINE[1].key])]


def test_a_pick_made_on_the_card_is_a_checkbox(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(TR, *HARBOURLINE), selected={"tr": HARBOURLINE[1].key}))
    assert list(form.target_checks) == [HARBOURLINE[1].key]
    assert form.target_combos == {}
    assert form.target_checks[HARBOURLINE[1].key].text() == "TrackerRMS — Mei Lin Chen (Contact)"


def test_escape_skips(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    qtbot.keyClicks(form.editor, "never mind")
    with qtbot.waitSignal(form.formClosed):
        qtbot.keyClick(form.editor, Qt.Key.Key_Escape)
    assert controls.named("skip_note") == [("c1",)]
    assert controls.named("save_note") == []
    assert not form.isVisible()


def test_closing_the_window_skips_once(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    form.close()
    form.close()
    assert controls.named("skip_note") == [("c1",)]


def test_saving_twice_saves_once(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    form.save()
    form.save()
    form.reject()
    assert len(controls.named("save_note")) == 1
    assert controls.named("skip_note") == []


def test_no_match_keeps_the_note_in_history(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(not_found(RW), not_found(TR)))
    assert form.no_match_label.isVisible()
    assert form.no_match_label.text() == NO_MATCH_TEXT
    assert form.target_checks == {} and form.target_combos == {}
    qtbot.keyClicks(form.editor, "Cold call from a candidate")
    qtbot.keyClick(form.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert controls.named("save_note") == [("c1", "Cold call from a candidate", [])]


def test_late_lookups_fill_in_and_keep_the_recruiters_choices(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA), pending(TR)))
    form.target_checks[PRIYA.key].setChecked(False)
    form.update_view(ended(found(RW, PRIYA), found(TR, HARBOURLINE[0])))
    assert list(form.target_checks) == [PRIYA.key, HARBOURLINE[0].key]
    assert form.target_checks[HARBOURLINE[0].key].isVisible()
    assert not form.target_checks[PRIYA.key].isChecked()
    assert form.target_checks[HARBOURLINE[0].key].isChecked()


def test_still_looking_until_every_account_answered(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(pending(RW)))
    assert form.no_match_label.text() == STILL_LOOKING_TEXT
    form.update_view(ended(not_found(RW)))
    assert form.no_match_label.text() == NO_MATCH_TEXT


def test_missed_and_outbound_calls(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, call(found(RW, PRIYA), state=CallState.MISSED))
    assert form.when_label.text() == "14:02 · Missed call"
    form2 = open_form(
        qtbot,
        controls,
        call(found(RW, PRIYA), state=CallState.ENDED, duration_s=45, direction=Direction.OUTBOUND, call_id="c2"),
    )
    assert "Outbound call" in form2.title_label.text()
    assert form2.when_label.text() == "14:02 · 45s"


def test_everything_is_reachable_by_keyboard(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA), found(TR, *HARBOURLINE)))
    widgets = [form.target_checks[PRIYA.key], form.target_combos["tr"], form.editor, form.skip_button, form.save_button]
    assert all(w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in widgets)
    assert form.editor.tabChangesFocus()


def test_esc_on_a_form_with_text_keeps_it_as_a_draft(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    form.editor.setPlainText("Call back Tuesday about the Python role")
    qtbot.keyClick(form.editor, Qt.Key.Key_Escape)
    assert controls.named("keep_draft") == [(form.call_id, "Call back Tuesday about the Python role")]
    assert controls.named("skip_note") == [(form.call_id,)]
    assert controls.named("save_note") == []


def test_an_empty_form_just_closes(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    qtbot.mouseClick(form.skip_button, Qt.MouseButton.LeftButton)
    assert controls.named("keep_draft") == []
    assert controls.named("skip_note") == [(form.call_id,)]


def test_the_form_opens_with_what_was_typed_during_the_call_and_says_what_waits(
    qtbot: QtBot, controls: FakeControls
) -> None:
    form = NoteForm(controls, ended(found(RW, PRIYA)), draft="Asked about salary bands")
    qtbot.addWidget(form)
    assert form.editor.toPlainText() == "Asked about salary bands"
    form.set_waiting(2)
    assert form.waiting_label.text() == "2 more notes waiting after this one"
    form.set_waiting(0)
    assert form.waiting_label.isHidden()


def test_a_shared_line_guess_is_unticked_and_asks_for_a_pick(qtbot: QtBot, controls: FakeControls) -> None:
    guess = HARBOURLINE[0].model_copy(update={"id": None, "one_of": 2, "type_label": "Contact · 1 of 2"})
    form = open_form(qtbot, controls, ended(found(TR, guess)))
    assert form.target_checks == {}  # a "1 of 2" guess is never ticked
    combo = form.target_combos["tr"]
    assert combo.currentData() is None
    label = form.findChild(QLabel, "targetChoiceLabel")
    assert label is not None and label.text() == "TrackerRMS — 2 matches: pick who this call was with"
    assert form.selected_keys() == []


def test_the_form_closes_only_once_the_note_is_stored(qtbot: QtBot, controls: FakeControls) -> None:
    controls.stores_notes = None  # the write is still on its way
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    qtbot.keyClicks(form.editor, "Wants two Python engineers")
    form.save()
    assert form.isVisible() and not form.save_button.isEnabled() and form.save_button.text() == "Saving…"
    qtbot.keyClick(form.editor, Qt.Key.Key_Escape)  # no draft kept over a note being saved
    assert form.isVisible() and controls.named("keep_draft") == [] and controls.named("skip_note") == []
    form.save()
    assert len(controls.named("save_note")) == 1  # not saved twice
    with qtbot.waitSignal(form.formClosed):
        form._saved(True)
    assert not form.isVisible()


def test_a_refused_note_leaves_the_form_open_with_its_text(qtbot: QtBot, controls: FakeControls) -> None:
    controls.stores_notes = False  # a full or read-only disk (the recruiter is told by a message)
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    qtbot.keyClicks(form.editor, "Wants two Python engineers")
    form.save()
    assert form.isVisible() and form.editor.toPlainText() == "Wants two Python engineers"
    assert form.save_button.isEnabled() and form.save_button.text() == "Save note"
    controls.stores_notes = True  # room again: the same text is saved
    with qtbot.waitSignal(form.formClosed):
        form.save()
    assert [c[1] for c in controls.named("save_note")] == ["Wants two Python engineers"] * 2
