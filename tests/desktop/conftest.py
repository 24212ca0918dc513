"""A real desktop for what only one shows (focus, tray, window stacking): Xvfb, the openbox window
manager and the tint2 panel with its system tray, started once per test session.

Tests here run Ringside (or any Qt program) as a child process with `desktop.env`, on the xcb
platform. `.ci/run` installs the three programs; elsewhere the tests are skipped, saying why.
"""

from __future__ import annotations

import contextlib
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
    panel_edge: str = "bottom"  # where tint2's panel (and its tray) is

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

    def taskbar_titles(self) -> list[str]:
        """Titles of the windows a taskbar lists: managed (_NET_CLIENT_LIST) and not asking to be
        skipped (_NET_WM_STATE_SKIP_TASKBAR)."""
        out = self.xprop_root("_NET_CLIENT_LIST")
        ids = [part.strip() for part in out.split("#", 1)[1].split(",")] if "#" in out else []
        titles = []
        for window in ids:
            props = subprocess.run(["xprop", "-id", window, "_NET_WM_STATE", "_NET_WM_NAME"], env=self.env,
                                   capture_output=True, text=True, timeout=10).stdout
            if "_NET_WM_STATE_SKIP_TASKBAR" not in props:
                name = props.split("_NET_WM_NAME(UTF8_STRING) = ", 1)[-1].strip().strip('"')
                titles.append(name)
        return titles

    def work_area(self) -> tuple[int, int, int, int]:
        """(x, y, width, height) the window manager leaves free of panels (_NET_WORKAREA)."""
        out = self.xprop_root("_NET_WORKAREA")
        try:
            x, y, w, h = (int(v) for v in out.split("=", 1)[1].split(",")[:4])
        except (IndexError, ValueError):
            return (0, 0, *self.size)
        return x, y, w, h

    def tray_present(self) -> bool:
        out = subprocess.run(["xprop", "-root", "-notype", "_NET_SUPPORTING_WM_CHECK"], env=self.env,
                             capture_output=True, text=True, timeout=10).stdout
        owner = subprocess.run(["xdotool", "search", "--classname", "tint2"], env=self.env,
                               capture_output=True, text=True, timeout=10).stdout
        return "window id" in out and bool(owner.strip())


def _missing() -> list[str]:
    return [p for p in PROGRAMS if shutil.which(p) is None]


# A tint2 panel on another edge: its tray, a taskbar and a clock, reserving its strip (strut) like the default.
PANEL_RC = """
panel_items = TSC
panel_position = {position}
panel_size = {size}
strut_policy = follow_size
panel_layer = top
systray_padding = 2 2 2
"""
# panel_size is the panel's length along its edge, then its thickness.
PANEL_EDGES = {"top": ("top center horizontal", "100% 36"), "left": ("center left vertical", "100% 48")}


@contextlib.contextmanager
def running_desktop(home: Path, tint2rc: Path | None = None) -> Iterator[Desktop]:
    """Xvfb, openbox and tint2 (its default bottom panel, or the panel `tint2rc` describes)."""
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the desktop test programs; missing: {', '.join(missing)}")
        pytest.skip(f"no real desktop here: {', '.join(missing)} not installed (.ci/run installs them)")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                             "-nolisten", "tcp", "-noreset"], pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as chosen:
        number = chosen.readline().strip()
    display = f":{number}"
    env = {**os.environ, "DISPLAY": display, "HOME": str(home), "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    def accepts() -> bool:  # the display number comes a moment before connections are taken
        probe = subprocess.run(["xprop", "-root", "_NET_SUPPORTED"], env=env, capture_output=True, timeout=10)
        return probe.returncode == 0

    wait_until(accepts, timeout=30, what=f"Xvfb to accept connections on {display}")
    log = Path(home) / "desktop.log"
    with log.open("w") as out:
        wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=out, stderr=out)
        panel_args = ["tint2"] if tint2rc is None else ["tint2", "-c", str(tint2rc)]
        panel = subprocess.Popen(panel_args, env=env, stdout=out, stderr=out)
    desk = Desktop(display, env, SCREEN)
    try:
        try:
            wait_until(desk.tray_present, timeout=60, what="openbox and the tint2 tray to start")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; {[p.poll() for p in (xvfb, wm, panel)]}:\n{log.read_text()}") from None
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


@pytest.fixture(scope="session")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    with running_desktop(tmp_path_factory.mktemp("desktop")) as desk:
        yield desk


@pytest.fixture(scope="module", params=sorted(PANEL_EDGES))
def panel_desktop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    """A desktop whose tint2 panel (with the tray) is on the top or the left edge."""
    home = tmp_path_factory.mktemp(f"desktop-{request.param}")
    position, size = PANEL_EDGES[request.param]
    rc = home / "tint2rc"
    rc.write_text(PANEL_RC.format(position=position, size=size))
    with running_desktop(home, rc) as desk:
        desk.panel_edge = request.param
        yield desk
