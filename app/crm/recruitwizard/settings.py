"""A Recruit Wizard account's settings (`[[accounts]] kind = "recruitwizard"`)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from app.config.account_base import AccountBase, http_url
from app.config.secret_names import CLIENT_SECRET, TOKENS
from app.crm._shared.redirect_uri import DEFAULT_REDIRECT_URI, valid_redirect_uri

SECRETS = (TOKENS, CLIENT_SECRET)  # the keyring entries its accounts own


class RecruitWizardAccount(AccountBase):
    kind: Literal["recruitwizard"]
    api_url: str = "https://api.recruitwizard.com"  # API and OAuth host
    web_url: str = "https://app.recruitwizard.com"  # web app, for record links
    client_id: str
    # Registered with Recruit Wizard for this client id; its server matches it exactly.
    redirect_uri: str = DEFAULT_REDIRECT_URI
    pkce: bool = True  # neither public sample sends PKCE: turn it off if the server refuses it

    _urls = field_validator("api_url", "web_url")(http_url)
    _redirect = field_validator("redirect_uri")(valid_redirect_uri)

    @property
    def display_name(self) -> str:
        return self.label or "Recruit Wizard"
