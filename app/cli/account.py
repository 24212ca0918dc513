"""`ringside account connect | list | disconnect` (the work itself is in account_actions.py)."""

from __future__ import annotations

import argparse

from app.config.paths import Paths


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = sub.add_parser("account", help="manage CRM accounts",
                             description="Sign in to, list or sign out of the CRM accounts of config.toml.",
                             epilog="examples:\n  ringside account list\n  ringside account connect rw-main\n"
                                    "  ringside account disconnect rw-main")
    account_sub = account.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    connect = account_sub.add_parser(
        "connect", help="sign in to an account: the browser for OAuth, else its password or API key (checked first)",
        description="Sign in to an account: the browser for OAuth, else its password or API key (checked first).",
        epilog="example:\n  ringside account connect rw-main --no-browser")
    connect.add_argument("id", help="the account's id in config.toml")
    connect.add_argument("--no-browser", action="store_true",
                         help="only print the sign-in URL; open it yourself")
    connect.add_argument("--store-secrets-in-file", action="store_true",
                         help="with no usable keyring only: keep secrets in a file readable by you alone")
    connect.add_argument("--timeout", type=float, default=300.0, help=argparse.SUPPRESS)
    account_sub.add_parser("list", help="every account and its state (connected, needs sign-in, error, not set up)",
                           description="Every account and its state (connected, needs sign-in, error, not set up).",
                           epilog="example:\n  ringside account list")
    disconnect = account_sub.add_parser(
        "disconnect", help="sign out (revoking where the CRM can) and delete secrets",
        description="Sign out of an account (revoking where the CRM can) and delete its secrets.",
        epilog="example:\n  ringside account disconnect rw-main")
    disconnect.add_argument("id", help="the account's id in config.toml")


def run(paths: Paths, args: argparse.Namespace) -> int:
    from app.cli import account_actions as terminal  # httpx and the account service: only when asked
    from app.config import settings as settings_mod  # pydantic's models: loaded when a command reads config.toml

    settings = settings_mod.load(paths.config_file)
    if args.account_command == "list":
        return terminal.list_accounts(paths, settings)
    account = settings.account(args.id)
    if args.account_command == "disconnect":
        return terminal.disconnect(paths, settings, account)
    return terminal.connect(paths, settings, account, open_browser=not args.no_browser, timeout=args.timeout,
                            allow_file=args.store_secrets_in_file)
