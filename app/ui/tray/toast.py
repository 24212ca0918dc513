"""A small on-top message near a screen corner, for when there is no tray to show a balloon.

It wraps within the screen (long words such as paths and URLs break too), never covers a card or
note form (it takes the first free spot in a corner the cards don't use), and goes away by itself:
the history window's Messages tab keeps it readable afterwards."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QMouseEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.ui.common import off_taskbar

TOAST_WIDTH = 340
TOAST_MS = 6000
MS_PER_CHAR = 50  # longer messages stay longer, up to TOAST_MAX_MS
TOAST_MAX_MS = 15000
MARGIN = 12
GAP = 8
_LONG_WORD = re.compile(r"(\S{24})(?=\S)")


def breakable(text: str) -> str:
    """`text` with a zero-width space inside very long words, so that QLabel can wrap them."""
    return _LONG_WORD.sub("\\1\u200b", text)


def timeout_for(text: str) -> int:
    return min(TOAST_MAX_MS, max(TOAST_MS, len(text) * MS_PER_CHAR))


def free_spot(size: tuple[int, int], area: QRect, taken: Iterable[QRect]) -> QPoint:
    """Where a toast of `size` goes in `area`: the top-right corner, else down that side, else the
    left side, past whatever is `taken` (cards, forms, earlier toasts); the top-right when nothing is
    free (the newest message then covers the oldest toast, never a card, as far as can be helped)."""
    width, height = size
    taken = [r for r in taken if r.isValid()]
    for x in (area.right() + 1 - MARGIN - width, area.left() + MARGIN):
        y = area.top() + MARGIN
        while y + height <= area.bottom() + 1 - MARGIN:
            spot = QRect(x, y, width, height)
            blocking = [r for r in taken if r.adjusted(-GAP, -GAP, GAP, GAP).intersects(spot)]
            if not blocking:
                return spot.topLeft()
            y = max(r.bottom() for r in blocking) + 1 + GAP
    return QPoint(area.right() + 1 - MARGIN - width, area.top() + MARGIN)


class Toast(QWidget):
    """Shows `text` for a few seconds; a click closes it."""

    def __init__(self, text: str, *, error: bool = False, timeout_ms: int | None = None) -> None:
        super().__init__()
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("toast")
        area = _screen_area()
        width = min(TOAST_WIDTH, area.width() - 2 * MARGIN)

        frame = QFrame()
        frame.setObjectName("toastFrame")
        frame.setProperty("error", error)
        frame.setFixedWidth(width)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(14, 10, 14, 10)
        self.text = text
        self.label = QLabel(breakable(text))
        self.label.setObjectName("toastText")
        self.label.setWordWrap(True)
        self.label.setFixedWidth(width - 28)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        inner.addWidget(self.label)
        self.adjustSize()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms if timeout_ms is not None else timeout_for(text))
        self._timer.timeout.connect(self.close)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def popup(self, taken: Iterable[QRect] = ()) -> None:
        """Show it in the first free spot (see `free_spot`) and start its clock."""
        self.move(free_spot((self.width(), self.height()), _screen_area(), taken))
        self.show()
        self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        off_taskbar.before_map(self)
        super().showEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close()


def _screen_area() -> QRect:
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
