"""Verifying a Puzzel account with the dialer's own client (app/crm/puzzel/client.py): LogIn with the
password, then accesstokeninformation for the user; the agent's state is reported as information.
Two-factor sign-in comes back as the client's refusal, in words."""

from __future__ import annotations

import httpx

from app.crm.puzzel.client import PuzzelClient, refusal
from app.crm.puzzel.settings import PuzzelAccount
from app.errors import ConnectorError
from app.storage.secrets import SecretStore


async def verify(account: PuzzelAccount, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    puzzel = PuzzelClient(account, client, secrets)
    user_id = await puzzel.user_id()  # LogIn, then accesstokeninformation
    signed_in = f"Connected to Puzzel as {account.username} (user {user_id}, customer {account.customer_key})."
    try:
        problem = refusal(await puzzel.user_state())
    except ConnectorError as exc:  # the sign-in worked; the state is a courtesy
        return f"{signed_in} Your status could not be read: {exc}"
    return f"{signed_in} {problem}" if problem else f"{signed_in} You're logged on and Available for calls."
