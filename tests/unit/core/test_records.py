"""core.records: which phone field a number goes in, a form's first guess at a name, and how a
fresh lookup is amended with the record just created."""

from __future__ import annotations

from app.core.models import AccountResult, LookupStatus, Record, RecordType
from app.core.ports import CreatedRecord, NewRecordKind
from app.core.records import phone_kind, split_name, with_created

NOTE = "Created from the CV: TrackerRMS doesn't have this number on the record yet."


def _created(kind: NewRecordKind = NewRecordKind.CONTACT, record_id: str | None = "20633",
             name: str = "Jane Selby") -> CreatedRecord:
    return CreatedRecord(account_id="tr", kind=kind, id=record_id, name=name, detail="Created in TrackerRMS")


def _jane(record_type: RecordType = RecordType.CONTACT, record_id: str | None = None,
          company: str = "Wonderful Java Inc") -> Record:
    return Record(account_id="tr", type=record_type, id=record_id, name="Jane  Selby", company=company)


def _result(*records: Record) -> AccountResult:
    status = LookupStatus.FOUND if records else LookupStatus.NOT_FOUND
    return AccountResult(account_id="tr", account_label="TrackerRMS", status=status, records=records, complete=True)


def test_mobiles_go_in_the_mobile_field_the_rest_in_work() -> None:
    assert phone_kind("+61491570159") == "mobile"
    assert phone_kind("+61370100200") == "work"
    assert phone_kind("+12025550123") == "work"  # could be either in the US: an office line is likelier
    assert phone_kind("not a number") == "work"


def test_names_split_at_the_last_word() -> None:
    assert split_name("Mei Lin Chen") == ("Mei Lin", "Chen")
    assert split_name(" Priya  Raman ") == ("Priya", "Raman")
    assert split_name("Cher") == ("Cher", "")
    assert split_name("") == ("", "")


def test_the_new_id_is_filled_into_the_record_the_crm_found() -> None:
    fresh = _result(_jane())
    amended = with_created(fresh, _created(), "Wonderful Java Inc", NOTE)
    assert [r.id for r in amended.records] == ["20633"]
    assert amended.error is None


def test_a_namesake_elsewhere_is_not_given_the_new_id() -> None:
    fresh = _result(_jane(company="Another Company"))
    amended = with_created(fresh, _created(), "Wonderful Java Inc", NOTE)
    assert [(r.id, r.company) for r in amended.records] == [
        (None, "Another Company"), ("20633", "Wonderful Java Inc")]


def test_a_new_record_the_crm_does_not_find_by_number_is_added_saying_so() -> None:
    amended = with_created(_result(), _created(NewRecordKind.CANDIDATE), "", NOTE)
    assert amended.status is LookupStatus.FOUND
    [record] = amended.records
    assert (record.type, record.id, record.name) == (RecordType.CANDIDATE, "20633", "Jane Selby")
    assert amended.error == NOTE


def test_nothing_to_add_for_leads_unknown_ids_errors_or_records_already_known() -> None:
    fresh = _result()
    assert with_created(fresh, _created(NewRecordKind.LEAD), "", NOTE) == fresh
    assert with_created(fresh, _created(record_id=None), "", NOTE) == fresh
    failed = AccountResult(account_id="tr", account_label="TrackerRMS", status=LookupStatus.ERROR, error="Down.")
    assert with_created(failed, _created(), "", NOTE) == failed
    known = _result(_jane(record_id="20633"))
    assert with_created(known, _created(), "Wonderful Java Inc", NOTE) == known
