"""Small helpers the windows share: labels styled by object name and role (wrapped ones remember
their heights), links in rich text, re-polishing after a dynamic property changes, and deleting a
window without leaving Qt's stylesheet caches behind."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.ui.common.rich_text import escape
from app.ui.common.style import color

_LINK_FLAGS = Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
# What can change a label's wrapped height besides its text (each arrives as a change event).
_RESIZING = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange,
                       QEvent.Type.LayoutDirectionChange})
# Widths remembered per label: a window dragged wider asks at every width on the way.
_WIDTHS_KEPT = 16


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


def _inner_part(widget: QWidget) -> bool:
    """A part Qt's stylesheet style leaves to its owner: a scroll area's viewport, a combo box's
    popup frame or line edit, a spin box's (or date edit's) line edit."""
    owner = widget.parentWidget()
    if isinstance(owner, QAbstractScrollArea):
        return owner.viewport() is widget
    if isinstance(owner, QComboBox):
        return isinstance(widget, (QFrame, QLineEdit))
    return isinstance(owner, QAbstractSpinBox) and isinstance(widget, QLineEdit)


def delete_later(widget: QWidget) -> None:
    """`widget.deleteLater()`, for a window (or part of one) that is done with and hidden (or being
    hidden: a close event's handlers run before the window goes off screen, and nothing is painted
    in between).

    With an application stylesheet, Qt caches what it worked out for every widget it draws or
    measures, and forgets a widget's entry when the widget is destroyed, but only for widgets it
    styles itself: the parts above get an entry keyed by their address that outlives them (about
    a kilobyte each; a note form and a card leave several per call). A stylesheet of their own
    makes Qt style them, and so forget them with the rest; the widget is off screen and about to
    go, so nothing the recruiter sees changes."""
    app = QApplication.instance()
    if isinstance(app, QApplication) and app.styleSheet():
        for part in widget.findChildren(QWidget):
            if not part.testAttribute(Qt.WidgetAttribute.WA_StyleSheet) and _inner_part(part):
                part.setStyleSheet("*{}")
                part.ensurePolished()  # a part never shown is styled (and so tracked) now
    widget.deleteLater()


def set_state_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the stylesheet selects on, re-polishing only when it changed."""
    if widget.property(name) != value:
        widget.setProperty(name, value)
        repolish(widget)


def add_shown(layout: QBoxLayout, widget: QWidget, width: int = 0) -> None:
    """Add `widget` and show it now: a widget added to an already visible window is otherwise
    only shown on a later event-loop turn, and the window would be sized without it. Given the
    `width` it will have (> 0), it is sized to it first: shown at its own size (a new widget's
    default, 100 or 640 px wide), its layout would lay each wrapped label out at that width too."""
    layout.addWidget(widget)
    if width > 0:
        widget.ensurePolished()  # styled as it will be shown: its fonts decide the heights
        height = widget.heightForWidth(width) if widget.hasHeightForWidth() else widget.sizeHint().height()
        widget.resize(width, height)
    widget.show()


class WrappedLabel(QLabel):
    """A word-wrapped label that remembers its height at each width.

    Layouts ask a wrapped label its height for a width many times per change (measuring, laying
    out, again at each level a change climbs), and a rich-text QLabel lays its whole document out
    twice each time (at the asked width, then back at its own). The height depends only on the
    text, its format, the font, the style and the margins, so it is kept until one of them changes."""

    def __init__(self, text: str = "") -> None:
        self._heights: dict[int, int] = {}
        super().__init__(text)

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) >= _WIDTHS_KEPT:
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RESIZING:
            self._heights.clear()
        super().changeEvent(event)

    def setText(self, text: str) -> None:
        self._heights.clear()
        super().setText(text)

    def setTextFormat(self, text_format: Qt.TextFormat) -> None:
        self._heights.clear()
        super().setTextFormat(text_format)

    def setWordWrap(self, on: bool) -> None:
        self._heights.clear()
        super().setWordWrap(on)


def label(text: str = "", *, name: str = "", role: str = "", wrap: bool = False) -> QLabel:
    widget = WrappedLabel(text) if wrap else QLabel(text)
    if name:
        widget.setObjectName(name)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


class LinkLabel(WrappedLabel):
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
    widget = LinkLabel() if has_link else WrappedLabel()
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
