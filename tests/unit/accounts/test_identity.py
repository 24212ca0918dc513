"""Who an account is signed in as, and the warning's words (dates in English whatever the locale)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.accounts.identity import day, signed_in_as, warning
from app.crm.recruitwizard.connector import UserInfo

ENDS = datetime(2027, 2, 2, 12, 0, tzinfo=UTC)


def test_day_is_written_the_same_everywhere() -> None:
    assert day(ENDS) == "Tue 2 Feb 2027"
    assert day(ENDS, year=False) == "Tue 2 Feb"


def test_signed_in_as_uses_what_userinfo_gave() -> None:
    assert signed_in_as(UserInfo(name="Alex Morgan", email="alex@agency.example")) == \
        "Signed in as Alex Morgan (alex@agency.example)"
    assert signed_in_as(UserInfo(email="alex@agency.example")) == "Signed in as alex@agency.example"
    assert signed_in_as(UserInfo(sub="7731")) == "Signed in as 7731"
    assert signed_in_as(UserInfo()) == "Signed in (the CRM did not say as whom)"


def test_the_warning_before_and_after_the_end() -> None:
    before = datetime(2027, 1, 28, tzinfo=UTC)
    assert warning("Recruit Wizard", ENDS, before) == (
        "Recruit Wizard: your sign-in ends on Tue 2 Feb; sign in again before then (tray → Settings → Sign in…)")
    assert warning("Recruit Wizard", ENDS, datetime(2027, 2, 3, tzinfo=UTC)).startswith(
        "Recruit Wizard: your sign-in ended on Tue 2 Feb; sign in again")
