"""Record rows: built before they are shown (a long answer costs one layout, not one per row), and
the records past an account's limit counted in a line of their own."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.models import Record, RecordType
from app.ui.card.card import CallCard
from tests.ui.helpers import PRIYA, RW, TR, FakeControls, call, found, not_found, pending


def people(count: int) -> list[Record]:
    return [Record(account_id="rw", type=RecordType.CANDIDATE, id=str(n), name=f"Person {n}",
                   job_title="Engineer", company="Kestrel Software") for n in range(count)]


def test_records_past_the_limit_are_counted_under_the_rows(qtbot: QtBot) -> None:
    result = found(RW, *people(50)).model_copy(update={"more": 1950})
    card = CallCard(FakeControls(), call(result, not_found(TR)))
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    section = card.section("rw")
    assert section is not None and len(section.rows) == 50
    assert section.more_label is not None and section.more_label.isVisible()
    assert section.more_label.text() == "and 1950 more in Recruit Wizard"
    assert section.meta_label.text() == "2000 matches — pick one"
    assert [w.text() for w in card.findChildren(QLabel, "moreRecords")] == ["and 1950 more in Recruit Wizard"]


def test_no_more_line_when_everything_is_shown(qtbot: QtBot) -> None:
    card = CallCard(FakeControls(), call(found(RW, PRIYA)))
    qtbot.addWidget(card)
    section = card.section("rw")
    assert section is not None and section.more_label is None


def test_a_count_change_alone_rebuilds_the_section(qtbot: QtBot) -> None:
    records = people(3)
    card = CallCard(FakeControls(), call(found(RW, *records)))
    qtbot.addWidget(card)
    card.render(call(found(RW, *records).model_copy(update={"more": 4})))
    section = card.section("rw")
    assert section is not None and section.more_label is not None
    assert section.more_label.text() == "and 4 more in Recruit Wizard"


def test_two_thousand_rows_on_a_visible_card_are_built_in_one_go(qtbot: QtBot) -> None:
    # The record limit keeps real cards to 50 rows; without it, 2,000 rows shown one by one on a
    # visible card took over 30 s (each show laid the card out again).
    card = CallCard(FakeControls(), call(pending(RW)))
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    started = time.perf_counter()
    card.render(call(found(RW, *people(2000))))
    built = time.perf_counter() - started
    section = card.section("rw")
    assert section is not None and len(section.rows) == 2000
    assert section.rows[0].isVisible() and section.rows[-1].isVisible()
    print(f"\n2,000 record rows on a visible card: built and shown in {built:.2f} s")
    assert built < 20.0  # generous under load; the point is one layout, not 2,000
