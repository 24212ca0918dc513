"""Start Ringside at login: write or remove the platform's own autostart entry.

- Linux (and other XDG desktops): `$XDG_CONFIG_HOME/autostart/ringside.desktop`
- Windows: the value `Ringside` under `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`
- macOS: a LaunchAgent, `~/Library/LaunchAgents/com.ringside.Ringside.plist`

The entries' contents are built by pure functions (`xdg_entry`, `run_value`, `launch_agent`), so
every platform's is tested anywhere; packaging/ ships the same entries for installers, named alike.
`enable()`, `disable()` and `is_enabled()` act on the platform this runs on.
"""

from __future__ import annotations

import os
import plistlib
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from app.errors import RingsideError
from app.runtime.bundle import APP_NAME, BUNDLE_ID, EXE_NAME

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = APP_NAME
DESKTOP_FILE = f"{EXE_NAME}.desktop"
LAUNCH_AGENT_FILE = f"{BUNDLE_ID}.plist"


class AutostartError(RingsideError):
    """The autostart entry could not be written or removed (the message says where and why)."""


FROM_DESKTOP = "--from-desktop"


def launch_command() -> list[str]:
    """How to start this very Ringside: the bundle's executable, the `ringside` script installed
    beside this Python, or `python -m app` from a checkout."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name(EXE_NAME + (".exe" if os.name == "nt" else ""))
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "app"]


# -- the entries, as pure functions -----------------------------------------------------------


_RESERVED = re.compile(r"""[\s"'\\><~|&;$*?#()`]""")


def _desktop_arg(arg: str) -> str:
    """One Exec argument, per the Desktop Entry spec: reserved characters put it in double quotes,
    where `"`, `` ` ``, `$` and `\\` take a backslash; then the string-level escape doubles every
    backslash; `%` is doubled because a lone one starts a field code."""
    if arg and not _RESERVED.search(arg):
        return arg.replace("%", "%%")
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def _desktop_exec(command: Sequence[str]) -> str:
    return " ".join(_desktop_arg(arg) for arg in command)


def xdg_entry(command: Sequence[str]) -> str:
    """The XDG autostart .desktop file that runs `command` at login (with --from-desktop: no
    terminal there, so a start-up error is shown in a dialog)."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP_NAME}",
        "Comment=Caller insight from your CRMs when the phone rings",
        f"Exec={_desktop_exec([*command, FROM_DESKTOP])}",
        f"Icon={EXE_NAME}",
        "Terminal=false",
        "Categories=Network;Telephony;",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def run_value(command: Sequence[str]) -> tuple[str, str]:
    """The Windows Run-key value (name, command line) that runs `command` at sign-in; the program's
    path is always quoted, as Windows would otherwise try `C:\\Program` for a path with spaces."""
    program, *args = command
    return RUN_VALUE, " ".join([f'"{program}"', *([subprocess.list2cmdline(args)] if args else [])])


def launch_agent(command: Sequence[str]) -> bytes:
    """The macOS LaunchAgent plist that runs `command` at login (once, not kept alive: quitting
    Ringside from its menu must stay quit)."""
    return plistlib.dumps({
        "Label": BUNDLE_ID,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "KeepAlive": False,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    })


# -- where the entries live ---------------------------------------------------------------------


def xdg_autostart_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or ""
    base = Path(config) if os.path.isabs(config) else Path.home() / ".config"  # the spec ignores relative
    return base / "autostart" / DESKTOP_FILE


def launch_agent_file() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / LAUNCH_AGENT_FILE


def _write(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise AutostartError(f"Could not write the start-at-login entry {path}: {exc.strerror or exc}.") from None
    return path


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"Could not remove the start-at-login entry {path}: {exc.strerror or exc}.") from None


def _xdg_enabled(path: Path) -> bool:
    """An entry the desktop would start: present, and not switched off by Hidden=true or by GNOME's
    own switch (a user may have turned it off in the desktop's settings)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    values = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return values.get("Hidden", "false").strip() != "true" and \
        values.get("X-GNOME-Autostart-enabled", "true").strip() != "false"


# -- the running platform ------------------------------------------------------------------------


def enable(command: Sequence[str] | None = None) -> str:
    """Start Ringside at login (with `command`, default `launch_command()`); returns where the
    entry went. Raises AutostartError with a readable message."""
    command = list(command or launch_command())
    if sys.platform == "win32":
        import winreg

        name, value = run_value(command)
        try:
            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
        except OSError as exc:
            raise AutostartError(f"Could not write HKCU\\{RUN_KEY}\\{name}: {exc}.") from None
        return f"HKCU\\{RUN_KEY}\\{name}"
    if sys.platform == "darwin":
        return str(_write(launch_agent_file(), launch_agent(command)))
    return str(_write(xdg_autostart_file(), xdg_entry(command).encode("utf-8")))


def disable() -> None:
    """Stop starting Ringside at login; nothing to do when it was not set up."""
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, RUN_VALUE)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise AutostartError(f"Could not remove HKCU\\{RUN_KEY}\\{RUN_VALUE}: {exc}.") from None
        return
    _remove(launch_agent_file() if sys.platform == "darwin" else xdg_autostart_file())


def is_enabled() -> bool:
    """Whether the platform will start Ringside at the next login."""
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, RUN_VALUE)
        except OSError:
            return False
        return True
    if sys.platform == "darwin":
        return launch_agent_file().is_file()
    return _xdg_enabled(xdg_autostart_file())


def set_enabled(on: bool, command: Sequence[str] | None = None) -> None:
    """What the settings' "Start at login" box calls."""
    if on:
        enable(command)
    else:
        disable()
