"""Recruit Wizard's "Test connection": a search through the telephony lookup, refreshing the token
if it is due, so a pass proves the sign-in and the API both work."""

from __future__ import annotations

import httpx

from app.core.phone import CallerNumber
from app.crm.recruitwizard.connector import RecruitWizardConnector
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.storage.secrets import SecretStore

# A number from the range Australia keeps for fiction: a search for it proves the token works
# without touching anyone's record.
TEST_NUMBER = CallerNumber.parse("+61491570110", None)


async def verify(account: RecruitWizardAccount, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    await RecruitWizardConnector(account, client, secrets).lookup(TEST_NUMBER)
    return "Connected to Recruit Wizard: signed in, and a test search worked."
