"""A retailCRM account's settings (`[[accounts]] kind = "retailcrm"`)."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from app.config.account_base import AccountBase, http_url
from app.config.secret_names import API_KEY

SECRETS = (API_KEY,)  # the keyring entries its accounts own
MIN_CLIENT_ID = 16


def zone_info(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{name}' is not a time zone name (e.g. Europe/Moscow)") from None


class RetailCrmAccount(AccountBase):
    kind: Literal["retailcrm"]
    api_url: str  # https://{account}.retailcrm.ru
    site: str = ""  # the shop's symbolic code
    user_id: int | None = None  # the recruiter's retailCRM user id
    code: str = ""  # the recruiter's extension code in the telephony integration
    client_id: str = ""  # the integration's clientId (identifies retailCRM's callbacks); 16+ characters
    external_phone: str = ""  # the number callers dial (call events' externalPhone; the shop's line)
    integration_code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")] = "ringside"  # the module's code
    time_zone: str = ""  # IANA zone of the retailCRM account for call-history dates; "" = this computer's
    # Where registration puts clientId: "current" (top level of integrationModule, as retailCRM's current
    # API clients send it) or "2017" (inside integrations.telephony, as the 2017 API page shows it), for
    # an account that still wants the old layout. See wire.place_client_id.
    module_layout: Literal["current", "2017"] = "current"
    # The address at which retailCRM reaches Ringside's callback server (as for `ringside retailcrm
    # register --public-url`); recordings of calls are offered to retailCRM under it. "" = none offered.
    public_url: str = ""

    _urls = field_validator("api_url")(http_url)

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        return http_url(value).rstrip("/") if value else value

    @field_validator("client_id")
    @classmethod
    def _long_client_id(cls, value: str) -> str:
        # It is the only secret on retailCRM's callbacks: short ones could be guessed.
        if value and len(value) < MIN_CLIENT_ID:
            raise ValueError(f"client_id must be at least {MIN_CLIENT_ID} characters (it is {len(value)}): "
                             "use a long random string, e.g. from `python3 -c \"import secrets; "
                             "print(secrets.token_urlsafe(24))\"`")
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value:
            zone_info(value)
        return value

    @property
    def display_name(self) -> str:
        return self.label or "retailCRM"
