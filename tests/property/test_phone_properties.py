"""Phone parsing takes any text: it gives a number or the documented InvalidNumber, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.phone import PhoneNumber, normalise, strip_uri, try_normalise
from app.errors import InvalidNumber

REGIONS = st.sampled_from([None, "AU", "GB", "US", "DE", "RU", "au", "ZZ", "", "XX"])
# Text that looks like what softphones and people send, so that many examples parse.
DIALLED = st.builds(
    lambda prefix, digits, seps: prefix + "".join(d + s for d, s in zip(digits, seps, strict=False)),
    st.sampled_from(["", "+", "00", "0", "+61", "sip:", "tel:+", "<sip:", "callto:"]),
    st.text("0123456789", min_size=1, max_size=18),
    st.lists(st.sampled_from(["", "", " ", "-", ".", "(", ")", "/"]), min_size=18, max_size=18),
)
ANY_TEXT = st.one_of(st.text(max_size=80), DIALLED, st.text("+0123456789 ()-.#*;@:<>", max_size=40))
CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CHECKS
@given(ANY_TEXT, REGIONS)
def test_any_text_is_a_number_or_invalid_number(text: str, region: str | None) -> None:
    try:
        number = normalise(text, region)
    except InvalidNumber as exc:
        reason = str(exc)
        number = None
    if number is None:
        assert reason  # the documented error, with a reason to show
        assert try_normalise(text, region) is None
        return
    assert isinstance(number, PhoneNumber)
    assert number.e164.startswith("+") and number.e164[1:].isdigit()
    assert number.digits == number.e164[1:]
    # What came out goes back in unchanged, and formats without raising.
    assert normalise(number.e164, None) == number
    assert number.national().isdigit()
    assert number.display(region or None)


@CHECKS
@given(st.text(max_size=80))
def test_strip_uri_never_raises(text: str) -> None:
    assert isinstance(strip_uri(text), str)
