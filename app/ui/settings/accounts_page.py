"""Settings → Accounts: the list of accounts (add, remove, reorder) beside the selected one's form.

Order matters: it is the order of the sections on a call card. Removing an account takes effect on
Save, which signs out of it and deletes its secrets; until then Close can still discard it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts import forms
from app.accounts.backend import SettingsControls
from app.config.settings import Account
from app.ui.common.widgets import label
from app.ui.settings.account_editor import AccountEditor


class AccountsPage(QWidget):
    """Signals:
        changed()   anything was added, removed, moved or edited

    Test accessors: `account_list`, `add_button`, `add_menu`, `remove_button`, `up_button`,
    `down_button`, `editors()` (in list order), `editor(account_id)`, `current_editor()`, `add(kind)`.
    """

    changed = Signal()

    def __init__(self, controls: SettingsControls, accounts: list[Account], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.setObjectName("accountsPage")
        layout = QHBoxLayout(self)
        layout.setSpacing(14)

        left = QVBoxLayout()
        self.account_list = QListWidget()
        self.account_list.setObjectName("accountList")
        self.account_list.setMinimumWidth(220)
        self.account_list.currentRowChanged.connect(self._selected)
        left.addWidget(self.account_list, 1)
        buttons = QHBoxLayout()
        self.add_button = QToolButton()
        self.add_button.setObjectName("addAccountButton")
        self.add_button.setText("Add ▾")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self.add_button)
        for kind in forms.MODELS:
            action = self.add_menu.addAction(forms.kind_name(kind))
            action.setData(kind)
            action.triggered.connect(lambda _checked=False, k=kind: self.add(k))
        self.add_button.setMenu(self.add_menu)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeAccountButton")
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button = QPushButton("↑")
        self.up_button.setObjectName("moveUpButton")
        self.up_button.setToolTip("Move up (earlier on the card)")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = QPushButton("↓")
        self.down_button.setObjectName("moveDownButton")
        self.down_button.setToolTip("Move down (later on the card)")
        self.down_button.clicked.connect(lambda: self._move(1))
        for button in (self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        left.addLayout(buttons)
        layout.addLayout(left, 0)

        self._stack = QStackedWidget()
        self._empty = label("No accounts yet. Add one: Ringside looks callers up in every account at once.",
                            name="noAccounts", role="muted", wrap=True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._stack.addWidget(self._empty)
        layout.addWidget(self._stack, 1)

        for account in accounts:
            self._append(forms.values_of(account), saved=True)
        if accounts:
            self.account_list.setCurrentRow(0)
        self._buttons()

    # -- accessors -----------------------------------------------------------------------------------

    def editors(self) -> list[AccountEditor]:
        return [self._editor_at(row) for row in range(self.account_list.count())]

    def editor(self, account_id: str) -> AccountEditor | None:
        return next((e for e in self.editors() if e.account_id == account_id), None)

    def current_editor(self) -> AccountEditor | None:
        row = self.account_list.currentRow()
        return self._editor_at(row) if row >= 0 else None

    def _editor_at(self, row: int) -> AccountEditor:
        item = self.account_list.item(row)
        editor = item.data(Qt.ItemDataRole.UserRole)
        assert isinstance(editor, AccountEditor)
        return editor

    def select(self, account_id: str) -> None:
        for row, editor in enumerate(self.editors()):
            if editor.account_id == account_id:
                self.account_list.setCurrentRow(row)
                return

    def accounts(self) -> tuple[list[Account], list[str]]:
        """(the accounts in order, problems in words); problems empty when every form is valid."""
        self._check_ids()
        out: list[Account] = []
        problems: list[str] = []
        for editor in self.editors():
            if editor.account is None or editor.problems:
                name = editor.account_id or forms.kind_name(editor.kind)
                fields = ", ".join(sorted(editor.problems)) or "fields"
                problems.append(f"{name}: check {fields}")
            else:
                out.append(editor.account)
        return out, problems

    def refresh_states(self) -> None:
        for editor in self.editors():
            editor.refresh_state()

    # -- changes -----------------------------------------------------------------------------------------

    def add(self, kind: str) -> AccountEditor:
        taken = {e.account_id for e in self.editors()}
        editor = self._append(forms.new_account_values(kind, taken), saved=False)
        self.account_list.setCurrentRow(self.account_list.count() - 1)
        self.changed.emit()
        return editor

    def remove_current(self) -> None:
        row = self.account_list.currentRow()
        if row < 0:
            return
        item = self.account_list.takeItem(row)
        editor = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(editor, AccountEditor):
            self._stack.removeWidget(editor)
            editor.deleteLater()
        self._check_ids()
        self._buttons()
        self.changed.emit()

    def _move(self, step: int) -> None:
        row = self.account_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.account_list.count():
            return
        item = self.account_list.takeItem(row)
        self.account_list.insertItem(target, item)
        self.account_list.setCurrentRow(target)
        self.changed.emit()

    def _append(self, values: dict[str, Any], *, saved: bool) -> AccountEditor:
        editor = AccountEditor(self._controls, values, saved=saved)
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, editor)
        self.account_list.addItem(item)
        self._stack.addWidget(editor)
        editor.changed.connect(lambda e=editor: self._edited(e))
        editor.stateChanged.connect(lambda _state, e=editor: self._label(e))
        self._label(editor)
        return editor

    def _edited(self, editor: AccountEditor) -> None:
        self._check_ids()
        self._label(editor)
        self.changed.emit()

    def _check_ids(self) -> None:
        seen: dict[str, int] = {}
        for editor in self.editors():
            seen[editor.account_id] = seen.get(editor.account_id, 0) + 1
        for editor in self.editors():
            twice = editor.account_id and seen.get(editor.account_id, 0) > 1
            editor.set_problem("id", "Another account uses this id." if twice else None)

    def _label(self, editor: AccountEditor) -> None:
        for row in range(self.account_list.count()):
            item = self.account_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) is editor:
                values = editor.values()
                name = str(values.get("label") or "").strip() or forms.kind_name(editor.kind)
                state = f" — {editor.state}" if editor.state else ""
                item.setText(f"{name} ({editor.account_id or '?'}){state}")
                item.setToolTip(f"{forms.kind_name(editor.kind)} account {editor.account_id}")

    def _selected(self, row: int) -> None:
        self._stack.setCurrentWidget(self._editor_at(row) if row >= 0 else self._empty)
        self._buttons()

    def _buttons(self) -> None:
        row = self.account_list.currentRow()
        count = self.account_list.count()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        if count == 0:
            self._stack.setCurrentWidget(self._empty)
