"""The card's wrapped labels and link labels remember their height per width: the height still follows
their text, font and margins, as an uncached label's does, and their links still open by mouse and
keyboard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.ui.card.labels import label as text_label
from app.ui.card.labels import link_label

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


def test_a_label_without_a_link_takes_no_focus_and_one_with_a_link_opens_it(qtbot: QtBot) -> None:
    plain = link_label("Platform Engineer", name="jobLink", has_link=False)
    linked = link_label('<a href="https://example.com/2">Platform Engineer</a>', name="jobLink")
    qtbot.addWidget(plain)
    qtbot.addWidget(linked)
    assert plain.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert linked.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert linked.openExternalLinks()
    assert linked.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
