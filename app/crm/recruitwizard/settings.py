"""A Recruit Wizard account's settings (`[[accounts]] kind = "recruitwizard"`)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from app.config.account_base import AccountBase, http_url
from app.config.secret_names import CLIENT_SECRET, TOKENS

SECRETS = (TOKENS, CLIENT_SECRET)  # the keyring entries its accounts own


class RecruitWizardAccount(AccountBase):
    kind: Literal["recruitwizard"]
    api_url: str = "https://api.recruitwizard.com"  # API and OAuth host
    web_url: str = "https://app.recruitwizard.com"  # web app, for record links
    client_id: str

    _urls = field_validator("api_url", "web_url")(http_url)

    @property
    def display_name(self) -> str:
        return self.label or "Recruit Wizard"
