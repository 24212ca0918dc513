"""A real desktop for what only one shows (focus, tray, window stacking): Xvfb, the openbox window
manager and the tint2 panel with its system tray, started once per test session.

Tests here run Ringside (or any Qt program) as a child process with `desktop.env`, on the xcb
platform. `.ci/run` installs the three programs; elsewhere the tests are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import wait_until

PROGRAMS = ("Xvfb", "openbox", "tint2", "xprop", "xdotool")
# Waits (inside one Qt process) until the panel owns the system tray selection, as Qt sees it.
TRAY_PROBE = """
import sys, time
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
app = QApplication([])
deadline = time.monotonic() + float(sys.argv[1])
while not QSystemTrayIcon.isSystemTrayAvailable():
    if time.monotonic() > deadline:
        sys.exit(1)
    app.processEvents()
    time.sleep(0.05)
"""
SCREEN = (1280, 800)


@dataclass
class Desktop:
    display: str
    env: dict[str, str]
    size: tuple[int, int]

    def xprop_root(self, prop: str) -> str:
        return subprocess.run(["xprop", "-root", prop], env=self.env, capture_output=True, text=True,
                              timeout=10).stdout

    def active_window(self) -> int | None:
        out = self.xprop_root("_NET_ACTIVE_WINDOW")
        try:
            value = int(out.rsplit("#", 1)[1].split(",")[0].strip(), 16)
        except (IndexError, ValueError):
            return None
        return value or None

    def qt_sees_tray(self, timeout_s: float) -> bool:
        probe = subprocess.run([sys.executable, "-c", TRAY_PROBE, str(timeout_s)], env=self.env,
                               capture_output=True, timeout=timeout_s + 30)
        return probe.returncode == 0

    def tray_present(self) -> bool:
        out = subprocess.run(["xprop", "-root", "-notype", "_NET_SUPPORTING_WM_CHECK"], env=self.env,
                             capture_output=True, text=True, timeout=10).stdout
        owner = subprocess.run(["xdotool", "search", "--classname", "tint2"], env=self.env,
                               capture_output=True, text=True, timeout=10).stdout
        return "window id" in out and bool(owner.strip())


def _missing() -> list[str]:
    return [p for p in PROGRAMS if shutil.which(p) is None]


@pytest.fixture(scope="session")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the desktop test programs; missing: {', '.join(missing)}")
        pytest.skip(f"no real desktop here: {', '.join(missing)} not installed (.ci/run installs them)")
    home = tmp_path_factory.mktemp("desktop")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as chosen:
        number = chosen.readline().strip()
    display = f":{number}"
    env = {**os.environ, "DISPLAY": display, "HOME": str(home), "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    log = Path(home) / "desktop.log"
    with log.open("w") as out:
        wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=out, stderr=out)
        panel = subprocess.Popen(["tint2"], env=env, stdout=out, stderr=out)
    desk = Desktop(display, env, SCREEN)
    try:
        wait_until(desk.tray_present, timeout=60, what="openbox and the tint2 tray to start")
        if not desk.qt_sees_tray(60):  # the panel's window shows before it owns the tray selection
            raise AssertionError(f"tint2 never offered a system tray on {display}:\n{log.read_text()}")
        yield desk
    finally:
        for proc in (panel, wm, xvfb):
            proc.terminate()
        for proc in (panel, wm, xvfb):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
