"""Wrapped labels and link labels remember their height per width: the height still follows their text,
font and margins, as an ordinary label's does, and their links still open by mouse and keyboard.

delete_later: the parts Qt's stylesheet style leaves to their owner (a scroll area's viewport, a
combo box's popup, a date edit's line edit) are styled before their window goes, so Qt forgets
them with it instead of keeping a cache entry for each (a note form left several per call)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.core.views import CallState
from app.ui.common.style import apply_style
from app.ui.common.widgets import delete_later, link_label
from app.ui.common.widgets import label as text_label
from app.ui.note.form import NoteForm
from tests.ui.helpers import PRIYA, RW, FakeControls, call, found

LONG = "Senior Backend Engineer (Python) · Kestrel Software · Barangaroo, NSW, Australia · full time"


def plain_twin(label: QLabel) -> QLabel:
    """An ordinary QLabel showing what `label` shows, to compare heights with."""
    twin = QLabel()
    twin.setWordWrap(True)
    twin.setTextFormat(label.textFormat())
    twin.setFont(label.font())
    twin.setContentsMargins(label.contentsMargins())
    twin.setText(label.text())
    return twin


def linked(text: str) -> QLabel:
    return link_label(f'<a href="https://example.com/1">{text}</a>', name="jobLink")


def wrapped(text: str) -> QLabel:
    return text_label(text, name="recordDetail", wrap=True)


@pytest.mark.parametrize("make", [linked, wrapped])
def test_height_follows_text_font_and_margins(qtbot: QtBot, make: Callable[[str], QLabel]) -> None:
    label = make(LONG)
    qtbot.addWidget(label)
    one_line = label.heightForWidth(2000)
    wrapped = label.heightForWidth(150)
    assert wrapped > one_line == plain_twin(label).heightForWidth(2000)

    label.setText(make(f"{LONG} · {LONG}").text())
    assert label.heightForWidth(150) > wrapped
    assert label.heightForWidth(150) == plain_twin(label).heightForWidth(150)

    font = label.font()
    font.setPointSize(font.pointSize() * 2)
    label.setFont(font)
    assert label.heightForWidth(2000) > one_line
    assert label.heightForWidth(150) == plain_twin(label).heightForWidth(150)

    label.setContentsMargins(0, 20, 0, 20)
    assert label.heightForWidth(150) == plain_twin(label).heightForWidth(150)


def test_a_label_dragged_through_many_widths_still_measures_right(qtbot: QtBot) -> None:
    label = linked(LONG)
    qtbot.addWidget(label)
    heights = {width: label.heightForWidth(width) for width in range(120, 520, 10)}  # 40 widths
    twin = plain_twin(label)
    assert heights == {width: twin.heightForWidth(width) for width in heights}
    assert label.heightForWidth(120) == twin.heightForWidth(120)


def test_a_label_without_a_link_takes_no_focus_and_one_with_a_link_opens_it(qtbot: QtBot) -> None:
    plain = link_label("Platform Engineer", name="jobLink", has_link=False)
    linked = link_label('<a href="https://example.com/2">Platform Engineer</a>', name="jobLink")
    qtbot.addWidget(plain)
    qtbot.addWidget(linked)
    assert plain.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert linked.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert linked.openExternalLinks()
    assert linked.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard


def styled_by_qt(widget: QWidget) -> bool:
    """Qt's stylesheet style styles the widget, and so forgets it when it is destroyed."""
    return widget.testAttribute(Qt.WidgetAttribute.WA_StyleSheet)


def test_a_closed_note_forms_inner_parts_go_with_it(qtbot: QtBot, qapp: QApplication,
                                                     controls: FakeControls) -> None:
    apply_style(qapp)
    form = NoteForm(controls, call(found(RW, PRIYA), state=CallState.ENDED, duration_s=60))
    form.show()
    qtbot.waitExposed(form)
    how = form.how
    date_line = how.date_edit.findChild(QLineEdit)
    assert date_line is not None
    parts = [form.editor.viewport(), date_line,
             *(combo.view().parentWidget() for combo in (how.outcome_combo, how.job_combo, how.call_back_combo))]
    assert not any(styled_by_qt(part) for part in parts)  # what Qt leaves behind unless told

    form.hide()
    delete_later(form)

    assert all(styled_by_qt(part) for part in parts)
    assert form.title_label.text()  # still whole until the event loop deletes it
    qtbot.waitUntil(lambda: not shiboken6.isValid(form))
