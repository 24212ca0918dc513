"""The middle of the card: what the CRMs found, or why there is nothing to look up.

The people blocks and account sections (body.py) sit in a scroll area as tall as its content,
scrolling only beyond a cap (a share of the screen); above them, the line saying why a number can't
be looked up, or that no CRM account is connected.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from app.core.ports import NewRecordKind
from app.core.views import CallView
from app.ui.card.body import CardBody
from app.ui.card.header import set_text
from app.ui.common.widgets import label


class CardSections:
    """Adds its lines and scroll area to the card's `layout`; `render(view)` after each view, then
    `fit(cap, width)`. `picked`, `sign_in`, `create` and `retire` go to the body (body.py).

    Also: `body`, `invalid_label`, `empty_label`.
    """

    def __init__(self, layout: QVBoxLayout, *, picked: Callable[[str, str], None],
                 sign_in: Callable[[str], None], create: Callable[[str, NewRecordKind], None],
                 retire: Callable[[QWidget], None]) -> None:
        self.invalid_label = label(name="invalidReason", wrap=True)
        layout.addWidget(self.invalid_label)
        self.empty_label = label(
            "No CRM accounts are connected, so there is no one to look this number up in.",
            name="noAccounts",
            role="muted",
            wrap=True,
        )
        layout.addWidget(self.empty_label)

        host = self._host = QWidget()
        host.setObjectName("sectionsHost")
        self._column = QVBoxLayout(host)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(12)
        self._scroll = QScrollArea()
        self._scroll.setObjectName("sectionsScroll")
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(host)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its rows and links take focus, not the area
        layout.addWidget(self._scroll)
        self.body = CardBody(self._column, picked=picked, sign_in=sign_in, create=create, retire=retire)

    def render(self, view: CallView) -> None:
        invalid = view.invalid_reason is not None
        self.invalid_label.setVisible(invalid)
        set_text(self.invalid_label, view.invalid_reason or "")
        self.empty_label.setVisible(not invalid and not view.accounts)
        self._scroll.setVisible(not invalid and bool(view.accounts))
        if not invalid:
            self.body.render(view)

    def fit(self, cap: int, width: int) -> None:
        """Give the scroll area the height of its content `width` pixels wide, scrolling only beyond `cap`."""
        column, scroll = self._column, self._scroll
        host = self._host
        if host.isVisible():  # (a card not shown yet is laid out afresh when it is)
            # A layout that changed tells the one above only once it is laid out again (an event
            # later): until then the sizes cached for its widget up the tree are stale. Told now.
            for widget in reversed(host.findChildren(QWidget)):
                if widget.layout() is not None and not widget.isHidden():
                    widget.updateGeometry()
        column.activate()
        wanted = column.heightForWidth(width) if column.hasHeightForWidth() else column.sizeHint().height()
        height = max(0, min(wanted, cap))
        if scroll.minimumHeight() != height or scroll.maximumHeight() != height:  # each set lays the card out
            scroll.setFixedHeight(height)
        scrolling = wanted > cap
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded if scrolling else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        if scroll.verticalScrollBarPolicy() != policy:
            scroll.setVerticalScrollBarPolicy(policy)
        column.setContentsMargins(0, 0, 10 if scrolling else 0, 0)
