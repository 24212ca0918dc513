"""Shared test set-up: offscreen Qt, a throwaway RINGSIDE_HOME, and no real keyring."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.config.settings import GeneralSettings, Settings
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.storage.secrets import KeyringSecrets, MemoryKeyring

if TYPE_CHECKING:
    from app.sandbox.recruitwizard.server import RecruitWizardSandbox
    from app.sandbox.runner import SandboxServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Subprocesses (the `ringside` CLI under test) get a file keyring inside the test's own folder.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture(autouse=True)
def ringside_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own RINGSIDE_HOME and keyring folder; the user's are never touched."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RINGSIDE_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return home


@dataclass
class RwEnv:
    """A Recruit Wizard emulator on loopback, an account pointing at it, and its signed-in keyring."""

    sandbox: RecruitWizardSandbox
    server: SandboxServer
    account: RecruitWizardAccount
    secrets: KeyringSecrets

    def settings(self, **general: object) -> Settings:
        return Settings(general=GeneralSettings(default_region="AU", **general),  # type: ignore[arg-type]
                        accounts=[self.account])


@pytest.fixture
def rw_env() -> Iterator[RwEnv]:
    from app.demo.demo import sign_in_with_pretend_browser
    from app.sandbox.recruitwizard.server import RecruitWizardSandbox
    from app.sandbox.runner import SandboxServer

    sandbox = RecruitWizardSandbox(client_id="ringside-test", client_secret="s3cret-client-value")
    with SandboxServer(sandbox.make_app) as server:
        from tests.support import free_redirect_uri

        redirect_uri = free_redirect_uri()
        sandbox.register_redirect_uri(redirect_uri)
        account = RecruitWizardAccount(kind="recruitwizard", id="rw", label="Recruit Wizard",
                                       api_url=server.url, web_url="https://app.example.test",
                                       client_id="ringside-test", redirect_uri=redirect_uri)
        secrets = KeyringSecrets(backend=MemoryKeyring())
        secrets.set("rw", "client_secret", "s3cret-client-value")
        asyncio.run(sign_in_with_pretend_browser(account, secrets))
        yield RwEnv(sandbox, server, account, secrets)
