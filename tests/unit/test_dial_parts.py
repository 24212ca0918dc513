"""Placing calls, the pure parts: call links as a browser hands them over, [dialer] settings, and the
desktop opener's refusals."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.config import settings
from app.config.settings import BaresipDialerSettings, Settings, SystemDialerSettings
from app.crm.puzzel.settings import PuzzelDialerSettings
from app.errors import ConfigError, InvalidNumber, Rejected, Unavailable
from app.telephony import dialers
from app.telephony.links import is_call_link, number_from_link

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


# -- the desktop opener ---------------------------------------------------------------------------


async def test_the_opener_says_when_no_program_handles_the_link() -> None:
    await dialers._run_opener(["true", "tel:+61491570006"])
    with pytest.raises(Rejected, match="No program is set up to open tel: links"):
        await dialers._run_opener(["false", "tel:+61491570006"])
    with pytest.raises(Unavailable, match="'ringside-no-such-opener' is not installed"):
        await dialers._run_opener(["ringside-no-such-opener", "tel:+61491570006"])
