"""Tray → Settings, driven as a recruiter would, against the running app and the emulators on one
qasync loop: adding accounts (with errors beside their fields), signing in through the browser and
with a password, Test connection in words, and changes in use at once without a restart."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import keyring
import pytest
import qasync
from keyring.backends import fail
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox, QWidget

from app.accounts.backend import SettingsBackend
from app.config import paths, settings
from app.config.settings import Settings
from app.runtime.runtime import Runtime
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import TrackerRmsSandbox
from app.sandbox.trackerrms.store import RECRUITER, default_users
from app.storage.secret_file import FileSecrets
from app.storage.secrets import KeyringSecrets
from app.ui.bridge import Bridge
from app.ui.settings.account_editor import AccountEditor
from app.ui.settings.window import SettingsWindow
from app.ui.shell import UiShell
from tests.conftest import RwEnv
from tests.support import run, start_shell, until

TR_PASSWORD = next(u.password for u in default_users() if u.username == RECRUITER)


@dataclass
class App:
    loop: qasync.QEventLoop
    runtime: Runtime
    shell: UiShell
    tr_url: str
    tr: TrackerRmsSandbox
    backend: SettingsBackend
    visits: list[asyncio.Task[httpx.Response]] = field(default_factory=list)

    def idle(self) -> bool:
        """No settings operation is still talking to a CRM (opening the window checks every account)."""
        return self.backend.pending == 0

    def play(self, scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run a scenario on the app's loop, then let what it started finish on that loop too."""
        async def whole() -> None:
            await scenario()
            await until(self.idle, what="settings operations to finish")
            await asyncio.gather(*self.visits, return_exceptions=True)

        run(self.loop, whole())

    def settings_window(self) -> SettingsWindow:
        self.shell.tray.menu.settings_action.trigger()  # tray → Settings…
        window = self.shell.settings_window
        assert window is not None and window.isVisible()
        return window


@pytest.fixture
def app(qapp: QApplication, rw_env: RwEnv) -> Iterator[App]:
    tr = TrackerRmsSandbox()
    with SandboxServer(tr.make_app) as tr_server:
        loop = qasync.QEventLoop(qapp)
        asyncio.set_event_loop(loop)
        config = rw_env.settings()
        settings.save(paths.resolve().config_file, config)
        bridge = Bridge()
        runtime = Runtime(paths=paths.resolve(), settings=config, listener=bridge, secrets=rw_env.secrets)
        backend = SettingsBackend(runtime.account_hooks())
        shell = UiShell(runtime.controls, bridge, use_tray=False, settled_close_ms=60_000, settings=backend)
        run(loop, runtime.start())
        start_shell(loop, shell)
        app = App(loop, runtime, shell, tr_server.url, tr, backend)
        browser = httpx.AsyncClient(follow_redirects=True, timeout=5)  # the pretend browser
        runtime.open_url = lambda url: app.visits.append(loop.create_task(browser.get(url)))
        yield app

        async def teardown() -> None:
            await asyncio.gather(*app.visits, return_exceptions=True)
            await browser.aclose()
            shell.close()
            await runtime.stop()

        run(loop, teardown())
        asyncio.set_event_loop(None)
        loop.close()


def type_into(edit: QWidget, text: str) -> None:
    """Replace the field's text by typing, as a user would (so textEdited fires)."""
    assert isinstance(edit, QLineEdit)
    edit.selectAll()
    QTest.keyClicks(edit, text)


def choose(combo: QWidget, value: str) -> None:
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(value))


def add_tracker(window: SettingsWindow, app: App, *, auth: str = "password") -> AccountEditor:
    editor = window.accounts_page.add("trackerrms")
    type_into(editor.fields["api_url"], app.tr_url)
    choose(editor.fields["auth"], auth)
    if auth == "password":
        type_into(editor.fields["username"], RECRUITER)
    return editor


def test_adding_an_account_shows_each_problem_beside_its_field(app: App) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        editor = window.accounts_page.add("trackerrms")
        assert editor.account_id == "tr"
        choose(editor.fields["auth"], "password")
        assert editor.errors["username"].isVisible()
        assert editor.errors["username"].text() == "Required to sign in with a password."
        type_into(editor.fields["api_url"], "evoapi.tracker-rms.com")
        assert editor.errors["api_url"].text() == "Must be an http(s):// URL."
        assert not editor.connect_button.isEnabled()  # nothing to sign in to until the fields are right
        window.save_button.click()
        assert window.message_label.text().startswith("Fix these first: tr: check api_url, username")
        assert "tr" not in {a.id for a in settings.load(paths.resolve().config_file).accounts}

        type_into(editor.fields["api_url"], app.tr_url)
        type_into(editor.fields["username"], RECRUITER)
        assert not any(e.isVisible() for e in editor.errors.values())
        window.save_button.click()
        await until(lambda: window.message_label.text().startswith("Saved; in use now."), what="the save")
        # In use at once: written to config.toml and a connector built, no restart.
        saved = settings.load(paths.resolve().config_file)
        assert [a.id for a in saved.accounts] == ["rw", "tr"]
        assert "tr" in app.runtime.connectors
        assert not window.dirty

    app.play(scenario)


def test_two_accounts_with_one_id_are_refused(app: App) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        editor = window.accounts_page.add("recruitwizard")
        type_into(editor.fields["id"], "rw")
        assert editor.errors["id"].text() == "Another account uses this id."
        type_into(editor.fields["id"], "rw-second")
        assert not editor.errors["id"].isVisible()

    app.play(scenario)


def test_a_password_is_checked_before_it_is_kept_and_says_what_failed(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        editor = add_tracker(window, app)
        assert editor.connect_button.text() == "Connect" and editor.secret_label.text() == "Password"
        assert editor.secret_edit.echoMode() is QLineEdit.EchoMode.Password
        QTest.keyClicks(editor.secret_edit, "not-the-password")
        editor.connect_button.click()
        assert not editor.connect_button.isEnabled()  # busy
        await until(lambda: not editor.busy, what="TrackerRMS to answer")
        assert editor.result_label.text().startswith(f"TrackerRMS doesn't know user '{RECRUITER}'")
        assert editor.state == "Needs sign-in"
        assert rw_env.secrets.get("tr", "password") is None
        assert editor.connect_button.isEnabled()  # ready to try again

        type_into(editor.secret_edit, TR_PASSWORD)
        editor.connect_button.click()
        await until(lambda: not editor.busy, what="TrackerRMS to answer")
        assert editor.result_label.text() == f"Connected to TrackerRMS as {RECRUITER}. It is stored in the keyring."
        assert editor.state == "Connected"
        assert rw_env.secrets.get("tr", "password") == TR_PASSWORD
        assert editor.secret_edit.text() == ""  # not left in the window
        item = window.accounts_page.account_list.item(1)
        assert item.text() == "TrackerRMS (tr) — Connected"

    app.play(scenario)


def test_test_connection_says_what_worked_and_what_failed(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        rw = window.accounts_page.editor("rw")
        assert rw is not None
        await until(lambda: rw.state == "Connected", what="the state of the signed-in account")
        rw.test_button.click()
        await until(lambda: not rw.busy and rw.result_label.text(), what="the test")
        assert rw.result_label.text() == "Connected to Recruit Wizard: signed in, and a test search worked."

        editor = add_tracker(window, app)
        rw_env.secrets.set("tr", "password", TR_PASSWORD)
        app.tr.set_user_active(RECRUITER, False)
        editor.test_button.click()
        await until(lambda: not editor.busy and editor.result_label.text() != "Testing the connection…",
                    what="the test")
        assert "is not active. Ask your TrackerRMS administrator to reactivate it." in editor.result_label.text()

        type_into(editor.fields["api_url"], "http://127.0.0.1:9")  # nothing listens on the discard port
        editor.test_button.click()
        await until(lambda: not editor.busy and editor.result_label.text() != "Testing the connection…",
                    what="the test")
        assert editor.result_label.text().startswith("Can't reach TrackerRMS (127.0.0.1:9).")
        assert editor.state == "Error"

    app.play(scenario)


def test_signing_in_through_the_browser(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        editor = window.accounts_page.add("recruitwizard")
        type_into(editor.fields["id"], "rw2")
        type_into(editor.fields["api_url"], rw_env.account.api_url)
        type_into(editor.fields["client_id"], rw_env.account.client_id)
        assert editor.connect_button.text() == "Sign in…" and editor.secret_label.text() == "Client secret"
        assert editor.state == "Not set up"
        QTest.keyClicks(editor.secret_edit, "s3cret-client-value")
        editor.connect_button.click()
        await until(lambda: not editor.busy, what="the browser sign-in")
        assert editor.result_label.text() == "Signed in to Recruit Wizard; the tokens are in the keyring."
        assert editor.state == "Connected"
        assert app.visits  # the browser was sent to the sign-in page
        assert rw_env.secrets.get("rw2", "tokens") and rw_env.secrets.get("rw2", "client_secret")

    app.play(scenario)


def test_a_refused_browser_sign_in_keeps_nothing(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        editor = window.accounts_page.add("recruitwizard")
        type_into(editor.fields["api_url"], rw_env.account.api_url)
        type_into(editor.fields["client_id"], rw_env.account.client_id)
        QTest.keyClicks(editor.secret_edit, "s3cret-client-value")
        rw_env.sandbox.deny_next_authorization()
        editor.connect_button.click()
        await until(lambda: not editor.busy, what="the refusal")
        assert editor.result_label.text() == "Access was denied, so Ringside is not connected to Recruit Wizard."
        assert rw_env.secrets.get(editor.account_id, "tokens") is None
        assert rw_env.secrets.get(editor.account_id, "client_secret") is None

    app.play(scenario)


def test_general_settings_apply_at_once(app: App) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        page = window.general_page
        window.tabs.setCurrentWidget(page)
        page.region_combo.setEditText("Atlantis")
        assert page.region_error.isVisible()
        assert page.region_error.text() == "Pick a country from the list (type to search)."
        page.region_combo.setEditText("New Zealand (NZ)")
        assert not page.region_error.isVisible()
        choose(page.pop_on_combo, "answer")
        choose(page.position_combo, "top-left")
        page.auto_log_check.setChecked(True)
        window.save_button.click()
        await until(lambda: not window.saving, what="the save")
        switchboard = app.runtime.switchboard
        assert (switchboard.default_region, switchboard.pop_on, switchboard.auto_log) == ("NZ", "answer", True)
        assert app.shell.card_position == "top-left"
        general = settings.load(paths.resolve().config_file).general
        assert (general.default_region, general.card_position) == ("NZ", "top-left")

    app.play(scenario)


def test_the_country_list_is_searchable(app: App) -> None:
    async def scenario() -> None:
        page = app.settings_window().general_page
        completer = page.region_combo.completer()
        completer.setCompletionPrefix("zeal")
        matches = [completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())]
        assert matches == ["New Zealand (NZ)"]
        page.region_combo.setEditText("gb")  # a code works too
        assert page.region() == "GB"

    app.play(scenario)


def test_removing_an_account_signs_out_and_deletes_its_secrets_on_save(app: App, rw_env: RwEnv) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        window.accounts_page.select("rw")
        window.accounts_page.remove_current()
        assert rw_env.secrets.get("rw", "tokens")  # nothing happens before Save
        window.save_button.click()
        await until(lambda: not window.saving, what="the save")
        assert rw_env.secrets.get("rw", "tokens") is None and rw_env.secrets.get("rw", "client_secret") is None
        assert rw_env.sandbox.journal.entries("/core/connect/revocation")
        assert app.runtime.connectors == {}

    app.play(scenario)


def test_closing_with_unsaved_changes_asks(app: App) -> None:
    async def scenario() -> None:
        window = app.settings_window()
        window.accounts_page.add("fixdigital")
        window.close()
        assert window.isVisible()
        prompt = window.close_prompt
        assert prompt is not None
        prompt.button(QMessageBox.StandardButton.Discard).click()
        await until(lambda: app.shell.settings_window is None, what="the window to close")
        assert [a.id for a in settings.load(paths.resolve().config_file).accounts] == ["rw"]

    app.play(scenario)


def test_secrets_go_to_a_file_only_after_a_confirmed_opt_in(app: App) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # a headless box: no usable keyring…
    app.runtime.secrets = KeyringSecrets()  # …behind the system keyring store the app uses

    async def scenario() -> None:
        window = app.settings_window()
        page = window.general_page
        window.tabs.setCurrentWidget(page)
        assert page.file_secrets_box.isVisible()
        page.file_secrets_check.setChecked(True)
        assert not page.file_secrets_check.isChecked()  # not until confirmed
        box = page.confirm_box
        assert box is not None and "not encrypted" in box.text()
        box.button(QMessageBox.StandardButton.No).click()
        await until(lambda: page.confirm_box is None, what="the question to close")
        assert not page.file_secrets_check.isChecked()
        page.file_secrets_check.setChecked(True)
        assert page.confirm_box is not None
        page.confirm_box.button(QMessageBox.StandardButton.Yes).click()
        await until(lambda: page.file_secrets_check.isChecked(), what="the opt-in")
        window.save_button.click()
        await until(lambda: not window.saving, what="the save")
        assert "readable by you alone" in window.message_label.text()
        assert isinstance(app.runtime.secrets, FileSecrets)
        assert settings.load(paths.resolve().config_file).general.store_secrets_in_file
        # A password now goes to the owner-only file…
        window.tabs.setCurrentWidget(window.accounts_page)
        editor = add_tracker(window, app)
        QTest.keyClicks(editor.secret_edit, TR_PASSWORD)
        editor.connect_button.click()
        await until(lambda: not editor.busy, what="TrackerRMS to answer")
        assert editor.state == "Connected", editor.result_label.text()
        file = app.runtime.secrets.path
        assert stat.S_IMODE(file.stat().st_mode) == 0o600 and TR_PASSWORD in file.read_text()
        # …and opting out leaves no plain copy behind.
        window.tabs.setCurrentWidget(page)
        page.file_secrets_check.setChecked(False)
        window.save_button.click()
        await until(lambda: not window.saving, what="the save")
        assert not file.exists()
        assert "secrets file is deleted" in window.message_label.text()

    try:
        app.play(scenario)
    finally:
        keyring.set_keyring(before)


def test_saved_settings_survive_a_reload_from_disk(app: App) -> None:
    """What Save writes is what the next start reads (the file is the truth)."""
    async def scenario() -> None:
        window = app.settings_window()
        add_tracker(window, app)
        window.save_button.click()
        await until(lambda: not window.saving, what="the save")
        await app.runtime.reload_accounts()
        assert [a.id for a in app.runtime.settings.accounts] == ["rw", "tr"]
        assert isinstance(app.runtime.settings, Settings)

    app.play(scenario)
