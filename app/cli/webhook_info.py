"""`ringside webhook-info`: the webhook's URL and token, for softphone and PBX hooks."""

from __future__ import annotations

import argparse
import sys

from app.cli.exit_codes import EXIT_FAIL, EXIT_OK
from app.config.paths import Paths


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("webhook-info", help="the webhook's URL and token, for softphone and PBX hooks",
                   description="Print the URL and token a softphone or PBX sends call events to (the "
                               "[[sources]] webhook of config.toml); the token is made if Ringside never ran.",
                   epilog="example:\n  ringside webhook-info")


def run(paths: Paths, args: argparse.Namespace) -> int:
    from app.config import settings as settings_mod  # pydantic's models: loaded when a command reads config.toml
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
