"""Issue 14, point 7 (and 6's Messages tab): the history window shows the selected call's note text and
each account's outcome, dates every time, finds calls by name, number, company or note text, reads
"Who" one way, and keeps the recent list's height however many missed calls wait."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.core.models import NoteStatus, Record, RecordType
from app.core.views import CallState, MissedCall
from app.ui.common.messages import MessageLog
from app.ui.history.missed import ROWS_IN_VIEW
from app.ui.history.rows import when_text, who_text
from app.ui.history.window import MIN_RECENT_ROWS, HistoryWindow
from tests.ui.helpers import HARBOURLINE, PRIYA, RW, T0, TR, FakeControls, call, error, found, not_found, with_notes

NOTE = "Wants the Java role; call back Thursday about the offer."
ENDED = call(found(RW, PRIYA), not_found(TR), state=CallState.ENDED)
NOTED = replace(with_notes(ENDED, NoteStatus.LOGGED), notes=(replace(with_notes(ENDED, NoteStatus.LOGGED).notes[0],
                                                                     text=NOTE),))
SHARED = call(found(TR, *HARBOURLINE), call_id="c2", number="+61370100200", number_display="03 7010 0200",
              state=CallState.ENDED, started_at=T0 - timedelta(days=1))


@pytest.fixture
def window(qtbot: QtBot, controls: FakeControls) -> HistoryWindow:
    w = HistoryWindow(controls)
    qtbot.addWidget(w)
    return w


def test_the_selected_call_shows_its_note_text_and_each_accounts_outcome(window: HistoryWindow,
                                                                         controls: FakeControls) -> None:
    controls.history = [NOTED]
    window.show()
    window.select("c1")
    assert window.note_text_label.isVisible() and NOTE in window.note_text_label.text()
    lines = window.detail_label.text().splitlines()
    assert lines == ["Note logged ✓ — Priya Raman in Recruit Wizard", "TrackerRMS: didn't know this number"]


def test_a_call_without_a_note_says_so_per_account(window: HistoryWindow, controls: FakeControls) -> None:
    controls.history = [replace(SHARED, accounts=(*SHARED.accounts, error(RW, "timed out")))]
    window.show()
    window.select("c2")
    assert not window.note_text_label.isVisible()
    assert window.detail_label.text().splitlines() == [
        "No note yet.", "TrackerRMS: 2 matches, none picked — no note logged",
        "Recruit Wizard: couldn't be asked (timed out)"]


def test_every_time_carries_its_day() -> None:
    now = T0.replace(hour=18)
    assert when_text(T0, now) == "Today 14:02"
    assert when_text(T0 - timedelta(days=400), now).endswith(f"{(T0 - timedelta(days=400)).year} 14:02")


def test_who_reads_one_way() -> None:
    mei_rw = Record(account_id="rw", type=RecordType.CONTACT, id="9", name="Mei Lin Chen")
    mei_x = Record(account_id="x", type=RecordType.CONTACT, id="9", name="Mei Lin Chen")
    both = call(found(TR, *HARBOURLINE), state=CallState.ENDED)
    assert who_text(both) == "Daniel O'Connor and 1 other (TrackerRMS)"
    three = call(found(TR, HARBOURLINE[1]), found(RW, mei_rw), found(("x", "Bullhorn"), mei_x), state=CallState.ENDED)
    assert who_text(three) == "Mei Lin Chen (TrackerRMS + 2 more)"
    two = call(found(TR, HARBOURLINE[1]), found(RW, mei_rw), state=CallState.ENDED)
    assert who_text(two) == "Mei Lin Chen (TrackerRMS, Recruit Wizard)"
    assert who_text(ENDED) == "Priya Raman (Recruit Wizard)"


def test_search_by_name_number_company_or_note_text(qtbot: QtBot, window: HistoryWindow,
                                                    controls: FakeControls) -> None:
    controls.history = [NOTED, SHARED]
    window.show()
    assert len(window.views) == 2
    for query, expected in (("java role", ["c1"]), ("Harbourline", ["c2"]), ("Mei Lin", ["c2"]),
                            ("+6137010", ["c2"])):
        window.search_edit.setText(query)
        qtbot.waitUntil(lambda expected=expected: [v.call_id for v in window.views] == expected)  # type: ignore[misc]
    assert ("call_history", "java role") in controls.calls
    window.search_edit.setText("Zanzibar")
    qtbot.waitUntil(lambda: window.empty_label.isVisible())
    assert window.empty_label.text() == "No calls match “Zanzibar”."
    window.search_edit.clear()
    qtbot.waitUntil(lambda: len(window.views) == 2)
    assert not window.empty_label.isVisible()


def test_the_recent_list_keeps_its_height_as_missed_calls_grow(qtbot: QtBot, window: HistoryWindow,
                                                               controls: FakeControls) -> None:
    controls.history = [replace(ENDED, call_id=f"c{i}") for i in range(20)]
    window.show()
    before = window.table.height()
    controls.missed = [MissedCall(key=f"+6149157{i:04d}", number=f"+6149157{i:04d}", number_display=f"0491 57{i:04d}",
                                  e164=f"+6149157{i:04d}", count=1, last_at=T0, call_id=f"m{i}") for i in range(12)]
    window.refresh()
    qtbot.waitUntil(lambda: len(window.missed_rows) == 12)
    rows_in_view = window.table.viewport().height() // window.table.verticalHeader().defaultSectionSize()
    assert rows_in_view >= MIN_RECENT_ROWS
    assert window.table.height() >= min(before, window.table.minimumHeight())
    assert window.missed_box.scroll_area.height() < 4 * window.missed_rows[0].sizeHint().height()


def test_messages_stay_readable_in_the_messages_tab(qtbot: QtBot, controls: FakeControls) -> None:
    log = MessageLog()
    log.add("Recruit Wizard: signed out; sign in again from the tray.", error=True)
    window = HistoryWindow(controls, messages=log)
    qtbot.addWidget(window)
    window.show()
    log.add("Note logged to Priya Raman.")
    texts = window.messages_panel.texts()
    assert "Note logged to Priya Raman." in texts[0]
    assert "⚠ Recruit Wizard: signed out" in texts[1]
    assert not window.messages_panel.empty_label.isVisible()


def test_the_missed_list_builds_the_rows_in_view_first_and_the_rest_after(qtbot: QtBot, window: HistoryWindow,
                                                                          controls: FakeControls) -> None:
    controls.missed = [MissedCall(key=f"+6149157{i:04d}", number=f"+6149157{i:04d}", number_display=f"0491 57{i:04d}",
                                  e164=f"+6149157{i:04d}", count=1, last_at=T0, call_id=f"m{i}") for i in range(50)]
    window.refresh()
    assert len(window.missed_rows) == ROWS_IN_VIEW + 1  # no more before the window paints
    assert window.missed_box._caption.text() == "MISSED — TO CALL BACK (50)"
    qtbot.waitUntil(lambda: len(window.missed_rows) == 50)
    assert [r.missed.call_id for r in window.missed_rows] == [f"m{i}" for i in range(50)]
    window.refresh()  # the same list again: nothing rebuilt
    assert len(window.missed_rows) == 50
