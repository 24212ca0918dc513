"""`ringside account connect | list | disconnect` as a user runs them: real subprocesses, the
emulators on loopback, the secret typed on standard input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest

from app.config import paths, settings
from app.config.settings import Settings
from app.crm.puzzel.settings import PuzzelAccount
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.sandbox.puzzel import server as pz
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.store import RECRUITER
from app.storage.secret_file import secrets_file
from app.storage.secrets import NO_BACKEND_HELP, KeyringSecrets
from tests.integration.conftest import RW_CLIENT_SECRET, TR_PASSWORD, RwSandbox, TrSandbox, closed_port, store_tokens
from tests.integration.test_cli import ringside


def keyring_of_subprocesses() -> KeyringSecrets:
    """The file keyring the `ringside` subprocesses use (tests/conftest.py sets it)."""
    return KeyringSecrets(backend=keyring.core.load_keyring(os.environ["PYTHON_KEYRING_BACKEND"]))


def configure(*accounts: object) -> None:
    settings.save(paths.resolve().config_file, Settings(accounts=list(accounts)))  # type: ignore[arg-type]


def tr(url: str) -> TrackerRmsAccount:
    return TrackerRmsAccount(kind="trackerrms", id="tr", api_url=url, auth="password", username=RECRUITER)


@pytest.mark.slow
async def test_connect_list_and_disconnect_a_password_account(tr_sandbox: TrSandbox) -> None:
    _, server = tr_sandbox
    configure(tr(server.url), tr(f"http://127.0.0.1:{closed_port()}").model_copy(update={"id": "tr-old"}))

    code, out, err = await ringside("account", "connect", "tr", stdin=TR_PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert f"Connected to TrackerRMS as {RECRUITER}. The password is stored." in out
    assert keyring_of_subprocesses().get("tr", "password") == TR_PASSWORD
    assert TR_PASSWORD not in out

    keyring_of_subprocesses().set("tr-old", "password", TR_PASSWORD)
    code, out, _ = await ringside("account", "list")
    lines = out.splitlines()
    assert code == 1  # one account is in error
    assert lines[0].split()[:3] == ["tr", "TrackerRMS", "connected"]
    assert lines[1].split()[:3] == ["tr-old", "TrackerRMS", "error"] and "Can't reach TrackerRMS" in lines[1]
    assert TR_PASSWORD not in out

    code, out, _ = await ringside("account", "disconnect", "tr")
    assert code == 0 and "no longer holds any secret for TrackerRMS (tr)" in out
    assert keyring_of_subprocesses().get("tr", "password") is None
    _, out, _ = await ringside("account", "list")
    assert out.splitlines()[0].split()[:4] == ["tr", "TrackerRMS", "not", "set"]


async def test_a_refused_password_is_said_and_not_stored(tr_sandbox: TrSandbox) -> None:
    configure(tr(tr_sandbox[1].url))
    code, out, err = await ringside("account", "connect", "tr", stdin="wrong-password\n")
    assert code == 1
    assert f"TrackerRMS doesn't know user '{RECRUITER}'" in err
    assert "wrong-password" not in out + err
    assert keyring_of_subprocesses().get("tr", "password") is None


async def test_puzzel_two_factor_is_reported() -> None:
    sandbox = pz.PuzzelSandbox()
    with SandboxServer(sandbox.make_app) as server:
        configure(PuzzelAccount(kind="puzzel", id="pz", auth_url=server.url, api_url=server.url,
                                customer_key=pz.DEMO_CUSTOMER_KEY, username=pz.TWO_FACTOR_USER))
        code, _, err = await ringside("account", "connect", "pz", stdin="two-factor-password\n")
    assert code == 1 and "two-factor authentication" in err
    assert keyring_of_subprocesses().get("pz", "password") is None


async def test_disconnect_revokes_recruit_wizard(rw_sandbox: RwSandbox, rw_account: RecruitWizardAccount) -> None:
    sandbox, _ = rw_sandbox
    configure(rw_account)
    store = keyring_of_subprocesses()
    store.set("rw", "client_secret", RW_CLIENT_SECRET)
    store_tokens(store, "rw", sandbox.issue_tokens())
    code, out, _ = await ringside("account", "disconnect", "rw")
    assert code == 0 and out.startswith("Signed out at Recruit Wizard.")
    assert [e.status for e in sandbox.journal.entries("/core/connect/revocation")] == [200, 200]
    assert store.get("rw", "tokens") is None and store.get("rw", "client_secret") is None


async def test_without_a_keyring_connect_explains_and_stores_nothing(
    tr_sandbox: TrSandbox, monkeypatch: pytest.MonkeyPatch, ringside_home: Path
) -> None:
    configure(tr(tr_sandbox[1].url))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    code, out, err = await ringside("account", "connect", "tr", stdin=TR_PASSWORD + "\n")
    assert code == 1
    assert NO_BACKEND_HELP in err.replace("\n", " ").replace("ringside: ", "")
    assert not secrets_file(paths.resolve()).exists()
    assert "store_secrets_in_file = true" not in paths.resolve().config_file.read_text()

    code, out, _ = await ringside("account", "connect", "tr", "--store-secrets-in-file", stdin=TR_PASSWORD + "\n")
    assert code == 0, out
    assert "secrets go in" in out and "readable by you alone" in out
    file = secrets_file(paths.resolve())
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert settings.load(paths.resolve().config_file).general.store_secrets_in_file is True
    # The opt-in is remembered: the next command (and the app) find the secret in the file.
    code, out, _ = await ringside("account", "list")
    assert code == 0 and out.split()[:3] == ["tr", "TrackerRMS", "connected"]
    assert TR_PASSWORD not in paths.resolve().config_file.read_text()
