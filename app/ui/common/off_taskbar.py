"""Keep pop-up windows (cards, folded call headers, toasts) out of the desktop's taskbar on X11.

Qt gives a frameless tool window no "skip taskbar" state, so panels such as tint2 list every card
as a "Ringside call" button. EWMH lets a client put
`_NET_WM_STATE_SKIP_TASKBAR` (and `_SKIP_PAGER`) on a window before mapping it. The window manager
clears the states when the window is hidden, and Qt keeps the states it finds when it maps the
window again, so they are set before every show. Anywhere but X11 (Windows, macOS, Wayland), or
without libX11, this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import cache

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

_PROP_MODE_APPEND = 2


class _X11:
    """The few libX11 calls needed, on a display connection of our own (Qt's is not reachable)."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XInternAtom.restype = ctypes.c_ulong
        lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                                        ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._lib = lib
        self._display = lib.XOpenDisplay(None)
        if not self._display:
            raise OSError("XOpenDisplay failed")
        self._state = lib.XInternAtom(self._display, b"_NET_WM_STATE", 0)
        self._atom_type = lib.XInternAtom(self._display, b"ATOM", 0)
        skip = [lib.XInternAtom(self._display, name, 0)
                for name in (b"_NET_WM_STATE_SKIP_TASKBAR", b"_NET_WM_STATE_SKIP_PAGER")]
        self._skip = (ctypes.c_ulong * 2)(*skip)  # format-32 data is passed as longs

    def skip_taskbar(self, window: int) -> None:
        """Adds the two states to the unmapped window's _NET_WM_STATE and waits until the server
        has them, so Qt (which keeps states it finds there) and the window manager both see them."""
        self._lib.XChangeProperty(self._display, window, self._state, self._atom_type, 32, _PROP_MODE_APPEND,
                                  ctypes.cast(self._skip, ctypes.c_void_p), 2)
        self._lib.XSync(self._display, 0)


@cache
def _x11() -> _X11 | None:
    if QGuiApplication.platformName() != "xcb":
        return None
    name = ctypes.util.find_library("X11")
    try:
        return _X11(ctypes.CDLL(name or "libX11.so.6"))
    except OSError as exc:
        log.info("Cards may show in the taskbar: libX11 is not usable (%s)", exc)
        return None


def before_map(widget: QWidget) -> None:
    """Call from the window's showEvent (Qt sends it before it maps the window): marks the window
    to be kept off the taskbar and pager."""
    x11 = _x11()
    if x11 is not None and widget.isWindow():
        x11.skip_taskbar(int(widget.winId()))
