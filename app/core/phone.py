"""Phone number normalisation: every number Ringside handles goes through `normalise` first."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from app.errors import InvalidNumber

# Characters people and softphones put in numbers that carry no meaning.
_DECORATION = re.compile(r"[\s().\-/]")
_SIP_URI = re.compile(r"^(?:sips?|tel|callto):(?P<user>[^@;>]+)", re.IGNORECASE)
_MAX_INPUT = 64


@dataclass(frozen=True)
class PhoneNumber:
    e164: str  # "+61412345678"
    region: str | None  # "AU", None for non-geographic numbers

    @property
    def digits(self) -> str:
        """E.164 without the '+', as Recruit Wizard and TrackerRMS's inboundCall want it."""
        return self.e164[1:]

    def national(self) -> str:
        """National digits only ("0412345678"), as many CRMs store numbers."""
        parsed = phonenumbers.parse(self.e164)
        return re.sub(r"\D", "", phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL))

    def display(self, home_region: str | None = None) -> str:
        """Human format: national for the user's own region, international otherwise."""
        parsed = phonenumbers.parse(self.e164)
        if home_region and self.region == home_region.upper():
            return phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def strip_uri(raw: str) -> str:
    """The user part of sip:/tel:/callto: URIs (softphones report callers that way)."""
    text = raw.strip().strip("<>")
    match = _SIP_URI.match(text)
    return match.group("user") if match else text


def normalise(raw: str, default_region: str | None) -> PhoneNumber:
    """Parse what a softphone, a user or a CRM gave us. Raises InvalidNumber with a reason."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidNumber("No phone number was given.")
    if len(raw) > _MAX_INPUT:
        raise InvalidNumber(f"'{raw[:20]}…' is too long to be a phone number.")
    text = _DECORATION.sub("", strip_uri(raw))
    if text.startswith("00"):
        text = "+" + text[2:]
    if not re.fullmatch(r"\+?\d+", text):
        raise InvalidNumber(f"'{raw}' is not a phone number.")
    region = default_region.upper() if default_region else None
    if not text.startswith("+") and region is None:
        raise InvalidNumber(
            f"'{raw}' has no country code and no default region is set "
            "(set general.default_region, e.g. \"AU\")."
        )
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    except NumberParseException as exc:
        raise InvalidNumber(f"'{raw}' is not a phone number ({_reason(exc)}).") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidNumber(f"'{raw}' has the wrong number of digits for a phone number.")
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    return PhoneNumber(e164=e164, region=phonenumbers.region_code_for_number(parsed))


def try_normalise(raw: str, default_region: str | None) -> PhoneNumber | None:
    try:
        return normalise(raw, default_region)
    except InvalidNumber:
        return None


def _reason(exc: NumberParseException) -> str:
    return {
        NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        NumberParseException.NOT_A_NUMBER: "not a number",
        NumberParseException.TOO_SHORT_NSN: "too short",
        NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        NumberParseException.TOO_LONG: "too long",
    }.get(exc.error_type, "unreadable")
