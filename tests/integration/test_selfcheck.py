"""`ringside --self-check` run as a user runs it (a real subprocess, a real home folder, a real
SQLite file, Qt's real platform plugins)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import resources
from app.crm import registry
from app.runtime import bundle, selfcheck
from app.runtime.selfcheck import Status
from app.storage.db import Database
from app.telephony import sources

RINGSIDE = [sys.executable, "-m", "app"]
RW_ACCOUNT = """
[[accounts]]
id = "rw"
kind = "recruitwizard"
client_id = "abc"
"""


def self_check(*, drop: tuple[str, ...] = (), **env: str) -> tuple[int, str]:
    environ = {**os.environ, **env}
    for name in drop:
        environ.pop(name, None)
    proc = subprocess.run([*RINGSIDE, "--self-check"], capture_output=True, text=True, env=environ, timeout=60,
                          check=False)
    return proc.returncode, proc.stdout + proc.stderr


def lines(output: str, status: str, topic: str) -> list[str]:
    return [line for line in output.splitlines() if line.split()[:2] == [status, topic]]


def test_a_fresh_install_passes_and_reports_what_it_found(ringside_home: Path) -> None:
    code, out = self_check()
    assert code == 0, out
    assert out.splitlines()[-1].startswith("All checks passed")
    assert lines(out, "ok", "config") and "does not exist yet" in out
    assert lines(out, "ok", "database")
    assert lines(out, "ok", "resources") and lines(out, "ok", "demo")
    assert any("on the offscreen platform" in line for line in lines(out, "ok", "qt"))
    assert lines(out, "ok", "qt")[-1].endswith("icons draw")
    for kind in (k for k, row in registry.SYSTEMS.items() if row.connector is not None):
        assert [line for line in lines(out, "ok", "connector") if line.split()[2] == kind], kind
    for kind in sources.FACTORIES:
        assert [line for line in lines(out, "ok", "source") if line.split()[2] == kind], kind
    assert not any(ringside_home.iterdir()), "a self-check must not set anything up"


def test_a_broken_config_fails_naming_file_line_and_key_and_the_rest_is_still_checked(ringside_home: Path) -> None:
    (ringside_home / "config.toml").write_text('[general]\ndefault_region = "AU"\npop_onn = "ring"\n',
                                               encoding="utf-8")
    code, out = self_check()
    assert code == 1
    [failure] = lines(out, "FAIL", "config")
    assert f"{ringside_home / 'config.toml'}:3: general.pop_onn: unknown key" in out, failure
    assert lines(out, "ok", "database") and lines(out, "ok", "qt")
    assert "1 problem(s) found." in out


def test_an_existing_database_is_opened_and_counted(ringside_home: Path) -> None:
    Database(ringside_home / "ringside.sqlite3").close()
    code, out = self_check()
    assert code == 0, out
    [found] = lines(out, "ok", "database")
    assert "0 calls" in found


def test_a_damaged_database_fails_and_is_left_exactly_as_it_was(ringside_home: Path) -> None:
    damaged = b"this is not a database" * 100
    (ringside_home / "ringside.sqlite3").write_bytes(damaged)
    code, out = self_check()
    assert code == 1
    [failure] = lines(out, "FAIL", "database")
    assert "ringside.sqlite3 cannot be read" in failure and "move it aside" in failure
    assert [p.name for p in ringside_home.iterdir()] == ["ringside.sqlite3"]
    assert (ringside_home / "ringside.sqlite3").read_bytes() == damaged


def test_no_keyring_fails_only_when_an_account_needs_one(ringside_home: Path) -> None:
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    code, out = self_check(**no_keyring)
    assert code == 0, out
    assert any("no usable keyring" in line for line in lines(out, "warn", "keyring"))

    (ringside_home / "config.toml").write_text(RW_ACCOUNT, encoding="utf-8")
    code, out = self_check(**no_keyring)
    assert code == 1
    [failure] = lines(out, "FAIL", "keyring")
    assert "your accounts cannot sign in" in failure and "Secret Service" in failure


def test_the_keyring_in_use_is_named(ringside_home: Path) -> None:
    code, out = self_check(PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring")
    assert code == 0, out
    assert any("keyrings.alt.file.PlaintextKeyring" in line and "plain file" in line
               for line in lines(out, "warn", "keyring"))


def test_without_a_desktop_the_qt_check_runs_offscreen_and_says_so(ringside_home: Path) -> None:
    code, out = self_check(drop=("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))
    assert code == 0, out
    assert any("no desktop session here" in line for line in lines(out, "warn", "qt"))
    assert any("no system tray here" in line for line in lines(out, "warn", "qt"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 display handling")
def test_a_display_that_cannot_be_opened_is_a_problem_not_a_crash(ringside_home: Path) -> None:
    code, out = self_check(drop=("QT_QPA_PLATFORM", "WAYLAND_DISPLAY"), DISPLAY=":97")
    assert code == 1, out
    [failure] = lines(out, "FAIL", "qt")
    assert "could not open the desktop's display (xcb)" in failure
    assert "1 problem(s) found." in out


def test_missing_resources_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    partial = tmp_path / "resources"
    (partial / "styles").mkdir(parents=True)
    (partial / "styles" / "ringside.qss").write_text("", encoding="utf-8")
    monkeypatch.setattr(resources, "root", lambda: partial)
    [finding] = selfcheck.check_resources()
    assert finding.status is Status.FAIL
    assert "icons/sized/ringside-16.png" in finding.detail and "demo/people.json" in finding.detail
    assert "styles/ringside.qss" not in finding.detail


def test_a_configured_source_kind_without_a_factory_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "source_modules", lambda: {"baresip": ["app.telephony.baresip"]})
    findings = selfcheck._check_kinds("source", bundle.source_modules, ["baresip", "webhook"], Status.FAIL,
                                      "Ringside cannot start it")
    assert [(f.status, f.detail.split()[0]) for f in findings] == [(Status.OK, "baresip"), (Status.FAIL, "webhook")]


def test_a_connector_module_that_will_not_import_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "connector_modules", lambda: {"gone": ["app.crm.not_bundled"]})
    [finding] = selfcheck.check_connectors(None)
    assert finding.status is Status.FAIL
    assert finding.detail.startswith("gone: ModuleNotFoundError") and "app.crm.not_bundled" in finding.detail


def test_the_database_of_a_running_ringside_is_checked_alongside(ringside_home: Path) -> None:
    # A running Ringside holds its database open (WAL); the self-check reads beside it.
    db = Database(ringside_home / "ringside.sqlite3")
    try:
        db.connection.execute("BEGIN IMMEDIATE")
        code, out = self_check()
    finally:
        db.connection.rollback()
        db.close()
    assert code == 0, out
    assert "0 calls" in lines(out, "ok", "database")[0]
