"""The plain table of region names matches phonenumbers' locale data (loaded only here)."""

from __future__ import annotations

import phonenumbers

from app.core.country_names import NAMES
from app.core.regions import region_name

# Regions phonenumbers supports but its locale data leaves unnamed.
_MISSING = {"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo"}


def _locale_name(code: str) -> str:
    from phonenumbers.geodata.locale import LOCALE_DATA

    names = LOCALE_DATA.get(code, {})
    name = names.get("en", "")
    if name.startswith("*"):  # "*xx": the name is kept under another language
        name = names.get(name[1:], "")
    return name or _MISSING.get(code, code)


def test_every_region_is_named_as_phonenumbers_names_it() -> None:
    assert {code: _locale_name(code) for code in phonenumbers.SUPPORTED_REGIONS} == NAMES


def test_region_name_uses_the_table() -> None:
    assert region_name("GB") == "United Kingdom"
    assert region_name("au") == "Australia"
    assert region_name("ZZ") == "ZZ"
