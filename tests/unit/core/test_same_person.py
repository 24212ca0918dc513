"""core.same_person: one rule for "the same person" across CRMs, and a pick carried by it."""

from __future__ import annotations

from app.core.models import AccountResult, LookupStatus, Record, RecordType
from app.core.same_person import ambiguous, carry, normalised, same_person


def _rec(account: str, name: str, company: str = "", email: str = "", *, rid: str | None = "1",
         one_of: int = 0) -> Record:
    return Record(account_id=account, type=RecordType.CONTACT, id=rid, name=name, company=company, email=email,
                  one_of=one_of, type_label="Contact · 1 of 2" if one_of else "")


def _found(account: str, *records: Record) -> AccountResult:
    return AccountResult(account_id=account, account_label=account.upper(), status=LookupStatus.FOUND,
                         records=records, complete=True)


MEI = _rec("rw", "Mei Lin Chen", "Harbourline Logistics", "meilin.chen@harbourline.example")


def test_names_are_compared_without_case_accents_spacing_or_apostrophe_style() -> None:
    assert normalised("  Daniel  O’Connor ") == "daniel o'connor"
    assert normalised("Zoë") == "zoe"


def test_same_name_and_agreeing_company_or_email_where_both_give_one() -> None:
    assert same_person(MEI, _rec("tr", "mei lin  chen", "HARBOURLINE LOGISTICS"))
    assert same_person(MEI, _rec("tr", "Mei Lin Chen"))  # no company there: nothing to disagree
    assert not same_person(MEI, _rec("tr", "Mei Lin Chen", "Another Company"))
    assert not same_person(MEI, _rec("tr", "Mei Lin Chen", email="mei@elsewhere.example"))
    assert not same_person(MEI, _rec("tr", "Daniel O'Connor", "Harbourline Logistics"))
    assert not same_person(_rec("a", ""), _rec("b", ""))


def test_a_pick_lands_on_the_same_person_in_another_account() -> None:
    mei_tr = _rec("tr", "Mei Lin Chen", "Harbourline Logistics", rid="10419")
    landed = carry(MEI, _found("tr", _rec("tr", "Daniel O'Connor"), mei_tr), by_name=False)
    assert landed is not None and landed.record == mei_tr and not landed.added


def test_over_a_guess_the_picked_person_is_named_where_the_crm_finds_records_by_name() -> None:
    guess = _rec("tr", "Daniel O'Connor", "Harbourline Logistics", rid=None, one_of=2)
    landed = carry(MEI, _found("tr", guess), by_name=True)
    assert landed is not None and landed.added and landed.record is not None
    assert (landed.record.name, landed.record.id, landed.record.type_label) == ("Mei Lin Chen", None, "Contact")


def test_where_it_cannot_be_carried_the_recruiter_picks() -> None:
    guess = _rec("tr", "Daniel O'Connor", rid=None, one_of=2)
    landed = carry(MEI, _found("tr", guess), by_name=False)
    assert landed is not None and landed.record is None
    twice = carry(MEI, _found("tr", _rec("tr", "Mei Lin Chen", rid="1"), _rec("tr", "Mei Lin Chen", rid="2")),
                  by_name=True)
    assert twice is not None and twice.record is None
    assert carry(MEI, _found("rw", MEI), by_name=True) is None  # the picked account itself


def test_a_guess_or_several_matches_is_ambiguous_until_picked() -> None:
    guess = _rec("tr", "Daniel O'Connor", rid=None, one_of=2)
    assert ambiguous(_found("tr", guess), None)
    assert not ambiguous(_found("tr", guess), guess.key)
    assert ambiguous(_found("rw", MEI, _rec("rw", "Daniel O'Connor")), None)
    assert not ambiguous(_found("rw", MEI), None)
