"""Leak benchmark: complete calls (ring, card, answer, hang-up, note typed and saved until the CRM has
it) through the real app and its widgets, driven by the soak harness (tests/soak.py), against the
Recruit Wizard emulator in a process of its own (its memory is not the app's). Prints figures; asserts
nothing.

    python -m tests.perf.bench_leak [--calls 2000] [--warm-up 100] [--quick]

After the warm-up (pools, caches and widget caches filled) it samples resident memory, the bytes malloc
has handed out (glibc), live widgets, Qt objects and asyncio tasks (once the calls' cards have closed,
after a garbage collection, with windows waiting for deletion deleted), drives
the calls, samples again every tenth of the way, and prints the growth beside the bare PySide6 program
started in the same run. `--quick` (20 warm-up calls, 150 calls) runs in under a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from app.config.settings import GeneralSettings, Settings
from app.runtime import malloc
from app.ui.shell import SETTLED_CLOSE_MS
from tests.perf.bench_history import start_sandbox
from tests.perf.floor import Floor, bare_starts, figure, machine_line, pct, print_floor, quiet_qt
from tests.soak import CALLERS, count_qt_objects, one_call, rss_mb
from tests.support import RunningApp, run, running_app, until


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def heap_mb() -> float | None:
    """Bytes malloc has handed out and not had back (glibc's mallinfo2), in MB; None elsewhere.
    Beside RSS it tells a leak (this grows) from fragmentation (only RSS grows)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return None
    return float(info.uordblks + info.hblkhd) / 2**20


@dataclass
class Sample:
    after_calls: int
    rss_mb: float
    heap_mb: float | None
    widgets: int
    qt_objects: int
    tasks: int


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    call_ms: list[float] = field(default_factory=list)  # each measured call, ring → note in the CRM


def sample(after_calls: int) -> Sample:
    gc.collect()
    # Windows closed but not yet deleted (deleteLater waits for the loop) are counted as gone.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    widgets, objects = count_qt_objects()
    return Sample(after_calls, rss_mb(), heap_mb(), widgets, objects, len(asyncio.all_tasks()))


async def drive(app: RunningApp, warm_up: int, calls: int) -> Run:
    def logged() -> int:
        row = app.runtime.db.connection.execute("SELECT count(*) FROM notes WHERE status = 'logged'").fetchone()
        return int(row[0])

    async def settled_sample(after_calls: int) -> Sample:
        # A repeat caller's cached refresh may still be on the wire after its note is in: sample once it
        # has landed, so counts compare like with like. (At the end this matters more: qasync's
        # run_until_complete steps what is pending once more after the loop has stopped, where a request
        # fails for want of a running loop.)
        await until(lambda: not app.runtime.switchboard.lookups_in_flight, 10, "the lookups in flight")
        # And once the last calls' cards have closed (SETTLED_CLOSE_MS after they settled): the counts
        # then compare the same screen, not however many recent cards happen to be up.
        await until(lambda: not app.shell.cards() and not app.shell.note_forms(), 10 + SETTLED_CLOSE_MS / 1000,
                    "the settled cards closed")
        return sample(after_calls)

    out = Run()
    for i in range(warm_up):
        await one_call(app, CALLERS[i % len(CALLERS)], logged(), logged)
    out.samples.append(await settled_sample(0))
    # Samples a whole number of rounds of the callers apart (`calls` is one too): the spare card is
    # built like the last call's, so samples after different callers differ by a few widgets.
    every = max(1, calls // 10 // len(CALLERS)) * len(CALLERS)
    for i in range(calls):
        began = time.perf_counter()
        await one_call(app, CALLERS[(warm_up + i) % len(CALLERS)], logged(), logged)
        out.call_ms.append((time.perf_counter() - began) * 1000)
        if (i + 1) % every == 0 or i + 1 == calls:
            out.samples.append(await settled_sample(i + 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Memory and object growth over many complete calls.")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--warm-up", type=int, default=100)
    parser.add_argument("--starts", type=int, default=2, help="cold starts of the bare program (the floor)")
    parser.add_argument("--quick", action="store_true", help="20 warm-up calls, 150 calls: under a minute")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.warm_up, args.starts = min(args.calls, 150), min(args.warm_up, 20), 1
    args.calls = -(-args.calls // len(CALLERS)) * len(CALLERS)  # whole rounds of the callers (see drive)
    print(machine_line())
    bare = bare_starts(max(1, args.starts))
    print_floor(bare)
    os.environ["RINGSIDE_HOME"] = tempfile.mkdtemp(prefix="ringside-leak-")
    malloc.one_arena()  # as the app's process does (app/main.py), before Qt and the writer start threads
    qapp = QApplication.instance() or QApplication(sys.argv)
    quiet_qt()
    sandbox = start_sandbox(0.0)
    try:
        settings = Settings(general=GeneralSettings(default_region="AU"), accounts=[sandbox.account])
        # Settled cards close after the app's own delay (tests keep them a minute to look at them).
        with running_app(qapp, settings, sandbox.secrets, settled_close_ms=SETTLED_CLOSE_MS) as app:
            result = run(app.loop, drive(app, args.warm_up, args.calls), timeout=max(600.0, args.calls * 5.0))
    finally:
        sandbox.process.terminate()
        sandbox.process.wait(10)

    first, last = result.samples[0], result.samples[-1]
    print(f"{args.calls} complete calls after {args.warm_up} warm-up calls (the emulator answering at once):")
    print(figure("one complete call (ring → note in CRM)", result.call_ms, None))
    tenth = max(1, len(result.call_ms) // 10)
    print(f"      first tenth p50 {pct(result.call_ms[:tenth], 0.5):.1f} ms, "
          f"last tenth p50 {pct(result.call_ms[-tenth:], 0.5):.1f} ms (a leak often shows as slowing down)")
    print(f"  resident memory growth after warm-up   {last.rss_mb - first.rss_mb:+.1f} MB "
          f"({first.rss_mb:.1f} → {last.rss_mb:.1f} MB)   aim ≤ +10 MB over 2,000 calls")
    if first.heap_mb is not None and last.heap_mb is not None:
        print(f"  malloc in use growth after warm-up      {last.heap_mb - first.heap_mb:+.1f} MB "
              f"({first.heap_mb:.1f} → {last.heap_mb:.1f} MB)   (a leak grows this; fragmentation only RSS)")
    print(figure("resident memory at the end", [last.rss_mb],
                 Floor(pct(bare.rss_mb, 0.5), "bare PySide6 idle RSS, p50"), unit="MB", of_max=True))
    print(f"  {'':<40} {'start':>8} {'end':>8}   (aim: back to the start; bare PySide6)")
    print(f"  {'live widgets':<40} {first.widgets:>8} {last.widgets:>8}   ({bare.widgets})")
    print(f"  {'Qt objects':<40} {first.qt_objects:>8} {last.qt_objects:>8}   ({bare.qt_objects})")
    print(f"  {'asyncio tasks':<40} {first.tasks:>8} {last.tasks:>8}")
    print("  samples (calls: RSS MB / malloc in use MB / widgets / Qt objects / tasks): " + ", ".join(
        f"{s.after_calls}: {s.rss_mb:.1f}/{'-' if s.heap_mb is None else f'{s.heap_mb:.1f}'}/"
        f"{s.widgets}/{s.qt_objects}/{s.tasks}" for s in result.samples))


if __name__ == "__main__":
    main()
