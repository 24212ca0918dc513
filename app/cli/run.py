"""What runs until it is stopped: `ringside` / `ringside run` (the tray app), `ringside --demo` and
`ringside sandbox` (the emulators, served by sandbox.py); the app's log set-up.

sandbox.py imports every emulator when it is imported (the self-check counts on that), so it is
imported only when the command runs: other commands start without them."""

from __future__ import annotations

import argparse
import logging
import logging.handlers

from app.cli.exit_codes import EXIT_OK
from app.config import settings as settings_mod
from app.config.paths import Paths


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("run", help="run the tray app (the default)")


def add_sandbox_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sandbox = sub.add_parser("sandbox", help="serve the CRM emulators on loopback (for trying things out)")
    sandbox.add_argument("--port", type=int, default=0, help="port for the Recruit Wizard emulator")
    sandbox.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")


def run_sandbox(paths: Paths, args: argparse.Namespace) -> int:
    from app.cli.sandbox import serve

    return serve(port=args.port, latency=args.latency)


def setup_logging(paths: Paths) -> None:
    paths.ensure()
    handler = logging.handlers.RotatingFileHandler(paths.log_file, maxBytes=1_000_000, backupCount=3,
                                                   encoding="utf-8")
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


def run(paths: Paths, *, demo: bool) -> int:
    from app.runtime.instance import InstanceClient, NoInstance

    if demo:
        from app.demo.demo import prepare_demo

        env = prepare_demo()
        setup_logging(env.paths)
        print(env.instructions, flush=True)
        try:
            from app.main import run_app

            return run_app(env.paths, env.settings, secrets=env.secrets, demo_callers=env.callers)
        finally:
            env.close()
    # A second `ringside` hands over to the one already running.
    try:
        client = InstanceClient(paths.instance_file)
        if client.alive():
            client.show()
            print("Ringside is already running; brought it to the front.")
            return EXIT_OK
    except NoInstance:
        pass
    settings = settings_mod.load(paths.config_file)
    setup_logging(paths)
    from app.main import run_app
    from app.storage.secret_file import open_secrets

    # The keyring; the owner-only file only where none is usable and the user opted in.
    return run_app(paths, settings, secrets=open_secrets(paths, settings))
