"""Process-level guards, in real child processes: one Ringside per data folder, crash traces in the
log, owner-only files whatever the umask, and one clear line when the home can't be used."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.config import paths
from tests.integration.test_database_recovery import Instance, instances, ringside  # noqa: F401


def env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}  # read now: the test's own RINGSIDE_HOME


def child(code: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env(), timeout=timeout)


def test_a_second_ringside_beside_a_frozen_one_says_so_and_exits_non_zero() -> None:
    home = paths.resolve()
    home.ensure()
    # A "frozen" Ringside: holds the lock, never opens its door.
    frozen = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from app.runtime.process import InstanceLock
        lock = InstanceLock(Path({str(home.lock_file)!r}))
        lock.acquire()
        print("locked", flush=True)
        time.sleep(120)
        """)], stdout=subprocess.PIPE, text=True, env=env())
    try:
        assert frozen.stdout is not None and frozen.stdout.readline().strip() == "locked"
        done = ringside(timeout=60)
        assert done.returncode == 1
        assert f"another Ringside (process {frozen.pid}) holds" in done.stderr and "may be frozen" in done.stderr
        assert "Traceback" not in done.stderr
    finally:
        frozen.kill()
        frozen.wait(10)


def test_a_thread_that_raises_leaves_its_trace_in_the_log() -> None:
    home = paths.resolve()
    done = child("""
        import threading
        from app.cli.run import setup_logging
        from app.config import paths
        from app.runtime.process import install_crash_logging
        home = paths.resolve()
        setup_logging(home)
        install_crash_logging(home)
        def boom():
            raise RuntimeError("raised in a worker thread")
        t = threading.Thread(target=boom, name="worker")
        t.start(); t.join()
        """)
    assert done.returncode == 0, done.stderr
    text = home.log_file.read_text()
    assert "Uncaught error in thread worker" in text and "RuntimeError: raised in a worker thread" in text
    assert "Traceback" in text


@pytest.mark.parametrize("how", ["faulthandler._sigsegv()", "os.abort()"])
def test_a_fatal_crash_leaves_its_trace_and_the_next_start_copies_it_into_the_log(how: str) -> None:
    home = paths.resolve()
    done = child(f"""
        import faulthandler, os
        from app.cli.run import setup_logging
        from app.config import paths
        from app.runtime.process import install_crash_logging
        home = paths.resolve()
        setup_logging(home)
        install_crash_logging(home)
        {how}
        """)
    assert done.returncode != 0
    assert "Fatal Python error" in home.crash_log.read_text()
    again = child("""
        from app.cli.run import setup_logging
        from app.config import paths
        from app.runtime.process import install_crash_logging
        home = paths.resolve()
        setup_logging(home)
        install_crash_logging(home)
        """)
    assert again.returncode == 0, again.stderr
    log = home.log_file.read_text()
    assert "The last run of Ringside crashed" in log and "Fatal Python error" in log
    assert home.crash_log.read_text() == ""  # fresh for this run


@pytest.mark.slow
def test_every_file_is_for_the_user_alone_whatever_the_umask(instances: list[Instance]) -> None:  # noqa: F811
    home = paths.resolve()
    os.rmdir(home.data_dir)  # let Ringside create it
    done = child("""
        import os, sys
        os.umask(0)
        from app.cli.main import main
        main(["history", "--forget", "0491 570 006"])
        """)
    assert done.returncode == 0, done.stderr
    old = os.umask(0)
    try:
        app = Instance()
        instances.append(app)
        assert app.wait_ready().startswith("Ringside is ready")
        assert ringside("event", "ring", "--number", "0491 570 006").returncode == 0
        app.stop()
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.data_dir.stat().st_mode) == 0o700
    files = [p for p in Path(home.data_dir).rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"ringside.sqlite3", "ringside.log", "crash.log", "ringside.lock"}
    loose = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files if stat.S_IMODE(p.stat().st_mode) != 0o600}
    assert loose == {}


def test_an_existing_home_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    ringside("--home", str(shared), "webhook-info")  # ensures the folders, then says none is configured
    paths.Paths(config_dir=shared, data_dir=shared).ensure()  # what the app's start does
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    made = tmp_path / "new" / "home"
    paths.Paths(config_dir=made, data_dir=made).ensure()
    assert stat.S_IMODE(made.stat().st_mode) == 0o700


def test_a_home_ringside_cannot_create_gives_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for command in (["run"],):
        done = ringside("--home", str(blocker / "home"), *command)
        assert done.returncode == 1
        assert done.stderr.strip().count("\n") == 0, done.stderr
        assert done.stderr.startswith(f"ringside: Ringside can't create its folder {blocker / 'home'}")
