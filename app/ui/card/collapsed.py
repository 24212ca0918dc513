"""A card folded to one line (who, state, clock) when the stack is taller than the screen, and
the "+N more" line for cards that don't fit even folded. A click on either asks for the card."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from app.core.views import CallView
from app.ui.card.header import set_text
from app.ui.common import format as fmt
from app.ui.common.widgets import label, set_state_property


def who(view: CallView) -> str:
    """The chosen person's name, else the number as shown."""
    chosen = view.chosen()
    return chosen[0].name if chosen else (view.number_display or view.number)


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

    def show_view(self, view: CallView) -> None:
        arrow = fmt.ARROW[view.direction]
        set_text(self.who_label, f"{arrow}  {who(view)}")
        set_text(self.state_label, fmt.call_state_text(view))
        set_state_property(self.state_label, "callState", view.state.value)

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

    def set_count(self, count: int) -> None:
        set_text(self.bar.who_label, f"+{count} more call{'s' if count != 1 else ''}")
        self.bar.state_label.hide()
        self.adjustSize()
