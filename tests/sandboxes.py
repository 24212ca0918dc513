"""Emulator fixtures shared by the integration and contract tests: a retailCRM or FixDigital emulator
on a real loopback socket, and the secrets a retailCRM account signs in with. The conftests of those
folders import them, so every test there can ask for them by name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.sandbox.fixdigital.server import FixDigitalSandbox
from app.sandbox.retailcrm.server import DEMO_API_KEY, RetailCrmSandbox
from app.sandbox.runner import SandboxServer
from app.storage.secrets import KeyringSecrets, MemoryKeyring

RcSandbox = tuple[RetailCrmSandbox, SandboxServer]
FdSandbox = tuple[FixDigitalSandbox, SandboxServer]


@pytest.fixture
def rc_sandbox() -> Iterator[RcSandbox]:
    sandbox = RetailCrmSandbox()
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
def fd_sandbox() -> Iterator[FdSandbox]:
    sandbox = FixDigitalSandbox()
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
def rc_secrets() -> KeyringSecrets:
    secrets = KeyringSecrets(backend=MemoryKeyring())
    secrets.set("rc", "apikey", DEMO_API_KEY)
    return secrets
