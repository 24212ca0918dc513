"""The card's keyboard, once it has focus (a click on it): Tab order and the keys its widgets leave alone."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def order_tabs(chain: Sequence[QWidget]) -> None:
    """Tab walks `chain` in order. Rows are created after the buttons, so Qt's default order
    (creation order) would put them last: the card sets it on every render."""
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)


def press(event: QKeyEvent, focused: QWidget | None, dismiss: Callable[[], None]) -> bool:
    """Esc dismisses; Enter presses the focused button (a record's pick, Answer, Hang up, close) —
    links handle Enter themselves. False: the key is not the card's."""
    if event.key() == Qt.Key.Key_Escape:
        dismiss()
        return True
    if event.key() in _ENTER_KEYS and isinstance(focused, QAbstractButton) and focused.isVisible():
        focused.click()
        return True
    return False
