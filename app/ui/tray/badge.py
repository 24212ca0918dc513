"""A count badge on an icon (the tray icon's missed calls), drawn on every size the icon has."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from app.ui.common.style import color, tray_icon

BADGE_SIZES = (16, 20, 22, 24, 32, 40, 48, 64, 128)


def badge_text(count: int) -> str:
    return str(count) if count < 10 else "9+"


@lru_cache(maxsize=64)
def badged_tray_icon(state: str, count: int) -> QIcon:
    """The tray icon for a state with the missed-call badge (drawn once per state and count)."""
    return badged(tray_icon(state), count)


def badged(icon: QIcon, count: int) -> QIcon:
    """`icon` with a round badge showing `count` in its top-right corner; unchanged for 0."""
    if count <= 0:
        return icon
    out = QIcon()
    for size in BADGE_SIZES:
        out.addPixmap(_badged(icon.pixmap(QSize(size, size)), size, badge_text(count)))
    return out


def _badged(base: QPixmap, size: int, text: str) -> QPixmap:
    canvas = QPixmap(size, size)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.drawPixmap(0, 0, base)
    # Over half the icon at tray sizes, so the digit stays readable at 16 px.
    diameter = max(9.0, size * 0.58)
    circle = QRectF(size - diameter, 0, diameter, diameter)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color("hangup_bg")))  # the same strong red in both themes
    painter.drawEllipse(circle)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(7, int(diameter * (0.62 if len(text) == 1 else 0.5))))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return canvas
