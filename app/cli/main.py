"""The `ringside` command: run the tray app (default), the demo, or talk to a running instance.

This module assembles the parser and dispatches; each command group is a module of its own beside it
(`add_parser` and `run`). Those modules import what a command needs only when it runs, so that a
softphone hook's `ringside event` starts without the app's heavier parts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from app import __version__
from app.cli import account, cache, dial, event, history, retailcrm, run, webhook_info
from app.cli.exit_codes import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from app.config import paths as paths_mod
from app.config.paths import Paths
from app.errors import RingsideError

__all__ = ["EXIT_FAIL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

Command = Callable[[Paths, argparse.Namespace], int]

# Subcommand → what runs it, in the order `ringside --help` lists them.
_COMMANDS: dict[str, tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], Command]] = {
    "run": (run.add_parser, lambda paths, args: run.run(paths, demo=args.demo)),
    "event": (event.add_parser, event.run),
    "account": (account.add_parser, account.run),
    "history": (history.add_parser, history.run),
    "cache": (cache.add_parser, cache.run),
    "webhook-info": (webhook_info.add_parser, webhook_info.run),
    "retailcrm": (retailcrm.add_parser, retailcrm.run),
    "dial": (dial.add_parser, dial.run),
    "sandbox": (run.add_sandbox_parser, run.run_sandbox),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ringside",
        description="Screen-pop companion for recruiters: who is calling, from every CRM at once.",
    )
    parser.add_argument("--version", action="version", version=f"ringside {__version__}")
    parser.add_argument("--home", metavar="DIR",
                        help="keep config and data in DIR (default: $RINGSIDE_HOME or the system folders)")
    parser.add_argument("--demo", action="store_true",
                        help="run against the built-in sandbox CRMs with demo data; nothing to set up")
    parser.add_argument("--self-check", action="store_true",
                        help="check that Ringside can run here (config, database, keyring, Qt, connectors) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_parser, _ in _COMMANDS.values():
        add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(dial.links_as_dial(sys.argv[1:] if argv is None else list(argv)))
    paths = paths_mod.resolve(args.home)
    paths_mod.private_umask()  # every file Ringside writes is for the user alone
    try:
        if args.self_check:
            from app.runtime.selfcheck import run as self_check

            return self_check(paths)
        _, command = _COMMANDS[args.command or "run"]
        return command(paths, args)
    except RingsideError as exc:
        print(f"ringside: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return EXIT_FAIL
