"""The card's wrapped labels and rich-text link labels, which remember their height at each width.

A word-wrapped rich-text QLabel lays its whole text document out twice for every heightForWidth
(at the asked width, then back at its own), and the card's layouts ask each label many times per
update: measuring the sections, then laying them out, and again for each level a change climbs.
A wrapped plain label is cheaper (font metrics) but asked as often. The height only depends on the
text, its format, the font and the margins, so it is kept per width until one of them changes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QBoxLayout, QLabel, QWidget

from app.ui.common.widgets import LinkLabel
from app.ui.common.widgets import label as common_label

_LINK_FLAGS = Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
# What can change a label's wrapped height besides its text (each arrives as a change event).
_RESIZING = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange,
                       QEvent.Type.LayoutDirectionChange})


class _Heights:
    """heightForWidth remembered per width; forgotten when the text, font, style or margins change."""

    _heights: dict[int, int]

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)  # type: ignore[misc]
        return height

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RESIZING:
            self._heights.clear()
        super().changeEvent(event)  # type: ignore[misc]

    def setText(self, text: str) -> None:
        self._heights.clear()
        super().setText(text)  # type: ignore[misc]

    def setTextFormat(self, text_format: Qt.TextFormat) -> None:
        self._heights.clear()
        super().setTextFormat(text_format)  # type: ignore[misc]

    def setWordWrap(self, on: bool) -> None:
        self._heights.clear()
        super().setWordWrap(on)  # type: ignore[misc]


class _CachedLink(_Heights, LinkLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        self._heights = {}
        super().__init__(parent)


class _CachedText(_Heights, QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        self._heights = {}
        super().__init__(parent)


def link_label(html_text: str, *, name: str, wrap: bool = True, has_link: bool = True) -> QLabel:
    """common.widgets.link_label (links open in the browser, by mouse or Tab + Enter; no focus
    without a link), with its heights remembered."""
    widget: QLabel = _CachedLink() if has_link else _CachedText()
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


def label(text: str = "", *, name: str = "", role: str = "", wrap: bool = False) -> QLabel:
    """common.widgets.label; a wrapped one remembers its heights."""
    if not wrap:
        return common_label(text, name=name, role=role)
    widget = _CachedText()
    widget.setText(text)
    if name:
        widget.setObjectName(name)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(True)
    return widget


def add_shown_at(layout: QBoxLayout, widget: QWidget, width: int) -> None:
    """Add `widget` and show it now (common.widgets.add_shown), sized `width` pixels wide first when
    that is known (> 0): shown at its own size (a new widget's default, 100 or 640 px wide), its
    layout would lay each wrapped label out at that width too, for nothing."""
    layout.addWidget(widget)
    if width > 0:
        widget.ensurePolished()  # styled as on the card: its fonts decide the heights
        height = widget.heightForWidth(width) if widget.hasHeightForWidth() else widget.sizeHint().height()
        widget.resize(width, height)
    widget.show()
