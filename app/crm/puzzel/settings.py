"""Puzzel's settings: its account (`[[accounts]] kind = "puzzel"`) and the dialer that places calls
through it (`[dialer] kind = "puzzel"`)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from app.config.account_base import AccountBase, Section, http_url
from app.config.secret_names import PASSWORD

SECRETS = (PASSWORD,)  # the keyring entries its accounts own


class PuzzelAccount(AccountBase):
    kind: Literal["puzzel"]
    auth_url: str = "https://auth.puzzel.com"
    api_url: str = "https://api.puzzel.com"
    customer_key: str
    username: str

    _urls = field_validator("auth_url", "api_url")(http_url)

    @property
    def display_name(self) -> str:
        return self.label or "Puzzel"


class PuzzelDialerSettings(Section):
    kind: Literal["puzzel"]
    account: str  # the id of a kind = "puzzel" account (its password is in the keyring)
    queue_key: str = ""  # optional callout queueKey (Puzzel's queue for the call); "" = Puzzel's default
    access_point: str = ""  # optional callout accessPoint (the number the callee sees); "" = Puzzel's default
