"""What Ringside itself knows of the caller, under the number before any CRM answers: the last call
with them (a link that opens it in history) and where they are, with their time, when that differs
from the recruiter's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from app.core.views import CallView
from app.ui.card.header import set_text
from app.ui.common.rich_text import escape, plain
from app.ui.common.widgets import label


def local_now() -> datetime:
    return datetime.now().astimezone()


class ContextLines:
    """Adds its two lines to the card's `layout`; a click on the last call calls `open_call(call id)`."""

    def __init__(self, layout: QVBoxLayout, open_call: Callable[[str], None],
                 now: Callable[[], datetime] = local_now) -> None:
        self.now = now  # the recruiter's clock (tests and screenshots pin it)
        self._call_id = ""
        self.place_label = label(name="callerPlace", role="muted")
        self.last_call_label = label(name="lastCall", wrap=True)
        self.last_call_label.setTextFormat(Qt.TextFormat.RichText)
        self.last_call_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.last_call_label.setToolTip("Open this call in history")
        self.last_call_label.linkActivated.connect(lambda _href: open_call(self._call_id))
        layout.addWidget(self.place_label)
        layout.addWidget(self.last_call_label)

    def render(self, view: CallView) -> None:
        now = self.now()
        place = view.place.text(now) if view.place is not None else ""
        self.place_label.setVisible(bool(place))
        set_text(self.place_label, place)
        last = view.last_call
        self.last_call_label.setVisible(last is not None)
        if last is None:
            set_text(self.last_call_label, "")
            return
        self._call_id = last.call_id
        earlier = last.earlier_text()
        set_text(self.last_call_label,
                 f'Last time: <a href="history:{escape(last.call_id)}">{escape(last.text(now))}</a>'
                 + (f" <span>{escape(earlier)}</span>" if earlier else ""))

    @property
    def last_call_text(self) -> str:
        """The line as a recruiter reads it (no markup)."""
        return plain(self.last_call_label.text())

