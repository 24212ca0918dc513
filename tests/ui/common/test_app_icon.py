"""Ringside's own icon (windows, menus, installers) and the tray icons are crisp at the sizes desktops use."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from app import resources
from app.ui.common.app_icon import app_icon
from app.ui.common.style import tray_icon

# Where the tile starts: 1 px in on the 16/22 drawings and at 32 px, 2 px at 64, and at 24 px the
# 22-pixel drawing sits centred (1 px margin + 1 px inset); at 44 (a 2x screen) it is doubled.
INSET = {16: 1, 22: 1, 24: 2, 32: 1, 44: 2, 64: 2}


@pytest.mark.parametrize("size", sorted(INSET))
def test_the_app_icon_has_sharp_edges(qapp: QApplication, size: int) -> None:
    image = app_icon().pixmap(QSize(size, size)).toImage()
    assert (image.width(), image.height()) == (size, size)
    inset, middle = INSET[size], size // 2
    assert image.pixelColor(inset - 1, middle).alpha() == 0
    assert image.pixelColor(inset, middle).alpha() == 255
    assert image.pixelColor(middle, size - 1 - inset).alpha() == 255
    assert image.pixelColor(middle, size - inset).alpha() == 0



@pytest.mark.parametrize("state", [*resources.TRAY_ICON_STATES])
def test_tray_icons_stay_sharp_on_a_2x_screen(qapp: QApplication, state: str) -> None:
    """A 22-pixel tray slot at device pixel ratio 2 asks for 44 pixels: the 22-pixel drawing, doubled,
    with the tile 2 px in (not a 48-pixel picture scaled down, which blurs every edge)."""
    image = tray_icon(state).pixmap(QSize(44, 44)).toImage()
    assert image.width() == 44
    assert image.pixelColor(1, 22).alpha() == 0 and image.pixelColor(2, 22).alpha() == 255
    assert image.pixelColor(22, 41).alpha() == 255 and image.pixelColor(22, 42).alpha() == 0
