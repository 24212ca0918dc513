"""The Qt binding in use keeps Python's reference counts of None, True and False.

PySide6 6.12.0 drops one reference too many from `None` and `True` in `QTimer.singleShot`,
`killTimer` and `Signal.emit(True)`. On CPython 3.11 those objects are not immortal, so a
long-running Ringside aborted ("Fatal Python error: none_dealloc") after some hundred calls.
pyproject.toml keeps that release out; this test is what tells whether a newer one is fixed.
The calls run in a child process, so a binding with the bug fails this test instead of aborting
the whole test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.ui.selfcheck_qt import binding_finding

CALLS = 5_000
# The counts wobble by a few hundred with what the interpreter and Qt happen to hold at each end
# (more on a loaded machine); the bug loses one reference per call, at least 5,000, and aborts.
ALLOWED_DRIFT = 1_000

PROBE = f"""
import gc, json, sys
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

class Emitter(QObject):
    flag = Signal(bool)
    nothing = Signal(object)

app = QCoreApplication([])
emitter = Emitter()
seen = []
emitter.flag.connect(seen.append)
emitter.nothing.connect(seen.append)
fired = []
def settle():
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    gc.collect()

def counts():
    settle()
    return [sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)]

def calls(n):
    for i in range(n):
        QTimer.singleShot(0, lambda: fired.append(1))
        emitter.flag.emit(True)
        emitter.flag.emit(False)
        emitter.nothing.emit(None)
        emitter.killTimer(emitter.startTimer(60_000))
        seen.clear()
        if i % 100 == 0:
            app.processEvents()
    while len(fired) < n:
        app.processEvents()
    fired.clear()

calls(500)  # warm up: what Qt and the binding set up once is in place before counting
before = counts()
calls({CALLS})
after = counts()
print(json.dumps(dict(zip(["None", "True", "False"], [a - b for a, b in zip(after, before)]))))
"""


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="None, True and False are immortal from CPython 3.12 on: their counts cannot drift there",
)
def test_timers_and_signals_keep_the_counts_of_none_true_and_false() -> None:
    child = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert child.returncode == 0, (
        f"{CALLS} timer and signal calls killed the process (exit {child.returncode}): "
        f"{child.stderr.strip()[-300:]}; Ringside would abort in a day of calls with this Qt binding")
    drift = json.loads(child.stdout)
    assert all(d > -ALLOWED_DRIFT for d in drift.values()), (
        f"the Qt binding loses references over {CALLS} timer and signal calls: {drift}; "
        "Ringside would abort in a day of calls. Keep it pinned below this release.")


def test_self_check_names_the_binding_in_use() -> None:
    import PySide6

    status, detail = binding_finding()
    assert status == "ok"
    assert detail == f"PySide6 {PySide6.__version__}"
