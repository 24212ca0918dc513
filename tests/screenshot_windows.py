"""The windows tests/screenshots.py renders beside the cards: Dial, Settings and History.

Their content is the demo's: the Settings window edits the demo's own settings and shows each
account's state as the real account check reported it against the emulators; Dial and History list
calls built from the demo's answers. Only a frozen picture's moments (times, note outcomes) are set
by hand, worded as the app words them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QWidget

from app.accounts.backend import Done, Outcome
from app.accounts.identity import Identity
from app.accounts.status import AccountStatus
from app.config.settings import Account, Settings
from app.core.models import NoteStatus
from app.core.views import CallView, MissedCall
from app.ui.common.messages import MessageLog
from app.ui.dial.window import DialDialog
from app.ui.history.window import HistoryWindow
from app.ui.settings.window import SettingsWindow
from app.ui.tray.toast import Toast
from tests.ui.helpers import FakeControls, with_notes


@dataclass
class DemoSettingsControls:
    """`SettingsControls` over the demo's settings, answering each account's state with what the
    real check said while the emulators ran (the window asks again as it opens)."""

    settings: Settings
    statuses: dict[str, AccountStatus]

    def current(self) -> Settings:
        return self.settings

    def keyring_problem(self) -> str | None:
        return None

    def secrets_in_file(self) -> bool:
        return False

    def missing(self, account: Account) -> str | None:
        return None

    def save(self, settings: Settings, done: Done) -> None:
        done(Outcome(True, "Saved."))

    def status(self, account: Account, done: Done) -> None:
        known = self.statuses.get(account.id)
        if known is not None:
            done(Outcome.of(known))

    def test(self, account: Account, secret: str | None, done: Done) -> None:
        self.status(account, done)

    def connect(self, account: Account, secret: str | None, done: Done) -> None:
        self.status(account, done)

    def disconnect(self, account: Account, done: Done) -> None:
        self.status(account, done)

    def account_identity(self, account: Account, done: Callable[[Identity | None], None]) -> None:
        tokens = account.kind == "recruitwizard" or getattr(account, "auth", "") == "oauth"
        done(Identity("Signed in as Alex Morgan (alex.morgan@agency.example)", "Sign-in ends Tue 2 Feb 2027")
             if tokens else None)

    def autostart_available(self) -> bool:
        return True


def settings_accounts(controls: DemoSettingsControls, account_id: str, typed: dict[str, str]) -> Callable[
        [FakeControls], QWidget]:
    """Settings → Accounts at `account_id`, with `typed` replacing fields' text (its checks show)."""

    def build(_calls: FakeControls) -> QWidget:
        window = SettingsWindow(controls)
        window.show_account(account_id)
        editor = window.accounts_page.editor(account_id)
        assert editor is not None
        for key, text in typed.items():
            field = editor.fields[key]
            assert isinstance(field, QLineEdit)
            field.selectAll()
            QTest.keyClicks(field, text)
        return window

    return build


def settings_general(controls: DemoSettingsControls) -> Callable[[FakeControls], QWidget]:
    def build(_calls: FakeControls) -> QWidget:
        window = SettingsWindow(controls)
        window.tabs.setCurrentWidget(window.general_page)
        return window

    return build


def dialer(typed: str = "") -> Callable[[FakeControls], QWidget]:
    def build(calls: FakeControls) -> QWidget:
        dialog = DialDialog(calls)
        if typed:
            QTest.keyClicks(dialog.number_edit, typed)
        return dialog

    return build


def history(calls: list[CallView], missed: list[MissedCall], select: str, *, search: str = "",
            messages: list[tuple[str, bool]] = ()) -> Callable[[FakeControls], QWidget]:  # type: ignore[assignment]
    """The history window with `select` selected, after typing `search`; with `messages`, its
    Messages tab open on them."""
    def build(controls: FakeControls) -> QWidget:
        controls.history, controls.missed = calls, missed
        log = MessageLog()
        for text, error in messages:
            log.add(text, error=error)
        window = HistoryWindow(controls, messages=log)
        window.show()
        if search:
            window.search_edit.setText(search)
            window.refresh()
        window.select(select)
        if messages:
            window.tabs.setCurrentWidget(window.messages_panel)
        return window

    return build


def wrapped_message(text: str) -> Callable[[FakeControls], QWidget]:
    """A long error notice as the toast shows it where the desktop has no tray."""
    def build(_controls: FakeControls) -> QWidget:
        toast = Toast(text, error=True, timeout_ms=60_000)
        toast.adjustSize()
        return toast

    return build


def with_text(view: CallView, text: str) -> CallView:
    """`view` with `text` as its notes' text."""
    return replace(view, notes=tuple(replace(n, text=text) for n in view.notes))


def missed_entry(view: CallView, count: int) -> MissedCall:
    """The callback-list entry the core makes of `view`, a missed inbound call."""
    who = view.chosen() or list(view.matches)
    label = next((a.account_label for a in view.accounts if who and a.account_id == who[0].account_id), "")
    return MissedCall(key=view.e164 or view.number, number=view.number, number_display=view.number_display,
                      e164=view.e164, count=count, last_at=view.started_at, call_id=view.call_id,
                      name=who[0].name if who else "", account_label=label)


def earlier(view: CallView, *, days: int = 0, at: tuple[int, int]) -> CallView:
    """`view` moved to `at` (hour, minute) `days` ago, its other times kept in step."""
    start = (datetime.now().astimezone() - timedelta(days=days)).replace(hour=at[0], minute=at[1], second=0,
                                                                          microsecond=0)
    shift = start - view.started_at
    return replace(view, started_at=start,
                   answered_at=view.answered_at + shift if view.answered_at else None,
                   ended_at=view.ended_at + shift if view.ended_at else None)


def failed_note(view: CallView, account_id: str, reason: str) -> CallView:
    """`view` with its notes logged, but for `account_id`'s, which failed for `reason`."""
    logged = with_notes(view, NoteStatus.LOGGED)
    return replace(logged, notes=tuple(replace(n, status=NoteStatus.FAILED, message=reason)
                                       if n.account_id == account_id else n for n in logged.notes))

