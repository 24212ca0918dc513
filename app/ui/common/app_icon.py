"""Ringside's own icon (windows, task switcher, installers), crisp at small sizes: the 16- and
22-pixel drawings are fitted to whole pixels; larger sizes come from the 64-unit drawing. The
pictures are drawn ahead by packaging/make_icons.py and loaded when a size is first asked for."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from app import resources


@cache
def app_icon() -> QIcon:
    return sized_icon("ringside", resources.APP_ICON_SIZES)


def sized_icon(name: str, sizes: tuple[int, ...]) -> QIcon:
    """An icon with a picture at each size, resources/icons/sized/<name>-<size>.png, each read from
    disk only when a size is first shown."""
    icon = QIcon()
    for size in sizes:
        icon.addFile(str(resources.path("icons", "sized", resources.sized_icon(name, size))), QSize(size, size))
    return icon
