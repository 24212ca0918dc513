"""Helpers for tests that run the real app on a qasync loop.

Under qasync, asyncio only advances while the loop runs, so such tests are coroutines run with
`run(...)`; they wait on conditions and signals with the async helpers here, never on fixed sleeps.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.core.phone import CallerNumber

if TYPE_CHECKING:
    from app.config.settings import Settings
    from app.runtime.runtime import Runtime
    from app.storage.secrets import SecretStore
    from app.ui.shell import UiShell

T = TypeVar("T")

POLL_S = 0.005


async def until(predicate: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> None:
    """Wait until predicate() is truthy, checking between event-loop turns."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(POLL_S)


def wait_until(predicate: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> None:
    """`until` for synchronous tests (a child process's output, a file appearing): polls the
    condition, like qtbot.waitUntil."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(POLL_S)


def caller(number: str, region: str | None = "AU") -> CallerNumber:
    """A caller's number as a source reads it at the door (the tests' recruiter works in Australia);
    text that is no number becomes an unreadable caller, as a softphone's would."""
    return CallerNumber.read(number, region)


def run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


@dataclass
class RunningApp:
    """The real app — runtime and widgets — on a qasync loop, as the UI tests drive it."""

    loop: asyncio.AbstractEventLoop
    runtime: Runtime
    shell: UiShell


@contextmanager
def running_app(qapp: object, settings: Settings, secrets: SecretStore, *, settled_close_ms: int = 60_000,
                **runtime_args: Any) -> Iterator[RunningApp]:
    """Start runtime and shell on a fresh qasync loop; stop them inside the loop afterwards (closing
    widgets processes Qt, and so asyncio, events: outside the loop that would run tasks loop-less).
    Ended cards stay up a minute (tests look at them) unless `settled_close_ms` says otherwise."""
    import qasync

    from app.config import paths
    from app.runtime.runtime import Runtime
    from app.ui.bridge import Bridge
    from app.ui.shell import UiShell

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    bridge = Bridge()
    runtime = Runtime(paths=paths.resolve(), settings=settings, listener=bridge, secrets=secrets,
                      notify_reminder=bridge.reminder_due, **runtime_args)
    shell = UiShell(runtime.controls, bridge, use_tray=False, settled_close_ms=settled_close_ms)
    run(loop, runtime.start())
    # Let the accounts' warm-ups finish on the running loop: Qt events processed between tests would
    # otherwise step them with no loop running.
    run(loop, asyncio.gather(*runtime.warm_ups, return_exceptions=True))
    start_shell(loop, shell)
    try:
        yield RunningApp(loop, runtime, shell)
    finally:

        async def teardown() -> None:
            shell.close()
            await runtime.stop()

        run(loop, teardown())
        asyncio.set_event_loop(None)
        loop.close()


def start_shell(loop: asyncio.AbstractEventLoop, shell: UiShell) -> None:
    """`shell.start()` on the running loop, as the app starts it (it asks the core for the tray's count
    of missed calls, read off the loop)."""

    async def start() -> None:
        shell.start()

    run(loop, start())


def free_redirect_uri() -> str:
    """A loopback redirect URI on a port free right now: tests sign in there, not at the default
    port, so parallel runs on one machine don't collide. Register it with the emulator."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/callback"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no authority signed, and its key, written to `folder` as PEM:
    what a misconfigured host or a proxy inspecting secure traffic presents."""
    import datetime as dt

    import pytest

    pytest.importorskip("cryptography")  # keyring's Linux backend brings it; elsewhere it may be absent
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"
