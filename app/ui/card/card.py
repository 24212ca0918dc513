"""The call card: who is calling, from every CRM, filling in as each account answers.

A frameless, always-on-top tool window near the tray that never steals focus. `render(view)`
updates it in place: the header is re-labelled and only what changed below it is rebuilt — one
block for a person several accounts found (person.py), a section for each other account (rows.py),
kept in step by body.py, in a scroll area that grows with them (sections.py). Its head is in
header.py, the notes and buttons at its foot in footer.py, where it goes on screen in placement.py,
its keyboard in keys.py. A card built ahead while nothing rings (spare.py) takes the next call
with `reuse(view)`. Widgets here only render `CallView`s and call `Controls`.

Keyboard, once the card has focus (a click on it): Tab walks the record picks, the record and job
links, Answer / Hang up and the close button in that order; Enter picks the focused record (or
opens the focused link, or presses the focused button); Esc dismisses the card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.core.ports import NewRecordKind
from app.core.views import CallState, CallView, Controls
from app.ui.card.collapsed import CollapsedBar
from app.ui.card.context_lines import ContextLines
from app.ui.card.create_record import CreateForms
from app.ui.card.cv_drop import CvDrop
from app.ui.card.footer import CallButtons, NoteLines
from app.ui.card.header import CardHeader
from app.ui.card.keys import order_tabs, press
from app.ui.card.notes_box import NotesBox
from app.ui.card.person import PersonBlock
from app.ui.card.placement import SCREEN_MARGIN, available_area, corner_position
from app.ui.card.rows import AccountSection, RecordRow
from app.ui.card.sections import CardSections
from app.ui.common import off_taskbar

__all__ = ["CARD_WIDTH", "SCREEN_MARGIN", "CallCard"]

CARD_WIDTH = 380
_MARGINS = (16, 12, 12, 14)  # left, top, right, bottom inside the card's frame


class CallCard(QWidget):
    """One call's card. Construct with the first view, then `render(view)` each update.

    Signals:
        closed(str)        the card closed (dismissed by the recruiter or by the shell)
        heightChanged(int) its height changed (the shell restacks cards)
        historyRequested(str) the last-call line was clicked: open that call (its id) in history

    Test accessors: `call_id`, `view`, `section(account_id)` (None for an account merged into a person's
    block), `sections()`, `people()` (the merged blocks), `record_rows()`, `clock_running`,
    `number_label`, `state_label`, `direction_label`, `invalid_label`, `close_button`,
    `answer_button`, `hang_up_button`, `call_back_button`, `note_labels`, `focus_chain()`, `notes_box`,
    `collapsed_bar`, `collapsed`, `context` (the last-call and place lines). The shell folds it with
    `set_collapsed`; a click on the folded line
    emits expandRequested(call id).
    """

    closed = Signal(str)
    heightChanged = Signal(int)
    expandRequested = Signal(str)
    historyRequested = Signal(str)  # a past call's id: open it in the history window

    def __init__(self, controls: Controls, view: CallView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self._view = view
        self._shown_reported = False
        self._dismissed = False
        self._after_paint: list[Callable[[], object]] = []  # deferred work, deleting what left it (`after_paint`)

        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setWindowTitle("Ringside call")
        self.setObjectName("callCard")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._frame = QFrame()
        self._frame.setObjectName("cardFrame")
        self._frame.setFixedWidth(CARD_WIDTH)
        outer.addWidget(self._frame)
        # Folded to one line by the shell when the stack doesn't fit the screen; a click unfolds it.
        self.collapsed_bar = CollapsedBar()
        self.collapsed_bar.clicked.connect(lambda: self.expandRequested.emit(self.call_id))
        self.collapsed_bar.setFixedWidth(CARD_WIDTH)
        self.collapsed_bar.hide()
        outer.addWidget(self.collapsed_bar)

        layout = self._frame_layout = QVBoxLayout(self._frame)
        layout.setContentsMargins(*_MARGINS)
        layout.setSpacing(10)

        # Header: direction · state · close, then the number.
        self._header = CardHeader(layout, self.dismiss)
        self.direction_label = self._header.direction_label
        self.state_label = self._header.state_label
        self.close_button = self._header.close_button
        self.number_label = self._header.number_label
        # Ringside's own knowledge of the caller (the last call, where they are), before any CRM answers.
        self.context = ContextLines(layout, self.historyRequested.emit)

        # Why there is nothing to look up, or the accounts' findings, scrolling only when there are
        # more than the screen can hold.
        self._sections = CardSections(layout, picked=self._pick,
                                      sign_in=controls.sign_in, create=self._open_create, retire=self._retire)
        self._body = self._sections.body
        self.invalid_label = self._sections.invalid_label
        self.empty_label = self._sections.empty_label

        # A CV dropped on the card creates a candidate; the Create buttons open their forms.
        self.cv_drop = CvDrop(self, controls, lambda: self._view, self._frame)
        layout.addWidget(self.cv_drop.notice)
        self.create_forms = CreateForms(controls, self)

        # Notes typed during the call (kept as a draft), then note statuses and Answer / Hang up / Call back.
        self.notes_box = NotesBox(lambda text: controls.keep_draft(self.call_id, text))
        layout.addWidget(self.notes_box)
        self._notes = NoteLines(controls)
        layout.addLayout(self._notes.layout)
        self._buttons = CallButtons(self._answer, self._hang_up, self._call_back)
        self.answer_button = self._buttons.answer
        self.hang_up_button = self._buttons.hang_up
        self.call_back_button = self._buttons.call_back
        layout.addLayout(self._buttons.layout)

        self._tick = QTimer(self)
        self._tick.setInterval(250)  # cheap: the label only changes once a second
        self._tick.timeout.connect(self._show_state)

        self.render(view)

    # -- accessors -----------------------------------------------------------------------

    @property
    def call_id(self) -> str:
        return self._view.call_id

    @property
    def view(self) -> CallView:
        return self._view

    def section(self, account_id: str) -> AccountSection | None:
        return self._body.sections.get(account_id)

    def sections(self) -> list[AccountSection]:
        found = self._body.sections
        return [found[a.account_id] for a in self._view.accounts if a.account_id in found]

    def people(self) -> list[PersonBlock]:
        """The blocks of people several accounts found, in account order."""
        blocks = self._body.people
        return [blocks[a.account_id] for a in self._view.accounts if a.account_id in blocks]

    def record_rows(self, account_id: str | None = None) -> list[RecordRow]:
        return [row for s in self.sections() if account_id in (None, s.account_id) for row in s.rows]

    @property
    def note_labels(self) -> list[QLabel]:
        return self._notes.labels

    @property
    def note_action_rows(self) -> list[QLabel]:
        """Retry / It's there / … links, under each note that needs them."""
        return self._notes.action_rows

    @property
    def clock_running(self) -> bool:
        """Whether the "In call 02:14" timer is ticking."""
        return self._tick.isActive()

    # -- rendering -----------------------------------------------------------------------

    # Deliberately shadows QWidget.render(QPaintDevice…), which nothing calls on a card (grab() is
    # C++ and unaffected): the UI contract is "render(view)" for every widget that shows a view.
    def render(self, view: CallView) -> None:  # type: ignore[override]
        if view.call_id != self._view.call_id:
            raise ValueError(f"card for call {self._view.call_id} was given call {view.call_id}")
        self._view = view
        self.setUpdatesEnabled(False)
        try:
            self._header.render(view)
            self.context.render(view)
            self._sections.render(view)
            self.notes_box.show_view(view)
            self.collapsed_bar.show_view(view)
            self._notes.render(view)
            self.create_forms.update_view(view)
            self._buttons.render(view)
            order_tabs(self.focus_chain())
            if view.state is CallState.ANSWERED:
                if not self._tick.isActive():
                    self._tick.start()
            else:
                self._tick.stop()
        finally:
            self.setUpdatesEnabled(True)
        self._fit()

    def reuse(self, view: CallView) -> None:
        """Give a spare card (built ahead, never shown: card/spare.py) its call."""
        if self._shown_reported:
            raise ValueError("a card that was shown belongs to its call")
        self._view = replace(self._view, call_id=view.call_id)
        self.render(view)

    def prepare(self, view: CallView) -> None:
        """Build ahead, never shown, what `view`'s answers would add to this spare card (body.py), styled
        and laid out at the card's width."""
        self._body.prepare(view)
        self.ensurePolished()
        self._body.lay_out_ready(self._frame.contentsRect().width() - _MARGINS[0] - _MARGINS[2])

    def _retire(self, widget: QWidget) -> None:
        """Hide `widget`, which left the card, and delete it once the card has painted without it
        (`after_paint`): deleted on the loop's next turn, a merged account's section (about 1 ms) held
        up that paint.
        A card not on screen (the spare, one folded away in the stack) paints nothing: deleted then."""
        widget.hide()
        if self.isVisible():
            self.after_paint(lambda: _delete_if_alive(widget))
        else:
            widget.deleteLater()

    def after_paint(self, action: Callable[[], object]) -> None:
        """Run `action` on the loop's turn after this card's next paint (or when it closes first): work
        that would otherwise hold up a ringing card's first frame."""
        self._after_paint.append(action)

    def _show_state(self) -> None:
        self._header.show_state(self._view)
        self.collapsed_bar.show_view(self._view)

    @property
    def collapsed(self) -> bool:
        return self.collapsed_bar.isVisibleTo(self)

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold the card to its one-line header (or unfold it)."""
        if collapsed != self.collapsed:
            self._frame.setVisible(not collapsed)
            self.collapsed_bar.setVisible(collapsed)
            self.adjustSize()

    def heights(self) -> tuple[int, int]:
        """(unfolded, folded) height: what the shell plans the stack with. Unfolded, the frame's height at
        its fixed width, as `adjustSize` makes it: its size hint measures wrapped lines at another width,
        and planning with that resized the card after each update (and left it that much too tall)."""
        layout, folded = self._frame_layout, self.collapsed_bar.sizeHint().height()
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(CARD_WIDTH), folded
        return self._frame.sizeHint().height(), folded

    def focus_chain(self) -> list[QWidget]:
        """The card's keyboard stops in Tab order: each block's and section's picks and links, Answer,
        Hang up, then the close button. Hidden ones are skipped by Qt."""
        stops: list[QWidget] = [w for block in self._body.order for w in block.focus_chain()]
        stops += self.note_action_rows  # a note's Retry / It's there links
        return [*stops, self.answer_button, self.hang_up_button, self.call_back_button, self.close_button]

    def _fit(self) -> None:
        """Size the window to its content (wrapped labels included), capped by the screen."""
        # At the sections' width inside the frame's border (a card not shown yet is laid out when it is).
        frame = self._frame.contentsRect().width() if self.isVisible() else CARD_WIDTH
        self._sections.fit(int(self._available().height() * 0.7), frame - _MARGINS[0] - _MARGINS[2])
        if not self.collapsed:
            if self.isVisible() and self._frame_layout.totalHeightForWidth(CARD_WIDTH) != self._frame.height():
                self._frame.updateGeometry()  # else the card keeps the frame's last size, a step behind
            self.adjustSize()

    # -- placement -----------------------------------------------------------------------

    def _available(self) -> QRect:
        return available_area()

    def corner_position(self, offset: int = 0, corner: str = "bottom-right") -> QPoint:
        """Top-left that puts the card in `corner` of the primary screen's available area
        ("bottom-right", "top-right", "bottom-left", "top-left"), `offset` pixels in from the
        margin (the shell stacks cards away from the corner: upward at the bottom, down at the top)."""
        return corner_position(self._available(), self.size(), offset, corner)

    def place(self, offset: int = 0, corner: str = "bottom-right") -> None:
        self.move(self.corner_position(offset, corner))

    # -- intents -------------------------------------------------------------------------

    def dismiss(self) -> None:
        """The recruiter closed the card."""
        if not self._dismissed:
            self._dismissed = True
            self._controls.dismiss(self.call_id)
        self.close()

    def _pick(self, account_id: str, record_key: str) -> None:
        self._controls.select_record(self.call_id, account_id, record_key)

    def _open_create(self, account_id: str, kind: NewRecordKind) -> None:
        self.create_forms.open(self._view, account_id, kind)

    def _answer(self) -> None:
        self._controls.answer(self.call_id)

    def _hang_up(self) -> None:
        self._controls.hang_up(self.call_id)

    def _call_back(self) -> None:
        if self._view.e164 is not None:
            self._controls.dial(self._view.e164)

    # -- events --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        off_taskbar.before_map(self)
        super().showEvent(event)
        if not self._shown_reported:
            self._shown_reported = True
            QTimer.singleShot(0, self, self._report_shown)

    def _report_shown(self) -> None:
        self._controls.card_shown(self.call_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys the focused widget left alone: Esc dismisses, Enter presses the focused button (keys.py)."""
        if not press(event, self.focusWidget(), self.dismiss):
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._after_paint:
            actions, self._after_paint = self._after_paint, []
            QTimer.singleShot(0, self, lambda: [action() for action in actions])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().height() != event.oldSize().height():
            self.heightChanged.emit(event.size().height())

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tick.stop()
        actions, self._after_paint = self._after_paint, []  # closed before it painted: nothing waits
        for action in actions:
            action()
        super().closeEvent(event)
        self.closed.emit(self.call_id)


def _delete_if_alive(widget: QWidget) -> None:
    if isValid(widget):  # a parent deleted since took it along
        widget.deleteLater()
