"""A FixDigital account's settings (`[[accounts]] kind = "fixdigital"`)."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator

from app.config.account_base import AccountBase, http_url
from app.config.secret_names import CALLBACK_PASSWORD

SECRETS = (CALLBACK_PASSWORD,)  # the keyring entries its accounts own


class FixDigitalAccount(AccountBase):
    kind: Literal["fixdigital"]
    api_url: str  # the CRM base that serves webservice.php
    client_id: str  # FixDigital's ClientId
    extension: str  # the recruiter's extension (sExt)
    # FixDigital's requests to us (click-to-call, call list) sign in with this username and the
    # password in the keyring (`<id>:callback_password`), and must come from these addresses/networks.
    callback_username: str = ""
    allow_from: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])

    _urls = field_validator("api_url")(http_url)

    @field_validator("allow_from")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError:
                raise ValueError(f"'{item}' is not an IP address or network (e.g. 203.0.113.7 or 10.0.0.0/8)") from None
        return [item.strip() for item in value]

    @property
    def display_name(self) -> str:
        return self.label or "FixDigital"
