"""The call card: who is calling, from every CRM, filling in as each account answers.

A frameless, always-on-top tool window near the tray that never steals focus. `render(view)`
updates it in place: the header is re-labelled and only account sections whose result (or pick)
changed are rebuilt. Widgets here only render `CallView`s and call `Controls`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.models import AccountResult, Direction, Job, LookupStatus, NoteStatus, Record
from app.core.views import CallState, CallView, Controls
from app.ui import format as fmt
from app.ui.style import LINK_COLOR

CARD_WIDTH = 380
SCREEN_MARGIN = 12
MAX_JOBS = 5


def link_html(text: str, href: str | None, *, color: str = LINK_COLOR) -> str:
    """Rich text for `text`, as a link when there is somewhere to go."""
    label = html.escape(text, quote=False)
    if not href:
        return label
    return f'<a href="{html.escape(href, quote=True)}" style="color:{color}; text-decoration:none;">{label}</a>'


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def add_shown(layout: QBoxLayout, widget: QWidget) -> None:
    """Add `widget` and show it now: a widget added to an already visible window is otherwise
    only shown on a later event-loop turn, and the window would be sized without it."""
    layout.addWidget(widget)
    widget.show()


def _label(text: str = "", *, name: str = "", role: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(wrap)
    return label


def _link_label(html_text: str, *, name: str, wrap: bool = True) -> QLabel:
    label = _label(name=name, wrap=wrap)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html_text)
    label.setOpenExternalLinks(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    )
    return label


class RecordRow(QFrame):
    """One matched record: badge, name (a link when the CRM gave one), title · company, open jobs.

    When its account has several matches the row carries a radio button: picking it (or clicking
    anywhere on the row that is not a link) tells the switchboard which record the call is about."""

    def __init__(self, record: Record, jobs: tuple[Job, ...], *, selectable: bool) -> None:
        super().__init__()
        self.record = record
        self.setObjectName("recordRow")
        self.setProperty("selected", False)
        self.setProperty("selectable", selectable)

        outer = QHBoxLayout(self)
        if selectable:
            outer.setContentsMargins(8, 6, 10, 6)
        else:
            outer.setContentsMargins(0, 2, 0, 2)
        outer.setSpacing(8)

        self.radio: QRadioButton | None = None
        if selectable:
            self.radio = QRadioButton()
            self.radio.setObjectName("recordPick")
            self.radio.setAccessibleName(f"This call is about {record.name}")
            self.radio.setToolTip(f"This call is about {record.name}")
            outer.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)

        column = QVBoxLayout()
        column.setSpacing(2)
        outer.addLayout(column, 1)

        top = QHBoxLayout()
        top.setSpacing(8)
        self.badge = _label(record.display_type, name="recordBadge")
        self.badge.setProperty("recordType", record.type.value)
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.name_label = _link_label(link_html(record.name, record.link), name="recordName")
        if record.link:
            self.name_label.setToolTip(f"Open {record.name} — {record.link}")
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.name_label, 1)
        column.addLayout(top)

        detail = fmt.record_line(record)
        self.detail_label = _label(detail, name="recordDetail", role="secondary", wrap=True)
        self.detail_label.setVisible(bool(detail))
        column.addWidget(self.detail_label)

        self.job_labels: list[QLabel] = []
        self.more_label: QLabel | None = None
        if jobs:
            heading = _label(f"Open jobs ({len(jobs)})", name="jobsHeading", role="caption")
            column.addSpacing(4)
            column.addWidget(heading)
            for job in jobs[:MAX_JOBS]:
                text = link_html(job.title, job.link)
                # Keep "Sydney, NSW" together when the line wraps: break only between parts.
                parts = [html.escape(p, quote=False).replace(" ", "&nbsp;") for p in (job.employer, job.location) if p]
                if parts:
                    text += f' <span style="color:#475569;">— {" · ".join(parts)}</span>'
                label = _link_label(text, name="jobLink")
                label.setToolTip(fmt.job_line(job))
                self.job_labels.append(label)
                column.addWidget(label)
            if len(jobs) > MAX_JOBS:
                more = len(jobs) - MAX_JOBS
                self.more_label = _link_label(link_html(f"+{more} more", record.link), name="moreJobs")
                self.more_label.setProperty("role", "muted")
                column.addWidget(self.more_label)

    @property
    def href(self) -> str | None:
        return self.record.link

    def set_selected(self, selected: bool) -> None:
        if self.radio is not None and self.radio.isChecked() != selected:
            self.radio.setChecked(selected)
        if self.property("selected") != selected:
            self.setProperty("selected", selected)
            _repolish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.radio is not None and event.button() == Qt.MouseButton.LeftButton:
            self.radio.click()
            event.accept()
            return
        super().mousePressEvent(event)


class AccountSection(QFrame):
    """Everything one account knows about the number. Rebuilt only when its result changes."""

    recordPicked = Signal(str, str)  # account id, record key

    def __init__(self, account_id: str, label: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.result: AccountResult | None = None
        self.selected_key: str | None = None
        self.rows: list[RecordRow] = []
        self.status_label: QLabel | None = None  # "Looking up…" / "No match in …"
        self.error_label: QLabel | None = None
        self.rebuilds = 0  # how many times the body was built (tests check updates stay in place)
        self._group: QButtonGroup | None = None
        self.setObjectName("accountSection")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        head = QHBoxLayout()
        head.setSpacing(6)
        self.title_label = _label(label.upper(), name="accountLabel")
        self.meta_label = _label("", name="accountMeta", role="muted")
        head.addWidget(self.title_label, 1)
        head.addWidget(self.meta_label, 0)
        layout.addLayout(head)

        self._body = QVBoxLayout()
        self._body.setSpacing(4)
        layout.addLayout(self._body)

    # -- rendering -----------------------------------------------------------------------

    def update_result(self, result: AccountResult, selected_key: str | None) -> bool:
        """Show `result`; returns whether anything changed."""
        if result == self.result and selected_key == self.selected_key:
            return False
        same_rows = (
            self.result is not None
            and result.status == self.result.status
            and result.records == self.result.records
            and result.jobs == self.result.jobs
            and result.error == self.result.error
            and result.needs_sign_in == self.result.needs_sign_in
            and result.account_label == self.result.account_label
        )
        self.result = result
        self.selected_key = selected_key
        if not same_rows:
            self._rebuild(result)
        self._show_selection()
        self._show_meta(result)
        return True

    def _clear(self) -> None:
        while self._body.count():
            item = self._body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.rows = []
        self.status_label = None
        self.error_label = None
        if self._group is not None:
            self._group.deleteLater()
            self._group = None

    def _rebuild(self, result: AccountResult) -> None:
        self._clear()
        self.rebuilds += 1
        self.title_label.setText(result.account_label.upper())
        status = result.status
        if status is LookupStatus.PENDING:
            self.status_label = _label("Looking up…", name="lookupStatus", role="pending")
            add_shown(self._body, self.status_label)
        elif status is LookupStatus.NOT_FOUND or (status is LookupStatus.FOUND and not result.records):
            self.status_label = _label(
                f"No match in {result.account_label}", name="lookupStatus", role="muted", wrap=True
            )
            add_shown(self._body, self.status_label)
        elif status is LookupStatus.ERROR:
            text = html.escape(result.error or f"{result.account_label} could not be searched.", quote=False)
            if result.needs_sign_in:
                text += (
                    f"<br><b>Sign in again</b> to see matches from {html.escape(result.account_label, quote=False)}."
                )
            self.error_label = _label(name="errorBox", wrap=True)
            self.error_label.setTextFormat(Qt.TextFormat.RichText)
            self.error_label.setText(text)
            add_shown(self._body, self.error_label)
        else:
            selectable = len(result.records) > 1
            if selectable:
                self._group = QButtonGroup(self)
                self._group.setExclusive(True)
                self._group.buttonClicked.connect(self._picked)
            for record in result.records:
                row = RecordRow(record, result.jobs.get(record.key, ()), selectable=selectable)
                if self._group is not None and row.radio is not None:
                    self._group.addButton(row.radio)
                self.rows.append(row)
                add_shown(self._body, row)
        if status is LookupStatus.FOUND and result.records and not result.complete:
            more = _label("Loading open jobs…", name="loadingMore", role="pending")
            add_shown(self._body, more)

    def _show_selection(self) -> None:
        if len(self.rows) < 2:
            return
        for row in self.rows:
            row.set_selected(row.record.key == self.selected_key)

    def _show_meta(self, result: AccountResult) -> None:
        if result.status is LookupStatus.FOUND and len(result.records) > 1:
            count = f"{len(result.records)} matches"
            self.meta_label.setText(count if self.selected_key else f"{count} — pick one")
        else:
            self.meta_label.setText("")
        bits = []
        if result.elapsed_ms is not None:
            bits.append(f"answered in {result.elapsed_ms / 1000:.1f} s")
        if result.from_cache:
            bits.append("from cache")
        self.title_label.setToolTip(", ".join(bits))

    def _picked(self, button: QAbstractButton) -> None:
        for row in self.rows:
            if row.radio is button:
                if row.record.key != self.selected_key:
                    self.recordPicked.emit(self.account_id, row.record.key)
                return


class CallCard(QWidget):
    """One call's card. Construct with the first view, then `render(view)` each update.

    Signals:
        closed(str)        the card closed (dismissed by the recruiter or by the shell)
        heightChanged(int) its height changed (the shell restacks cards)

    Test accessors: `call_id`, `view`, `section(account_id)`, `sections()`, `record_rows()`, `clock_running`,
    `number_label`, `state_label`, `direction_label`, `invalid_label`, `close_button`,
    `answer_button`, `hang_up_button`, `note_labels`.
    """

    closed = Signal(str)
    heightChanged = Signal(int)

    def __init__(self, controls: Controls, view: CallView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self._view = view
        self._sections: dict[str, AccountSection] = {}
        self._shown_reported = False
        self._dismissed = False

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

        layout = QVBoxLayout(self._frame)
        layout.setContentsMargins(16, 12, 12, 14)
        layout.setSpacing(10)

        # Header: direction · state · close, then the number.
        top = QHBoxLayout()
        top.setSpacing(8)
        self.direction_label = _label(name="direction", role="muted")
        self.state_label = _label(name="callState")
        self.close_button = QToolButton()
        self.close_button.setObjectName("closeButton")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss (Esc)")
        self.close_button.setAccessibleName("Dismiss card")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        top.addWidget(self.direction_label, 0)
        top.addStretch(1)
        top.addWidget(self.state_label, 0)
        top.addWidget(self.close_button, 0)
        layout.addLayout(top)

        self.number_label = _label(name="number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.number_label)

        self.invalid_label = _label(name="invalidReason", wrap=True)
        layout.addWidget(self.invalid_label)

        self.empty_label = _label(
            "No CRM accounts are connected, so there is no one to look this number up in.",
            name="noAccounts",
            role="muted",
            wrap=True,
        )
        layout.addWidget(self.empty_label)

        # Account sections, scrolling only when there are more than the screen can hold.
        self._host = QWidget()
        self._host.setObjectName("sectionsHost")
        self._sections_layout = QVBoxLayout(self._host)
        self._sections_layout.setContentsMargins(0, 0, 0, 0)
        self._sections_layout.setSpacing(12)
        self._scroll = QScrollArea()
        self._scroll.setObjectName("sectionsScroll")
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._host)
        layout.addWidget(self._scroll)

        # Footer: note statuses, then Answer / Hang up.
        self._notes_box = QVBoxLayout()
        self._notes_box.setSpacing(2)
        layout.addLayout(self._notes_box)
        self.note_labels: list[QLabel] = []

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.answer_button = QPushButton("Answer")
        self.answer_button.setObjectName("answerButton")
        self.answer_button.clicked.connect(self._answer)
        self.hang_up_button = QPushButton("Hang up")
        self.hang_up_button.setObjectName("hangUpButton")
        self.hang_up_button.clicked.connect(self._hang_up)
        for button in (self.answer_button, self.hang_up_button):
            button.setAutoDefault(False)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            buttons.addWidget(button, 1)
        layout.addLayout(buttons)

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
        return self._sections.get(account_id)

    def sections(self) -> list[AccountSection]:
        return [self._sections[a.account_id] for a in self._view.accounts if a.account_id in self._sections]

    def record_rows(self, account_id: str | None = None) -> list[RecordRow]:
        return [row for s in self.sections() if account_id in (None, s.account_id) for row in s.rows]

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
            arrow = fmt.ARROW[view.direction]
            self._set_text(self.direction_label, f"{arrow}  {fmt.direction_word(view.direction)}")
            self._set_text(self.number_label, view.number_display or view.number)
            self._show_state()
            invalid = view.invalid_reason is not None
            self.invalid_label.setVisible(invalid)
            self._set_text(self.invalid_label, view.invalid_reason or "")
            self.empty_label.setVisible(not invalid and not view.accounts)
            self._scroll.setVisible(not invalid and bool(view.accounts))
            if not invalid:
                self._render_sections(view)
            self._render_notes(view)
            self._render_buttons(view)
            if view.state is CallState.ANSWERED:
                if not self._tick.isActive():
                    self._tick.start()
            else:
                self._tick.stop()
        finally:
            self.setUpdatesEnabled(True)
        self._fit()

    @staticmethod
    def _set_text(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)

    def _show_state(self) -> None:
        self._set_text(self.state_label, fmt.call_state_text(self._view))
        state = self._view.state.value
        if self.state_label.property("callState") != state:
            self.state_label.setProperty("callState", state)
            _repolish(self.state_label)

    def _render_sections(self, view: CallView) -> None:
        wanted = [a.account_id for a in view.accounts]
        for account_id in list(self._sections):
            if account_id not in wanted:
                gone = self._sections.pop(account_id)
                gone.hide()
                gone.deleteLater()
        for index, result in enumerate(view.accounts):
            section = self._sections.get(result.account_id)
            if section is None:
                section = AccountSection(result.account_id, result.account_label)
                section.recordPicked.connect(self._pick)
                self._sections[result.account_id] = section
            if self._sections_layout.indexOf(section) != index:
                self._sections_layout.insertWidget(index, section)
                section.show()
            section.update_result(result, view.selected.get(result.account_id))

    def _render_notes(self, view: CallView) -> None:
        texts = [(fmt.note_status_text(n), (n.status or NoteStatus.PENDING).value) for n in view.notes]
        if [(label.text(), label.property("noteStatus")) for label in self.note_labels] == texts:
            return
        for label in self.note_labels:
            label.hide()
            label.deleteLater()
        self.note_labels = []
        for text, status in texts:
            label = _label(text, name="noteStatus", wrap=True)
            label.setProperty("noteStatus", status)
            self.note_labels.append(label)
            add_shown(self._notes_box, label)

    def _render_buttons(self, view: CallView) -> None:
        ringing = view.state is CallState.RINGING
        live = view.state in (CallState.RINGING, CallState.ANSWERED)
        self.answer_button.setVisible(view.can_answer and ringing and view.direction is Direction.INBOUND)
        self.hang_up_button.setVisible(view.can_answer and live)
        self.hang_up_button.setText("Decline" if ringing and view.direction is Direction.INBOUND else "Hang up")

    def _fit(self) -> None:
        """Size the window to its content (wrapped labels included), capped by the screen."""
        host_layout = self._sections_layout
        host_layout.activate()
        inner = CARD_WIDTH - 16 - 12
        wanted = (
            host_layout.heightForWidth(inner) if host_layout.hasHeightForWidth() else host_layout.sizeHint().height()
        )
        cap = int(self._available().height() * 0.7)
        self._scroll.setFixedHeight(max(0, min(wanted, cap)))
        scrolling = wanted > cap
        self._scroll.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if scrolling else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self._sections_layout.setContentsMargins(0, 0, 10 if scrolling else 0, 0)
        self.adjustSize()

    # -- placement -----------------------------------------------------------------------

    def _available(self) -> QRect:
        screen = QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)

    def corner_position(self, offset: int = 0) -> QPoint:
        """Top-left that puts the card at the bottom-right of the primary screen's available area,
        `offset` pixels above the bottom margin (the shell stacks cards upward)."""
        area = self._available()
        x = area.right() + 1 - SCREEN_MARGIN - self.width()
        y = area.bottom() + 1 - SCREEN_MARGIN - offset - self.height()
        return QPoint(x, max(area.top() + SCREEN_MARGIN, y))

    def place(self, offset: int = 0) -> None:
        self.move(self.corner_position(offset))

    # -- intents -------------------------------------------------------------------------

    def dismiss(self) -> None:
        """The recruiter closed the card."""
        if not self._dismissed:
            self._dismissed = True
            self._controls.dismiss(self.call_id)
        self.close()

    def _pick(self, account_id: str, record_key: str) -> None:
        self._controls.select_record(self.call_id, account_id, record_key)

    def _answer(self) -> None:
        self._controls.answer(self.call_id)

    def _hang_up(self) -> None:
        self._controls.hang_up(self.call_id)

    # -- events --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_reported:
            self._shown_reported = True
            QTimer.singleShot(0, self, self._report_shown)

    def _report_shown(self) -> None:
        self._controls.card_shown(self.call_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().height() != event.oldSize().height():
            self.heightChanged.emit(event.size().height())

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tick.stop()
        super().closeEvent(event)
        self.closed.emit(self.call_id)
