"""A card folded to one line (who, state, clock) when the stack is taller than the screen, and
the "+N more" line for cards that don't fit even folded. A click on either asks for the card.

A folded ringing or live call keeps its clock ticking ("Ringing 0:12", "In call 02:14"): one timer
for every folded header (`HeaderClock`), running only while some header shows a live call.
"""

from __future__ import annotations

import weakref
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from app.core.views import CallState, CallView
from app.ui.card.header import set_text
from app.ui.common import format as fmt
from app.ui.common import off_taskbar
from app.ui.common.widgets import label, set_state_property


def who(view: CallView) -> str:
    """The chosen person's name, else the number as shown."""
    chosen = view.chosen()
    return chosen[0].name if chosen else (view.number_display or view.number)


LIVE = (CallState.RINGING, CallState.ANSWERED)
TICK_MS = 500  # cheap, and the seconds never lag by more than half a second


def state_text(view: CallView, now: datetime | None = None) -> str:
    """The folded header's state with its clock: "Ringing 0:12" (since it began), "In call 02:14"."""
    if view.state is CallState.RINGING:
        moment = now or datetime.now(view.started_at.tzinfo)
        return f"Ringing {fmt.clock_text(int((moment - view.started_at).total_seconds()))}"
    return fmt.call_state_text(view)


class HeaderClock(QObject):
    """The one timer behind every folded header's clock: it ticks while a shown header holds a live
    call, and stops when none does. `shared()` is the application's."""

    _shared: HeaderClock | None = None

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._bars: weakref.WeakSet[CollapsedBar] = weakref.WeakSet()

    @classmethod
    def shared(cls) -> HeaderClock:
        if cls._shared is None:
            cls._shared = HeaderClock()
        return cls._shared

    def watch(self, bar: CollapsedBar, live: bool) -> None:
        if live:
            self._bars.add(bar)
            if not self.timer.isActive():
                self.timer.start()
        else:
            self._bars.discard(bar)
            if not self._bars:
                self.timer.stop()

    def _tick(self) -> None:
        for bar in list(self._bars):
            try:
                bar.show_clock()
            except RuntimeError:  # its card was deleted before it was hidden
                self.watch(bar, False)


class CollapsedBar(QFrame):
    """The one-line header of a folded card. Signals: clicked()."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardFrame")
        self.setProperty("collapsed", True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Show this call's card")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 12, 8)
        row.setSpacing(8)
        self.who_label = label(name="collapsedWho")
        self.state_label = label(name="callState")
        row.addWidget(self.who_label, 1)
        row.addWidget(self.state_label, 0)
        self._view: CallView | None = None
        self.clock = HeaderClock.shared()

    def show_view(self, view: CallView) -> None:
        self._view = view
        arrow = fmt.ARROW[view.direction]
        set_text(self.who_label, f"{arrow}  {who(view)}")
        set_state_property(self.state_label, "callState", view.state.value)
        self.show_clock()
        self._watch()

    def show_clock(self) -> None:
        if self._view is not None:
            set_text(self.state_label, state_text(self._view))

    def _watch(self) -> None:
        live = self._view is not None and self._view.state in LIVE and self.isVisible()
        self.clock.watch(self, live)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.show_clock()  # the time since it was last shown
        self._watch()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._watch()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            return
        super().mousePressEvent(event)


class MoreCalls(QWidget):
    """"+3 more calls": a small window at the far end of the stack. Signals: clicked()."""

    clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setWindowTitle("Ringside: more calls")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.bar = CollapsedBar()
        self.bar.setToolTip("Show the oldest of these calls")
        self.bar.clicked.connect(self.clicked)
        outer.addWidget(self.bar)

    def showEvent(self, event: QShowEvent) -> None:
        off_taskbar.before_map(self)
        super().showEvent(event)

    def set_count(self, count: int) -> None:
        set_text(self.bar.who_label, f"+{count} more call{'s' if count != 1 else ''}")
        self.bar.state_label.hide()
        self.adjustSize()
