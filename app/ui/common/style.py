"""Ringside's look: one stylesheet in a light and a dark variant, the matching palette, the tray
icons, and the few colours rich text needs.

resources/styles/ringside.qss is a template: `@name` stands for a colour of the active theme
(`LIGHT` and `DARK` below name the same colours), `@icons` for the icons folder. `apply_style(app)`
picks the variant the system asks for — `QStyleHints.colorScheme()`, or the lightness of the system
palette when the platform does not say — installs stylesheet and palette application-wide, and
follows the system when it switches. `apply_style(app, Scheme.DARK)` pins a variant (screenshots,
tests).

Widgets never hard-code colours: the stylesheet styles them by object name and dynamic properties,
and rich text asks `color(name)` for the active theme's colour.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app import resources
from app.ui.common.app_icon import sized_icon


class Scheme(StrEnum):
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Theme:
    scheme: Scheme
    colors: Mapping[str, str]

    def color(self, name: str) -> str:
        return self.colors[name]


LIGHT = Theme(
    Scheme.LIGHT,
    {
        # surfaces and text
        "surface": "#ffffff",  # cards, forms, menus
        "surface_alt": "#f8fafc",  # quiet boxes, hover
        "field": "#ffffff",  # text fields
        "line": "#e2e8f0",  # separators
        "border": "#cbd5e1",  # outlines of cards, fields, buttons
        "ink": "#0f172a",
        "secondary": "#475569",
        "muted": "#64748b",
        "placeholder": "#94a3b8",
        "link": "#1d4ed8",
        # interaction
        "accent": "#1d4ed8",  # primary button
        "accent_hover": "#1e40af",
        "on_accent": "#ffffff",
        "focus": "#2563eb",  # keyboard focus ring
        "hover_border": "#93c5fd",
        "select_bg": "#eff6ff",  # the picked record
        "select_border": "#2563eb",
        "control_hover": "#f1f5f9",
        # call states
        "ringing_fg": "#166534",
        "ringing_bg": "#dcfce7",
        "answered_fg": "#1e40af",
        "answered_bg": "#dbeafe",
        "ended_fg": "#334155",
        "ended_bg": "#f1f5f9",
        "missed_fg": "#991b1b",
        "missed_bg": "#fee2e2",
        # record types
        "contact_fg": "#1e40af",
        "contact_bg": "#dbeafe",
        "candidate_fg": "#166534",
        "candidate_bg": "#dcfce7",
        "client_fg": "#5b21b6",
        "client_bg": "#ede9fe",
        "customer_fg": "#92400e",
        "customer_bg": "#fef3c7",
        "other_fg": "#334155",
        "other_bg": "#e2e8f0",
        # messages
        "error_fg": "#991b1b",
        "error_bg": "#fef2f2",
        "error_border": "#fecaca",
        "warn_fg": "#92400e",
        "warn_bg": "#fffbeb",
        "warn_border": "#fde68a",
        "info_fg": "#075985",
        "info_bg": "#f0f9ff",
        "info_border": "#bae6fd",
        "ok_fg": "#166534",
        "fail_fg": "#b91c1c",
        # call buttons
        "answer_bg": "#16a34a",
        "answer_hover": "#15803d",
        "hangup_bg": "#dc2626",
        "hangup_hover": "#b91c1c",
        "on_color": "#ffffff",
        "button_focus": "#0f172a",
        # toasts, menus, scroll bars
        "toast_bg": "#0f172a",
        "toast_fg": "#ffffff",
        "toast_error_bg": "#991b1b",
        "menu_selected_bg": "#eff6ff",
        "menu_selected_fg": "#1e3a8a",
        "scroll_handle": "#cbd5e1",
        "scroll_handle_hover": "#94a3b8",
    },
)

DARK = Theme(
    Scheme.DARK,
    {
        "surface": "#1e293b",
        "surface_alt": "#243247",
        "field": "#0f172a",
        "line": "#334155",
        "border": "#475569",
        "ink": "#f1f5f9",
        "secondary": "#cbd5e1",
        "muted": "#94a3b8",
        "placeholder": "#64748b",
        "link": "#93c5fd",
        "accent": "#2563eb",
        "accent_hover": "#1d4ed8",
        "on_accent": "#ffffff",
        "focus": "#60a5fa",
        "hover_border": "#60a5fa",
        "select_bg": "#1e3a5f",
        "select_border": "#3b82f6",
        "control_hover": "#334155",
        "ringing_fg": "#bbf7d0",
        "ringing_bg": "#14532d",
        "answered_fg": "#bfdbfe",
        "answered_bg": "#1e3a8a",
        "ended_fg": "#e2e8f0",
        "ended_bg": "#334155",
        "missed_fg": "#fecaca",
        "missed_bg": "#7f1d1d",
        "contact_fg": "#bfdbfe",
        "contact_bg": "#1e3a8a",
        "candidate_fg": "#bbf7d0",
        "candidate_bg": "#14532d",
        "client_fg": "#ddd6fe",
        "client_bg": "#4c1d95",
        "customer_fg": "#fde68a",
        "customer_bg": "#78350f",
        "other_fg": "#e2e8f0",
        "other_bg": "#334155",
        "error_fg": "#fecaca",
        "error_bg": "#3b1d25",
        "error_border": "#7f1d1d",
        "warn_fg": "#fde68a",
        "warn_bg": "#3a2e17",
        "warn_border": "#78350f",
        "info_fg": "#bae6fd",
        "info_bg": "#172e45",
        "info_border": "#075985",
        "ok_fg": "#86efac",
        "fail_fg": "#fca5a5",
        "answer_bg": "#16a34a",
        "answer_hover": "#15803d",
        "hangup_bg": "#dc2626",
        "hangup_hover": "#b91c1c",
        "on_color": "#ffffff",
        "button_focus": "#f8fafc",
        "toast_bg": "#334155",
        "toast_fg": "#f8fafc",
        "toast_error_bg": "#991b1b",
        "menu_selected_bg": "#1e3a8a",
        "menu_selected_fg": "#f8fafc",
        "scroll_handle": "#475569",
        "scroll_handle_hover": "#64748b",
    },
)

THEMES = {Scheme.LIGHT: LIGHT, Scheme.DARK: DARK}
_TOKEN = re.compile(r"@([a-z][a-z0-9_]*)")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


class _State:
    """What apply_style installed, and what the system palette was before it did."""

    theme: Theme = LIGHT
    pinned: Scheme | None = None
    system_palette: QPalette | None = None
    following: bool = False


_state = _State()


def active_theme() -> Theme:
    """The theme installed by the last `apply_style` (light before any)."""
    return _state.theme


def color(name: str) -> str:
    """A colour of the active theme, for rich text (which a stylesheet cannot reach)."""
    return _state.theme.color(name)


@cache
def _template() -> str:
    return resources.path("styles", "ringside.qss").read_text(encoding="utf-8")


@cache
def stylesheet(scheme: Scheme = Scheme.LIGHT) -> str:
    """The stylesheet with `scheme`'s colours (and `@icons`, the icons folder) filled in.
    Raises KeyError for an unknown `@name`."""
    values = {**THEMES[scheme].colors, "icons": resources.path("icons").as_posix()}
    return _TOKEN.sub(lambda m: values[m.group(1)], _COMMENT.sub("", _template()))


def palette(theme: Theme) -> QPalette:
    """A palette matching the stylesheet, for what it does not style (check boxes, combo boxes,
    input dialogs, tooltips, scroll bars)."""
    c = theme.colors
    roles = {
        QPalette.ColorRole.Window: c["surface"],
        QPalette.ColorRole.WindowText: c["ink"],
        QPalette.ColorRole.Base: c["field"],
        QPalette.ColorRole.AlternateBase: c["surface_alt"],
        QPalette.ColorRole.Text: c["ink"],
        QPalette.ColorRole.Button: c["surface_alt"],
        QPalette.ColorRole.ButtonText: c["ink"],
        QPalette.ColorRole.BrightText: c["on_color"],
        QPalette.ColorRole.Highlight: c["focus"],
        QPalette.ColorRole.HighlightedText: c["on_accent"],
        QPalette.ColorRole.Link: c["link"],
        QPalette.ColorRole.LinkVisited: c["link"],
        QPalette.ColorRole.PlaceholderText: c["placeholder"],
        QPalette.ColorRole.ToolTipBase: c["surface"],
        QPalette.ColorRole.ToolTipText: c["ink"],
        QPalette.ColorRole.Light: c["surface_alt"] if theme.scheme is Scheme.DARK else "#ffffff",
        QPalette.ColorRole.Midlight: c["line"],
        QPalette.ColorRole.Mid: c["border"],
        QPalette.ColorRole.Dark: c["muted"],
        QPalette.ColorRole.Shadow: "#000000" if theme.scheme is Scheme.DARK else c["secondary"],
    }
    result = QPalette()
    for role, value in roles.items():
        result.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(c["placeholder"]))
    return result


def system_scheme() -> Scheme:
    """Light or dark, as the desktop asks: the platform's colour scheme when it says, else the
    lightness of the system palette (as it was before Ringside installed its own)."""
    hinted = QGuiApplication.styleHints().colorScheme()
    if hinted == Qt.ColorScheme.Dark:
        return Scheme.DARK
    if hinted == Qt.ColorScheme.Light:
        return Scheme.LIGHT
    base = _state.system_palette if _state.system_palette is not None else QGuiApplication.palette()
    return Scheme.DARK if base.color(QPalette.ColorRole.Window).lightness() < 128 else Scheme.LIGHT


def apply_style(app: QApplication, scheme: Scheme | None = None) -> Theme:
    """Install the stylesheet and palette on the whole application.

    `scheme=None` follows the system, now and whenever it switches; a `Scheme` pins that variant.
    Calling again with the same outcome changes nothing."""
    if _state.system_palette is None:
        _state.system_palette = QPalette(app.palette())
    _state.pinned = scheme
    if not _state.following:
        QGuiApplication.styleHints().colorSchemeChanged.connect(_system_scheme_changed)
        _state.following = True
    return _install(app, scheme or system_scheme())


def _install(app: QApplication, scheme: Scheme) -> Theme:
    theme = THEMES[scheme]
    if app.property("ringsideScheme") == scheme.value:
        _state.theme = theme
        return theme
    _state.theme = theme
    if scheme is Scheme.DARK and app.style().name().lower() in {"windows", "windowsvista"}:
        # These styles draw with the system's light colours whatever the palette says.
        app.setStyle("Fusion")
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(scheme))
    app.setProperty("ringsideScheme", scheme.value)
    return theme


def _system_scheme_changed(_scheme: Qt.ColorScheme) -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication) and _state.pinned is None:
        _install(app, system_scheme())


# -- tray icons ----------------------------------------------------------------------------


@cache
def tray_icon(state: str) -> QIcon:
    """The tray icon for a TrayState value (idle, ringing, in_call, attention; offline is drawn
    too), with a crisp picture at each common tray size (drawn ahead: app_icon.py). Unknown states
    look idle."""
    if state not in resources.TRAY_ICON_STATES:
        state = "idle"
    return sized_icon(f"tray-{state}", resources.TRAY_ICON_SIZES)
