from __future__ import annotations

import pytest

from app.core.phone import normalise
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
