"""What Qt needs from the system that pip cannot bring, checked before a QApplication is made.

Qt's X11 platform plugin (xcb) loads `libxcb-cursor.so.0` since Qt 6.5. Fresh Debian and Ubuntu
desktops lack it, and Qt then aborts with "Could not load the Qt platform plugin "xcb"…", which
does not name the package. Ringside names it instead.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping

XCB_CURSOR_PACKAGE = "libxcb-cursor0"
XCB_CURSOR_HELP = (f"Qt needs the system library libxcb-cursor to show windows on X11, and it is not "
                   f"installed. Install it with:  sudo apt install {XCB_CURSOR_PACKAGE}  "
                   "(Fedora: sudo dnf install xcb-util-cursor; Arch: sudo pacman -S xcb-util-cursor)")


def qt_platform(env: Mapping[str, str]) -> str:
    """The platform plugin Qt will pick on Linux: QT_QPA_PLATFORM, else Wayland when only a Wayland
    display is there, else xcb."""
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if chosen:
        return chosen
    if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        return "wayland"
    return "xcb"


def qt_system_problem(env: Mapping[str, str] | None = None, platform: str | None = None,
                      find_library: Callable[[str], str | None] = ctypes.util.find_library) -> str | None:
    """What stops Qt from starting here, in words with the package to install; None when nothing."""
    if (platform or sys.platform) != "linux":
        return None
    if qt_platform(os.environ if env is None else env) != "xcb":
        return None
    return XCB_CURSOR_HELP if find_library("xcb-cursor") is None else None
