"""Settings → an OAuth account: who it is signed in as (Recruit Wizard's userinfo, from the
emulator) and when the sign-in ends (60 days after it), or why that can't be said."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.accounts.backend import SettingsBackend
from app.accounts.hooks import AppHooks
from app.config import paths
from app.crm._shared.oauth_tokens import TokenSet
from app.storage.secrets import SecretStore
from app.ui.common.style import Scheme, apply_style
from app.ui.settings.account_editor import AccountEditor
from tests.conftest import RwEnv
from tests.support import run, until

SIGNED_IN = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # + 60 days: Tue 2 Feb 2027


@dataclass
class Scene:
    loop: qasync.QEventLoop
    backend: SettingsBackend
    rw_env: RwEnv
    frames: list[QWidget] = field(default_factory=list)

    def editor(self) -> AccountEditor:
        frame = QWidget()
        frame.setObjectName("settingsWindow")  # the window's stylesheet rules apply inside it
        editor = AccountEditor(self.backend, self.rw_env.account.model_dump(), saved=True, parent=frame)
        QVBoxLayout(frame).addWidget(editor)
        frame.resize(560, 620)
        frame.show()
        self.frames.append(frame)
        return editor

    def opened(self, editor: AccountEditor) -> None:
        """As the window opens: the state and the sign-in lines are asked for; wait for both."""
        async def scenario() -> None:
            editor.refresh_state()
            await until(lambda: self.backend.pending == 0 and not editor.busy, what="the answers")

        run(self.loop, scenario())


@pytest.fixture
def scene(qapp: QApplication, rw_env: RwEnv) -> Iterator[Scene]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    apply_style(qapp, Scheme.LIGHT)
    tasks: set[asyncio.Task[None]] = set()

    def spawn(work: object) -> object:
        task = loop.create_task(work)  # type: ignore[arg-type]
        tasks.add(task)
        return task

    def nothing(*_args: object, **_kwargs: object) -> None:
        return None

    async def reload() -> None:
        return None

    def secrets() -> SecretStore:
        return rw_env.secrets

    home = paths.resolve()
    hooks = AppHooks(settings=rw_env.settings, secrets=secrets, use_secrets=nothing,
                     config_file=home.config_file, secrets_file=home.data_dir / "secrets.json",
                     reload_accounts=reload, spawn=spawn, signed_in=nothing, client=lambda _id: None,
                     open_url=nothing, open_settings=lambda _id: False, report=nothing,
                     now=lambda: SIGNED_IN)
    scene = Scene(loop, SettingsBackend(hooks), rw_env)
    yield scene
    for frame in scene.frames:
        frame.close()
    run(loop, asyncio.gather(*tasks, return_exceptions=True))
    asyncio.set_event_loop(None)
    loop.close()


def signed_in_at(rw_env: RwEnv, when: datetime) -> None:
    stored = TokenSet.model_validate_json(rw_env.secrets.get("rw", "tokens") or "")
    rw_env.secrets.set("rw", "tokens", stored.model_copy(update={"signed_in_at": when}).model_dump_json())


def test_a_signed_in_account_says_who_and_until_when(scene: Scene, tmp_path: Path) -> None:
    signed_in_at(scene.rw_env, SIGNED_IN)
    editor = scene.editor()
    scene.opened(editor)
    lines = editor.sign_in_lines
    assert lines.isVisible()
    assert lines.who_label.text() == "Signed in as Alex Morgan (alex.morgan@agency.example)"
    assert lines.ends_label.isVisible() and lines.ends_label.text() == "Sign-in ends Tue 2 Feb 2027"
    assert editor.state == "Connected"
    assert editor.window().grab().save(str(tmp_path / "signed-in.png"))  # to look at, as a recruiter would


def test_an_account_without_tokens_is_not_signed_in(scene: Scene) -> None:
    scene.rw_env.secrets.delete("rw", "tokens")
    editor = scene.editor()
    scene.opened(editor)
    assert editor.sign_in_lines.who_label.text() == "Not signed in"
    assert not editor.sign_in_lines.ends_label.isVisible()


def test_a_failing_userinfo_says_so_in_words(scene: Scene) -> None:
    signed_in_at(scene.rw_env, SIGNED_IN)
    scene.rw_env.sandbox.revoke_all()  # the CRM no longer knows the tokens: userinfo and refresh refuse
    editor = scene.editor()
    scene.opened(editor)
    lines = editor.sign_in_lines
    assert lines.who_label.text() == "This sign-in no longer works; sign in again."
    assert lines.who_label.property("outcome") == "failed"
    assert not lines.ends_label.isVisible()  # it has ended, whatever the stored date said


def test_an_unreachable_crm_says_so_and_keeps_the_end_date(scene: Scene, tmp_path: Path) -> None:
    signed_in_at(scene.rw_env, SIGNED_IN)
    account = scene.rw_env.account.model_copy(update={"api_url": "http://127.0.0.1:9"})  # the discard port
    scene.rw_env.account = account
    editor = scene.editor()
    scene.opened(editor)
    lines = editor.sign_in_lines
    assert lines.who_label.text().startswith(
        "Could not ask Recruit Wizard who is signed in: Can't reach Recruit Wizard"), lines.who_label.text()
    assert lines.who_label.property("outcome") == "failed"
    assert lines.ends_label.text() == "Sign-in ends Tue 2 Feb 2027"  # known from the stored sign-in
    assert editor.window().grab().save(str(tmp_path / "userinfo-failed.png"))


def test_signing_out_shows_not_signed_in(scene: Scene) -> None:
    signed_in_at(scene.rw_env, SIGNED_IN)
    editor = scene.editor()
    scene.opened(editor)

    async def sign_out() -> None:
        editor.disconnect_button.click()
        await until(lambda: scene.backend.pending == 0 and not editor.busy, what="the sign-out")

    run(scene.loop, sign_out())
    assert editor.sign_in_lines.who_label.text() == "Not signed in"
