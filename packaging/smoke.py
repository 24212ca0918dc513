"""Smoke-test a built bundle the way a user starts it (what .ci/run does after `pyinstaller build.spec`):

    python packaging/smoke.py [dist/ringside/ringside]

1. `ringside --version` names this version;
2. `ringside --self-check` passes in a fresh home;
3. `ringside --demo` comes up, takes a call from `ringside event`, and quits cleanly on SIGTERM.

Prints each step with its time; exits 1 at the first failure, saying what happened.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402

READY = "Ringside is ready"
START_TIMEOUT_S = 90.0


class SmokeFailure(Exception):
    pass


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}
    env.pop("PYTHON_KEYRING_BACKEND", None)  # the bundle must find its own keyring backends
    return env


def _run(exe: Path, *args: str, env: dict[str, str], timeout: float = 60.0) -> str:
    started = time.perf_counter()
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=timeout, check=False)
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise SmokeFailure(f"`ringside {' '.join(args)}` exited {proc.returncode} after {took:.1f} s:\n"
                           f"{proc.stdout}{proc.stderr}")
    print(f"ok  ringside {' '.join(args)}  ({took:.1f} s)", flush=True)
    return proc.stdout


def check_version(exe: Path) -> None:
    out = _run(exe, "--version", env=_env())
    if out.strip() != f"ringside {__version__}":
        raise SmokeFailure(f"--version said {out.strip()!r}, expected 'ringside {__version__}'")


def pinned_binding() -> str:
    """The PySide6 version packaging/constraints.txt pins: the one the tests ran with."""
    for line in (ROOT / "packaging" / "constraints.txt").read_text().splitlines():
        if line.lower().startswith("pyside6_essentials==") or line.lower().startswith("pyside6-essentials=="):
            return line.split("==", 1)[1].strip()
    raise SmokeFailure("packaging/constraints.txt pins no PySide6-Essentials")


def check_self_check(exe: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="ringside-smoke-") as home:
        out = _run(exe, "--self-check", env=_env(RINGSIDE_HOME=home))
        print("    " + out.rstrip().replace("\n", "\n    "), flush=True)
        if any(Path(home).iterdir()):
            raise SmokeFailure("--self-check wrote into a fresh home; it must only look")
        pinned = pinned_binding()
        if f"PySide6 {pinned}" not in out:
            raise SmokeFailure(f"the bundle does not carry the pinned PySide6 {pinned}:\n{out}")


def check_demo(exe: Path) -> None:
    started = time.perf_counter()
    proc = subprocess.Popen([str(exe), "--demo"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=_env(), start_new_session=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if READY in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT_S):
            raise SmokeFailure(f"--demo was not ready after {START_TIMEOUT_S:.0f} s:\n{''.join(lines)}")
        print(f"ok  ringside --demo ready  ({time.perf_counter() - started:.1f} s)", flush=True)
        text = "".join(lines)
        home = re.search(r"--home (\S+) event ring --number (\S+)", text)
        if home is None:
            raise SmokeFailure(f"--demo did not print how to send it events:\n{text}")
        for kind in ("ring", "hangup"):
            _run(exe, "--home", home.group(1), "event", kind, "--number", home.group(2), env=_env())
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        if code != 0:
            raise SmokeFailure(f"--demo exited {code} on SIGTERM:\n{''.join(lines)}")
        if Path(home.group(1)).exists():
            raise SmokeFailure(f"--demo left its throwaway home {home.group(1)} behind")
        print("ok  ringside --demo quit cleanly on SIGTERM", flush=True)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main(argv: list[str]) -> int:
    exe = Path(argv[1] if len(argv) > 1 else ROOT / "dist" / "ringside" / "ringside")
    if not exe.is_file():
        print(f"smoke: no bundle executable at {exe} (run `pyinstaller build.spec` first)", file=sys.stderr)
        return 1
    try:
        check_version(exe)
        check_self_check(exe)
        check_demo(exe)
    except (SmokeFailure, subprocess.TimeoutExpired) as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke: the bundle works", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
