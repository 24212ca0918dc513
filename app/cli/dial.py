"""`ringside dial NUMBER` and `ringside tel:+61…`: a call through the running instance's dialer."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.cli.exit_codes import EXIT_OK, EXIT_USAGE
from app.config.paths import Paths

if TYPE_CHECKING:
    from app.runtime.instance import InstanceClient


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dial = sub.add_parser(
        "dial", help="call a number through the running instance's dialer "
                     "(`ringside tel:+61…` does the same, as link handlers call it)",
        description="Call a number through the running Ringside's dialer; its card pops as the call "
                    "goes out. A tel:, callto: or sip: link starts Ringside first when it is not running.",
        epilog="examples:\n  ringside dial 0491 570 006\n  ringside tel:+61491570006")
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


START_WAIT_S = 30.0  # how long a clicked link waits for a Ringside it started to open its door


def run(paths: Paths, args: argparse.Namespace) -> int:
    from app.runtime.instance import InstanceClient, NoInstance
    from app.telephony.links import is_call_link, number_from_link

    number = " ".join(args.number).strip()
    link = is_call_link(number)
    if link:
        number = number_from_link(number)
    if not number:
        print("ringside: no number to dial", file=sys.stderr)
        return EXIT_USAGE
    # In a terminal the refusal is printed here; a clicked link has no terminal, so the app shows it.
    in_terminal = sys.stderr.isatty()
    try:
        client = InstanceClient(paths.instance_file, timeout=30.0)
        if not client.alive():
            raise NoInstance("Ringside is not running.")
    except NoInstance:
        if not link:
            raise
        client = start_and_wait(paths, getattr(args, "home", None))
    # Generous timeout: a Puzzel dialer signs in and checks the agent's status before it answers.
    call_id = client.dial(number, show_errors=not in_terminal)
    print(f"calling {number} (call {call_id})")
    return EXIT_OK


def start_and_wait(paths: Paths, home: str | None, wait_s: float = START_WAIT_S) -> InstanceClient:
    """A link clicked while Ringside is not running: start it in the background (as the desktop
    entry would) and wait for its door. NoInstance when it does not open in time."""
    import subprocess
    import time

    from app.runtime.instance import InstanceClient, NoInstance

    command = [*_launch_command(), "--from-desktop", *(["--home", home] if home else [])]
    subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            client = InstanceClient(paths.instance_file, timeout=30.0)
            if client.alive():
                return client
        except NoInstance:
            pass
        time.sleep(0.2)  # polling a process that is starting: there is nothing to wait on instead
    raise NoInstance(f"Ringside did not start within {wait_s:.0f} s; see ringside.log in {paths.log_file.parent}.")


def _launch_command() -> list[str]:
    from app.desktop.autostart import launch_command

    return launch_command()
