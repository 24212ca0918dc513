"""Phone numbers. A caller's number is read once, where the call enters Ringside, into a
`CallerNumber` that carries every form the rest of Ringside needs (E.164, region, display forms);
numbers the recruiter types (to dial, to store on a record) go through `normalise`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from app.errors import InvalidNumber

# Characters people and softphones put in numbers that carry no meaning.
_DECORATION = re.compile(r"[\s().\-/]")
_SIP_URI = re.compile(r"^(?:sips?|tel|callto):(?P<user>[^@;>]+)", re.IGNORECASE)
_MAX_INPUT = 64
# What softphones, PBXs and carriers report for a caller who hides their number (RFC 3323 uses
# "anonymous"; others say "Restricted", "Private", "Unavailable"…), compared without spaces or case.
_WITHHELD = frozenset({"", "anonymous", "withheld", "numberwithheld", "private", "privatenumber",
                       "restricted", "unknown", "unavailable", "hidden", "blocked", "-"})
# Digits only, this short, that make no number in the region: an internal extension ("204").
_EXTENSION = re.compile(r"\d{1,6}")


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


class NumberKind(StrEnum):
    NUMBER = "number"  # a real number: looked up, noted, called back
    WITHHELD = "withheld"  # the caller hid it (or the source gave none)
    EXTENSION = "extension"  # an internal extension ("204"): no CRM knows it
    UNREADABLE = "unreadable"  # a source reported text that is no number (see `CallerNumber.read`)


@dataclass(frozen=True)
class CallerNumber:
    """The other party's number of a call, read once where the call enters Ringside.

    `e164`, `region`, `national` and `international` are set only for `NumberKind.NUMBER`; a
    withheld, extension-only or unreadable caller keeps what was received in `raw` and, when
    unreadable, why in `problem`."""

    raw: str
    kind: NumberKind
    e164: str | None = None  # "+61412345678"
    region: str | None = None  # "AU"; None for non-geographic numbers
    national: str = ""  # "0412 345 678"
    international: str = ""  # "+61 412 345 678"
    national_number: str = ""  # the national significant number, "412345678": no trunk prefix, no country code
    problem: str | None = None

    @classmethod
    def parse(cls, raw: str, default_region: str | None) -> CallerNumber:
        """Read a caller's number (a softphone's URI, a webhook's text, a typed number). A withheld,
        empty or extension-only caller gets its kind; text that cannot be a number raises InvalidNumber."""
        if not isinstance(raw, str):
            raise InvalidNumber("No phone number was given.")
        user = strip_uri(raw)
        if re.sub(r"\s", "", user).casefold() in _WITHHELD:
            return cls(raw=raw, kind=NumberKind.WITHHELD)
        try:
            phone = normalise(raw, default_region)
        except InvalidNumber:
            if _EXTENSION.fullmatch(_DECORATION.sub("", user)):
                return cls(raw=raw, kind=NumberKind.EXTENSION)
            raise
        parsed = phonenumbers.parse(phone.e164)
        return cls(raw=raw, kind=NumberKind.NUMBER, e164=phone.e164, region=phone.region,
                   national=phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL),
                   international=phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL),
                   national_number=phonenumbers.national_significant_number(parsed))

    @classmethod
    def read(cls, raw: str, default_region: str | None) -> CallerNumber:
        """`parse` for sources that report whatever they got (a softphone): a ring is never dropped,
        text that is no number becomes an unreadable caller that says why."""
        try:
            return cls.parse(raw, default_region)
        except InvalidNumber as exc:
            return cls(raw=raw if isinstance(raw, str) else "", kind=NumberKind.UNREADABLE, problem=str(exc))

    @property
    def is_number(self) -> bool:
        """A number CRMs can be asked about, noted against and called back."""
        return self.kind is NumberKind.NUMBER

    @property
    def phone(self) -> PhoneNumber | None:
        """The number as one that can be dialled; None when there is none."""
        return PhoneNumber(self.e164, self.region) if self.e164 is not None else None

    @property
    def digits(self) -> str:
        """E.164 without the '+' ("61412345678"); "" when there is no number."""
        return self.e164[1:] if self.e164 else ""

    @property
    def national_digits(self) -> str:
        """National digits only ("0412345678"), as many CRMs store numbers; "" when there is none."""
        return re.sub(r"\D", "", self.national)

    @property
    def extension(self) -> str:
        """An extension-only caller's digits ("204"); "" otherwise."""
        return _DECORATION.sub("", strip_uri(self.raw)) if self.kind is NumberKind.EXTENSION else ""

    def display(self, home_region: str | None = None) -> str:
        """What a person reads: national for the user's own region, international otherwise,
        "Withheld number", "Extension 204", or the raw text of an unreadable caller."""
        if self.kind is NumberKind.WITHHELD:
            return "Withheld number"
        if self.kind is NumberKind.EXTENSION:
            return f"Extension {self.extension}"
        if self.kind is NumberKind.UNREADABLE:
            return self.raw
        if home_region and self.region == home_region.upper():
            return self.national
        return self.international

    @property
    def why_not_looked_up(self) -> str | None:
        """Why no CRM is asked about this caller, in words a card can show (None for a number)."""
        return {
            NumberKind.NUMBER: None,
            NumberKind.WITHHELD: "The caller's number is withheld.",
            NumberKind.EXTENSION: "An internal extension: no CRM is asked about it.",
            NumberKind.UNREADABLE: self.problem,
        }[self.kind]

    def same_caller(self, other: CallerNumber) -> bool:
        """Two reports of the same party: equal numbers, else the same text received."""
        if self.e164 is not None and other.e164 is not None:
            return self.e164 == other.e164
        return self.raw.strip() == other.raw.strip()


# For the answer and hang-up of a call a source knows by its id, which name no number.
NO_NUMBER = CallerNumber(raw="", kind=NumberKind.WITHHELD)


def strip_uri(raw: str) -> str:
    """The user part of sip:/tel:/callto: URIs (softphones report callers that way)."""
    text = raw.strip().strip("<>")
    match = _SIP_URI.match(text)
    return match.group("user") if match else text


def normalise(raw: str, default_region: str | None) -> PhoneNumber:
    """Parse a number the recruiter or a CRM gave us, which must be a real number (to dial, to store).
    Raises InvalidNumber with a reason."""
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
