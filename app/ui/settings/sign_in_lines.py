"""The two lines under an OAuth account's state in Settings: who it is signed in as (the CRM's
userinfo) and when the sign-in ends. Hidden for accounts that sign in another way."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.accounts.backend import SettingsControls
from app.accounts.identity import Identity
from app.accounts.kinds import SignIn, sign_in_method
from app.config.settings import Account
from app.ui.common.widgets import label, set_state_property


class SignInLines(QWidget):
    """Test accessors: `who_label`, `ends_label`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.who_label = label(name="signedInAs", wrap=True)
        self.ends_label = label(name="signInEnds", wrap=True)
        column.addWidget(self.who_label)
        column.addWidget(self.ends_label)
        self.hide()

    def refresh(self, controls: SettingsControls, account: Account | None) -> None:
        """Ask who `account` is signed in as (hidden unless it signs in through the browser)."""
        if account is None or sign_in_method(account) is not SignIn.OAUTH:
            self.hide()
            return
        self.who_label.setText("Checking who is signed in…")
        set_state_property(self.who_label, "outcome", "working")
        self.ends_label.hide()
        self.show()
        controls.account_identity(account, self.show_identity)

    def show_identity(self, identity: Identity | None) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while the CRM was answering
        if identity is None:
            self.hide()
            return
        self.who_label.setText(identity.who)
        set_state_property(self.who_label, "outcome", "ok" if identity.ok else "failed")
        self.ends_label.setText(identity.ends or "")
        set_state_property(self.ends_label, "soon", identity.ending_soon)
        self.ends_label.setVisible(identity.ends is not None)
        self.show()
