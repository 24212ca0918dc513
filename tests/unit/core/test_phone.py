from __future__ import annotations

import pytest

from app.core.phone import CallerNumber, NumberKind, PhoneNumber, normalise
from app.errors import InvalidNumber


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("0412 345 678", "AU", "+61412345678"),
        ("+61 (0)412-345-678".replace("(0)", ""), None, "+61412345678"),
        ("0061412345678", None, "+61412345678"),
        ("(02) 9876 5432", "au", "+61298765432"),
        ("sip:+61412345678@127.0.0.1:5072", None, "+61412345678"),
        ("<sip:0412345678@pbx.local;user=phone>", "AU", "+61412345678"),
        ("tel:+44 20 7946 0958", "AU", "+442079460958"),
        ("033004799", "IL", "+97233004799"),
    ],
)
def test_normalises_to_e164(raw: str, region: str | None, e164: str) -> None:
    assert normalise(raw, region).e164 == e164


def test_recruit_wizard_digits_have_no_plus() -> None:
    assert normalise("0412 345 678", "AU").digits == "61412345678"


def test_display_is_national_at_home_and_international_abroad() -> None:
    number = normalise("+61412345678", None)
    assert number.display("AU") == "0412 345 678"
    assert number.display("GB") == "+61 412 345 678"
    assert number.national() == "0412345678"


@pytest.mark.parametrize(
    ("raw", "region", "reason"),
    [
        ("abc", "AU", "is not a phone number"),
        ("+", "AU", "is not a phone number"),
        ("", "AU", "No phone number"),
        ("1" * 40, "AU", "too long"),
        ("9" * 70, "AU", "too long"),
        ("0412345678", None, "no country code and no default region"),
        ("+999 1234 5678", None, "unknown country code"),
        ("12", "AU", "wrong number of digits"),
    ],
)
def test_bad_input_is_reported_with_a_reason(raw: str, region: str | None, reason: str) -> None:
    with pytest.raises(InvalidNumber, match=reason):
        normalise(raw, region)


# -- CallerNumber: a caller's number, read once at the door -------------------------------------------


def test_a_caller_in_e164_carries_every_form() -> None:
    caller = CallerNumber.parse("sip:+61412345678@127.0.0.1:5072", None)
    assert caller == CallerNumber(raw="sip:+61412345678@127.0.0.1:5072", kind=NumberKind.NUMBER,
                                  e164="+61412345678", region="AU", national="0412 345 678",
                                  international="+61 412 345 678", national_number="412345678")
    assert (caller.digits, caller.national_digits, caller.is_number) == ("61412345678", "0412345678", True)
    assert caller.phone == PhoneNumber("+61412345678", "AU")
    assert caller.why_not_looked_up is None


def test_a_national_caller_is_read_in_the_default_region_and_shown_by_where_the_user_is() -> None:
    caller = CallerNumber.parse("(02) 9876 5432", "au")
    assert (caller.e164, caller.region) == ("+61298765432", "AU")
    assert caller.display("AU") == "(02) 9876 5432"
    assert caller.display("GB") == caller.international == "+61 2 9876 5432"


@pytest.mark.parametrize("raw", ["", "   ", "anonymous", "Anonymous", "sip:anonymous@anonymous.invalid",
                                 "<sip:anonymous@anonymous.invalid>", "Restricted", "private", "withheld",
                                 "Unknown", "unavailable"])
def test_a_withheld_caller_is_its_own_kind_never_an_error(raw: str) -> None:
    caller = CallerNumber.parse(raw, "AU")
    assert caller.kind is NumberKind.WITHHELD and caller.raw == raw
    assert (caller.e164, caller.region, caller.national, caller.international, caller.digits) == (
        None, None, "", "", "")
    assert not caller.is_number and caller.phone is None
    assert caller.display("AU") == "Withheld number"
    assert caller.why_not_looked_up == "The caller's number is withheld."


@pytest.mark.parametrize(("raw", "region"), [("204", "AU"), ("204", None), ("12", "AU"), ("sip:4711@pbx.local", "AU"),
                                             ("12 34", None)])
def test_an_extension_only_caller_is_its_own_kind(raw: str, region: str | None) -> None:
    caller = CallerNumber.parse(raw, region)
    assert caller.kind is NumberKind.EXTENSION and caller.e164 is None and not caller.is_number
    assert caller.display() == f"Extension {caller.extension}"
    assert caller.extension == raw.removeprefix("sip:").split("@")[0].replace(" ", "")
    assert caller.why_not_looked_up


@pytest.mark.parametrize(("raw", "reason"), [
    ("abc", "is not a phone number"),
    ("call me maybe", "is not a phone number"),
    ("+", "is not a phone number"),
    ("1" * 40, "too long"),
    ("+999 1234 5678", "unknown country code"),
    ("0412345678", "no country code and no default region"),
])
def test_text_that_cannot_be_a_number_is_refused(raw: str, reason: str) -> None:
    region = None if raw.startswith(("0412", "+999")) else "AU"
    with pytest.raises(InvalidNumber, match=reason):
        CallerNumber.parse(raw, region)


def test_read_keeps_what_a_softphone_reported_with_the_reason() -> None:
    caller = CallerNumber.read("sip:bob@example.com", "AU")
    assert caller.kind is NumberKind.UNREADABLE and caller.raw == "sip:bob@example.com" and caller.e164 is None
    assert caller.problem is not None and "not a phone number" in caller.problem
    assert caller.why_not_looked_up == caller.problem and caller.display("AU") == "sip:bob@example.com"
    assert CallerNumber.read("0412 345 678", "AU") == CallerNumber.parse("0412 345 678", "AU")


def test_two_reports_are_the_same_caller_by_number_else_by_text() -> None:
    assert CallerNumber.parse("0412 345 678", "AU").same_caller(CallerNumber.parse("+61412345678", None))
    assert not CallerNumber.parse("0412 345 678", "AU").same_caller(CallerNumber.parse("0412 345 679", "AU"))
    assert CallerNumber.parse("anonymous", "AU").same_caller(CallerNumber.parse(" anonymous", "AU"))
    assert not CallerNumber.parse("204", "AU").same_caller(CallerNumber.parse("205", "AU"))
