"""The `ringside` command: run the tray app (default), the demo, or talk to a running instance.

This module assembles the parser and dispatches; each command group is a module of its own beside it
(`add_parser` and `run`). Those modules import what a command needs only when it runs, so that a
softphone hook's `ringside event` starts without the app's heavier parts.

Global options (`--home`, `--demo`, `--self-check`, `--from-desktop`) are accepted anywhere on the
line: every subcommand's parser knows them too. Exit codes are in exit_codes.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence

from app import __version__
from app.cli import account, cache, dial, event, history, retailcrm, run, webhook_info
from app.cli.exit_codes import EXIT_CODES_HELP, EXIT_FAIL, EXIT_OK, EXIT_USAGE
from app.config import paths as paths_mod
from app.config import pydantic_plugins
from app.config.paths import Paths
from app.errors import InvalidNumber, RingsideError

__all__ = ["EXIT_FAIL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

Command = Callable[[Paths, argparse.Namespace], int]

# Subcommand → what runs it, in the order `ringside --help` lists them.
_COMMANDS: dict[str, tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], Command]] = {
    "run": (run.add_parser, lambda paths, args: run.run(paths, demo=args.demo, from_desktop=args.from_desktop)),
    "event": (event.add_parser, event.run),
    "account": (account.add_parser, account.run),
    "history": (history.add_parser, history.run),
    "cache": (cache.add_parser, cache.run),
    "webhook-info": (webhook_info.add_parser, webhook_info.run),
    "retailcrm": (retailcrm.add_parser, retailcrm.run),
    "dial": (dial.add_parser, dial.run),
    "sandbox": (run.add_sandbox_parser, run.run_sandbox),
}

EPILOG = f"""examples:
  ringside                      run the tray app
  ringside --demo               try it with the built-in sandbox CRMs
  ringside dial 0491 570 006    call through the running Ringside
  ringside history --home ~/rs  global options go anywhere on the line

{EXIT_CODES_HELP}"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' lines as written and names every option's default that says something."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS, []) and "%(default)" not in text \
                and action.option_strings:
            text += " (default: %(default)s)"
        return text


def _add_globals(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On subcommands the defaults are SUPPRESS, so an option given before the subcommand survives.
    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    parser.add_argument("--home", metavar="DIR", default=default(None),
                        help="keep config and data in DIR (default: $RINGSIDE_HOME or the system folders)")
    parser.add_argument("--demo", action="store_true", default=default(False),
                        help="run against the built-in sandbox CRMs with demo data; nothing to set up")
    parser.add_argument("--self-check", action="store_true", default=default(False),
                        help="check that Ringside can run here (config, database, keyring, Qt, connectors) and exit")
    parser.add_argument("--from-desktop", action="store_true", default=default(False),
                        help="started from a desktop entry: show start-up errors in a dialog (the entries pass it)")


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (dest value, parser) below `parser`, nested ones included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield name, child
                yield from _subparsers(child)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ringside",
        description="Screen-pop companion for recruiters: who is calling, from every CRM at once.",
        epilog=EPILOG, formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"ringside {__version__}")
    _add_globals(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_parser, _ in _COMMANDS.values():
        add_parser(sub)
    for _, child in _subparsers(parser):
        _add_globals(child, top=False)
        child.formatter_class = _Formatter
    return parser


def _chosen(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The innermost subcommand's parser the line named (for its usage in an error)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            child = action.choices.get(getattr(args, action.dest, None) or "")
            if child is not None:
                return _chosen(child, args)
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The line as a Namespace; a mistake exits 2 with the usage of the subcommand it was made in."""
    parser = build_parser()
    args, extra = parser.parse_known_args(dial.links_as_dial(list(argv)))
    if extra:
        _chosen(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    pydantic_plugins.no_plugins()  # before anything builds a pydantic model
    args = parse(sys.argv[1:] if argv is None else argv)
    paths = paths_mod.resolve(args.home)
    paths_mod.private_umask()  # every file Ringside writes is for the user alone
    try:
        if args.self_check:
            from app.runtime.selfcheck import run as self_check

            return self_check(paths)
        _, command = _COMMANDS[args.command or "run"]
        return command(paths, args)
    except InvalidNumber as exc:  # what was typed is not a number: a usage mistake, like an empty one
        print(f"ringside: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RingsideError as exc:
        print(f"ringside: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return EXIT_FAIL
