"""`ringside retailcrm register ID --public-url URL` (the registration itself: crm.retailcrm.register)."""

from __future__ import annotations

import argparse

from app.config.paths import Paths


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    retailcrm = sub.add_parser("retailcrm", help="retailCRM's telephony integration",
                               description="retailCRM's telephony integration.",
                               epilog="example:\n  ringside retailcrm register shop --public-url https://ringside.example.com")
    retailcrm_sub = retailcrm.add_subparsers(dest="retailcrm_command", metavar="ACTION", required=True)
    register = retailcrm_sub.add_parser(
        "register", help="register (or update) Ringside as the telephony integration, with its callback URLs",
        description="Register (or update) Ringside as retailCRM's telephony integration, with its callback URLs.",
        epilog="example:\n  ringside retailcrm register shop --public-url https://ringside.example.com")
    register.add_argument("id", help="the retailCRM account's id in config.toml")
    register.add_argument("--public-url", required=True,
                          help="where retailCRM reaches Ringside's callback server, e.g. https://ringside.example.com")


def run(paths: Paths, args: argparse.Namespace) -> int:
    from app.crm.retailcrm.register import run as register_retailcrm

    return register_retailcrm(paths, args.id, args.public_url)
