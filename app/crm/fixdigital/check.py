"""FixDigital's "Test connection": webservice.php answers at the configured address. Its callback
password, when set, is ours: nothing at FixDigital can check it."""

from __future__ import annotations

import httpx

from app.crm._shared.http import Http
from app.crm.fixdigital.settings import FixDigitalAccount
from app.errors import BadResponse, Rejected
from app.storage.secrets import SecretStore


async def verify(account: FixDigitalAccount, client: httpx.AsyncClient, secrets: SecretStore) -> str:
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
