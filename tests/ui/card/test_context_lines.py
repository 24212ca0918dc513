"""The card's own lines about the caller: the last call (a link into history) and their place and time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from app.core.caller_place import CallerPlace
from app.core.models import Direction
from app.core.views import CallState, LastCall
from app.ui.card.card import CallCard
from tests.ui.helpers import RW, FakeControls, call, pending

SYDNEY = ZoneInfo("Australia/Sydney")
LAST = LastCall(call_id="p1", started_at=datetime(2025, 12, 2, 14, 3, tzinfo=SYDNEY), direction=Direction.INBOUND,
                state=CallState.ENDED, duration_s=241, note="Sending Ethan's CV Friday", earlier=3)


def fixed_now(card: CallCard, now: datetime) -> None:
    card.context.now = lambda: now  # the recruiter's clock, pinned
    card.render(card.view)


def test_the_ringing_card_shows_the_last_call_before_any_crm_answers(qtbot: QtBot, controls: FakeControls) -> None:
    view = replace(call(pending(RW)), last_call=LAST)
    card = CallCard(controls, view)
    qtbot.addWidget(card)
    fixed_now(card, datetime(2025, 12, 5, 10, 0, tzinfo=SYDNEY))
    card.show()
    assert card.context.last_call_label.isVisible()
    assert card.context.last_call_text == (
        "Last time: Tue 2 Dec · 4 min in · 'Sending Ethan's CV Friday' and 3 earlier calls")
    with qtbot.waitSignal(card.historyRequested) as opened:
        card.context.last_call_label.linkActivated.emit("history:p1")
    assert opened.args == ["p1"]


def test_a_first_call_and_a_caller_at_home_show_no_extra_lines(qtbot: QtBot, controls: FakeControls) -> None:
    card = CallCard(controls, replace(call(pending(RW)), place=CallerPlace("", ("Australia/Sydney",))))
    qtbot.addWidget(card)
    fixed_now(card, datetime(2025, 12, 5, 10, 0, tzinfo=SYDNEY))
    card.show()
    assert not card.context.last_call_label.isVisible()
    assert not card.context.place_label.isVisible()


def test_a_caller_abroad_shows_their_country_and_time(qtbot: QtBot, controls: FakeControls) -> None:
    card = CallCard(controls, replace(call(pending(RW)), place=CallerPlace("United Kingdom", ("Europe/London",))))
    qtbot.addWidget(card)
    fixed_now(card, datetime(2025, 12, 2, 17, 14, tzinfo=SYDNEY))
    card.show()
    assert card.context.place_label.isVisible()
    assert card.context.place_label.text() == "United Kingdom · 06:14 there"
