"""Where the caller is and their time, from the number: shown only when it differs from the recruiter's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.core.caller_place import caller_place
from app.core.phone import CallerNumber

SYDNEY_MORNING = datetime(2025, 12, 2, 17, 14, tzinfo=ZoneInfo("Australia/Sydney"))  # 06:14 in London


def place(number: str, home: str, now: datetime) -> str:
    found = caller_place(CallerNumber.read(number, home), home)
    assert found is not None
    return found.text(now)


def test_a_caller_abroad_shows_their_country_and_time() -> None:
    assert place("+44 20 7946 0000", "AU", SYDNEY_MORNING) == "United Kingdom · 06:14 there"
    # phonenumbers files many UK mobiles under Guernsey: they are the United Kingdom's
    assert place("+44 7911 123456", "AU", SYDNEY_MORNING) == "United Kingdom · 06:14 there"


def test_a_caller_at_home_and_on_the_same_clock_shows_nothing() -> None:
    assert place("0491 570 006", "AU", SYDNEY_MORNING) == ""
    assert place("02 9374 4000", "AU", SYDNEY_MORNING) == ""


def test_same_country_another_time_zone_shows_only_the_time() -> None:
    brisbane = "+61 7 3300 0000"  # Queensland keeps no summer time
    assert place(brisbane, "AU", SYDNEY_MORNING) == "16:14 there"


def test_a_number_whose_zones_disagree_shows_the_country_without_a_time() -> None:
    london = datetime(2025, 12, 2, 6, 14, tzinfo=ZoneInfo("Europe/London"))
    # An Australian mobile could be in Perth or in Sydney
    assert place("+61 491 570 006", "GB", london) == "Australia"


def test_same_time_abroad_shows_only_the_country() -> None:
    paris = datetime(2025, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert place("+49 151 12345678", "FR", paris) == "Germany"


def test_no_place_for_a_withheld_caller_or_an_extension() -> None:
    assert caller_place(CallerNumber.read("anonymous", "AU"), "AU") is None
    assert caller_place(CallerNumber.read("204", "AU"), "AU") is None


def test_a_fixed_offset_clock_compares_by_offset() -> None:
    # the app's clock is datetime.now().astimezone(): a fixed offset, not a named zone
    utc_now = datetime(2025, 12, 2, 6, 14, tzinfo=UTC)
    assert place("+44 20 7946 0000", "GB", utc_now) == ""
