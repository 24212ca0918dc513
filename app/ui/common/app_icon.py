"""Ringside's own icon (windows, task switcher, installers), crisp at small sizes: the 16- and
22-pixel drawings are fitted to whole pixels; larger sizes come from the 64-unit drawing."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap

from app import resources

SIZES = (16, 22, 24, 32, 44, 48, 64, 128, 256)


@cache
def app_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(_render(size))
    return icon


def _render(size: int) -> QPixmap:
    # 24 pixels: the 22-pixel drawing with a pixel of margin beats the big one blurred small; 44 (22
    # on a 2x screen): the 22-pixel drawing doubled.
    drawing, grid = {16: ("ringside-16.svg", 16), 22: ("ringside-22.svg", 22), 24: ("ringside-22.svg", 22),
                     44: ("ringside-22.svg", 44)}.get(size, ("ringside.svg", size))
    drawn = QIcon(str(resources.path("icons", drawing))).pixmap(QSize(grid, grid))
    if grid == size:
        return drawn
    canvas = QPixmap(size, size)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.drawPixmap((size - grid) // 2, (size - grid) // 2, drawn)
    painter.end()
    return canvas
