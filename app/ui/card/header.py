"""The head of a call card: direction, the call's state (with its running clock) and the close
button on one line, then the number, selectable for copying."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout

from app.core.views import CallView
from app.ui.common import format as fmt
from app.ui.common.widgets import label, set_state_property


def set_text(target: QLabel, text: str) -> None:
    """Set a label's text only when it changed (a re-render must not relayout an unchanged card)."""
    if target.text() != text:
        target.setText(text)


class CardHeader:
    """Adds its rows to the card's `layout`; the close button calls `dismiss`."""

    def __init__(self, layout: QVBoxLayout, dismiss: Callable[[], None]) -> None:
        top = QHBoxLayout()
        top.setSpacing(8)
        self.direction_label = label(name="direction", role="muted")
        self.state_label = label(name="callState")
        self.close_button = QToolButton()
        self.close_button.setObjectName("closeButton")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss (Esc)")
        self.close_button.setAccessibleName("Dismiss card")
        self.close_button.setAutoRaise(True)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.close_button.clicked.connect(dismiss)
        top.addWidget(self.direction_label, 0)
        top.addStretch(1)
        top.addWidget(self.state_label, 0)
        top.addWidget(self.close_button, 0)
        layout.addLayout(top)

        self.number_label = label(name="number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.number_label)

    def render(self, view: CallView) -> None:
        arrow = fmt.ARROW[view.direction]
        set_text(self.direction_label, f"{arrow}  {fmt.direction_word(view.direction)}")
        set_text(self.number_label, view.number_display or view.number)
        self.show_state(view)

    def show_state(self, view: CallView) -> None:
        """The state word, and the "In call 02:14" clock while answered (the card ticks it)."""
        set_text(self.state_label, fmt.call_state_text(view))
        set_state_property(self.state_label, "callState", view.state.value)
