"""The `ringside` command: run the tray app (default), the demo, or talk to a running instance."""

from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from datetime import datetime

from app import __version__
from app.config import paths as paths_mod
from app.config import settings as settings_mod
from app.config.paths import Paths
from app.errors import RingsideError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


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

    sub.add_parser("run", help="run the tray app (the default)")

    event = sub.add_parser("event", help="send a call event to the running instance (softphone hooks)")
    event.add_argument("type", choices=["ring", "answer", "hangup"])
    event.add_argument("--number", required=True, help="the other party's number")
    event.add_argument("--direction", choices=["inbound", "outbound"], default="inbound")
    event.add_argument("--call-id", help="the softphone's call id; without it, events pair up by number")

    account = sub.add_parser("account", help="manage CRM accounts")
    account_sub = account.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    connect = account_sub.add_parser(
        "connect", help="sign in to an account: the browser for OAuth, else its password or API key (checked first)")
    connect.add_argument("id", help="the account's id in config.toml")
    connect.add_argument("--no-browser", action="store_true",
                         help="only print the sign-in URL; open it yourself")
    connect.add_argument("--store-secrets-in-file", action="store_true",
                         help="with no usable keyring only: keep secrets in a file readable by you alone")
    connect.add_argument("--timeout", type=float, default=300.0, help=argparse.SUPPRESS)
    account_sub.add_parser("list", help="every account and its state (connected, needs sign-in, error, not set up)")
    disconnect = account_sub.add_parser("disconnect", help="sign out (revoking where the CRM can) and delete secrets")
    disconnect.add_argument("id", help="the account's id in config.toml")

    history = sub.add_parser("history", help="recent calls, matches, note status and timings")
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.add_argument("--limit", type=int, default=20)

    cache = sub.add_parser("cache", help="the lookup cache (what each CRM said about each number)")
    cache_sub = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    cache_clear = cache_sub.add_parser("clear", help="forget every cached lookup (the next rings ask the CRMs)")
    cache_clear.add_argument("--account", metavar="ID", help="only this account's")

    sub.add_parser("webhook-info", help="the webhook's URL and token, for softphone and PBX hooks")

    retailcrm = sub.add_parser("retailcrm", help="retailCRM's telephony integration")
    retailcrm_sub = retailcrm.add_subparsers(dest="retailcrm_command", metavar="ACTION", required=True)
    register = retailcrm_sub.add_parser(
        "register", help="register (or update) Ringside as the telephony integration, with its callback URLs")
    register.add_argument("id", help="the retailCRM account's id in config.toml")
    register.add_argument("--public-url", required=True,
                          help="where retailCRM reaches Ringside's callback server, e.g. https://ringside.example.com")

    dial = sub.add_parser("dial", help="call a number through the running instance's dialer "
                                       "(`ringside tel:+61…` does the same, as link handlers call it)")
    dial.add_argument("number", nargs="+", help="a phone number (spaces allowed), or a tel:, callto: or sip: link")

    sandbox = sub.add_parser("sandbox", help="serve the CRM emulators on loopback (for trying things out)")
    sandbox.add_argument("--port", type=int, default=0, help="port for the Recruit Wizard emulator")
    sandbox.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_links_as_dial(sys.argv[1:] if argv is None else list(argv)))
    paths = paths_mod.resolve(args.home)
    try:
        if args.self_check:
            from app.runtime.selfcheck import run as self_check

            return self_check(paths)
        if args.command == "dial":
            return _dial(paths, args)
        if args.command == "event":
            return _event(paths, args)
        if args.command == "account":
            return _account(paths, args)
        if args.command == "history":
            return _history(paths, args)
        if args.command == "cache":
            return _cache_clear(paths, args.account)
        if args.command == "webhook-info":
            return _webhook_info(paths)
        if args.command == "retailcrm":
            from app.crm.retailcrm.register import run as register_retailcrm

            return register_retailcrm(paths, args.id, args.public_url)
        if args.command == "sandbox":
            from app.cli.sandbox import serve

            return serve(port=args.port, latency=args.latency)
        return _run(paths, demo=args.demo)
    except RingsideError as exc:
        print(f"ringside: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return EXIT_FAIL


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


def _run(paths: Paths, *, demo: bool) -> int:
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


def _event(paths: Paths, args: argparse.Namespace) -> int:
    from app.runtime.instance import InstanceClient

    number = args.number.strip()
    if not number:
        print("ringside: --number is empty", file=sys.stderr)
        return EXIT_USAGE
    call_id = InstanceClient(paths.instance_file).send_event(args.type, number, args.direction, args.call_id)
    print(f"sent {args.type} for {number} (call {call_id})")
    return EXIT_OK


def _links_as_dial(argv: list[str]) -> list[str]:
    """`ringside tel:+61…` (a browser or the desktop opening a link) means `ringside dial tel:+61…`."""
    from app.telephony.links import is_call_link

    skip = False
    for index, arg in enumerate(argv):
        if skip or arg.startswith("-"):
            skip = arg == "--home"  # its value is the next argument
            continue
        return [*argv[:index], "dial", *argv[index:]] if is_call_link(arg) else argv
    return argv


def _dial(paths: Paths, args: argparse.Namespace) -> int:
    from app.runtime.instance import InstanceClient
    from app.telephony.links import is_call_link, number_from_link

    number = " ".join(args.number).strip()
    if is_call_link(number):
        number = number_from_link(number)
    if not number:
        print("ringside: no number to dial", file=sys.stderr)
        return EXIT_USAGE
    # Generous: a Puzzel dialer signs in and checks the agent's status before it answers.
    call_id = InstanceClient(paths.instance_file, timeout=30.0).dial(number)
    print(f"calling {number} (call {call_id})")
    return EXIT_OK


def _account(paths: Paths, args: argparse.Namespace) -> int:
    from app.cli import account as terminal

    settings = settings_mod.load(paths.config_file)
    if args.account_command == "list":
        return terminal.list_accounts(paths, settings)
    account = settings.account(args.id)
    if args.account_command == "disconnect":
        return terminal.disconnect(paths, settings, account)
    return terminal.connect(paths, settings, account, open_browser=not args.no_browser, timeout=args.timeout,
                            allow_file=args.store_secrets_in_file)


def _webhook_info(paths: Paths) -> int:
    from app.config.settings import WebhookSourceSettings
    from app.telephony.webhook import events_url, load_or_create_token

    settings = settings_mod.load(paths.config_file)
    hooks = [s for s in settings.sources if isinstance(s, WebhookSourceSettings)]
    if not hooks:
        print(f"ringside: no webhook is configured; add to {paths.config_file}:\n\n"
              '[[sources]]\nkind = "webhook"\nlisten = "127.0.0.1:47100"', file=sys.stderr)
        return EXIT_FAIL
    paths.ensure()
    token = load_or_create_token(paths.data_dir)  # made now if Ringside never ran: hooks can be set up first
    url = events_url(hooks[0].listen)
    print(f"url: {url}")
    print(f"token: {token}")
    print(f"example: {url}?type=ring&number=0412345678&token={token}")
    return EXIT_OK


def _cache_clear(paths: Paths, account: str | None) -> int:
    from app.storage.cache_db import CacheStore
    from app.storage.db import Database

    cleared = 0
    if paths.database.exists():
        db = Database(paths.database, recover=False)
        try:
            cleared = CacheStore(db.connection).delete(account_id=account)
        finally:
            db.close()
    print(f"Cleared {cleared} cached lookup{'' if cleared == 1 else 's'}.")
    return EXIT_OK


def _history(paths: Paths, args: argparse.Namespace) -> int:
    from app.storage.db import Database

    if not paths.database.exists():
        rows = []
    else:
        db = Database(paths.database, recover=False)  # an unreadable file is reported, left for the app
        try:
            rows = db.recent_calls(args.limit)
        finally:
            db.close()
    if args.json:
        print(json.dumps([_history_json(r) for r in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("No calls yet.")
        return EXIT_OK
    try:
        region: str | None = settings_mod.load(paths.config_file).general.default_region
    except RingsideError:
        region = None  # history stays readable even when config.toml is broken
    for row in rows:
        print(_history_line(row, region))
    return EXIT_OK


def _history_json(row: object) -> dict[str, object]:
    from dataclasses import asdict

    data: dict[str, object] = asdict(row)  # type: ignore[call-overload]
    for key in ("started_at", "answered_at", "ended_at"):
        value = data[key]
        data[key] = value.isoformat() if isinstance(value, datetime) else None
    return data


def _history_line(row: object, region: str | None = None) -> str:
    from app.core.phone import try_normalise
    from app.storage.db import CallRow

    assert isinstance(row, CallRow)
    local = row.started_at.astimezone()
    arrow = "←" if row.direction == "inbound" else "→"
    who = ", ".join(
        f"{m['name']} ({m['type']}, {m['account']}" + (f" #{m['id']})" if m["id"] else ")") for m in row.matches
    ) or "no match"
    phone = try_normalise(row.e164 or row.number, None)
    number = phone.display(region) if phone else row.number
    duration = ""
    if row.answered_at and row.ended_at:
        secs = int((row.ended_at - row.answered_at).total_seconds())
        duration = f" {secs // 60}m{secs % 60:02d}s"
    notes = "; ".join(
        f"{n['account_id']}: {n['status']}" + (f" ({n['error']})" if n["error"] and n["status"] != "logged" else "")
        for n in row.notes) or "no note"
    timings = row.timings
    shown = timings.get("card_shown_ms")
    lookups = ", ".join(f"{a} {ms:.0f} ms" for a, ms in (timings.get("lookup_ms") or {}).items())
    timing = f"card {shown:.0f} ms" if shown is not None else "card not shown"
    return (f"{local:%Y-%m-%d %H:%M} {arrow} {number} [{row.state}{duration}] {who} | note: {notes} | "
            f"{timing}" + (f"; lookups: {lookups}" if lookups else ""))
