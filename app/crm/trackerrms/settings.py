"""A TrackerRMS account's settings (`[[accounts]] kind = "trackerrms"`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from app.config.account_base import AccountBase, http_url
from app.config.secret_names import API_KEY, CLIENT_SECRET, PASSWORD, TOKENS
from app.crm._shared.redirect_uri import DEFAULT_REDIRECT_URI, valid_redirect_uri

# The keyring entries its accounts own: OAuth's two, or the password, or the API key (by `auth`).
SECRETS = (TOKENS, CLIENT_SECRET, PASSWORD, API_KEY)


class TrackerRmsAccount(AccountBase):
    kind: Literal["trackerrms"]
    api_url: str = "https://evoapi.tracker-rms.com"  # regional: evoapius / evoapica / evoapi (UK, rest)
    auth: Literal["oauth", "password", "apikey"] = "oauth"
    username: str = ""  # the user's email, for auth = "password"
    client_id: str = "EvoApi_1.0"
    redirect_uri: str = DEFAULT_REDIRECT_URI  # for auth = "oauth": registered with TrackerRMS
    pkce: bool = True  # TrackerRMS's documentation is silent on PKCE: turn it off if refused
    # The web app's host (e.g. https://usevo1.tracker-rms.com), for job and record links: getRecords
    # rows carry none. Blank = no links.
    web_url: str = ""
    # The TrackerRMS user id activities are logged as. An API key otherwise acts as the system
    # administrator; a password or OAuth sign-in acts as its own user anyway.
    user_id: int | None = Field(default=None, ge=1)
    # Ask TrackerRMS for its record-type names (getSettingsData); `labels` is the fallback.
    settings_data: bool = True
    phone_format: Literal["national", "e164"] = "national"  # how numbers are stored in TrackerRMS
    notify_inbound: bool = False  # also trigger TrackerRMS's own screen pop on ring
    destination: str = ""  # the recruiter's own number, for notify_inbound
    labels: dict[str, str] = Field(default_factory=dict)  # renamed record types, e.g. resource = "Candidate"

    _urls = field_validator("api_url")(http_url)
    _redirect = field_validator("redirect_uri")(valid_redirect_uri)

    @field_validator("web_url")
    @classmethod
    def _web(cls, value: str) -> str:
        return http_url(value) if value.strip() else ""

    @property
    def display_name(self) -> str:
        return self.label or "TrackerRMS"
