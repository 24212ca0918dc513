"""Stored calls as views again (core.history.to_view), including rows older Ringsides wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.history import to_view
from app.core.models import Direction, LookupStatus, NoteStatus, RecordType
from app.core.stores import CallRow
from app.core.views import CallState

T0 = datetime(2025, 3, 4, 3, 2, tzinfo=UTC)


def row(**changes: object) -> CallRow:
    base = dict(call_id="c1", number="0491 570 006", e164="+61491570006", direction="inbound", state="ended",
                source="test", started_at=T0, answered_at=T0 + timedelta(seconds=5),
                ended_at=T0 + timedelta(minutes=4, seconds=5), matches=[], timings={}, notes=[])
    base.update(changes)
    return CallRow(**base)  # type: ignore[arg-type]


def test_a_match_from_before_history_kept_links_still_shows_and_can_be_logged_against() -> None:
    view = to_view(row(matches=[{"account": "rw", "type": "contact", "id": "533995", "name": "Priya Raman"}],
                       timings={"lookup_status": {"rw": "found", "tr": "not_found"}}),
                   {"rw": "Recruit Wizard"}, "AU")
    (record,) = view.matches
    assert (record.type, record.id, record.name, record.link) == (RecordType.CONTACT, "533995", "Priya Raman", None)
    assert [(a.account_label, a.status) for a in view.accounts] == [
        ("Recruit Wizard", LookupStatus.FOUND), ("tr", LookupStatus.NOT_FOUND)]
    assert view.chosen() == [record]  # the only match
    assert (view.number_display, view.duration_s, view.state) == ("0491 570 006", 240, CallState.ENDED)


def test_a_lookup_that_never_answered_is_not_shown_as_still_going() -> None:
    view = to_view(row(timings={"lookup_status": {"rw": "pending"}}), {}, "AU")
    assert view.accounts[0].status is LookupStatus.ERROR and view.complete


def test_odd_rows_do_not_break_the_window() -> None:
    view = to_view(row(e164=None, number="anonymous", direction="sideways", state="???",
                       matches=[{"type": "contact"}, {"account": "rw", "type": "alien", "name": "X"}]), {}, None)
    assert view.number_display == "anonymous" and view.invalid_reason
    assert view.direction is Direction.INBOUND and view.state is CallState.ENDED
    assert view.matches == ()


def test_notes_keep_their_record_text_and_whether_the_recruiter_confirmed_them() -> None:
    note = {"account_id": "rw", "record_key": "rw:contact:533995", "status": "logged", "error": None,
            "confirmed": True, "text": "Spoke about the offer.", "record_name": "Priya Raman",
            "record": {"account_id": "rw", "type": "contact", "id": "533995", "name": "Priya Raman",
                       "link": "https://example.test/c/533995"}}
    (target,) = to_view(row(notes=[note]), {"rw": "Recruit Wizard"}, "AU").notes
    assert (target.status, target.text, target.record.link) == (
        NoteStatus.LOGGED, "Spoke about the offer.", "https://example.test/c/533995")
    assert target.message == "You confirmed it is in the CRM."
