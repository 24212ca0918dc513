"""Where a caller is and what time it is there, from the number alone.

Uses phonenumbers' time-zone table (a few milliseconds), never its geocoder (seconds and over
100 MB on first use): a ringing card must not wait for it. Shown only when it differs
from the recruiter's own country or clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from app.core.phone import CallerNumber
from app.core.regions import region_name


@dataclass(frozen=True)
class CallerPlace:
    """The caller's country (empty when it is the recruiter's) and time zones (from the number)."""

    country: str
    zones: tuple[str, ...]

    def text(self, now: datetime) -> str:
        """"United Kingdom · 06:14 there"; "" when neither differs from the recruiter's. `now` is
        the recruiter's local time (aware): the clock is shown only when the caller's differs and
        all the number's zones agree on it."""
        there = _their_time(self.zones, now)
        clock = f"{there:%H:%M} there" if there is not None and there.utcoffset() != now.utcoffset() else ""
        return " · ".join(part for part in (self.country, clock) if part)


def caller_place(number: CallerNumber, home_region: str | None) -> CallerPlace | None:
    """The place of a caller with a real number; None for withheld, extension or unreadable ones."""
    if number.e164 is None:
        return None
    region = _COUNTRY.get(number.region or "", number.region or "")
    home = (home_region or "").upper()
    country = region_name(region) if region and region != _COUNTRY.get(home, home) else ""
    return CallerPlace(country, _zones(number.e164))


# Regions that share the UK's numbering plan: phonenumbers reads many UK mobiles as Guernsey's.
_COUNTRY = {"GG": "GB", "JE": "GB", "IM": "GB"}


@lru_cache(maxsize=256)
def _zones(e164: str) -> tuple[str, ...]:
    # Loaded when the first caller rings (1–2 ms once), not at start: its table is half a megabyte
    # an idle Ringside would hold for nothing.
    from phonenumbers import timezone as number_zones

    zones = number_zones.time_zones_for_number(phonenumbers.parse(e164))
    return tuple(z for z in zones if z != number_zones.UNKNOWN_TIMEZONE)


def _their_time(zones: tuple[str, ...], now: datetime) -> datetime | None:
    """The time in the caller's zones when they all agree on it (a UK mobile: London, Jersey…);
    None when they don't (an Australian mobile could be in Perth or Sydney) or none is known."""
    times = []
    for zone in zones:
        try:
            times.append(now.astimezone(ZoneInfo(zone)))
        except (ZoneInfoNotFoundError, ValueError):  # no time-zone database (Windows without tzdata)
            return None
    if not times or len({t.utcoffset() for t in times}) > 1:
        return None
    return times[0]
