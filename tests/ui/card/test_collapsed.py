"""The folded card's one-line header: a ringing or live call's clock keeps ticking, on one timer
shared by every folded header (issue 14, point 2)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pytestqt.qtbot import QtBot

from app.core.views import CallState
from app.ui.card.collapsed import CollapsedBar, HeaderClock, state_text
from tests.ui.helpers import PRIYA, RW, call, found


def bar_for(qtbot: QtBot, **changes: object) -> CollapsedBar:
    bar = CollapsedBar()
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitExposed(bar)
    bar.show_view(call(found(RW, PRIYA), **changes))  # type: ignore[arg-type]
    return bar


def test_a_ringing_header_counts_the_seconds(qtbot: QtBot) -> None:
    started = datetime.now().astimezone() - timedelta(seconds=12)
    bar = bar_for(qtbot, started_at=started)
    first = bar.state_label.text()
    assert first.startswith("Ringing 00:1")
    qtbot.waitUntil(lambda: bar.state_label.text() != first, timeout=3000)
    assert bar.state_label.text().startswith("Ringing 00:1")


def test_a_live_call_header_ticks_its_in_call_clock(qtbot: QtBot) -> None:
    bar = bar_for(qtbot, state=CallState.ANSWERED, started_at=datetime.now().astimezone() - timedelta(seconds=70))
    first = bar.state_label.text()
    assert first.startswith("In call 01:0")
    qtbot.waitUntil(lambda: bar.state_label.text() != first, timeout=3000)


def test_one_timer_for_every_header_running_only_while_one_is_live(qtbot: QtBot) -> None:
    now = datetime.now().astimezone()
    ringing = bar_for(qtbot, call_id="c1", started_at=now)
    live = bar_for(qtbot, call_id="c2", state=CallState.ANSWERED, started_at=now)
    clock = HeaderClock.shared()
    assert ringing.clock is clock and live.clock is clock and clock.timer.isActive()
    ringing.show_view(call(found(RW, PRIYA), call_id="c1", state=CallState.MISSED, started_at=now))
    assert clock.timer.isActive()  # the live call still ticks
    live.hide()  # its card unfolded: the folded line is not shown
    assert not clock.timer.isActive()
    live.show()
    assert clock.timer.isActive()
    live.show_view(call(found(RW, PRIYA), call_id="c2", state=CallState.ENDED, started_at=now))
    assert not clock.timer.isActive() and live.state_label.text().startswith("Ended · 4")


def test_ended_and_missed_headers_say_what_happened() -> None:
    now = datetime.now().astimezone()
    assert state_text(call(state=CallState.MISSED, started_at=now)) == "Missed"
    assert state_text(call(started_at=now - timedelta(minutes=61, seconds=2)), now) == "Ringing 1:01:02"
