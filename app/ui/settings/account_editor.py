"""One account's form in Settings: its fields (checked as they are typed, each problem beside its
field), its sign-in (Sign in… for OAuth, Connect with a masked password or API key), Test
connection, Sign out, and its state in words (for OAuth also who is signed in, and until when).

Fields come from the account's pydantic model (app/accounts/forms.py). Every CRM operation goes
through `SettingsControls` and ends in one `done` call, which re-enables the buttons whatever
happened.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts import forms
from app.accounts.backend import Outcome, SettingsControls
from app.accounts.kinds import SignIn, secret_for, sign_in_method
from app.accounts.status import AccountState
from app.config.settings import Account
from app.ui.common.widgets import label, set_state_property
from app.ui.settings.sign_in_lines import SignInLines

STATE_WORDS = {
    AccountState.CONNECTED: "Connected",
    AccountState.NEEDS_SIGN_IN: "Needs sign-in",
    AccountState.ERROR: "Error",
    AccountState.NOT_SET_UP: "Not set up",
}


class AccountEditor(QWidget):
    """Signals:
        changed()              a field was edited
        stateChanged(str)      the account's state in a word or two ("Connected", "Needs sign-in"…)

    Test accessors: `fields` (key → widget), `errors` (key → error label), `secret_edit`,
    `connect_button`, `test_button`, `disconnect_button`, `state_label`, `sign_in_lines`, `result_label`, `busy`,
    `account` (the valid Account or None), `values()`.
    """

    changed = Signal()
    stateChanged = Signal(str)

    def __init__(self, controls: SettingsControls, values: dict[str, Any], *, saved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.kind = str(values["kind"])
        self.saved = saved  # in config.toml already: its id is fixed (secrets are kept under it)
        self._extra = {k: v for k, v in values.items()}  # keys the form doesn't show (kept as they are)
        self.account: Account | None = None
        self._found: dict[str, str] = {}  # from the model
        self._outside: dict[str, str] = {}  # from the page (an id used twice)
        self.busy = False
        self.state = ""
        self.setObjectName("accountEditor")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(label(forms.kind_name(self.kind), name="editorTitle"))

        form = QFormLayout()
        form.setSpacing(6)
        self._form = form
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._specs = forms.fields_for(self.kind)
        for spec in self._specs:
            widget = self._field_widget(spec, values.get(spec.key))
            widget.setToolTip(spec.help)
            error = label(name="fieldError", role="fieldError", wrap=True)
            error.hide()
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            self.fields[spec.key] = widget
            self.errors[spec.key] = error
            form.addRow(spec.label if spec.kind != "bool" else "", column)
        layout.addLayout(form)
        layout.addWidget(self._sign_in_box())
        layout.addStretch(1)
        self._validate()
        self._show_sign_in()

    # -- building --------------------------------------------------------------------------------

    def _field_widget(self, spec: forms.FieldSpec, value: Any) -> QWidget:
        if spec.kind == "bool":
            box = QCheckBox(spec.label)
            box.setChecked(bool(value))
            box.toggled.connect(self._edited)
            return box
        if spec.kind == "choice":
            combo = QComboBox()
            for choice, text in spec.choices:
                combo.addItem(text, choice)
            index = combo.findData(value)
            combo.setCurrentIndex(max(0, index))
            combo.currentIndexChanged.connect(self._edited)
            return combo
        shown = ", ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)
        edit = QLineEdit(shown)
        edit.setObjectName(f"field_{spec.key}")
        if spec.key == "id" and self.saved:
            edit.setReadOnly(True)
            edit.setToolTip("Fixed once saved: the account's secrets are kept under it. Remove the account and "
                            "add it again to change it.")
        edit.textEdited.connect(self._edited)
        return edit

    def _sign_in_box(self) -> QGroupBox:
        box = QGroupBox("Connection")
        box.setObjectName("signInBox")
        column = QVBoxLayout(box)
        column.setSpacing(6)
        self.state_label = label(name="accountState", wrap=True)
        column.addWidget(self.state_label)
        self.sign_in_lines = SignInLines()
        column.addWidget(self.sign_in_lines)
        self.secret_label = label(name="secretLabel")
        self.secret_edit = QLineEdit()
        self.secret_edit.setObjectName("secretEdit")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        row = QHBoxLayout()
        row.addWidget(self.secret_label)
        row.addWidget(self.secret_edit, 1)
        column.addLayout(row)
        buttons = QHBoxLayout()
        self.connect_button = QPushButton("Connect")
        self.connect_button.setObjectName("connectButton")
        self.connect_button.clicked.connect(self.connect_account)
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testButton")
        self.test_button.clicked.connect(self.test_connection)
        self.disconnect_button = QPushButton("Sign out")
        self.disconnect_button.setObjectName("disconnectButton")
        self.disconnect_button.setToolTip("Sign out at the CRM where it allows, and delete this account's secrets")
        self.disconnect_button.clicked.connect(self.disconnect_account)
        for button in (self.connect_button, self.test_button, self.disconnect_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.result_label = label(name="resultLabel", wrap=True)
        self.result_label.hide()
        column.addWidget(self.result_label)
        return box

    # -- values and validation -------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        out = dict(self._extra)
        for spec in self._specs:
            widget = self.fields[spec.key]
            if isinstance(widget, QCheckBox):
                out[spec.key] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                out[spec.key] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                out[spec.key] = widget.text()
        return out

    @property
    def account_id(self) -> str:
        return str(self.values().get("id", "")).strip()

    @property
    def problems(self) -> dict[str, str]:
        """Field → what is wrong with it, in words; empty when the form is valid."""
        return {**self._found, **self._outside}

    def set_problem(self, key: str, message: str | None) -> None:
        """An error found outside this form (another account has the same id)."""
        if message:
            self._outside[key] = message
        else:
            self._outside.pop(key, None)
        self._show_errors()

    def _edited(self, *_args: object) -> None:
        self._validate()
        self._show_sign_in()
        self.changed.emit()

    def _validate(self) -> None:
        values = self.values()
        self.account, self._found = forms.validate(values)
        for spec in self._specs:  # fields that only apply with another field's value
            if spec.shown_when is not None:
                other, wanted = spec.shown_when
                self._set_row_visible(spec.key, values.get(other) == wanted)
        self._show_errors()

    def _set_row_visible(self, key: str, visible: bool) -> None:
        for row in range(self._form.rowCount()):
            item = self._form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            layout = item.layout() if item is not None else None
            if layout is not None and layout.indexOf(self.fields[key]) >= 0:
                self._form.setRowVisible(row, visible)

    def _show_errors(self) -> None:
        for key, error in self.errors.items():
            message = self.problems.get(key, "")
            error.setText(message)
            error.setVisible(bool(message))
            set_state_property(self.fields[key], "invalid", bool(message))
        stray = {k: v for k, v in self.problems.items() if k not in self.errors}
        if stray:
            self.result_label.setText(" ".join(stray.values()))
            self.result_label.show()

    # -- the sign-in box -----------------------------------------------------------------------------

    def _show_sign_in(self) -> None:
        account = self.account
        method = sign_in_method(account) if account is not None else None
        secret = secret_for(account) if account is not None else None
        if method is SignIn.OAUTH:
            self.secret_label.setText("Client secret")
            self.secret_edit.setPlaceholderText("kept in the keyring once you sign in")
            self.connect_button.setText("Sign in…")
        elif secret is not None:
            self.secret_label.setText(secret.label)
            self.secret_edit.setPlaceholderText("checked with the CRM, then kept in the keyring")
            self.connect_button.setText("Connect")
        needs_secret = method is SignIn.OAUTH or secret is not None
        self.secret_label.setVisible(needs_secret)
        self.secret_edit.setVisible(needs_secret)
        self.connect_button.setVisible(needs_secret)
        self.disconnect_button.setVisible(self.saved and needs_secret)
        self._enable()
        if account is None:
            self._set_state("", "Fix the fields above to connect.")
        elif not self.state:
            missing = self._controls.missing(account)
            if missing:
                self._set_state(STATE_WORDS[AccountState.NOT_SET_UP], missing)

    def _enable(self) -> None:
        ready = self.account is not None and not self.busy
        for button in (self.connect_button, self.test_button, self.disconnect_button):
            button.setEnabled(ready)

    def _set_state(self, word: str, detail: str) -> None:
        self.state_label.setText(f"<b>{word}</b> — {detail}" if word else detail)
        set_state_property(self.state_label, "accountState", word.lower().replace(" ", "-"))
        if word and word != self.state:
            self.state = word
            self.stateChanged.emit(word)

    def _start(self, text: str) -> bool:
        if self.account is None or self.busy:
            return False
        self.busy = True
        self._enable()
        self.result_label.setText(text)
        set_state_property(self.result_label, "outcome", "working")
        self.result_label.show()
        return True

    def _finish(self, outcome: Outcome) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while the CRM was answering
        self.busy = False
        self._enable()
        self.result_label.setText(outcome.message)
        set_state_property(self.result_label, "outcome", "ok" if outcome.ok else "failed")
        self.result_label.show()
        if outcome.state is not None:
            self._set_state(STATE_WORDS[outcome.state], outcome.message)

    # -- actions -----------------------------------------------------------------------------------------

    def refresh_state(self) -> None:
        """Ask for the account's live state (the window opening)."""
        if self.account is None or not self.saved or self.busy:
            return
        self.busy = True
        self._enable()
        self._set_state("", "Checking…")
        self._controls.status(self.account, self._status_done)
        self.sign_in_lines.refresh(self._controls, self.account)

    def _status_done(self, outcome: Outcome) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy = False
        self._enable()
        if outcome.state is not None:
            self._set_state(STATE_WORDS[outcome.state], outcome.message)

    def connect_account(self) -> None:
        account = self.account
        if account is None:
            return
        oauth = sign_in_method(account) is SignIn.OAUTH
        waiting = "Finish signing in in your browser…" if oauth else "Checking with the CRM…"
        if self._start(waiting):
            secret = self.secret_edit.text()
            self._controls.connect(account, secret or None, self._connected)

    def _connected(self, outcome: Outcome) -> None:
        if outcome.ok and shiboken6.isValid(self):
            self.secret_edit.clear()  # kept in the keyring now; never left in a widget
            self.sign_in_lines.refresh(self._controls, self.account)
        self._finish(outcome)

    def test_connection(self) -> None:
        if self.account is not None and self._start("Testing the connection…"):
            typed = self.secret_edit.text() if sign_in_method(self.account) is not SignIn.OAUTH else ""
            self._controls.test(self.account, typed or None, self._finish)

    def disconnect_account(self) -> None:
        if self.account is not None and self._start("Signing out…"):
            self._controls.disconnect(self.account, self._signed_out)

    def _signed_out(self, outcome: Outcome) -> None:
        if shiboken6.isValid(self):
            self.sign_in_lines.refresh(self._controls, self.account)
        self._finish(outcome)
