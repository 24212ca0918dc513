"""Small helpers the windows share: labels styled by object name and role, links in rich text,
and re-polishing after a dynamic property changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QWidget

from app.ui.common.rich_text import escape
from app.ui.common.style import color

_LINK_FLAGS = Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard


def link_html(text: str, href: str | None) -> str:
    """Rich text for `text`, as a link (in the active theme's link colour) when there is somewhere
    to go."""
    label = escape(text, quote=False)
    if not href:
        return label
    return f'<a href="{escape(href, quote=True)}" style="color:{color("link")}; text-decoration:none;">{label}</a>'


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property it selects on has changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_state_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the stylesheet selects on, re-polishing only when it changed."""
    if widget.property(name) != value:
        widget.setProperty(name, value)
        repolish(widget)


def add_shown(layout: QBoxLayout, widget: QWidget) -> None:
    """Add `widget` and show it now: a widget added to an already visible window is otherwise
    only shown on a later event-loop turn, and the window would be sized without it."""
    layout.addWidget(widget)
    widget.show()


def label(text: str = "", *, name: str = "", role: str = "", wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


class LinkLabel(QLabel):
    """A label with links that Tab lands on directly: a plain QLabel takes one Tab to get focus
    and another to put it on its first link, so Enter would do nothing after the first."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
            # Moves the keyboard focus onto the first (Tab) or last (Shift+Tab) link.
            super().focusNextPrevChild(event.reason() == Qt.FocusReason.TabFocusReason)


def link_label(html_text: str, *, name: str, wrap: bool = True, has_link: bool = True) -> QLabel:
    """A rich-text label whose links open in the browser, by mouse or by keyboard (Tab lands on
    the link, Enter opens it). Without a link it takes no focus."""
    widget = LinkLabel() if has_link else QLabel()
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.RichText)
    widget.setText(html_text)
    if has_link:
        widget.setOpenExternalLinks(True)
        widget.setTextInteractionFlags(_LINK_FLAGS)
    else:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return widget
