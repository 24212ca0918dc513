"""A TrackerRMS account's settings (`[[accounts]] kind = "trackerrms"`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from app.config.account_base import AccountBase, http_url
from app.config.secret_names import API_KEY, CLIENT_SECRET, PASSWORD, TOKENS

# The keyring entries its accounts own: OAuth's two, or the password, or the API key (by `auth`).
SECRETS = (TOKENS, CLIENT_SECRET, PASSWORD, API_KEY)


class TrackerRmsAccount(AccountBase):
    kind: Literal["trackerrms"]
    api_url: str = "https://evoapi.tracker-rms.com"  # regional: evoapius / evoapica / evoapi (UK, rest)
    auth: Literal["oauth", "password", "apikey"] = "oauth"
    username: str = ""  # the user's email, for auth = "password"
    client_id: str = "EvoApi_1.0"
    phone_format: Literal["national", "e164"] = "national"  # how numbers are stored in TrackerRMS
    notify_inbound: bool = False  # also trigger TrackerRMS's own screen pop on ring
    destination: str = ""  # the recruiter's own number, for notify_inbound
    labels: dict[str, str] = Field(default_factory=dict)  # renamed record types, e.g. resource = "Candidate"

    _urls = field_validator("api_url")(http_url)

    @property
    def display_name(self) -> str:
        return self.label or "TrackerRMS"
