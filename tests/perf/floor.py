"""What every benchmark under tests/perf shares: the machine line, the bare-PySide6 floor measured in
the same run (tests/perf/bare_qt.py), Ringside's own cold start measured the same way, and the
printing of a figure beside its floor: p50, p95 and max, the floor, the ratio and the aim.
Figures only: nothing here asserts a time or a size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Both programs are started this way: `python -m <module>`, offscreen, output piped.
SETTLE_S = 1.0  # after ready, before reading idle RSS: lets start-up work that follows the window finish
# Calls at a desk are seconds apart: the last card's paints and idle work (the spare card rebuilt, the
# collector's run between calls) happen before the next ring. The card benchmarks pause this long.
BETWEEN_CALLS_S = 0.3


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def machine_line() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"Machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min); Python {sys.version.split()[0]}"


def quiet_qt() -> None:
    """Drop the offscreen platform's warnings about window hints it cannot honour (noise in the figures)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if not message.startswith("This plugin does not support"):
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def num(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.3f}"


def stats(name: str, values: list[float], unit: str = "ms") -> str:
    if not values:
        return f"  {name:<40} (no samples)"
    return (f"  {name:<40} p50 {num(pct(values, 0.5)):>8}  p95 {num(pct(values, 0.95)):>8}  "
            f"max {num(max(values)):>8} {unit}  (n={len(values)})")


@dataclass(frozen=True)
class Floor:
    """What the figure is compared with: a value measured in this run (or a stated one), and what it is."""

    value: float
    what: str


def figure(name: str, values: list[float], floor: Floor | None, aim: str = "", unit: str = "ms", *,
           of_max: bool = False) -> str:
    """The figure's p50/p95/max, then its floor, the ratios p50/floor and p95/floor (or, of_max, the
    max's: for a longest stall), how far over the floor and the aim."""
    lines = [stats(name, values, unit)]
    if not values:
        return lines[0]
    if floor is None:
        lines.append(f"      floor: none{'   aim ' + aim if aim else ''}")
    else:
        pair = ([("max", max(values))] if of_max else [("p50", pct(values, 0.5)), ("p95", pct(values, 0.95))])
        ratio = (" ".join(f"×{v / floor.value:.2f} ({k})" for k, v in pair) if floor.value > 0
                 else "ratio n/a (floor 0)")
        over = " ".join(f"{v - floor.value:+.1f} ({k})" for k, v in pair)
        lines.append(f"      floor {num(floor.value)} {unit} ({floor.what})   {ratio}   over floor: {over}"
                     f"{'   aim ' + aim if aim else ''}")
    return "\n".join(lines)


@dataclass
class Starts:
    """Cold starts of one program: to its ready point, its idle RSS, and what the bare program reports."""

    cold_ms: list[float] = field(default_factory=list)
    loaded_ms: list[float] = field(default_factory=list)  # Ringside: settings, accounts and windows built
    rss_mb: list[float] = field(default_factory=list)
    first_paint_ms: list[float] = field(default_factory=list)
    loop_turn_ms: list[float] = field(default_factory=list)
    gaps_ms: list[float] = field(default_factory=list)
    widgets: int = 0
    qt_objects: int = 0


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}


def _rss_mb(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    kb = next(int(x.split()[1]) for x in status.read_text().splitlines() if x.startswith("VmRSS"))
    return kb / 1024


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def bare_starts(runs: int, tick_seconds: float = 0.0) -> Starts:
    """The bare PySide6 program: cold start to its label painted, idle RSS, first paint, one loop turn.
    With tick_seconds, the last run also ticks a 10 ms timer that long (the floor for loop stalls)."""
    out = Starts()
    for i in range(runs):
        ticks = tick_seconds if i == runs - 1 else 0.0
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "tests.perf.bare_qt", "--tick-seconds", str(ticks)],
                                env=_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert proc.stdout is not None
            for text in proc.stdout:
                if text.startswith("shown"):
                    out.cold_ms.append((time.perf_counter() - began) * 1000)
                elif text.startswith("figures "):
                    report = json.loads(text.removeprefix("figures "))
                    break
            else:
                raise RuntimeError("the bare PySide6 program ended without reporting")
            time.sleep(max(0.0, SETTLE_S - ticks))
            rss = _rss_mb(proc.pid)
            if rss is not None:
                out.rss_mb.append(rss)
        finally:
            _stop(proc)
        out.first_paint_ms.append(report["first_paint_ms"])
        out.loop_turn_ms.extend(report["loop_turn_ms"])
        out.gaps_ms.extend(report["gaps_ms"])
        out.widgets, out.qt_objects = report["widgets"], report["qt_objects"]
    return out


ONE_ACCOUNT = ('\n[[accounts]]\nid = "rw"\nkind = "recruitwizard"\napi_url = "http://127.0.0.1:9"\n'
               'web_url = "http://127.0.0.1:9"\nclient_id = "x"\n')


def ringside_starts(runs: int, *, account: bool = True) -> Starts:
    """A real `ringside` process (one account configured, as before; or, `account=False`, none) to
    ready: its tray (or window) shown — the "Ringside is starting" line — and the `ringside event` door
    answering a ping; then to loaded (settings read, accounts and windows built: "Ringside is ready",
    when an event at the door is handled); then its idle RSS."""
    from app.config import paths
    from app.runtime.instance import InstanceClient, NoInstance

    out = Starts()
    for _ in range(runs):
        home = Path(tempfile.mkdtemp(prefix="ringside-start-"))
        (home / "config.toml").write_text('[general]\ndefault_region = "AU"\n' + (ONE_ACCOUNT if account else ""))
        env = _env(RINGSIDE_HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "app"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            assert proc.stdout is not None
            if not any(text.startswith("Ringside is starting") for text in proc.stdout):
                raise RuntimeError("ringside ended without showing its tray")
            instance_file = paths.resolve(home).instance_file
            while True:  # the door may open after the tray: poll it as `ringside event` would reach it
                try:
                    if InstanceClient(instance_file, timeout=2.0).alive():
                        break
                except NoInstance:
                    pass
                if proc.poll() is not None or time.perf_counter() - began > 60:
                    raise RuntimeError("the `ringside event` door never answered")
            out.cold_ms.append((time.perf_counter() - began) * 1000)
            if not any(text.startswith("Ringside is ready") for text in proc.stdout):
                raise RuntimeError("ringside ended without loading")
            out.loaded_ms.append((time.perf_counter() - began) * 1000)
            time.sleep(SETTLE_S)
            rss = _rss_mb(proc.pid)
            if rss is not None:
                out.rss_mb.append(rss)
        finally:
            _stop(proc)
    return out


def paired_starts(runs: int, *, account: bool = True) -> tuple[Starts, Starts]:
    """(Ringside's starts, the bare program's): `runs` of each, alternating bare then Ringside, so the two
    programs start under the same conditions. Measured a minute apart, as they were, the bare program's
    own p50 moved by 15 % between runs and took the ratio with it."""
    ringside, bare = Starts(), Starts()
    for _ in range(runs):
        _add(bare, bare_starts(1))
        _add(ringside, ringside_starts(1, account=account))
    return ringside, bare


def _add(into: Starts, more: Starts) -> None:
    for name, value in vars(more).items():
        if isinstance(value, list):
            getattr(into, name).extend(value)
        else:
            setattr(into, name, value)


def print_floor(bare: Starts) -> None:
    """The bare program's own figures: the floors every other figure is set beside."""
    print(f"Floor: bare PySide6 (a QApplication showing one QLabel), {len(bare.cold_ms)} cold starts this run:")
    print(stats("cold start to window painted", bare.cold_ms))
    print(stats(f"idle RSS ({SETTLE_S:g} s after)", bare.rss_mb, "MB"))
    print(stats("first paint (show → paint)", bare.first_paint_ms))
    print(stats("one idle loop turn (0 ms timer)", bare.loop_turn_ms))
    if bare.gaps_ms:
        print(stats("10 ms timer gaps, idle", bare.gaps_ms))
    print(f"  live widgets {bare.widgets}, Qt objects {bare.qt_objects}")


def print_start(ringside: Starts, bare: Starts, what: str = "one account configured") -> None:
    """Ringside's start figures beside `bare`'s (from `paired_starts`: the starts alternating with these)."""
    print(f"Ringside cold start over {len(ringside.cold_ms)} runs ({what}), each after one of the bare "
          f"program's (its cold start p50 {num(pct(bare.cold_ms, 0.5))} ms, idle RSS p50 "
          f"{num(pct(bare.rss_mb, 0.5))} MB in these):")
    print(figure("cold start to ready (tray + door)", ringside.cold_ms,
                 Floor(pct(bare.cold_ms, 0.5), "bare PySide6 cold start, p50"), "≤ 2 × floor"))
    print(figure("cold start to loaded (accounts, windows)", ringside.loaded_ms,
                 Floor(pct(bare.cold_ms, 0.5), "bare PySide6 cold start, p50")))
    print(figure(f"idle RSS ({SETTLE_S:g} s after loaded)", ringside.rss_mb,
                 Floor(pct(bare.rss_mb, 0.5), "bare PySide6 idle RSS, p50"), "≤ 1.5 × floor", "MB"))
