"""The history window's callback list: missed calls to return, above the recent calls. Past a few
numbers it scrolls within itself, so the recent list below keeps its height. Only the rows in view are
built before the window paints; the rest follow a few per turn of the event loop (up to 50 rows take
longer to build than the whole window may take to open)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from app.core.views import Controls, MissedCall
from app.ui.common.widgets import label
from app.ui.history.rows import MissedRow

ROWS_IN_VIEW = 3
ROWS_PER_TURN = 6  # rows built per later turn of the loop: a few ms each turn
FRAME_MS = 16


class MissedList(QFrame):
    """Test accessors: `rows`, `scroll_area`."""

    def __init__(self, controls: Controls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.rows: list[MissedRow] = []
        self._shown: list[MissedCall] = []  # what the rows show, built or waiting to be
        self._waiting: list[MissedCall] = []  # rows still to build, on later turns of the loop
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(FRAME_MS)  # a frame later: the window paints before more rows are built
        self._more.timeout.connect(self._add_more)
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
        if self._shown == missed:
            return
        self._shown = list(missed)
        for row in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = []
        self._waiting = list(missed)
        self._add_rows(ROWS_IN_VIEW + 1)  # one past the view: the scroll bar shows there is more
        count = len(missed)
        self._caption.setText(f"MISSED — TO CALL BACK ({count})" if count > ROWS_IN_VIEW else "MISSED — TO CALL BACK")
        row_height = max((r.sizeHint().height() for r in self.rows), default=0)
        self.scroll_area.setFixedHeight(row_height * min(count, ROWS_IN_VIEW) + 2)
        self.setVisible(bool(missed))

    def _add_rows(self, how_many: int) -> None:
        batch, self._waiting = self._waiting[:how_many], self._waiting[how_many:]
        for item in batch:
            row = MissedRow(self._controls, item)
            self.rows.append(row)  # the same list the window holds: it sees the rows as they come
            self._list.insertWidget(self._list.count() - 1, row)
            row.show()  # now: the height is measured from it
        if self._waiting:
            self._more.start()

    def _add_more(self) -> None:
        self._add_rows(ROWS_PER_TURN)
