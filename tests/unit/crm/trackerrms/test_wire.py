"""TrackerRMS Widget API payloads, mapped without a server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from app.core.models import Direction, NoteDraft, Record, RecordType
from app.core.ports import NewPerson
from app.crm.registry import oauth_config_for
from app.crm.trackerrms import records as bodies
from app.crm.trackerrms import wire
from app.crm.trackerrms.connector import oauth_config
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.errors import BadResponse, ConfigError, InvalidNumber, NeedsSignIn, Rejected
from tests.support import caller

AEDT = timezone(timedelta(hours=11))


def _account(**changes: Any) -> TrackerRmsAccount:
    return TrackerRmsAccount.model_validate({"kind": "trackerrms", "id": "tr", "api_url": "https://evoapi.example",
                                             **changes})


def _person_answer(types: str | None, count: int | None = 1, **first: str) -> wire.PersonAnswer:
    body: dict[str, Any] = {"status": 0, "message": "success", "count": count, "recordLink": "https://web/x",
                            "recordTypes": types}
    if first:
        body["firstRecord"] = first
    return wire.PersonAnswer.model_validate(body)


def _note(record: Record, direction: Direction, started: datetime, text: str = "Discussed the role.") -> NoteDraft:
    return NoteDraft(call_id="c1", account_id="tr", record=record, direction=direction, text=text,
                     call_started_at=started, duration_s=60)


# -- record types and labels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "letters"),
    [("CRU", ["C", "R", "U"]), ("СР", ["C", "R"]), ("сrU", ["C", "R", "U"]), ("CC", ["C"]), ("", []), (None, []),
     ("C, R", ["C", "R"])],
)
def test_type_letters_accept_the_seeds_cyrillic_lookalikes(text: str | None, letters: list[str]) -> None:
    assert wire.type_letters(text) == letters


def test_records_from_check_person() -> None:
    answer = _person_answer("CR", count=1, fullname=" Jane Selby ", jobtitle="Java Programmer", company="Wonderful")
    records = wire.to_records(_account(), answer)
    assert [(r.type, r.id, r.name, r.job_title, r.company, r.link, r.type_label) for r in records] == [
        (RecordType.CONTACT, None, "Jane Selby", "Java Programmer", "Wonderful", "https://web/x", ""),
        (RecordType.CANDIDATE, None, "Jane Selby", "Java Programmer", "Wonderful", "https://web/x", ""),
    ]


def test_records_use_the_installations_labels() -> None:
    account = _account(labels={"resource": "Talent", "contact": "Client contact"})
    contact, candidate, user = wire.to_records(account, _person_answer("CRU", fullname="A B"))
    assert (contact.display_type, candidate.display_type, user.display_type) == ("Client contact", "Talent", "User")
    assert wire.label(account, "resource") == "Talent"
    assert wire.label(account, "opportunity") == "Job"  # default naming when not configured
    assert wire.label(_account(labels={"Opportunity": "Vacancy"}), "opportunity") == "Vacancy"


def test_more_matches_than_described_are_flagged() -> None:
    [record] = wire.to_records(_account(), _person_answer("C", count=2, fullname="Daniel O'Connor"))
    assert record.display_type == "Contact · 1 of 2"


@pytest.mark.parametrize("types", ["", None, "Z"])
def test_no_known_types_means_no_records(types: str | None) -> None:
    assert wire.to_records(_account(), _person_answer(types, fullname="X Y")) == []


def test_no_first_record_means_no_records() -> None:
    assert wire.to_records(_account(), _person_answer("C", count=0)) == []


# -- statuses ------------------------------------------------------------------------------------------


def _status(status: int, message: str = "") -> wire.Answer:
    return wire.Answer(status=status, message=message)


def test_status_zero_is_success() -> None:
    wire.check_status(_status(0), who="user 'a'", what="x")


def test_status_one_and_two_ask_to_fix_the_sign_in() -> None:
    with pytest.raises(NeedsSignIn, match=re.escape("TrackerRMS doesn't know user 'jane@agency.example'")):
        wire.check_status(_status(1, "user not found"), who="user 'jane@agency.example'", what="x")
    with pytest.raises(NeedsSignIn, match=re.escape("TrackerRMS says user 'jane@agency.example' is not active")):
        wire.check_status(_status(2, "user not active"), who="user 'jane@agency.example'", what="x")


def test_status_three_explains_the_existing_record() -> None:
    with pytest.raises(wire.ExistsAlready, match="Jane Selby \\(contact\\) is already in TrackerRMS, and TrackerRMS "
                                                 "won't overwrite it"):
        wire.check_status(_status(3, "record found"), who="u", what="Jane Selby (contact)")


def test_status_99_carries_the_reason_without_secrets() -> None:
    with pytest.raises(Rejected) as caught:
        wire.check_status(_status(99, "bad  password hunter22\nhere"), who="u", what="x", secrets=["hunter22"])
    assert str(caught.value) == "TrackerRMS refused the request as invalid: bad password … here"
    assert not isinstance(caught.value, wire.ExistsAlready)


def test_an_unknown_status_is_a_bad_response() -> None:
    with pytest.raises(BadResponse, match="unknown status 42: odd"):
        wire.check_status(_status(42, "odd"), who="u", what="x")


# -- phones ----------------------------------------------------------------------------------------------


def test_lookup_phone_formats() -> None:
    assert wire.lookup_phone(caller("+61491570006"), "national") == "0491570006"
    assert wire.lookup_phone(caller("+61255500187"), "national") == "0255500187"
    assert wire.lookup_phone(caller("+61491570006"), "e164") == "61491570006"
    with pytest.raises(InvalidNumber):
        wire.lookup_phone(caller("not a number"), "national")


def test_stored_phone_formats() -> None:
    assert wire.stored_phone("+61491570006", "national") == "0491 570 006"
    assert wire.stored_phone("+61491570006", "e164") == "+61 491 570 006"


def test_destination_reads_a_national_number_in_the_callers_country() -> None:
    assert wire.destination_digits("02 5550 0250", caller("+61491570006")) == "61255500250"
    assert wire.destination_digits("+44 20 7946 0000", caller("+61491570006")) == "442079460000"
    with pytest.raises(InvalidNumber):
        wire.destination_digits("", caller("+61491570006"))


# -- ids and jobs --------------------------------------------------------------------------------------------


def _row(record_id: int, name: str, company: str = "", **extra: Any) -> wire.RecordRow:
    return wire.RecordRow.model_validate({"id": record_id, "name": name, "company": company, **extra})


def test_pick_id_needs_exactly_one_same_named_record() -> None:
    jane = Record(account_id="tr", type=RecordType.CONTACT, id=None, name="Jane Selby", company="Acme")
    assert wire.pick_id([_row(1, "jane  selby"), _row(2, "Jane Selbyson")], jane) == "1"
    assert wire.pick_id([_row(2, "Jane Selbyson")], jane) is None
    assert wire.pick_id([_row(1, "Jane Selby", "Other"), _row(3, "Jane Selby", "ACME")], jane) == "3"
    assert wire.pick_id([_row(1, "Jane Selby", "Other"), _row(3, "Jane Selby", "Else")], jane) is None


def test_a_job_row() -> None:
    # `details` is an array (academy, getRecords); the row's own link, were one sent, is not used.
    job = wire.to_job(_row(40311, "Platform Engineer", "Kestrel Software", status="Open", dateopened="2024-03-04",
                           details=[{"recordName": "Work Type", "recordValue": "Contract"},
                                    {"name": "Location", "value": "Barangaroo, NSW"}, "noise"],
                           recordLink="https://elsewhere/40311"),
                      "https://usevo1.tracker-rms.com/")
    assert job.model_dump() == {
        "id": "40311", "title": "Platform Engineer", "employer": "Kestrel Software",
        "location": "Barangaroo, NSW", "employment_type": "Contract", "status": "Open · opened 4 Mar 2024",
        "link": "https://usevo1.tracker-rms.com/web/opportunities/40311",
    }


def test_links_need_the_web_host() -> None:
    assert wire.record_link("", "O", 7) is None
    assert wire.record_link("https://usevo1.tracker-rms.com", "N", 7) == "https://usevo1.tracker-rms.com/web/contacts/7"
    assert wire.to_job(_row(7, "Job", details=[])).link is None


def test_a_sparse_job_row() -> None:
    job = wire.to_job(_row(7, "", details="free text", dateopened="soon"))
    assert (job.title, job.status, job.location, job.link) == ("(untitled job)", "Open", "", None)


@pytest.mark.parametrize(
    ("text", "day"),
    [("2024-03-04", "2024-03-04"), ("2024-03-04T09:30:00", "2024-03-04"), ("2024-03-04T09:30:00Z", "2024-03-04"),
     ("04/03/2024", "2024-03-04"), ("", None), (None, None), ("next week", None)],
)
def test_parse_date(text: str | None, day: str | None) -> None:
    parsed = wire.parse_date(text)
    assert (parsed.isoformat() if parsed else None) == day


# -- activities --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [(0, 5, "12:05 AM"), (9, 0, "09:00 AM"), (11, 59, "11:59 AM"), (12, 0, "12:00 PM"), (14, 45, "02:45 PM"),
     (23, 30, "11:30 PM")],
)
def test_clock_time(hour: int, minute: int, text: str) -> None:
    assert wire.clock_time(datetime(2024, 1, 1, hour, minute)) == text


def test_inbound_activity_for_a_contact_in_the_recruiters_zone() -> None:
    jane = Record(account_id="tr", type=RecordType.CONTACT, id=None, name="Jane Selby")
    started = datetime(2024, 3, 5, 23, 10, 20, tzinfo=UTC)  # 10:10 AM the next day in Sydney (AEDT)
    assert wire.activity_body(_note(jane, Direction.INBOUND, started), "N", "10412", AEDT) == {
        "subject": "Inbound call with Jane Selby",
        "type": "Telephone",
        "date": "2024-03-06",
        "time": "10:10 AM",
        "status": "Completed",
        "contactType": "Inbound",
        "note": "Discussed the role.",
        "linkRecordType": "N",
        "linkRecordId": 10412,
    }


def test_outbound_activity_for_a_candidate() -> None:
    ethan = Record(account_id="tr", type=RecordType.CANDIDATE, id="20511", name="Ethan Brooks")
    body = wire.activity_body(_note(ethan, Direction.OUTBOUND, datetime(2024, 3, 6, 3, 45, tzinfo=UTC), "VM"),
                              "R", "20511", AEDT)
    assert (body["subject"], body["contactType"], body["date"], body["time"], body["linkRecordType"],
            body["linkRecordId"], body["note"]) == (
        "Outbound call with Ethan Brooks", "Outbound", "2024-03-06", "02:45 PM", "R", 20511, "VM")


def test_a_zone_with_daylight_saving() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        sydney = zoneinfo.ZoneInfo("Australia/Sydney")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database")
    jane = Record(account_id="tr", type=RecordType.CONTACT, id="1", name="Jane Selby")
    winter = wire.activity_body(_note(jane, Direction.INBOUND, datetime(2024, 7, 1, 0, 0, tzinfo=UTC)), "N", "1",
                                sydney)
    summer = wire.activity_body(_note(jane, Direction.INBOUND, datetime(2024, 1, 1, 0, 0, tzinfo=UTC)), "N", "1",
                                sydney)
    assert (winter["time"], summer["time"]) == ("10:00 AM", "11:00 AM")


# -- new records ---------------------------------------------------------------------------------------------


def _jane(**changes: Any) -> NewPerson:
    return NewPerson.model_validate({"first_name": "Jane", "last_name": "Selby", "job_title": "Java Programmer",
                                     "company": "Wonderful Java Inc", "phone": "+61491570222",
                                     "email": "jane@wonderful.example", **changes})


def test_contact_sections() -> None:
    assert bodies.contact_sections(_jane(phone_kind="work", note="Called about roles"), "national") == {
        "instructions": {"createcompanyifnotexists": True, "overwritecontact": False},
        "contact": {"firstname": "Jane", "lastname": "Selby", "fullname": "Jane Selby",
                    "jobtitle": "Java Programmer", "company": "Wonderful Java Inc", "email": "jane@wonderful.example",
                    "businessphone": "0491 570 222", "note": "Called about roles"},
    }


def test_resource_sections() -> None:
    sections = bodies.resource_sections(_jane(phone_kind="work"), "e164")
    assert sections["instructions"] == {"overwriteresource": False}
    assert sections["resource"]["workphone"] == "+61 491 570 222"
    assert sections["resource"]["source"] == "Phone call"


@pytest.mark.parametrize(("lead_for", "letter"), [("contact", "N"), ("candidate", "R")])
def test_lead_sections(lead_for: str, letter: str) -> None:
    sections = bodies.lead_sections(_jane(lead_for=lead_for, note="Wants two developers"), "national")
    assert sections["instructions"] == {"createpersonifnotexists": True, "notifydepartment": False}
    lead = sections["lead"]
    assert (lead["leadname"], lead["source"], lead["description"], lead["leadpersontype"], lead["cellphone"]) == (
        "Phone call from Jane Selby", "Phone call", "Wants two developers", letter, "0491 570 222")


def test_resume_sections() -> None:
    bare = bodies.resume_sections("cv.pdf", "JVBERi0=", None)
    assert bare == {"instructions": {}, "resource": {"source": "Phone call"},
                    "file": {"filename": "cv.pdf", "data": "JVBERi0="}}
    named = bodies.resume_sections("cv.pdf", "JVBERi0=", _jane())
    assert named["resource"]["fullname"] == "Jane Selby"


def test_a_new_person_is_validated() -> None:
    assert _jane(first_name="  Jane ").first_name == "Jane"
    for bad in ({"first_name": " "}, {"phone": "0491570222"}, {"email": "jane"}, {"phone_kind": "fax"},
                {"surname": "x"}):
        with pytest.raises(ValidationError):
            _jane(**bad)


# -- sign-in ---------------------------------------------------------------------------------------------


def test_oauth_config_follows_the_seed() -> None:
    config = oauth_config(_account(auth="oauth", api_url="https://evoapius.tracker-rms.com/"))
    assert (config.client_id, config.scope, config.authorize_url, config.token_url, config.use_pkce) == (
        "EvoApi_1.0", "read,write", "https://evoapius.tracker-rms.com/oAuth2/Authorize",
        "https://evoapius.tracker-rms.com/oAuth2/Token", True)
    # A fixed, registrable redirect URI, repeated on the refresh grant as the seed lists it.
    assert (config.redirect_uri, config.refresh_sends_redirect_uri) == ("http://127.0.0.1:47615/callback", True)
    assert oauth_config(_account(auth="oauth", pkce=False)).use_pkce is False
    assert oauth_config_for(_account(auth="oauth")) is not None


@pytest.mark.parametrize(("auth", "secret"), [("password", "password"), ("apikey", "API key")])
def test_password_and_api_key_accounts_have_no_browser_sign_in(auth: str, secret: str) -> None:
    with pytest.raises(ConfigError, match=f"signs in with its {secret}, not through the browser"):
        oauth_config_for(_account(auth=auth))


def test_envelope() -> None:
    assert wire.envelope("checkPerson", {}, {"details": {"phone": "1"}}) == {
        "trackerrms": {"checkPerson": {"credentials": {}, "details": {"phone": "1"}}}}


def test_naming_conventions_come_first_and_typed_labels_stand_in() -> None:
    account = _account(labels={"resource": "Talent", "contact": "Client contact"})
    named = {"resource": "Candidate", "opportunity": "Vacancy"}
    assert wire.label(account, "opportunity", named) == "Vacancy"
    assert wire.label(account, "resource", named) == "Candidate"
    assert wire.label(account, "contact", named) == "Client contact"  # not named by TrackerRMS: typed
    assert wire.label(account, "resource") == "Talent"  # no settings data: typed
    assert wire.label(_account(), "lead") == "Lead"


def test_settings_answer_names() -> None:
    answer = wire.SettingsAnswer.model_validate(
        {"status": 0, "namingConventions": {"Resource": " Candidate ", "ticket": "", "x": 1}})
    assert answer.names() == {"resource": "Candidate"}


def test_an_activity_names_its_user_when_set() -> None:
    jane = Record(account_id="tr", type=RecordType.CONTACT, id="11001", name="Jane Selby")
    note = NoteDraft(call_id="c", account_id="tr", record=jane, direction=Direction.OUTBOUND, text="t",
                     call_started_at=datetime(2024, 1, 1, tzinfo=UTC), duration_s=1)
    assert "userId" not in wire.activity_body(note, "N", "11001", UTC)
    assert wire.activity_body(note, "N", "11001", UTC, 20)["userId"] == 20
