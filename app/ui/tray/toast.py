"""A small on-top message near the screen corner, for when there is no tray to show a balloon."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

TOAST_WIDTH = 340
TOAST_MS = 6000


class Toast(QWidget):
    """Shows `text` for a few seconds at the top-right of the primary screen; a click closes it."""

    def __init__(self, text: str, *, error: bool = False, timeout_ms: int = TOAST_MS) -> None:
        super().__init__()
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("toast")

        frame = QFrame()
        frame.setObjectName("toastFrame")
        frame.setProperty("error", error)
        frame.setFixedWidth(TOAST_WIDTH)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(14, 10, 14, 10)
        self.label = QLabel(text)
        self.label.setObjectName("toastText")
        self.label.setWordWrap(True)
        inner.addWidget(self.label)
        self.adjustSize()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.close)

    def popup(self, offset: int = 0) -> None:
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
        self.move(area.right() + 1 - 12 - self.width(), area.top() + 12 + offset)
        self.show()
        self._timer.start()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close()
