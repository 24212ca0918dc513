"""Secrets through a real Secret Service: gnome-keyring on a private D-Bus session bus.

Each test gets its own bus and keyring under the test's folder (HOME, XDG_RUNTIME_DIR 0700,
XDG_DATA_HOME); the keyring code runs in a child process with PYTHON_KEYRING_BACKEND naming the
Secret Service explicitly, so the suite's file keyring (tests/conftest.py) neither leaks in nor out.
Unlocked, locked and absent: KeyringSecrets answers or says what to do, never a traceback, never a
plain-text file of its own accord. Under CI a missing program fails the test rather than skip it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PROGRAMS = ("dbus-daemon", "gnome-keyring-daemon")
# A session bus with no service files: nothing is activated on demand, so "absent" means absent.
BARE_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={tmp}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def _need_programs() -> None:
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if missing:
        message = f"needs {', '.join(missing)} (.ci/run installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Session:
    env: dict[str, str]
    pids: list[int]

    def run(self, code: str) -> dict[str, object]:
        """Run keyring code in a child on this session; it prints one JSON object."""
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              env=self.env, timeout=60)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 0, done.stderr
        result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def _session(tmp_path: Path, *, keyring_daemon: bool, unlock: bool) -> Session:
    _need_programs()
    home = tmp_path / "kr-home"
    runtime = home / "run"
    runtime.mkdir(parents=True)
    runtime.chmod(0o700)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), PYTHONPATH=str(Path(__file__).resolve().parents[2]),
               PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring")
    config = tmp_path / "bus.conf"
    config.write_text(BARE_BUS.format(tmp=tmp_path))
    started = subprocess.run(["dbus-daemon", f"--config-file={config}", "--fork", "--print-address=1",
                              "--print-pid=1"], capture_output=True, text=True, env=env, timeout=30, check=True)
    address, pid = started.stdout.split()[:2]
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    pids = [int(pid)]
    if keyring_daemon:
        args = ["gnome-keyring-daemon", "--components=secrets"] + (["--unlock"] if unlock else ["--start"])
        daemon = subprocess.run(args, input="pw" if unlock else "", capture_output=True, text=True, env=env,
                                timeout=30)
        assert daemon.returncode == 0, daemon.stderr
        for line in daemon.stdout.splitlines():  # GNOME_KEYRING_CONTROL=…, SSH_AUTH_SOCK=…
            if "=" in line:
                key, value = line.split("=", 1)
                env[key] = value
        pids += _keyring_pids(env)
    return Session(env, pids)


def _keyring_pids(env: dict[str, str]) -> list[int]:
    """The daemon forks away; find it by the bus it is on (its environment names our address)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if b"gnome-keyring" not in (proc / "cmdline").read_bytes():
                continue
            if env["DBUS_SESSION_BUS_ADDRESS"].encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[list[Session]]:
    made: list[Session] = []
    yield made
    for session in made:
        for pid in reversed(session.pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


ROUND_TRIP = """
    import json
    from app.storage.secrets import KeyringSecrets
    from app.errors import SecretStoreError
    store = KeyringSecrets()
    out = {"problem": store.problem()}
    try:
        store.set("acct", "refresh_token", "s3cret-value")
        out["read"] = store.get("acct", "refresh_token")
        store.delete("acct", "refresh_token")
        out["after_delete"] = store.get("acct", "refresh_token")
    except SecretStoreError as exc:
        out["error"] = str(exc)
    print(json.dumps(out))
"""


def test_secrets_are_stored_and_read_through_the_secret_service(tmp_path: Path, sessions: list[Session]) -> None:
    session = _session(tmp_path, keyring_daemon=True, unlock=True)
    sessions.append(session)
    assert session.run(ROUND_TRIP) == {"problem": None, "read": "s3cret-value", "after_delete": None}
    kept = session.run("""
        import json
        from app.storage.secrets import KeyringSecrets
        KeyringSecrets().set("acct", "token", "kept")
        print(json.dumps({}))
    """)
    assert kept == {}
    again = session.run("""
        import json
        from app.storage.secrets import KeyringSecrets
        print(json.dumps({"read": KeyringSecrets().get("acct", "token")}))
    """)
    assert again == {"read": "kept"}  # another process reads what the first stored
    # Nothing of it in a plain file anywhere under the test's folders.
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.stat().st_size < 1_000_000:
            assert b"s3cret-value" not in path.read_bytes() and b"kept" not in path.read_bytes(), path


def test_a_locked_keyring_says_to_unlock_it(tmp_path: Path, sessions: list[Session]) -> None:
    session = _session(tmp_path, keyring_daemon=True, unlock=True)
    sessions.append(session)
    assert session.run(ROUND_TRIP)["read"] == "s3cret-value"  # the login keyring exists…
    session.run("""
        import json, secretstorage
        conn = secretstorage.dbus_init()
        collection = secretstorage.get_default_collection(conn)
        collection.lock()
        print(json.dumps({"locked": collection.is_locked()}))
    """)
    result = session.run(ROUND_TRIP)  # …and is now locked
    assert "read" not in result
    assert result["error"] is not None and "The keyring is locked" in str(result["error"])


def test_no_secret_service_on_the_bus_gives_the_clear_message(tmp_path: Path, sessions: list[Session]) -> None:
    session = _session(tmp_path, keyring_daemon=False, unlock=False)
    sessions.append(session)
    result = session.run(ROUND_TRIP)
    assert "read" not in result
    assert "No usable keyring was found" in str(result["problem"])
    assert "No usable keyring was found" in str(result["error"])
    assert not list(tmp_path.rglob("*.cfg")) and not list(tmp_path.rglob("keyring_pass*"))  # no file fallback


def test_no_keyring_at_all_never_falls_back_to_a_plain_file_on_its_own(tmp_path: Path,
                                                                       sessions: list[Session]) -> None:
    session = _session(tmp_path, keyring_daemon=False, unlock=False)
    sessions.append(session)
    session.env.pop("PYTHON_KEYRING_BACKEND")  # keyring chooses; only a plain-text file is installed
    result = session.run(ROUND_TRIP)
    assert "No usable keyring was found" in str(result["problem"])
    assert "No usable keyring was found" in str(result["error"])
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and b"s3cret-value" in p.read_bytes()]
