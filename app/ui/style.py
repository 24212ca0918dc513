"""Ringside's one stylesheet (resources/styles/ringside.qss), its icons, and the colours used in
rich text. Ringside's windows are light whatever the desktop theme, so they also get a light
palette: unstyled parts (check boxes, combo boxes, scroll bars) then match the stylesheet."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app import resources

LINK_COLOR = "#1d4ed8"
INK = "#0f172a"
MUTED = "#64748b"
_APPLIED = "ringsideStyleApplied"


@cache
def stylesheet() -> str:
    return resources.path("styles", "ringside.qss").read_text(encoding="utf-8")


def apply_style(app: QApplication) -> None:
    """Install the stylesheet on the application once (later calls are no-ops)."""
    if app.property(_APPLIED):
        return
    app.setStyleSheet(app.styleSheet() + "\n" + stylesheet())
    app.setProperty(_APPLIED, True)


def light_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#ffffff",
        QPalette.ColorRole.WindowText: INK,
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f8fafc",
        QPalette.ColorRole.Text: INK,
        QPalette.ColorRole.Button: "#f8fafc",
        QPalette.ColorRole.ButtonText: INK,
        QPalette.ColorRole.Highlight: "#2563eb",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: LINK_COLOR,
        QPalette.ColorRole.PlaceholderText: "#94a3b8",
        QPalette.ColorRole.ToolTipBase: "#ffffff",
        QPalette.ColorRole.ToolTipText: INK,
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#e2e8f0",
        QPalette.ColorRole.Mid: "#cbd5e1",
        QPalette.ColorRole.Dark: "#94a3b8",
        QPalette.ColorRole.Shadow: "#475569",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#94a3b8"))
    return palette


def use_light_palette(widget: QWidget) -> None:
    widget.setPalette(light_palette())


@cache
def tray_icon(state: str) -> QIcon:
    """The tray icon for a TrayState value (idle, ringing, in_call, attention)."""
    file = resources.path("icons", f"tray-{state}.svg")
    if not file.is_file():
        file = resources.path("icons", "tray-idle.svg")
    return QIcon(str(file))
