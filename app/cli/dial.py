"""`ringside dial NUMBER` and `ringside tel:+61…`: a call through the running instance's dialer."""

from __future__ import annotations

import argparse
import sys

from app.cli.exit_codes import EXIT_OK, EXIT_USAGE
from app.config.paths import Paths


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dial = sub.add_parser("dial", help="call a number through the running instance's dialer "
                                       "(`ringside tel:+61…` does the same, as link handlers call it)")
    dial.add_argument("number", nargs="+", help="a phone number (spaces allowed), or a tel:, callto: or sip: link")


def links_as_dial(argv: list[str]) -> list[str]:
    """`ringside tel:+61…` (a browser or the desktop opening a link) means `ringside dial tel:+61…`."""
    from app.telephony.links import is_call_link

    skip = False
    for index, arg in enumerate(argv):
        if skip or arg.startswith("-"):
            skip = arg == "--home"  # its value is the next argument
            continue
        return [*argv[:index], "dial", *argv[index:]] if is_call_link(arg) else argv
    return argv


def run(paths: Paths, args: argparse.Namespace) -> int:
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
