"""Start at login: the XDG autostart entry is really written, read and removed here (Linux); the
Windows Run value and the macOS LaunchAgent are built by pure functions checked on any OS."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.desktop import autostart
from app.desktop.autostart import AutostartError, launch_agent, run_value, xdg_entry
from tests.desktop_entries import exec_line, parse_exec

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG entry is Linux's")


@linux_only
def test_enable_writes_the_xdg_entry_and_disable_removes_it(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at tmp_path / "xdg-config"
    expected = tmp_path / "xdg-config" / "autostart" / "ringside.desktop"
    assert not autostart.is_enabled()

    where = autostart.enable(["/opt/ringside/ringside"])

    assert where == str(expected)
    assert exec_line(expected.read_text(encoding="utf-8")) == "/opt/ringside/ringside --from-desktop"
    assert autostart.is_enabled()
    autostart.disable()
    assert not expected.exists()
    assert not autostart.is_enabled()
    autostart.disable()  # nothing left to remove is not an error


@linux_only
def test_set_enabled_is_what_the_settings_checkbox_calls(tmp_path: Path) -> None:
    autostart.set_enabled(True, ["/opt/ringside/ringside"])
    assert autostart.is_enabled()
    autostart.set_enabled(False)
    assert not autostart.is_enabled()


@linux_only
def test_by_default_the_entry_starts_this_very_ringside(tmp_path: Path) -> None:
    autostart.enable()
    command = parse_exec(exec_line(autostart.xdg_autostart_file().read_text(encoding="utf-8")))
    assert command == [*autostart.launch_command(), "--from-desktop"]
    assert Path(command[0]).is_file()  # the venv's `ringside` script, or this Python


@linux_only
@pytest.mark.parametrize("switch_off", ["Hidden=true", "X-GNOME-Autostart-enabled=false"])
def test_an_entry_the_user_switched_off_in_the_desktop_counts_as_off(switch_off: str) -> None:
    autostart.enable(["ringside"])
    file = autostart.xdg_autostart_file()
    file.write_text(file.read_text(encoding="utf-8").replace("X-GNOME-Autostart-enabled=true", "") + switch_off + "\n",
                    encoding="utf-8")
    assert not autostart.is_enabled()
    autostart.enable(["ringside"])  # ticking the box again turns it back on
    assert autostart.is_enabled()


@linux_only
def test_an_unwritable_autostart_folder_is_reported_by_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(AutostartError, match=r"not-a-folder/autostart/ringside\.desktop"):
        autostart.enable(["ringside"])


AWKWARD = ["/home/pat/My Apps/ringside", "--home", "/home/pat/100% \"calls\" $HOME `x` it's \\ here"]


def test_the_xdg_entry_quotes_awkward_paths_so_they_come_back_intact() -> None:
    assert parse_exec(exec_line(xdg_entry(AWKWARD))) == [*AWKWARD, "--from-desktop"]
    assert exec_line(xdg_entry(["/opt/ringside/ringside"])) == "/opt/ringside/ringside --from-desktop"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None and not os.environ.get("CI"),
                    reason="needs desktop-file-utils")
def test_the_xdg_entry_is_a_valid_desktop_file(tmp_path: Path) -> None:
    file = tmp_path / "ringside.desktop"
    file.write_text(xdg_entry(AWKWARD), encoding="utf-8")
    result = subprocess.run(["desktop-file-validate", str(file)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_the_windows_run_value_quotes_the_program() -> None:
    assert run_value([r"C:\Users\Pat\AppData\Local\Programs\Ringside\ringside.exe"]) == (
        "Ringside", r'"C:\Users\Pat\AppData\Local\Programs\Ringside\ringside.exe"')
    assert run_value([r"C:\Python\python.exe", "-m", "app", "--home", r"C:\My Ringside"]) == (
        "Ringside", r'"C:\Python\python.exe" -m app --home "C:\My Ringside"')


def test_the_launch_agent_runs_the_program_once_at_login() -> None:
    agent = plistlib.loads(launch_agent(["/Applications/Ringside.app/Contents/MacOS/ringside"]))
    assert agent["Label"] == "com.ringside.Ringside"
    assert agent["ProgramArguments"] == ["/Applications/Ringside.app/Contents/MacOS/ringside"]
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] is False  # quitting from the menu must stay quit
