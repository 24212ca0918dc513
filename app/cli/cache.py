"""`ringside cache clear [--account ID]`: forget cached lookups (works while Ringside runs)."""

from __future__ import annotations

import argparse

from app.cli.exit_codes import EXIT_OK
from app.config.paths import Paths


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cache = sub.add_parser("cache", help="the lookup cache (what each CRM said about each number)",
                           description="The lookup cache: what each CRM said about each number.",
                           epilog="example:\n  ringside cache clear --account rw-main")
    cache_sub = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    cache_clear = cache_sub.add_parser("clear", help="forget every cached lookup (the next rings ask the CRMs)",
                                       description="Forget cached lookups: the next rings ask the CRMs.",
                                       epilog="example:\n  ringside cache clear")
    cache_clear.add_argument("--account", metavar="ID", help="only this account's (default: every account)")


def run(paths: Paths, args: argparse.Namespace) -> int:
    from app.storage.cache_db import CacheStore
    from app.storage.db import Database

    cleared = 0
    if paths.database.exists():
        db = Database(paths.database, recover=False)
        try:
            cleared = CacheStore(db.connection).delete(account_id=args.account)
        finally:
            db.close()
    print(f"Cleared {cleared} cached lookup{'' if cleared == 1 else 's'}.")
    return EXIT_OK
