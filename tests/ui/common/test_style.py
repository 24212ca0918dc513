"""The look: one stylesheet in a light and a dark variant following the system, and tray icons
that stay crisp at tray sizes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import resources
from app.core.views import TrayState
from app.ui.card.card import CallCard
from app.ui.common import style
from app.ui.common.style import DARK, LIGHT, Scheme, apply_style, stylesheet, tray_icon
from tests.ui.helpers import PRIYA, RW, FakeControls, call, found


@pytest.fixture
def styled(qapp: QApplication) -> Iterator[QApplication]:
    """The application styled for the test; back to following the system afterwards."""
    yield qapp
    apply_style(qapp)


class FakeHints:
    def __init__(self, scheme: Qt.ColorScheme) -> None:
        self.scheme = scheme

    def colorScheme(self) -> Qt.ColorScheme:
        return self.scheme


def system_reports(monkeypatch: pytest.MonkeyPatch, scheme: Qt.ColorScheme) -> None:
    monkeypatch.setattr(style.QGuiApplication, "styleHints", staticmethod(lambda: FakeHints(scheme)))


def test_both_variants_name_the_same_colours_and_fill_every_one() -> None:
    assert LIGHT.colors.keys() == DARK.colors.keys()
    for scheme in Scheme:
        sheet = stylesheet(scheme)
        assert "@" not in sheet
        assert "QFrame#cardFrame" in sheet
    assert "#ffffff" in stylesheet(Scheme.LIGHT).split("QFrame#cardFrame", 1)[1][:80]
    assert DARK.color("surface") in stylesheet(Scheme.DARK).split("QFrame#cardFrame", 1)[1][:80]


def test_a_pinned_scheme_sets_stylesheet_palette_and_link_colour(styled: QApplication) -> None:
    apply_style(styled, Scheme.DARK)
    assert styled.styleSheet() == stylesheet(Scheme.DARK)
    assert styled.palette().color(QPalette.ColorRole.Window) == QColor(DARK.color("surface"))
    assert styled.palette().color(QPalette.ColorRole.Link) == QColor(DARK.color("link"))
    assert style.color("link") == DARK.color("link")
    apply_style(styled, Scheme.LIGHT)
    assert styled.styleSheet() == stylesheet(Scheme.LIGHT)
    assert styled.palette().color(QPalette.ColorRole.Text) == QColor(LIGHT.color("ink"))


def test_cards_link_in_the_active_themes_colour(qtbot: QtBot, styled: QApplication) -> None:
    apply_style(styled, Scheme.DARK)
    card = CallCard(FakeControls(), call(found(RW, PRIYA)))
    qtbot.addWidget(card)
    [row] = card.record_rows()
    assert f"color:{DARK.color('link')}" in row.name_label.text()


def test_the_system_scheme_comes_from_the_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    system_reports(monkeypatch, Qt.ColorScheme.Dark)
    assert style.system_scheme() is Scheme.DARK
    system_reports(monkeypatch, Qt.ColorScheme.Light)
    assert style.system_scheme() is Scheme.LIGHT


def test_without_a_platform_answer_the_palette_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    system_reports(monkeypatch, Qt.ColorScheme.Unknown)
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    monkeypatch.setattr(style._state, "system_palette", dark)
    assert style.system_scheme() is Scheme.DARK
    light = QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor("#efefef"))
    monkeypatch.setattr(style._state, "system_palette", light)
    assert style.system_scheme() is Scheme.LIGHT


def test_follows_the_system_when_it_switches_unless_pinned(
    monkeypatch: pytest.MonkeyPatch, styled: QApplication
) -> None:
    system_reports(monkeypatch, Qt.ColorScheme.Light)
    apply_style(styled)
    assert style.active_theme() is LIGHT
    system_reports(monkeypatch, Qt.ColorScheme.Dark)
    style._system_scheme_changed(Qt.ColorScheme.Dark)  # what QStyleHints.colorSchemeChanged calls
    assert style.active_theme() is DARK
    assert styled.styleSheet() == stylesheet(Scheme.DARK)

    apply_style(styled, Scheme.LIGHT)
    style._system_scheme_changed(Qt.ColorScheme.Dark)
    assert style.active_theme() is LIGHT


STATES = [*(s.value for s in TrayState), "offline"]


@pytest.mark.parametrize("state", STATES)
def test_every_state_has_drawings_for_small_and_large_trays(state: str) -> None:
    for suffix in ("", "-16", "-22"):
        assert resources.path("icons", f"tray-{state}{suffix}.svg").is_file()
    sizes = {(s.width(), s.height()) for s in tray_icon(state).availableSizes()}
    assert {(16, 16), (22, 22), (24, 24), (32, 32), (64, 64)} <= sizes


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("size", [16, 22, 32, 64])
def test_tray_icons_have_sharp_edges(state: str, size: int) -> None:
    """The tile's straight edges fall on whole pixels: a fully transparent pixel outside, a fully
    opaque one inside (a blurred edge would be half-transparent on both)."""
    image = tray_icon(state).pixmap(QSize(size, size)).toImage()
    assert image.width() == size
    inset = 1 if size < 32 else size // 32  # the tile starts 1 px in (2 units of 64)
    middle = size // 2
    for x, y in ((middle, inset - 1), (inset - 1, middle)):
        assert image.pixelColor(x, y).alpha() == 0, (x, y)
    for x, y in ((middle, inset), (inset, middle), (middle, size - 1 - inset), (size - 1 - inset, middle)):
        assert image.pixelColor(x, y).alpha() == 255, (x, y)


def test_an_unknown_state_looks_idle() -> None:
    unknown = tray_icon("no-such-state").pixmap(QSize(22, 22)).toImage()
    idle = tray_icon("idle").pixmap(QSize(22, 22)).toImage()
    assert unknown == idle
