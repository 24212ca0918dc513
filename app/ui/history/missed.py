"""The history window's callback list: missed calls to return, above the recent calls. Past a few
numbers it scrolls within itself, so the recent list below keeps its height."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from app.core.views import Controls, MissedCall
from app.ui.common.widgets import label
from app.ui.history.rows import MissedRow

ROWS_IN_VIEW = 3


class MissedList(QFrame):
    """Test accessors: `rows`, `scroll_area`."""

    def __init__(self, controls: Controls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.rows: list[MissedRow] = []
        self.setObjectName("missedBox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._caption = label("MISSED — TO CALL BACK", name="formCaption")
        layout.addWidget(self._caption)
        body = QWidget()
        body.setObjectName("missedBody")
        self._list = QVBoxLayout(body)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(0)
        self._list.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("missedScroll")
        self.scroll_area.setWidget(body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.scroll_area)

    def show_missed(self, missed: list[MissedCall]) -> None:
        if [r.missed for r in self.rows] == missed:
            return
        for row in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = []
        for item in missed:
            row = MissedRow(self._controls, item)
            self.rows.append(row)
            self._list.insertWidget(self._list.count() - 1, row)
            row.show()  # now: the height below is measured from it
        count = len(missed)
        self._caption.setText(f"MISSED — TO CALL BACK ({count})" if count > ROWS_IN_VIEW else "MISSED — TO CALL BACK")
        row_height = max((r.sizeHint().height() for r in self.rows), default=0)
        self.scroll_area.setFixedHeight(row_height * min(count, ROWS_IN_VIEW) + 2)
        self.setVisible(bool(missed))
