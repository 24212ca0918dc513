"""`ringside history [--json] [--limit N]`: recent calls, their matches, notes and timings.
`ringside history --forget NUMBER`: erase everything Ringside holds about one person.

`--json` prints `{"version": 1, "calls": [...]}`, the shape README documents field by field. It is an
interface scripts rely on: a change that adds a field keeps the version; one that removes, renames
or retypes a field is a new version (and README says what changed).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.cli.exit_codes import EXIT_OK
from app.config.paths import Paths
from app.errors import RingsideError

if TYPE_CHECKING:
    from app.storage.db import CallRow

JSON_VERSION = 1
# The record a note is logged against: what of it `--json` shows.
_RECORD_FIELDS = ("account_id", "type", "id", "name", "job_title", "company", "link", "type_label")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = sub.add_parser(
        "history", help="recent calls, matches, note status and timings",
        description="List recent calls, newest first: who the CRMs matched, how each note went, and "
                    "how fast the card and lookups were.",
        epilog="examples:\n  ringside history\n  ringside history --limit 5 --json | jq '.calls[0].notes'\n"
               "  ringside history --forget '+61 491 570 006'")
    history.add_argument("--json", action="store_true",
                         help='machine-readable output ({"version": 1, "calls": [...]}, as README describes)')
    history.add_argument("--limit", type=int, default=20, metavar="N", help="how many calls")
    history.add_argument("--forget", metavar="NUMBER",
                         help="erase this number's calls, notes, drafts, cached lookups and queued uploads")


def run(paths: Paths, args: argparse.Namespace) -> int:
    from app.config import settings as settings_mod  # pydantic's models: loaded when a command reads config.toml
    from app.storage.db import Database

    if args.forget is not None:
        return forget(paths, args.forget)
    rows: list[CallRow] = []
    if paths.database.exists():
        db = Database(paths.database, recover=False)  # an unreadable file is reported, left for the app
        try:
            rows = db.recent_calls(args.limit)
        finally:
            db.close()
    if args.json:
        print(json.dumps(history_json(rows), indent=2))
        return EXIT_OK
    if not rows:
        print("No calls yet.")
        return EXIT_OK
    try:
        region: str | None = settings_mod.load(paths.config_file).general.default_region
    except RingsideError:
        region = None  # history stays readable even when config.toml is broken
    for row in rows:
        print(history_line(row, region))
    return EXIT_OK


def forget(paths: Paths, number: str) -> int:
    """Erase one person (by number, as typed or in any form that normalises to the same E.164)."""
    from app.config import settings as settings_mod  # pydantic's models: loaded when a command reads config.toml
    from app.core.phone import try_normalise
    from app.storage.db import Database

    try:
        region: str | None = settings_mod.load(paths.config_file).general.default_region
    except RingsideError:
        region = None
    phone = try_normalise(number, region)
    numbers = {number.strip()} | ({phone.e164} if phone else set())
    if not paths.database.exists():
        print(f"Nothing is held about {number}.")
        return EXIT_OK
    db = Database(paths.database, recover=False)
    try:
        done = db.forget(numbers)
    finally:
        db.close()
    parts = [f"{done.calls} call(s)", f"{done.notes} note(s)"]
    parts += [f"{count} {table.replace('_', ' ')}" for table, count in sorted(done.other.items())]
    parts += [f"{done.cache_entries} cached lookup(s)", f"{done.uploads} queued upload(s)"]
    print(f"Erased for {number}: " + ", ".join(parts) + ".")
    return EXIT_OK


# -- --json ---------------------------------------------------------------------------------------
# Built field by field (not from the row's attributes), so the shape stays put when the rows change.
# Rows written by older versions may lack a key: it is filled with the value meaning "not known".

def history_json(rows: list[CallRow]) -> dict[str, Any]:
    return {"version": JSON_VERSION, "calls": [call_json(row) for row in rows]}


def call_json(row: CallRow) -> dict[str, Any]:
    timings = row.timings
    return {
        "call_id": row.call_id,
        "number": row.number,
        "e164": row.e164,
        "direction": row.direction,
        "state": row.state,
        "source": row.source,
        "started_at": _iso(row.started_at),
        "answered_at": _iso(row.answered_at),
        "ended_at": _iso(row.ended_at),
        "matches": [_match_json(m) for m in row.matches],
        "timings": {
            "card_shown_ms": timings.get("card_shown_ms"),
            "lookup_ms": dict(timings.get("lookup_ms") or {}),
            "lookup_status": dict(timings.get("lookup_status") or {}),
        },
        "notes": [_note_json(n) for n in row.notes],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _match_json(match: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "account": match["account"], "type": match["type"], "id": match.get("id"), "name": match["name"],
        "job_title": match.get("job_title", ""), "company": match.get("company", ""),
        "link": match.get("link"), "type_label": match.get("type_label", ""),
        "chosen": bool(match.get("chosen", False)),
    }


def _note_json(note: Mapping[str, Any]) -> dict[str, Any]:
    record = note.get("record") or {}
    return {
        "account_id": note["account_id"], "record_key": note["record_key"], "status": note["status"],
        "error": note.get("error"), "attempts": note["attempts"], "logged_at": note.get("logged_at"),
        "record_name": note["record_name"], "link": note.get("link"), "text": note["text"],
        "record": {key: record.get(key) for key in _RECORD_FIELDS},
        "confirmed": bool(note.get("confirmed", False)), "dismissed": bool(note.get("dismissed", False)),
    }


# -- for people -----------------------------------------------------------------------------------

def history_line(row: CallRow, region: str | None = None) -> str:
    from app.core.phone import try_normalise

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
