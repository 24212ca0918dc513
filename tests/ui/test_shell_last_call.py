"""A click on the card's last-call line opens that call in the history window, selected."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from app.core.models import Direction
from app.core.views import CallState, LastCall
from app.ui.bridge import Bridge
from app.ui.shell import UiShell
from tests.ui.helpers import PRIYA, RW, T0, FakeControls, call, found, pending


def test_the_last_call_opens_in_history(shell: UiShell, bridge: Bridge, controls: FakeControls) -> None:
    earlier = [call(found(RW, PRIYA), call_id=f"p{n}", state=CallState.ENDED, started_at=T0 - timedelta(days=n))
               for n in (1, 2, 3)]
    controls.history = earlier
    last = LastCall(call_id="p2", started_at=T0 - timedelta(days=2), direction=Direction.INBOUND,
                    state=CallState.ENDED, duration_s=120, note="", earlier=1)
    bridge.call_updated(replace(call(pending(RW), call_id="now"), last_call=last))
    card = shell.card("now")
    assert card is not None
    card.context.last_call_label.linkActivated.emit("history:p2")
    window = shell.history_window
    assert window is not None and window.isVisible()
    selected = window.selected()
    assert selected is not None and selected.call_id == "p2"
