"""Where a call card goes on screen: a corner of the primary screen's available area, a margin in,
shifted along the edge so the shell can stack several cards."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication

SCREEN_MARGIN = 12


def available_area() -> QRect:
    """The primary screen's area not taken by panels (a laptop-sized guess when there is none)."""
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)


def corner_position(area: QRect, size: QSize, offset: int = 0, corner: str = "bottom-right") -> QPoint:
    """Top-left that puts a window of `size` in `corner` of `area` ("bottom-right", "top-right",
    "bottom-left", "top-left"), `offset` pixels in from the margin (upward at the bottom, down at the
    top), never past the opposite margin."""
    left = corner.endswith("left")
    x = area.left() + SCREEN_MARGIN if left else area.right() + 1 - SCREEN_MARGIN - size.width()
    if corner.startswith("top"):
        y = area.top() + SCREEN_MARGIN + offset
        return QPoint(x, min(y, area.bottom() + 1 - SCREEN_MARGIN - size.height()))
    y = area.bottom() + 1 - SCREEN_MARGIN - offset - size.height()
    return QPoint(x, max(area.top() + SCREEN_MARGIN, y))
