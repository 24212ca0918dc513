"""The regions phone numbers can be read in, with their English names, for Settings' country list."""

from __future__ import annotations

from functools import cache

import phonenumbers

# Regions phonenumbers supports but its locale data leaves unnamed.
_MISSING = {"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo"}


def region_name(code: str) -> str:
    # Imported here, not at the top: the locale data takes ~0.5 s and ~100 MB to load, and only the
    # Settings window's country list needs it (not the start-up path to the tray).
    from phonenumbers.geodata.locale import LOCALE_DATA

    names = LOCALE_DATA.get(code, {})
    name = names.get("en", "")
    if name.startswith("*"):  # "*xx": the name is kept under another language
        name = names.get(name[1:], "")
    return name or _MISSING.get(code, code)


@cache
def regions() -> tuple[tuple[str, str], ...]:
    """(code, English name) for every region with phone-number rules, sorted by name."""
    pairs = ((code, region_name(code)) for code in phonenumbers.SUPPORTED_REGIONS)
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


def region_label(code: str) -> str:
    """The name and code, e.g. "Australia (AU)"; the code alone when phonenumbers has no rules for it."""
    return f"{region_name(code)} ({code})" if code in phonenumbers.SUPPORTED_REGIONS else code
