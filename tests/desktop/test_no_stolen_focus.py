"""Cards and note forms pop up without taking the keyboard: under a real X server and window
manager, another program keeps focus while a card and a note form appear, and keys typed go to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.desktop.conftest import Desktop
from tests.support import wait_until

EDITOR = """
import sys
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
field = QLineEdit()
field.setWindowTitle("Someone's email")
field.textChanged.connect(lambda text: print("typed:" + text, flush=True))
field.resize(400, 40)
field.move(100, 100)
field.show()
field.activateWindow()
print("window:" + str(int(field.winId())), flush=True)
app.exec()
"""

RINGSIDE_UI = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.core.views import CallState
from app.ui.bridge import Bridge
from app.ui.shell import UiShell
from tests.ui.helpers import PRIYA, RW, FakeControls, call, found

app = QApplication([])
bridge = Bridge()
shell = UiShell(FakeControls(), bridge)
shell.start()
out = Path(sys.argv[1])

def pop() -> None:
    bridge.call_updated(call(found(RW, PRIYA), call_id="ring"))
    ended = call(found(RW, PRIYA), call_id="done", state=CallState.ENDED)
    bridge.call_updated(ended)
    bridge.note_requested(ended)
    print("popped", flush=True)

def report() -> None:
    form = shell.note_form("done")
    card = shell.card("ring")
    out.write_text(repr((form.editor.toPlainText() if form else None, form.isVisible() if form else None,
                         card.notes_box.editor.toPlainText() if card else None)))

QTimer.singleShot(200, pop)
timer = QTimer()
timer.timeout.connect(report)
timer.start(100)
app.exec()
"""


def _line(proc: subprocess.Popen[str], prefix: str) -> str:
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        assert line, f"the program ended before printing {prefix!r}"
        if line.startswith(prefix):
            return line[len(prefix):].strip()


def test_cards_and_note_forms_leave_the_keyboard_with_the_program_in_use(desktop: Desktop, tmp_path: Path) -> None:
    env = {**desktop.env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    editor = subprocess.Popen([sys.executable, "-c", EDITOR], env=env, stdout=subprocess.PIPE, text=True)
    report = tmp_path / "ringside.txt"
    ringside = None
    try:
        window = int(_line(editor, "window:"))
        subprocess.run(["xdotool", "windowactivate", "--sync", str(window)], env=env, timeout=20, check=False)
        wait_until(lambda: desktop.active_window() == window, timeout=20, what="the other program to have focus")

        ringside = subprocess.Popen([sys.executable, "-c", RINGSIDE_UI, str(report)], env=env,
                                    stdout=subprocess.PIPE, text=True)
        _line(ringside, "popped")
        wait_until(lambda: report.exists() and "True" in report.read_text(), timeout=20,
                   what="the card and the note form on screen")
        assert desktop.active_window() == window

        subprocess.run(["xdotool", "type", "--delay", "20", "Dear Sam"], env=env, timeout=30, check=True)
        typed = ""
        def got_all() -> bool:
            nonlocal typed
            typed = _line(editor, "typed:")
            return typed == "Dear Sam"
        wait_until(got_all, timeout=20, what="the keys to reach the other program")
        subprocess.run(["xdotool", "key", "Escape"], env=env, timeout=30, check=True)
        wait_until(lambda: "True" in report.read_text(), timeout=5, what="a fresh report")
        assert report.read_text() == repr(("", True, ""))  # nothing landed in Ringside; Esc didn't skip
        assert desktop.active_window() == window
    finally:
        for proc in (ringside, editor):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
    assert os.path.exists(report)
