"""`ringside event ring|answer|hangup --number …`: a call event for the running instance (softphone hooks)."""

from __future__ import annotations

import argparse
import sys

from app.cli.exit_codes import EXIT_OK, EXIT_USAGE
from app.config.paths import Paths


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    event = sub.add_parser(
        "event", help="send a call event to the running instance (softphone hooks)",
        description="Tell the running Ringside that a call rang, was answered or hung up: what a "
                    "softphone's or PBX's hook runs.",
        epilog="examples:\n  ringside event ring --number 0491570006\n"
               "  ringside event hangup --number 0491570006 --call-id 42 --direction outbound")
    event.add_argument("type", choices=["ring", "answer", "hangup"], help="what happened: ring, answer or hangup")
    event.add_argument("--number", required=True, help="the other party's number")
    event.add_argument("--direction", choices=["inbound", "outbound"], default="inbound",
                       help="inbound (they called) or outbound (you called)")
    event.add_argument("--call-id", help="the softphone's call id; without it, events pair up by number")


def run(paths: Paths, args: argparse.Namespace) -> int:
    from app.runtime.instance import InstanceClient

    number = args.number.strip()
    if not number:
        print("ringside: --number is empty", file=sys.stderr)
        return EXIT_USAGE
    call_id = InstanceClient(paths.instance_file).send_event(args.type, number, args.direction, args.call_id)
    print(f"sent {args.type} for {number} (call {call_id})")
    return EXIT_OK
