"""Account kind → connector factory (and, for kinds that sign in with OAuth, their OAuth settings).

A plain dict, so build.spec can list the connector modules as hidden imports and a new CRM is one
entry here. Importing this module only imports the connector modules.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from app.config.settings import (
    Account,
    FixDigitalAccount,
    RecruitWizardAccount,
    RetailCrmAccount,
    TrackerRmsAccount,
)
from app.core.ports import Connector
from app.crm._shared.oauth import OAuthConfig
from app.crm.fixdigital.connector import FixDigitalConnector
from app.crm.recruitwizard.connector import RecruitWizardConnector, oauth_config
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.trackerrms.connector import TrackerRmsConnector
from app.crm.trackerrms.connector import oauth_config as trackerrms_oauth_config
from app.errors import ConfigError
from app.storage.secrets import SecretStore

ConnectorFactory = Callable[[Account, httpx.AsyncClient, SecretStore], Connector]


def _recruitwizard(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> Connector:
    if not isinstance(account, RecruitWizardAccount):
        raise ConfigError(f"Account '{account.id}' is not a Recruit Wizard account.")
    return RecruitWizardConnector(account, client, secrets)


def _recruitwizard_oauth(account: Account) -> OAuthConfig:
    if not isinstance(account, RecruitWizardAccount):
        raise ConfigError(f"Account '{account.id}' is not a Recruit Wizard account.")
    return oauth_config(account)


def _trackerrms(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> Connector:
    if not isinstance(account, TrackerRmsAccount):
        raise ConfigError(f"Account '{account.id}' is not a TrackerRMS account.")
    return TrackerRmsConnector(account, client, secrets)


def _trackerrms_oauth(account: Account) -> OAuthConfig:
    if not isinstance(account, TrackerRmsAccount):
        raise ConfigError(f"Account '{account.id}' is not a TrackerRMS account.")
    if account.auth != "oauth":
        # Password and API-key accounts have no browser sign-in: their secret goes in the keyring.
        secret = "API key" if account.auth == "apikey" else "password"
        raise ConfigError(f"TrackerRMS account '{account.id}' signs in with its {secret}, not through "
                          "the browser (set auth = \"oauth\" to use OAuth).")
    return trackerrms_oauth_config(account)


def _retailcrm(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> Connector:
    if not isinstance(account, RetailCrmAccount):
        raise ConfigError(f"Account '{account.id}' is not a retailCRM account.")
    return RetailCrmConnector(account, client, secrets)


def _fixdigital(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> Connector:
    if not isinstance(account, FixDigitalAccount):
        raise ConfigError(f"Account '{account.id}' is not a FixDigital account.")
    return FixDigitalConnector(account, client)


FACTORIES: dict[str, ConnectorFactory] = {
    "recruitwizard": _recruitwizard,
    "trackerrms": _trackerrms,
    "retailcrm": _retailcrm,
    "fixdigital": _fixdigital,
}

# Kinds whose sign-in is the OAuth authorisation-code flow (`ringside account connect`).
OAUTH: dict[str, Callable[[Account], OAuthConfig]] = {
    "recruitwizard": _recruitwizard_oauth,
    "trackerrms": _trackerrms_oauth,
}


def build_connector(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> Connector | None:
    """The account's CRM connector, or None for kinds that are not CRMs (a Puzzel dialer account)."""
    factory = FACTORIES.get(account.kind)
    return factory(account, client, secrets) if factory is not None else None


def oauth_config_for(account: Account) -> OAuthConfig | None:
    """How `account` signs in with OAuth, or None if it does not."""
    make = OAUTH.get(account.kind)
    return make(account) if make is not None else None
