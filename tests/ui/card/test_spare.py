"""A spare card, built ahead while nothing rings, takes the next call and shows only that call."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.views import CallState
from app.ui.card.card import CallCard
from app.ui.card.spare import SpareCard
from tests.ui.helpers import ETHAN, PRIYA, PRIYA_JOBS, RW, TR, FakeControls, call, found, not_found, pending


def test_a_spare_is_built_once_a_call_stopped_ringing_and_is_complete(qtbot: QtBot) -> None:
    spare = SpareCard(FakeControls(), idle=lambda: True)
    ringing = call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR))
    spare.seen(ringing)
    qtbot.wait(20)
    assert spare.card is None  # a ringing call: the recruiter is looking at it
    spare.seen(replace(ringing, state=CallState.ANSWERED))
    qtbot.waitUntil(lambda: spare.card is not None)
    card = spare.card
    assert card is not None and not card.isVisible()
    assert [s.account_id for s in card.sections()] == ["rw", "tr"]
    assert all(s.status_label is not None and s.status_label.text() == "Looking up…" for s in card.sections())
    spare.close()


def test_no_spare_while_another_call_is_still_looking_up(qtbot: QtBot) -> None:
    busy = [True]
    spare = SpareCard(FakeControls(), idle=lambda: not busy[0])
    spare.seen(replace(call(not_found(RW)), state=CallState.ENDED))
    qtbot.wait(20)
    assert spare.card is None
    busy[0] = False
    spare.seen(replace(call(not_found(RW)), state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    spare.close()


def test_the_next_call_takes_the_spare_and_shows_only_its_own_view(qtbot: QtBot) -> None:
    spare = SpareCard(FakeControls(), idle=lambda: True)
    spare.seen(replace(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR)), state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    built = spare.card
    nxt = replace(call(found(RW, ETHAN), pending(TR)), call_id="next-call")
    card = spare.take(nxt)
    qtbot.addWidget(card)
    assert card is built and spare.card is None
    assert card.call_id == "next-call" and card.view is nxt
    assert [r.record for r in card.record_rows()] == [ETHAN]
    tr = card.section("tr")
    assert tr is not None and tr.status_label is not None and tr.status_label.text() == "Looking up…"
    # Without a spare, a card is built for the call.
    other = spare.take(replace(nxt, call_id="other"))
    qtbot.addWidget(other)
    assert other is not card and other.call_id == "other"


def test_a_card_that_was_shown_is_never_reused(qtbot: QtBot) -> None:
    card = CallCard(FakeControls(), call(pending(RW)))
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    qtbot.waitUntil(lambda: card._shown_reported)
    with pytest.raises(ValueError):
        card.reuse(replace(card.view, call_id="another"))


def test_the_spare_holds_the_last_callers_rows_ready_for_a_repeat_call(qtbot: QtBot) -> None:
    spare = SpareCard(FakeControls(), idle=lambda: True)
    last = call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR))
    spare.seen(replace(last, state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    built = spare.card
    assert built is not None
    assert built.record_rows() == []  # still only "Looking up…" on the card
    rw = built.section("rw")
    assert rw is not None and rw._ready is not None
    ready = rw._ready[3].rows
    # The same caller again, answered from the cache: the rows built ahead are shown, filled in.
    card = spare.take(replace(last, call_id="again"))
    qtbot.addWidget(card)
    assert card.record_rows() == ready and [r.record for r in ready] == [PRIYA]
    assert [label.text() for label in ready[0].job_labels] != [] and ready[0].jobs == PRIYA_JOBS
    tr = card.section("tr")
    assert tr is not None and tr.status_label is not None and tr.status_label.text() == "No match in TrackerRMS"


def test_a_repeat_callers_records_show_the_loading_line_built_ahead_until_their_jobs_come(qtbot: QtBot) -> None:
    spare = SpareCard(FakeControls(), idle=lambda: True)
    last = call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}))
    spare.seen(replace(last, state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    built = spare.card
    assert built is not None
    ahead = [w for w in built.findChildren(QLabel, "loadingMore") if not w.isVisibleTo(built)]
    card = spare.take(replace(call(pending(RW)), call_id="again"))
    qtbot.addWidget(card)
    card.show()
    card.render(replace(card.view, accounts=(found(RW, PRIYA, complete=False),)))  # records first
    rw = card.section("rw")
    assert rw is not None and rw.loading_label is not None and rw.loading_label in ahead
    assert rw.loading_label.isVisibleTo(card) and rw.loading_label.text() == "Loading open jobs…"
    card.render(replace(card.view, accounts=(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}),)))
    assert rw.loading_label is None
    assert [w for w in card.findChildren(QLabel, "loadingMore") if w.isVisibleTo(card)] == []


def test_rows_built_ahead_give_way_to_another_callers(qtbot: QtBot) -> None:
    spare = SpareCard(FakeControls(), idle=lambda: True)
    spare.seen(replace(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS})), state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    card = spare.take(replace(call(pending(RW)), call_id="next"))
    qtbot.addWidget(card)
    rw = card.section("rw")
    assert rw is not None and rw._ready is not None  # kept while the account is looking up
    card.render(replace(card.view, accounts=(found(RW, ETHAN),)))
    assert [r.record for r in card.record_rows()] == [ETHAN] and rw._ready is None


def test_the_spare_holds_the_last_callers_merged_block_ready_and_drops_it_once_complete(qtbot: QtBot) -> None:
    from tests.ui.card.test_person import PRIYA_TR, TR_JOBS

    both = call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), found(TR, PRIYA_TR, jobs={PRIYA_TR.key: TR_JOBS}))
    spare = SpareCard(FakeControls(), idle=lambda: True)
    spare.seen(replace(both, state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    built = spare.card
    assert built is not None and built.people() == []
    [ready] = built._body._ready_people.values()
    # The same person again: the block built ahead is the one shown, nothing of it built again.
    card = spare.take(replace(both, call_id="again"))
    qtbot.addWidget(card)
    assert card.people() == [ready] and ready.rebuilds == 1 and "Priya Raman" in ready.name_label.text()
    assert card.sections() == [] and built._body._ready_people == {}
    assert all(s._ready is None for s in built._body.sections.values())  # complete: nothing stale kept


def test_the_crm_answering_last_shows_its_loading_line_built_ahead_then_drops_it(qtbot: QtBot) -> None:
    from tests.ui.card.test_person import PRIYA_TR, TR_JOBS

    rw = found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS})
    both = call(rw, found(TR, PRIYA_TR, jobs={PRIYA_TR.key: TR_JOBS}))
    spare = SpareCard(FakeControls(), idle=lambda: True)
    spare.seen(replace(both, state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    card = spare.take(call(rw, pending(TR), call_id="again"))
    qtbot.addWidget(card)
    card.show()
    [ready] = card._body._ready_people.values()
    built_ahead = [label for part in ready._ahead if part.source.account_id == "tr" for label in part.labels]
    card.render(call(rw, found(TR, PRIYA_TR, complete=False), call_id="again"))  # TrackerRMS found, jobs loading
    assert card.people() == [ready]
    assert ready.source_labels["tr"] == built_ahead  # the box built ahead, not one built now
    assert [w.text() for w in built_ahead] == ["TRACKERRMS", "Loading open jobs…"]
    assert all(w.isVisibleTo(card) for w in built_ahead)
    card.render(call(rw, found(TR, PRIYA_TR, jobs={PRIYA_TR.key: TR_JOBS}), call_id="again"))
    assert ready.source_labels == {} and ready._ahead == []
    assert not any(w.isVisibleTo(card) for w in built_ahead)


def test_a_withheld_caller_after_a_merged_one_paints_without_errors(qtbot: QtBot) -> None:
    """The spare's block built ahead for the last (merged) caller is dropped at once when the next call
    has nothing to look up: painting that card must not trip over what the block took along."""
    from tests.ui.card.test_person import PRIYA_TR, TR_JOBS

    both = call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), found(TR, PRIYA_TR, jobs={PRIYA_TR.key: TR_JOBS}))
    spare = SpareCard(FakeControls(), idle=lambda: True)
    spare.seen(replace(both, state=CallState.ENDED))
    qtbot.waitUntil(lambda: spare.card is not None)
    card = spare.take(call(call_id="withheld", number="", number_display="Withheld",
                           invalid_reason="The caller's number is withheld."))
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    card.repaint()  # a paint now: an error in it fails the test (pytest-qt reports it)
    assert card.people() == [] and card.sections() == []
