"""The floor: a bare PySide6 program (a QApplication showing one QLabel), started by the benchmarks
the same way as Ringside (`python -m ...` in a process of its own, offscreen) so that every figure
can be printed beside what Qt alone costs on this machine, in the same run.

    python -m tests.perf.bare_qt [--tick-seconds 0]

Prints `shown` once the label's first paint has been processed (the parent times cold start to
that line), then one line `figures {json}` (after which the parent reads the process's RSS), holding:
  first_paint_ms  label.show() → the label's first Paint event
  loop_turn_ms    50 samples of a zero-delay Qt timer: posted → run (one turn of an idle event loop)
  widgets, qt_objects   live widgets and QObjects (counted as tests/soak.py counts them)
  gaps_ms         with --tick-seconds S: gaps between ticks of a 10 ms timer over S seconds (how long
                  an idle Qt loop stalls on this machine: the floor for the burst's longest stall)
Then idles until terminated.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel


class FirstPaint(QObject):
    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self.label = label
        self.shown_ns = 0
        self.painted_ns = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.label and event.type() == QEvent.Type.Paint and not self.painted_ns:
            self.painted_ns = time.perf_counter_ns()
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tick-seconds", type=float, default=0.0)
    args = parser.parse_args()
    app = QApplication(sys.argv)
    label = QLabel("Ringside floor: bare PySide6")
    watch = FirstPaint(label)
    label.installEventFilter(watch)
    report: dict[str, object] = {}
    turns: list[float] = []
    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(10)

    def turn(posted_ns: int) -> None:
        if posted_ns:
            turns.append((time.perf_counter_ns() - posted_ns) / 1e6)
        if len(turns) < 50:
            now = time.perf_counter_ns()
            QTimer.singleShot(0, lambda: turn(now))
        elif args.tick_seconds > 0 and not ticker.isActive():
            clock.start()
            ticker.start()
            QTimer.singleShot(int(args.tick_seconds * 1000), done)
        else:
            done()

    def tick() -> None:
        gaps.append(clock.nsecsElapsed() / 1e6)
        clock.restart()

    def done() -> None:
        ticker.stop()
        widgets = len(QApplication.allWidgets())
        objects = len(app.findChildren(QObject)) + sum(
            len(w.findChildren(QObject)) for w in QApplication.topLevelWidgets())
        report.update(loop_turn_ms=turns, widgets=widgets, qt_objects=objects, gaps_ms=gaps)
        print(f"figures {json.dumps(report)}", flush=True)

    def painted() -> None:
        if not watch.painted_ns:
            QTimer.singleShot(1, painted)
            return
        report["first_paint_ms"] = (watch.painted_ns - watch.shown_ns) / 1e6
        print("shown", flush=True)  # the parent's cold start ends here
        turn(0)

    ticker.timeout.connect(tick)
    watch.shown_ns = time.perf_counter_ns()
    label.show()
    QTimer.singleShot(0, painted)
    app.exec()


if __name__ == "__main__":
    main()
