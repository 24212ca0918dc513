"""Each benchmark still runs from a clean checkout (`--quick`) and prints every figure it promises
beside its floor: the benchmarks are not run otherwise, and a change can break them silently. Only
that the figures are printed is checked; no figure's value is (timings are never assertions)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

FIGURES = {
    "bench_card": ["ringing card shown", "first account shown", "slow account shown", "card complete",
                   "cold start to ready (tray + door)", "cold start to loaded", "idle RSS"],
    "bench_history": ["`ringside history` (whole process)", "history window opened", "search by name",
                      "search by number", "search by note text", "tray's missed-call count", "database",
                      "cached: ringing card shown", "cached: card complete",
                      "calls in history with the right final state", "10 ms timer gaps (max: longest stall)"],
    "bench_leak": ["one complete call", "resident memory growth after warm-up", "live widgets", "Qt objects",
                   "asyncio tasks"],
}


@pytest.mark.slow
@pytest.mark.parametrize("bench", sorted(FIGURES))
def test_the_benchmark_prints_its_figures_beside_the_floor(bench: str) -> None:
    done = subprocess.run([sys.executable, "-m", f"tests.perf.{bench}", "--quick"], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "cores" in out and "Floor: bare PySide6" in out
    missing = [name for name in FIGURES[bench] if name not in out]
    assert missing == [], out
    assert "floor" in out.split("Floor: bare PySide6", 1)[1]  # figures set beside the floor, not alone
