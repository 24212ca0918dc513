"""delete_later: the parts Qt's stylesheet style leaves to their owner (a scroll area's viewport, a
combo box's popup, a date edit's line edit) are styled before their window goes, so Qt forgets
them with it instead of keeping a cache entry for each (a note form left several per call)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.core.views import CallState
from app.ui.common.style import apply_style
from app.ui.common.widgets import delete_later
from app.ui.note.form import NoteForm
from tests.ui.helpers import PRIYA, RW, FakeControls, call, found


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
