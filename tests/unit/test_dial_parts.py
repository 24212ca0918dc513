"""Placing calls, the pure parts: call links as a browser hands them over, [dialer] settings, how a
dialled call meets the softphone's report of it, and the desktop opener's refusals."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.config import settings
from app.config.settings import BaresipDialerSettings, Settings, SystemDialerSettings
from app.core.dialing import LINK_WINDOW_S, DialLinks
from app.core.models import CallEvent, Direction, EventType
from app.core.session import CallSession
from app.crm.puzzel.settings import PuzzelDialerSettings
from app.errors import ConfigError, InvalidNumber, Rejected, Unavailable
from app.telephony import dialers
from app.telephony.links import is_call_link, number_from_link

T0 = datetime(2025, 3, 4, 3, 2, tzinfo=UTC)
PRIYA = "+61491570006"


@pytest.mark.parametrize(("link", "number"), [
    ("tel:+61491570006", "+61491570006"),
    ("tel:%2B61-491-570-006;phone-context=+61", "+61-491-570-006"),
    ("callto://+61491570006", "+61491570006"),
    ("callto:0491570006/", "0491570006"),
    ("sip:+61491570006@pbx.example.com;user=phone", "+61491570006"),
    ("SIPS:0491570006@pbx.example.com", "0491570006"),
    ("  tel:0491 570 006  ", "0491 570 006"),
])
def test_the_number_of_a_call_link(link: str, number: str) -> None:
    assert is_call_link(link)
    assert number_from_link(link) == number


@pytest.mark.parametrize("text", ["0491570006", "https://example.com", "mailto:a@b.c", "--home"])
def test_other_arguments_are_not_call_links(text: str) -> None:
    assert not is_call_link(text)


@pytest.mark.parametrize(("link", "why"), [("tel:", "has no number"), ("callto://;x=1", "has no number"),
                                           ("tel:" + "1" * 600, "is not a tel:")])
def test_a_link_without_a_number_names_the_link(link: str, why: str) -> None:
    with pytest.raises(InvalidNumber, match=why):
        number_from_link(link)


def test_dialer_sections(tmp_path: Path) -> None:
    parsed = Settings.model_validate(tomllib.loads('[dialer]\nkind = "baresip"\ndomain = "127.0.0.1:5072"'))
    assert parsed.dialer == BaresipDialerSettings(kind="baresip", domain="127.0.0.1:5072", source="")
    parsed = Settings.model_validate(tomllib.loads('[dialer]\nkind = "puzzel"\naccount = "pz"\nqueue_key = "q1"'))
    assert parsed.dialer == PuzzelDialerSettings(kind="puzzel", account="pz", queue_key="q1")
    assert Settings.model_validate({"dialer": {"kind": "system"}}).dialer == SystemDialerSettings(kind="system")
    assert Settings().dialer is None
    roundtrip = Settings.model_validate(tomllib.loads(settings.dump(Settings(dialer=SystemDialerSettings(
        kind="system")))))
    assert roundtrip.dialer == SystemDialerSettings(kind="system")


def test_a_bad_dialer_domain_is_reported_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[general]\ndefault_region = "AU"\n\n[dialer]\nkind = "baresip"\ndomain = "pbx example"\n')
    with pytest.raises(ConfigError) as caught:
        settings.load(config)
    assert f"{config}:6: dialer.domain:" in str(caught.value)
    assert "'pbx example' is not host or host:port" in str(caught.value)


# -- DialLinks ------------------------------------------------------------------------------------


def dialled(call_id: str = "ours-1", number: str = PRIYA, at: datetime = T0) -> CallSession:
    return CallSession.start(number=number, direction=Direction.OUTBOUND, source="baresip", at=at,
                             default_region="AU", call_id=call_id)


def reported(call_id: str, *, number: str = PRIYA, direction: Direction = Direction.OUTBOUND,
             at: datetime = T0 + timedelta(seconds=1)) -> CallEvent:
    return CallEvent(type=EventType.RING, number=number, direction=direction, call_id=call_id, source="baresip",
                     at=at)


def test_the_softphones_report_pairs_with_the_newest_waiting_call_for_that_number() -> None:
    links = DialLinks(lambda: "AU")
    older, newer = dialled("ours-1"), dialled("ours-2")
    sessions = {s.call_id: s for s in (older, newer)}
    links.expect("ours-1", PRIYA)
    links.expect("ours-2", PRIYA)
    assert links.match(reported("sip-9", number="0491 570 006"), sessions) == "ours-2"
    assert links.remote_id("ours-2") == "sip-9"
    assert links.match(reported("sip-9"), sessions) == "ours-2"  # its later events too
    assert links.match(reported("sip-10"), sessions) == "ours-1"


def test_what_does_not_pair() -> None:
    links = DialLinks(lambda: "AU")
    session = dialled()
    sessions = {session.call_id: session}
    links.expect(session.call_id, PRIYA)
    assert links.match(reported("in-1", direction=Direction.INBOUND), sessions) is None
    assert links.match(reported("x-1", number="+61491570159"), sessions) is None
    late = T0 + timedelta(seconds=LINK_WINDOW_S + 1)
    assert links.match(reported("x-2", at=late), sessions) is None
    session.hang_up(T0 + timedelta(seconds=2))  # a dial that failed is not waiting any more
    assert links.match(reported("x-3"), sessions) is None
    assert links.remote_id(session.call_id) is None


# -- the desktop opener ---------------------------------------------------------------------------


async def test_the_opener_says_when_no_program_handles_the_link() -> None:
    await dialers._run_opener(["true", "tel:+61491570006"])
    with pytest.raises(Rejected, match="No program is set up to open tel: links"):
        await dialers._run_opener(["false", "tel:+61491570006"])
    with pytest.raises(Unavailable, match="'ringside-no-such-opener' is not installed"):
        await dialers._run_opener(["ringside-no-such-opener", "tel:+61491570006"])
