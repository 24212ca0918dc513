""""Test connection" for each kind: one authenticated read with the real connector code, answered in
words. A check returns what worked; it raises a ConnectorError (or SecretStoreError) whose message
says what failed — wrong password, user not active, host unreachable, certificate problem…

    recruitwizard  a search through the telephony lookup (refreshing the token if it is due)
    trackerrms     checkLogon, with whichever single method the account uses
    retailcrm      GET /api/v5/users/{user_id} (or the sites list) with the API key
    puzzel         LogIn, then accesstokeninformation (two-factor sign-in is reported)
    fixdigital     webservice.php answers at the configured address (its own callback password,
                   when set, is ours: nothing at FixDigital can check it)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from app.config.settings import (
    Account,
    FixDigitalAccount,
    PuzzelAccount,
    RecruitWizardAccount,
    RetailCrmAccount,
    TrackerRmsAccount,
)
from app.crm._shared.http import Http
from app.crm.puzzel import check as puzzel_check
from app.crm.recruitwizard.connector import RecruitWizardConnector
from app.crm.retailcrm import check as retailcrm_check
from app.crm.trackerrms.connector import TrackerRmsConnector
from app.errors import BadResponse, Rejected
from app.storage.secrets import SecretStore

# A number from the range Australia keeps for fiction: a search for it proves the token works
# without touching anyone's record.
TEST_NUMBER = "+61491570110"

Check = Callable[[Account, httpx.AsyncClient, SecretStore], Awaitable[str]]


async def _recruitwizard(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    assert isinstance(account, RecruitWizardAccount)
    connector = RecruitWizardConnector(account, client, secrets)
    await connector.lookup(TEST_NUMBER)
    return "Connected to Recruit Wizard: signed in, and a test search worked."


async def _trackerrms(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    assert isinstance(account, TrackerRmsAccount)
    return await TrackerRmsConnector(account, client, secrets).check_logon()


async def _retailcrm(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    assert isinstance(account, RetailCrmAccount)
    return await retailcrm_check.verify(account, client, secrets)


async def _puzzel(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    assert isinstance(account, PuzzelAccount)
    return await puzzel_check.verify(account, client, secrets)


async def _fixdigital(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    assert isinstance(account, FixDigitalAccount)
    http = Http(client, service="FixDigital", base_url=account.api_url, headers={"Accept": "application/json"})
    wrong_place = (f"FixDigital ({http.host}) has no webservice.php at this address. Check the API address in "
                   "the account's settings.")
    try:
        # No operation: the CRM says what is missing without acting (an incomingCall would pop a card).
        response = await http.send("GET", "/webservice.php", authenticate=False)
    except Rejected as exc:
        if exc.status == 404:
            raise Rejected(wrong_place, 404) from None
        raise
    try:
        body = http.decode(response)
    except BadResponse:
        raise BadResponse(wrong_place) from None
    if not isinstance(body, dict) or "success" not in body:
        raise BadResponse(wrong_place)
    return (f"FixDigital answers at {http.host}. Ringside tells it about calls on extension "
            f"{account.extension}.")


CHECKS: dict[str, Check] = {
    "recruitwizard": _recruitwizard,
    "trackerrms": _trackerrms,
    "retailcrm": _retailcrm,
    "puzzel": _puzzel,
    "fixdigital": _fixdigital,
}


async def check(account: Account, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    """What worked, in words; raises saying what failed."""
    return await CHECKS[account.kind](account, client, secrets)
