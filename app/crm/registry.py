"""The account kinds as a table: one `System` row per external system, naming everything the app
needs from that system's folder (app/crm/<kind>/): its settings model, the keyring entries it owns,
its "Test connection", its connector factory and, for kinds that sign in through the browser, their
OAuth settings. Adding a system is adding its folder and one row in `SYSTEMS`.

Only this module (with callbacks.py and peer.py) imports several systems. bundle.py reads the rows
for the packaged app's hidden imports.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from app.config.account_base import AccountBase
from app.config.settings import Account
from app.core.ports import Connector
from app.crm._shared.oauth_tokens import OAuthClient, OAuthConfig
from app.crm.fixdigital import check as fixdigital_check
from app.crm.fixdigital import settings as fixdigital
from app.crm.fixdigital.connector import FixDigitalConnector
from app.crm.puzzel import check as puzzel_check
from app.crm.puzzel import settings as puzzel
from app.crm.recruitwizard import check as recruitwizard_check
from app.crm.recruitwizard import settings as recruitwizard
from app.crm.recruitwizard.connector import RecruitWizardConnector, oauth_config
from app.crm.retailcrm import check as retailcrm_check
from app.crm.retailcrm import settings as retailcrm
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.trackerrms import check as trackerrms_check
from app.crm.trackerrms import settings as trackerrms
from app.crm.trackerrms.connector import TrackerRmsConnector
from app.errors import ConfigError
from app.storage.secrets import SecretStore

A = TypeVar("A", bound=AccountBase)


@dataclass(frozen=True)
class Built:
    """A connector as built, with the OAuth token client it reads (so a new sign-in reaches it)."""

    connector: Connector
    tokens: OAuthClient | None = None


@dataclass(frozen=True)
class System(Generic[A]):
    """One external system: what the rest of the app may ask of its folder."""

    kind: str  # `kind = "…"` in config.toml
    name: str  # how people call it, in messages
    settings: type[A]  # its [[accounts]] model
    secrets: tuple[str, ...]  # the keyring entries its accounts own (deleted on disconnect)
    check: Callable[[A, httpx.AsyncClient, SecretStore], Awaitable[str]]  # "Test connection", in words
    connector: Callable[[A, httpx.AsyncClient, SecretStore], Built] | None = None  # None: not a CRM
    oauth: Callable[[A], OAuthConfig] | None = None  # the browser sign-in's settings, for OAuth kinds
    short_id: str = ""  # the id a new account of this kind is offered ("rw"); "" = the kind

    def __post_init__(self) -> None:
        if not self.short_id:
            object.__setattr__(self, "short_id", self.kind)

    def own(self, account: AccountBase) -> A:
        """`account` as this system's model; ConfigError when it is another kind's."""
        if not isinstance(account, self.settings):
            raise ConfigError(f"Account '{account.id}' is not a {self.name} account.")
        return account


def _recruitwizard(account: recruitwizard.RecruitWizardAccount, client: httpx.AsyncClient,
                   secrets: SecretStore) -> Built:
    connector = RecruitWizardConnector(account, client, secrets)
    return Built(connector, connector.oauth)


def _trackerrms(account: trackerrms.TrackerRmsAccount, client: httpx.AsyncClient, secrets: SecretStore) -> Built:
    connector = TrackerRmsConnector(account, client, secrets)
    return Built(connector, connector.oauth)


def _retailcrm(account: retailcrm.RetailCrmAccount, client: httpx.AsyncClient, secrets: SecretStore) -> Built:
    return Built(RetailCrmConnector(account, client, secrets))


def _fixdigital(account: fixdigital.FixDigitalAccount, client: httpx.AsyncClient, secrets: SecretStore) -> Built:
    return Built(FixDigitalConnector(account, client))


SYSTEMS: dict[str, System[Any]] = {row.kind: row for row in (
    System("recruitwizard", "Recruit Wizard", recruitwizard.RecruitWizardAccount, recruitwizard.SECRETS,
           recruitwizard_check.verify, _recruitwizard, oauth_config, short_id="rw"),
    System("trackerrms", "TrackerRMS", trackerrms.TrackerRmsAccount, trackerrms.SECRETS,
           trackerrms_check.verify, _trackerrms, trackerrms_check.browser_sign_in, short_id="tr"),
    System("retailcrm", "retailCRM", retailcrm.RetailCrmAccount, retailcrm.SECRETS,
           retailcrm_check.verify, _retailcrm, short_id="retail"),
    System("fixdigital", "FixDigital", fixdigital.FixDigitalAccount, fixdigital.SECRETS,
           fixdigital_check.verify, _fixdigital, short_id="fix"),
    # A Puzzel account is the dialer's sign-in, not a CRM: no connector.
    System("puzzel", "Puzzel", puzzel.PuzzelAccount, puzzel.SECRETS, puzzel_check.verify),
)}


def system(kind: str) -> System[Any]:
    try:
        return SYSTEMS[kind]
    except KeyError:
        raise ConfigError(f"'{kind}' is not an account kind Ringside knows.") from None


def build(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> Built | None:
    """The account's connector (and token client), or None for kinds that are not CRMs."""
    row = system(account.kind)
    return row.connector(row.own(account), client, secrets) if row.connector is not None else None


def build_connector(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> Connector | None:
    built = build(account, client, secrets)
    return built.connector if built is not None else None


def oauth_config_for(account: Account) -> OAuthConfig | None:
    """How `account` signs in with OAuth, or None if its kind does not."""
    row = system(account.kind)
    return row.oauth(row.own(account)) if row.oauth is not None else None


async def check(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    """"Test connection": what worked, in words; raises a ConnectorError saying what failed."""
    row = system(account.kind)
    return await row.check(row.own(account), client, secrets)


def all_secrets() -> tuple[str, ...]:
    """Every keyring entry name any kind owns: disconnecting deletes them all, so a change of kind
    or of sign-in method leaves nothing behind."""
    return tuple(dict.fromkeys(name for row in SYSTEMS.values() for name in row.secrets))
