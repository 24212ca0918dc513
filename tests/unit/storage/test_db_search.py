"""History search (Database.search_calls): by name, company, number as typed, and note text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.models import Direction, NoteDraft, Record, RecordType
from app.storage.db import Database

T0 = datetime(2025, 3, 4, 3, 2, tzinfo=UTC)
PRIYA = {"account": "rw", "type": "contact", "id": "533995", "name": "Priya Raman", "company": "Northwind Pty"}
MEI = {"account": "tr", "type": "contact", "id": "7", "name": "Mei Lin Chen", "company": "Harbour 100% Ltd"}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "ringside.db")
    for index, (call_id, e164, matches) in enumerate([("c1", "+61491570006", [PRIYA]), ("c2", "+61370100200", [MEI]),
                                                        ("c3", "+61491570159", [])]):
        database.save_call(call_id=call_id, number=e164, e164=e164, direction="inbound", state="ended",
                           source="test", started_at=T0 + timedelta(minutes=index), answered_at=None,
                           ended_at=None, matches=matches, timings={})
    record = Record(account_id="rw", type=RecordType.CONTACT, id="533995", name="Priya Raman")
    database.enqueue_note(NoteDraft(call_id="c1", account_id="rw", record=record, direction=Direction.INBOUND,
                                    text="Wants the Java role in Parramatta.", call_started_at=T0, duration_s=60))
    return database


def found(db: Database, text: str) -> list[str]:
    return [row.call_id for row in db.search_calls(text)]


def test_finds_by_name_company_number_and_note_text(db: Database) -> None:
    assert found(db, "priya") == ["c1"]
    assert found(db, "harbour") == ["c2"]
    assert found(db, "0491 570") == ["c3", "c1"]  # as typed locally, newest first
    assert found(db, "+61 3 7010") == ["c2"]
    assert found(db, "java role") == ["c1"]
    assert found(db, "") == ["c3", "c2", "c1"]


def test_wildcards_are_taken_literally_and_a_miss_is_empty(db: Database) -> None:
    assert found(db, "100%") == ["c2"]
    assert found(db, "_") == []
    assert found(db, "Zanzibar") == []
    assert found(db, "Room 3") == []  # letters with digits: not a number search


def test_without_the_search_index_the_scan_finds_the_same(db: Database) -> None:
    db._indexed = False  # as on a SQLite built without FTS5
    test_finds_by_name_company_number_and_note_text(db)
    test_wildcards_are_taken_literally_and_a_miss_is_empty(db)


def test_short_queries_and_quotes(db: Database) -> None:
    assert found(db, "ja") == ["c1"]  # under 3 characters: scanned, same answer
    assert found(db, "57") == ["c3", "c1"]
    assert found(db, 'Priya "P" Raman') == []  # a quote is searched for, not query syntax
    assert found(db, "Raman OR Chen") == []
    assert found(db, "java*") == []


def test_the_index_follows_every_write(db: Database) -> None:
    record = Record(account_id="rw", type=RecordType.CONTACT, id="533995", name="Priya Raman")
    db.enqueue_note(NoteDraft(call_id="c1", account_id="rw", record=record, direction=Direction.INBOUND,
                              text="Prefers the Python role now.", call_started_at=T0, duration_s=60))
    assert found(db, "python role") == ["c1"]
    assert found(db, "java role") == []  # the edited note's old text is gone from the index
    db.save_call(call_id="c3", number="+61491570159", e164="+61491570159", direction="inbound", state="ended",
                 source="test", started_at=T0 + timedelta(minutes=2), answered_at=None, ended_at=None,
                 matches=[{"account": "rw", "type": "contact", "id": "9", "name": "Tomasz Nowak"}], timings={})
    assert found(db, "nowak") == ["c3"]
    db.forget({"+61491570006"})
    assert found(db, "priya") == [] and found(db, "python") == []
    assert found(db, "0491 570") == ["c3"]
    count = db.connection.execute("SELECT COUNT(*) FROM calls_search").fetchone()[0]
    assert count == db.connection.execute("SELECT COUNT(*) FROM calls").fetchone()[0] == 2
