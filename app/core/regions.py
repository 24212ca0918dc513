"""The regions phone numbers can be read in, with their English names, for Settings' country list."""

from __future__ import annotations

from functools import cache

import phonenumbers

from app.core.country_names import NAMES


def region_name(code: str) -> str:
    """The English name ("United Kingdom"), from a plain table (cheap enough for the ring path);
    the code itself for a region the table does not know."""
    return NAMES.get(code.upper(), code)


@cache
def regions() -> tuple[tuple[str, str], ...]:
    """(code, English name) for every region with phone-number rules, sorted by name."""
    pairs = ((code, region_name(code)) for code in phonenumbers.SUPPORTED_REGIONS)
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


def region_label(code: str) -> str:
    """The name and code, e.g. "Australia (AU)"; the code alone when phonenumbers has no rules for it."""
    return f"{region_name(code)} ({code})" if code in phonenumbers.SUPPORTED_REGIONS else code
