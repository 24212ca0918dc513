"""`ringside history --json`: its shape (keys and types) is an interface; this test pins version 1.

Adding a field is compatible (add it here and in README); removing, renaming or retyping one is not:
that needs a new version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.cli import main as cli
from app.config import paths

FIRST_RELEASE = Path(__file__).parents[1] / "storage" / "data" / "first_release.sqlite3"
STR, NUM, NONE, BOOL, INT = (str,), (int, float), (type(None),), (bool,), (int,)
OPT_STR = (str, type(None))

CALL = {"call_id": STR, "number": STR, "e164": OPT_STR, "direction": STR, "state": STR, "source": STR,
        "started_at": STR, "answered_at": OPT_STR, "ended_at": OPT_STR, "matches": (list,), "timings": (dict,),
        "notes": (list,)}
MATCH = {"account": STR, "type": STR, "id": OPT_STR, "name": STR, "job_title": STR, "company": STR,
         "link": OPT_STR, "type_label": STR, "chosen": BOOL}
TIMINGS = {"card_shown_ms": (int, float, type(None)), "lookup_ms": (dict,), "lookup_status": (dict,)}
NOTE = {"account_id": STR, "record_key": STR, "status": STR, "error": OPT_STR, "attempts": INT,
        "logged_at": OPT_STR, "record_name": STR, "link": OPT_STR, "text": STR, "record": (dict,),
        "confirmed": BOOL, "dismissed": BOOL}
RECORD = {"account_id": STR, "type": STR, "id": OPT_STR, "name": STR, "job_title": STR, "company": STR,
          "link": OPT_STR, "type_label": STR}


def shaped(value: dict[str, Any], shape: dict[str, tuple[type, ...]]) -> None:
    assert list(value) == list(shape)
    for key, types in shape.items():
        assert type(value[key]) in types, (key, value[key])


@pytest.fixture
def history(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    home = paths.resolve()
    home.ensure()
    shutil.copyfile(FIRST_RELEASE, home.database)  # calls with matches, notes of every kind
    assert cli.main(["history", "--json", "--limit", "50"]) == cli.EXIT_OK
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_the_json_has_a_version_and_calls(history: dict[str, Any]) -> None:
    assert list(history) == ["version", "calls"] and history["version"] == 1
    assert [c["call_id"] for c in history["calls"]] == ["call-outbound", "call-dismissed", "call-missed",
                                                         "call-answered"]  # newest first


def test_every_call_match_timing_and_note_has_the_documented_shape(history: dict[str, Any]) -> None:
    matches = notes = 0
    for call in history["calls"]:
        shaped(call, CALL)
        shaped(call["timings"], TIMINGS)
        assert all(type(v) in NUM for v in call["timings"]["lookup_ms"].values())
        assert all(type(v) in STR for v in call["timings"]["lookup_status"].values())
        for match in call["matches"]:
            shaped(match, MATCH)
            matches += 1
        for note in call["notes"]:
            shaped(note, NOTE)
            shaped(note["record"], RECORD)
            notes += 1
    assert matches == 2 and notes == 3


def test_values_are_as_stored(history: dict[str, Any]) -> None:
    answered = history["calls"][-1]
    assert answered["started_at"] == "2026-11-20T09:30:00+00:00"
    assert answered["direction"] == "inbound" and answered["state"] == "ended"
    assert answered["matches"][0]["name"] == "Priya Raman" and answered["matches"][0]["chosen"] is True
    assert answered["timings"] == {"card_shown_ms": 212.5, "lookup_ms": {"rw": 180.2},
                                   "lookup_status": {"rw": "found"}}
    (note,) = answered["notes"]
    assert (note["status"], note["text"], note["error"], note["confirmed"]) == (
        "logged", "Wants Friday shifts.", None, False)
    assert note["record"]["id"] == "533995"


def test_no_database_yet_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["history", "--json"]) == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out) == {"version": 1, "calls": []}


def test_rows_from_before_a_field_existed_get_its_empty_value() -> None:
    from datetime import UTC, datetime

    from app.cli.history import call_json
    from app.storage.db import CallRow

    row = CallRow(call_id="c", number="0491570006", e164=None, direction="inbound", state="missed",
                  source="webhook", started_at=datetime(2026, 1, 1, tzinfo=UTC), answered_at=None, ended_at=None,
                  matches=[{"account": "rw", "type": "contact", "id": None, "name": "Priya"}],
                  timings={}, notes=[])
    data = call_json(row)
    shaped(data, CALL)
    shaped(data["matches"][0], MATCH)
    shaped(data["timings"], TIMINGS)


def test_a_database_from_a_newer_ringside_is_reported_not_a_crash(capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    from app.storage.schema import current

    home = paths.resolve()
    home.ensure()
    shutil.copyfile(FIRST_RELEASE, home.database)
    with sqlite3.connect(home.database) as conn:
        conn.execute(f"PRAGMA user_version={current() + 5}")
    conn.close()
    before = home.database.read_bytes()
    assert cli.main(["history"]) == cli.EXIT_FAIL
    err = capsys.readouterr().err
    assert err.startswith("ringside: The Ringside database ") and "was written by a newer Ringside" in err
    assert home.database.read_bytes() == before
