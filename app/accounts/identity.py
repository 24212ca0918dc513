"""Who an OAuth account is signed in as, and when that sign-in ends, in words for Settings; and
the warning the app gives a week before the end (Recruit Wizard's refresh token lives 60 days from
the sign-in, however often it is refreshed).

Dates are written with English names of our own: Qt sets the process locale, so `%a` / `%b`
would follow the desktop's language while every other text here is English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

import httpx

from app.config.settings import Account
from app.crm._shared.oauth_tokens import OAuthClient
from app.crm.registry import build
from app.errors import NeedsSignIn, RingsideError
from app.storage.secrets import SecretStore

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Identity:
    """What Settings shows under an OAuth account's state."""

    who: str  # "Signed in as Alex Morgan (alex@agency.example)", "Not signed in", or what failed
    ends: str | None = None  # "Sign-in ends Tue 3 Feb 2027"; None where the CRM does not say
    ok: bool = True  # False when asking who is signed in failed
    ending_soon: bool = False  # within the warning period (or over)


class _Claims(Protocol):
    @property
    def name(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def preferred_username(self) -> str | None: ...
    @property
    def sub(self) -> str | None: ...


@runtime_checkable
class _KnowsUser(Protocol):
    """A connector that can say who its sign-in acts for (Recruit Wizard's userinfo)."""

    async def user_info(self) -> _Claims: ...


def day(when: datetime, *, year: bool = True) -> str:
    """'Tue 3 Feb 2027' (or 'Tue 3 Feb'), in local time."""
    local = when.astimezone()
    text = f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"
    return f"{text} {local.year}" if year else text


def signed_in_as(claims: _Claims) -> str:
    name = (claims.name or claims.preferred_username or "").strip()
    email = (claims.email or "").strip()
    if name and email and name != email:
        return f"Signed in as {name} ({email})"
    who = name or email or (claims.sub or "").strip()
    return f"Signed in as {who}" if who else "Signed in (the CRM did not say as whom)"


def ending_soon(tokens: OAuthClient, now: datetime) -> datetime | None:
    """The end of the account's sign-in if it falls within the warning period at `now`, else None."""
    ends = tokens.sign_in_ends_at()
    if ends is not None and ends - tokens.config.sign_in_warning <= now:
        return ends
    return None


def warning(name: str, ends: datetime, now: datetime) -> str:
    """The recruiter's message a week ahead (and after the end, until they sign in again)."""
    where = "(tray → Settings → Sign in…)"
    if ends <= now:
        return f"{name}: your sign-in ended on {day(ends, year=False)}; sign in again {where}"
    return f"{name}: your sign-in ends on {day(ends, year=False)}; sign in again before then {where}"


async def identity_of(account: Account, client: httpx.AsyncClient, secrets: SecretStore,
                      now: datetime) -> Identity | None:
    """Who `account` is signed in as and when that ends; None for accounts that don't sign in
    through the browser. Asking the CRM may refresh the access token (stored as usual)."""
    built = build(account, client, secrets)
    tokens = built.tokens if built is not None else None
    if built is None or tokens is None:
        return None
    if tokens.stored_tokens() is None:
        return Identity("Not signed in")
    ends = tokens.sign_in_ends_at()
    ends_text = f"Sign-in ends {day(ends)}" if ends is not None else None
    soon = ending_soon(tokens, now) is not None
    connector = built.connector
    try:
        if not isinstance(connector, _KnowsUser):
            return Identity("Signed in", ends_text, ending_soon=soon)
        who = signed_in_as(await connector.user_info())
    except NeedsSignIn:  # refused or revoked: it has ended, whatever its date said
        return Identity("This sign-in no longer works; sign in again.", ok=False)
    except (RingsideError, httpx.HTTPError) as exc:
        return Identity(f"Could not ask {tokens.config.service} who is signed in: {exc}", ends_text,
                        ok=False, ending_soon=soon)
    finally:
        await connector.aclose()
    return Identity(who, ends_text, ending_soon=soon)
