"""The real desktop the focus and tray tests stand on: a window manager that manages windows and a
panel whose system tray Qt can see."""

from __future__ import annotations

import subprocess
import sys

from tests.desktop.conftest import Desktop

PROBE = """
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
app = QApplication([])
print(app.platformName(), QSystemTrayIcon.isSystemTrayAvailable())
"""


def test_qt_sees_a_system_tray_on_the_desktop(desktop: Desktop) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], env=desktop.env, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.split() == ["xcb", "True"], out.stderr
