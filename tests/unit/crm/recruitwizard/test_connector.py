"""Recruit Wizard payloads, mapped without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.core.models import Direction, NoteDraft, Record, RecordType
from app.crm._shared.http import parse_retry_after
from app.crm.recruitwizard.connector import (
    LookupMatch,
    OpenJob,
    activity_body,
    activity_date,
    oauth_config,
    to_job,
    to_record,
)
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.errors import Rejected

WEB = "https://app.example.test"


@pytest.fixture
def account() -> RecruitWizardAccount:
    return RecruitWizardAccount(
        kind="recruitwizard", id="rw", client_id="ringside-demo",
        api_url="https://api.example.test", web_url=WEB + "/",
    )


def _record(record_type: RecordType, record_id: str | None = "533995") -> Record:
    return Record(account_id="rw", type=record_type, id=record_id, name="Priya Raman")


def _note(record: Record, direction: Direction, text: str = "Great conversation.") -> NoteDraft:
    started = datetime(2020, 11, 29, 22, 10, 20, 721_456, tzinfo=UTC)
    return NoteDraft(
        call_id="c1", account_id="rw", record=record, direction=direction, text=text,
        call_started_at=started, duration_s=95,
    )


def test_inbound_call_against_a_contact() -> None:
    body = activity_body(_note(_record(RecordType.CONTACT), Direction.INBOUND))
    assert body == {
        "StatusID": 2,
        "Notes": "Great conversation.",
        "TypeId": 1,
        "ActivityDate": "2020-11-29T22:10:20.721Z",
        "LinkedPlayers": [{"EntityID": 2, "PlayerID": 533995}],
    }


def test_outbound_call_against_a_candidate() -> None:
    body = activity_body(_note(_record(RecordType.CANDIDATE, "42"), Direction.OUTBOUND))
    assert body["TypeId"] == 4
    assert body["StatusID"] == 2
    assert body["LinkedPlayers"] == [{"EntityID": 3, "PlayerID": 42}]


@pytest.mark.parametrize("record_type", [RecordType.CLIENT, RecordType.USER, RecordType.OTHER])
def test_other_record_types_are_refused_before_sending(record_type: RecordType) -> None:
    with pytest.raises(Rejected, match="only logs calls against contacts and candidates"):
        activity_body(_note(_record(record_type), Direction.INBOUND))


def test_a_record_without_a_numeric_id_is_refused() -> None:
    with pytest.raises(Rejected, match="no Recruit Wizard id"):
        activity_body(_note(_record(RecordType.CONTACT, None), Direction.INBOUND))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2020, 11, 29, 22, 10, 20, 721_999, tzinfo=UTC), "2020-11-29T22:10:20.721Z"),
        (datetime(2021, 1, 2, 3, 4, 5, tzinfo=UTC), "2021-01-02T03:04:05.000Z"),
        # Sydney summer time (UTC+11) becomes the previous day in UTC.
        (datetime(2020, 11, 30, 9, 10, 20, 5_000, tzinfo=timezone(timedelta(hours=11))),
         "2020-11-29T22:10:20.005Z"),
        (datetime(2020, 11, 29, 22, 10, 20), "2020-11-29T22:10:20.000Z"),  # naive: taken as UTC
    ],
)
def test_activity_date_is_utc_with_milliseconds(moment: datetime, expected: str) -> None:
    assert activity_date(moment) == expected


@pytest.mark.parametrize(
    ("entity", "record_type", "display", "link"),
    [
        (1, RecordType.CLIENT, "Client", f"{WEB}/secure/clients/details.aspx?ClientID=7"),
        (2, RecordType.CONTACT, "Contact", f"{WEB}/secure/contacts/details.aspx?ContactID=7"),
        (3, RecordType.CANDIDATE, "Candidate", f"{WEB}/secure/candidates/details.aspx?CandidateId=7"),
        (4, RecordType.OTHER, "Job", f"{WEB}/secure/jobs/details.aspx?JobID=7"),
        (5, RecordType.OTHER, "Placement", None),
        (7, RecordType.USER, "User", None),
        (8, RecordType.OTHER, "Opportunity", None),
        (9, RecordType.OTHER, "Site", None),
        # The rest of the reference renderer's list (CallerRenderer.js): 6 and 10-15.
        (6, RecordType.OTHER, "Submission", None),
        (10, RecordType.OTHER, "Meeting", None),
        (11, RecordType.OTHER, "Interview", None),
        (12, RecordType.OTHER, "Email", None),
        (13, RecordType.OTHER, "Activity", None),
        (14, RecordType.OTHER, "Document", None),
        (15, RecordType.OTHER, "Advert", None),
        (16, RecordType.OTHER, "Record type 16", None),
        (None, RecordType.OTHER, "Record", None),
    ],
)
def test_entity_codes_and_links(
    account: RecruitWizardAccount, entity: int | None, record_type: RecordType, display: str, link: str | None
) -> None:
    match = LookupMatch.model_validate(
        {"ID": 7, "Entity": entity, "FullName": " Priya Raman ", "Company": "Harbour Analytics",
         "JobTitle": "Head of Data", "Unknown": {"ignored": True}}
    )
    record = to_record(account, match)
    assert record.type is record_type
    assert record.display_type == display
    assert record.id == "7"
    assert record.account_id == "rw"
    assert record.name == "Priya Raman"
    assert (record.company, record.job_title) == ("Harbour Analytics", "Head of Data")
    assert record.link == link


def test_a_link_in_the_response_wins(account: RecruitWizardAccount) -> None:
    match = LookupMatch.model_validate({"ID": 7, "Entity": 2, "Link": "https://rw.example/x?id=7"})
    assert to_record(account, match).link == "https://rw.example/x?id=7"


def test_missing_optional_fields_are_tolerated(account: RecruitWizardAccount) -> None:
    record = to_record(account, LookupMatch.model_validate({"ID": 9, "Entity": 3, "FullName": None}))
    assert (record.name, record.company, record.job_title) == ("(no name)", "", "")


def test_open_job_mapping(account: RecruitWizardAccount) -> None:
    row = OpenJob.model_validate(
        {"JobID": 1201, "Title": "Data Engineer", "EmploymentType": "Permanent", "Employer": "Harbour",
         "Location_Country": "Australia", "Location_State": "", "Location_Suburb": "Surry Hills",
         "Extra": 1}
    )
    job = to_job(account, row)
    assert job.id == "1201"
    assert job.title == "Data Engineer"
    assert job.employer == "Harbour"
    assert job.employment_type == "Permanent"
    assert job.location == "Surry Hills, Australia"
    assert job.link == f"{WEB}/secure/jobs/details.aspx?JobID=1201"


def test_oauth_endpoints_follow_the_api_host(account: RecruitWizardAccount) -> None:
    config = oauth_config(account)
    assert config.authorize_url == "https://api.example.test/core/connect/authorize"
    assert config.token_url == "https://api.example.test/core/connect/token"
    assert config.revocation_url == "https://api.example.test/core/connect/revocation"
    assert config.scope == "read write offline_access"
    assert config.client_id == "ringside-demo"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(header: str | None, expected: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == expected
