"""The Qt part of `ringside --self-check`: start a platform plugin, ask for a system tray, draw the
icons. Kept here because only app/ui imports PySide6."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QMessageLogContext, QSize, QtMsgType, qInstallMessageHandler, qVersion
from PySide6.QtGui import QFontDatabase, QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

Result = tuple[str, str]  # (status: "ok" | "warn" | "FAIL", what was found)

# PySide6 releases that drop references to None/True from timers and signals: on CPython 3.11 the
# process aborts after some thousand calls. pyproject.toml keeps them out; this catches a hand install.
REFCOUNT_BUG_RELEASES = frozenset({"6.12.0"})


def binding_finding() -> Result:
    import PySide6

    version = PySide6.__version__
    if version in REFCOUNT_BUG_RELEASES and sys.version_info < (3, 12):
        return "FAIL", (f"PySide6 {version} has a reference-count bug that aborts Ringside on Python "
                        f"{sys.version_info.major}.{sys.version_info.minor}: install the pinned versions "
                        "(pip install -c packaging/constraints.txt ...)")
    return "ok", f"PySide6 {version}"


def _choose_platform() -> Result | None:
    """On Linux, let Qt fall back to `offscreen` instead of aborting the process when the desktop's
    display cannot be opened, so the self-check can report it. An explicit QT_QPA_PLATFORM wins."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    wanted = [name for name, var in (("wayland", "WAYLAND_DISPLAY"), ("xcb", "DISPLAY")) if os.environ.get(var)]
    os.environ["QT_QPA_PLATFORM"] = ";".join([*wanted, "offscreen"])
    if not wanted:
        return "warn", "no desktop session here (DISPLAY and WAYLAND_DISPLAY unset): checked Qt offscreen"
    return None


def _draws(icon_pixmap: QImage) -> bool:
    """True when the icon was really read and drawn, not left empty."""
    if icon_pixmap.isNull():
        return False
    return any(icon_pixmap.pixelColor(x, y).alpha() > 0
               for x in range(icon_pixmap.width()) for y in range(icon_pixmap.height()))


def probe() -> list[Result]:
    results: list[Result] = []
    messages: list[str] = []
    existing = QApplication.instance()
    if existing is None:
        chosen = _choose_platform()
        if chosen:
            results.append(chosen)

        def keep(kind: QtMsgType, _context: QMessageLogContext, text: str) -> None:
            if kind != QtMsgType.QtDebugMsg:
                messages.append(text)

        previous = qInstallMessageHandler(keep)
        try:
            app = QApplication([sys.argv[0] if sys.argv else "ringside"])
        finally:
            qInstallMessageHandler(previous)
    else:
        assert isinstance(existing, QApplication)
        app = existing
    platform = app.platformName()
    expected = [p for p in os.environ.get("QT_QPA_PLATFORM", "").split(";") if p and p != "offscreen"]
    if platform == "offscreen" and expected:
        said = f" Qt said: {' / '.join(messages[-3:])}" if messages else ""
        results.append(("FAIL", f"Qt could not open the desktop's display ({', '.join(expected)}), so no tray "
                                f"or window can show.{said}"))
    else:
        results.append(("ok", f"Qt {qVersion()} on the {platform} platform"))
    results.append(binding_finding())
    if QSystemTrayIcon.isSystemTrayAvailable():
        results.append(("ok", "a system tray is available"))
    else:
        results.append(("warn", "no system tray here: Ringside shows a small window instead"))

    from app.ui.common.app_icon import app_icon
    from app.ui.common.style import tray_icon

    drawn = _draws(app_icon().pixmap(QSize(22, 22)).toImage()) and \
        _draws(tray_icon("ringing").pixmap(QSize(16, 16)).toImage())
    results.append(("ok", "icons draw") if drawn else
                   ("FAIL", "icons do not draw: the PNGs in resources/icons/sized cannot be read"))
    if not QFontDatabase.families():
        results.append(("warn", "Qt finds no fonts: text may not show (install fonts, e.g. fonts-dejavu-core)"))
    return results
