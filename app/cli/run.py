"""What runs until it is stopped: `ringside` / `ringside run` (the tray app), `ringside --demo` and
`ringside sandbox` (the emulators, served by sandbox.py); the app's log set-up.

sandbox.py imports every emulator when it is imported (the self-check counts on that), so it is
imported only when the command runs: other commands start without them."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
import time
from typing import TYPE_CHECKING

from app.cli.exit_codes import EXIT_FAIL, EXIT_OK
from app.config.paths import Paths
from app.errors import ConfigError, RingsideError

if TYPE_CHECKING:
    from app.config.settings import Settings
    from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("run", help="run the tray app (the default)",
                   description="Run the tray app: cards when the phone rings, notes logged to every CRM. "
                               "A second `ringside` brings the running one forward.",
                   epilog="examples:\n  ringside run\n  ringside run --home ~/ringside-test")


def add_sandbox_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sandbox = sub.add_parser("sandbox", help="serve the CRM emulators on loopback (for trying things out)",
                             description="Serve the CRM emulators on 127.0.0.1 until Ctrl+C.",
                             epilog="example:\n  ringside sandbox --port 8800 --latency 0.3")
    sandbox.add_argument("--port", type=int, default=0, help="port for the Recruit Wizard emulator")
    sandbox.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")


def run_sandbox(paths: Paths, args: argparse.Namespace) -> int:
    from app.cli.sandbox import serve

    return serve(port=args.port, latency=args.latency)


def setup_logging(paths: Paths) -> None:
    paths.ensure()
    try:
        handler = logging.handlers.RotatingFileHandler(paths.log_file, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError as exc:  # a read-only home: one line, not a traceback
        raise RingsideError(f"Ringside can't write its log {paths.log_file}: {exc.strerror or exc}.") from None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    root.addHandler(console)
    # httpx logs every request URL at INFO; keep the log about Ringside, not the wire.
    for noisy in ("httpx", "httpcore", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run(paths: Paths, *, demo: bool, from_desktop: bool = False) -> int:
    from app.runtime.process import AlreadyLocked, InstanceLock, install_crash_logging
    from app.runtime.system_libs import qt_system_problem

    if demo:
        from app.demo.demo import prepare_demo

        env = prepare_demo()
        setup_logging(env.paths)
        print(env.instructions, flush=True)
        try:
            _check_system(qt_system_problem(), from_desktop)
            from app.main import run_app

            return run_app(env.paths, lambda: env.settings, secrets=lambda _settings: env.secrets,
                           demo_callers=env.callers)
        finally:
            env.close()
    # A second `ringside` hands over to the one already running.
    if _hand_over(paths):
        return EXIT_OK
    paths.ensure()
    lock = InstanceLock(paths.lock_file)
    try:
        lock.acquire()  # before anything else starts: held until this process ends
    except AlreadyLocked as held:
        if _hand_over(paths, wait_s=10.0):  # the other one was still starting
            return EXIT_OK
        print(f"ringside: another Ringside (process {held}) holds {paths.lock_file} but does not answer; it "
              "may be frozen. Quit it (or end that process) and start Ringside again.", file=sys.stderr)
        return EXIT_FAIL
    try:
        setup_logging(paths)  # first: a broken config.toml is written to ringside.log as well
        install_crash_logging(paths)
        _check_system(qt_system_problem(), from_desktop)
        from app.main import run_app

        try:
            # config.toml (pydantic) is read while the tray already shows: see run_app.
            return run_app(paths, lambda: _load_settings(paths),
                           secrets=lambda settings: _open_secrets(paths, settings))
        except ConfigError as exc:
            log.error("Ringside did not start: %s", exc)
            if from_desktop:  # no terminal to read it in: say it on screen
                from app.main import show_startup_error

                show_startup_error(f"Ringside did not start.\n\n{exc}\n\nFix the file and start Ringside again.")
            raise
    finally:
        lock.release()


def _load_settings(paths: Paths) -> Settings:
    from app.config import settings as settings_mod  # pydantic: not for the other commands

    return settings_mod.load(paths.config_file)


def _open_secrets(paths: Paths, settings: Settings) -> SecretStore:
    """The keyring; the owner-only file only where none is usable and the user opted in."""
    from app.storage.secret_file import open_secrets

    return open_secrets(paths, settings)


def _hand_over(paths: Paths, wait_s: float = 0.0) -> bool:
    """Bring the running Ringside to the front, if one answers at its door (within `wait_s`)."""
    from app.runtime.instance import InstanceClient, NoInstance

    deadline = time.monotonic() + wait_s
    while True:
        try:
            client = InstanceClient(paths.instance_file)
            if client.alive():
                client.show()
                print("Ringside is already running; brought it to the front.")
                return True
        except NoInstance:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def _check_system(problem: str | None, from_desktop: bool) -> None:
    """Qt would abort with a message of its own that names no package: stop first and name it."""
    if problem is None:
        return
    log.error("Ringside did not start: %s", problem)
    if from_desktop:
        from app.main import show_startup_error

        show_startup_error(f"Ringside did not start.\n\n{problem}")
    raise RingsideError(problem)
