"""Five calls at once on a real desktop whose panel (with the tray) is on the top or the left edge:
every card, folded line and "+N more" line stays inside the area the window manager leaves free of
the panel, none covers another, the newest stays unfolded, and none of them is listed in the panel's
task list. With RINGSIDE_SHOOT_DESKTOP=1 the
top-panel run also saves the whole screen as README's busy-desk picture."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.desktop.conftest import Desktop
from tests.support import wait_until

ROOT = Path(__file__).resolve().parents[2]
PICTURE = ROOT / "resources" / "screenshots" / "busy-desk-five-calls.png"

# Five demo calls: four ringing, then Priya's answered (her card comes forward). When every shown
# window is exposed and has kept its place for a few polls, the geometry (and a screenshot) is written.
FIVE_CALLS = """
import json, sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from app.core.views import CallState
from app.ui.bridge import Bridge
from app.ui.shell import UiShell
from tests.ui.helpers import (ETHAN, HARBOURLINE, HARBOURLINE_NUMBER, PRIYA, PRIYA_JOBS, RW, TR, UNKNOWN_NUMBER,
                              FakeControls, call, found, not_found)

app = QApplication([])
bridge = Bridge()
shell = UiShell(FakeControls(), bridge)
shell.start()
report, shot = Path(sys.argv[1]), sys.argv[2]
# The program the recruiter was in (for the picture: cards pop over real work, not a black screen).
mail = QPlainTextEdit()
mail.setWindowTitle("Re: Platform Engineer shortlist — Mail")
mail.setPlainText(chr(10).join([
    "Hi Priya,", "", "Thanks for the call this morning. As promised, the three candidates for the Platform",
    "Engineer role:", "", "  - Ethan Brooks (Quokka Digital)", "  - Zara Ahmed (Tasman Freight)",
    "  - Chloe Tran (Opal Insurance)", "", "Could you let me know by Thursday which of them you'd like to meet?",
    "", "Kind regards,", "Alex"]))
area0 = app.primaryScreen().availableGeometry()
mail.setGeometry(area0.left() + 60, area0.top() + 60, 760, 520)
mail.show()
now = datetime.now().astimezone()

def ago(seconds):
    return now - timedelta(seconds=seconds)

def pop():
    bridge.call_updated(call(found(TR, ETHAN), not_found(RW), call_id="ethan", number="+61491571266",
                             number_display="0491 571 266", started_at=ago(95)))
    bridge.call_updated(call(found(TR, *HARBOURLINE), not_found(RW), call_id="office", number=HARBOURLINE_NUMBER,
                             number_display="(03) 7010 0200", started_at=ago(70)))
    bridge.call_updated(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR), call_id="priya",
                             started_at=ago(140)))
    bridge.call_updated(call(not_found(RW), not_found(TR), call_id="unknown", number=UNKNOWN_NUMBER,
                             number_display="0491 570 159", started_at=ago(20)))
    bridge.call_updated(call(call_id="withheld", number="anonymous", number_display="Withheld number",
                             invalid_reason="The caller's number is withheld.", started_at=ago(8)))
    bridge.call_updated(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR), call_id="priya",
                             state=CallState.ANSWERED, started_at=ago(140)))

last = []
steady = 0

def windows():
    shown = [("card", c.call_id, c.collapsed, c) for c in shell.cards() if c.isVisible()]
    if shell.more.isVisible():
        shown.append(("more", "", True, shell.more))
    return shown

def check():
    global last, steady
    shown = windows()
    handles = [w.windowHandle() for *_, w in shown]
    if not shown or not all(h is not None and h.isExposed() for h in handles):
        return
    now_geometry = [(kind, cid, folded, w.frameGeometry().getRect()) for kind, cid, folded, w in shown]
    steady = steady + 1 if now_geometry == last else 0
    last = now_geometry
    if steady < 6:
        return
    area = app.primaryScreen().availableGeometry().getRect()
    if shot:
        app.primaryScreen().grabWindow(0).save(shot)
    partial = report.with_suffix(".part")
    partial.write_text(json.dumps({"area": area, "windows": now_geometry,
                                   "order": [c.call_id for c in shell.cards()]}))
    partial.replace(report)  # whole, or not there yet
    timer.stop()  # the windows stay up: the test reads the task list, then ends this program

QTimer.singleShot(300, pop)
timer = QTimer()
timer.timeout.connect(check)
timer.start(150)
app.exec()
"""


def _inside(rect: list[int], area: tuple[int, int, int, int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


def test_five_calls_fit_beside_a_panel_on_another_edge(panel_desktop: Desktop, tmp_path: Path) -> None:
    desk = panel_desktop
    wait_until(lambda: desk.work_area() != (0, 0, *desk.size), timeout=30, what="the panel to reserve its edge")
    work = desk.work_area()
    if desk.panel_edge == "top":
        assert work[1] > 0 and work[3] < desk.size[1]
    else:
        assert work[0] > 0 and work[2] < desk.size[0]

    env = {**desk.env, "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    report = tmp_path / "stack.json"
    shot = tmp_path / "screen.png"
    ui = subprocess.Popen([sys.executable, "-c", FIVE_CALLS, str(report), str(shot)], env=env)
    try:
        wait_until(report.exists, timeout=60, what="five cards placed and still")
        # The panel's task list holds the recruiter's programs, not a button per card or folded call.
        taskbar = desk.taskbar_titles()
        assert "Re: Platform Engineer shortlist — Mail" in taskbar
        assert [title for title in taskbar if title.startswith("Ringside")] == []
    finally:
        ui.terminate()
        ui.wait(timeout=10)
    result = json.loads(report.read_text())

    assert tuple(result["area"]) == work  # Qt's available area is what the panel leaves
    assert result["order"][0] == "priya"  # answered: brought forward
    assert len(result["order"]) == 5  # every ringing or live call keeps its card
    windows = result["windows"]
    assert windows[0][:3] == ["card", "priya", False]  # nearest the corner, unfolded
    for kind, call_id, _folded, rect in windows:
        assert _inside(rect, work), f"{kind} {call_id} at {rect} is outside the free area {work}"
    tops = sorted((rect[1], rect[1] + rect[3]) for *_, rect in windows)
    for (_, bottom), (top, _) in itertools.pairwise(tops):
        assert bottom <= top, windows  # none covers another
    shown_cards = sum(kind == "card" for kind, *_ in windows)
    assert shown_cards == 5 or windows[-1][0] == "more"  # what doesn't fit is counted
    assert shot.stat().st_size > 10_000
    if desk.panel_edge == "top" and os.environ.get("RINGSIDE_SHOOT_DESKTOP") == "1":
        shutil.copyfile(shot, PICTURE)
