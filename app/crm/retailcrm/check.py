"""Verifying a retailCRM API key with an authenticated read (API v5, `X-API-KEY` header).

With `user_id` set: `GET /api/v5/users/{user_id}`, which proves the key and that the recruiter's
user exists and is active. Without it: `GET /api/v5/reference/sites`, which proves the key (and
that `site`, if set, is one of the shop's). Small and standalone so the retailCRM connector can
reuse it (`verify` with its own pooled client).
"""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, Field

from app.config.secret_names import API_KEY
from app.crm._shared.http import ApiKeyAuth
from app.crm.retailcrm.http import RetailHttp
from app.crm.retailcrm.settings import RetailCrmAccount
from app.errors import ConnectorError, NeedsSignIn, Rejected, SecretStoreError
from app.storage.secrets import SecretStore

SERVICE = "retailCRM"
REFUSED = ("retailCRM refused the API key. Check it in retailCRM (Settings → Integration → API keys) "
           "and enter it again.")


class _User(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int | str
    first_name: str = Field("", alias="firstName")
    last_name: str = Field("", alias="lastName")
    active: bool = True


class _UserAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    success: bool
    user: _User


class _SitesAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    success: bool
    sites: dict[str, object] | list[object] = Field(default_factory=dict)


def api_key(account: RetailCrmAccount, secrets: SecretStore) -> str:
    try:
        key = secrets.get(account.id, API_KEY)
    except SecretStoreError as exc:
        raise ConnectorError(str(exc)) from None
    if not key:
        raise NeedsSignIn(f"No retailCRM API key is stored for account '{account.id}'. "
                          f"Run `ringside account connect {account.id}` or enter it in Settings.")
    return key


async def verify(account: RetailCrmAccount, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    """What worked, in words; raises NeedsSignIn (key refused), Rejected (no such user or site,
    user not active) or Unavailable (unreachable, certificate)."""
    # Paced with the account's other requests (RetailHttp); an HTML answer means no such account.
    key = ApiKeyAuth("X-API-KEY", api_key(account, secrets), REFUSED)
    http = RetailHttp(client, base_url=account.api_url, auth=key, headers={"Accept": "application/json"})
    if account.user_id is not None:
        try:
            answer = await http.fetch("GET", f"/api/v5/users/{account.user_id}", _UserAnswer, "a user")
        except Rejected as exc:
            _refused_key(exc)
            if exc.status == 404:
                raise Rejected(f"retailCRM has no user with id {account.user_id}. Check the user id in the "
                               "account's settings.", 404) from None
            raise
        user = answer.user
        name = " ".join(p for p in (user.first_name, user.last_name) if p) or f"user {user.id}"
        if not user.active:
            raise Rejected(f"retailCRM says {name} (user {user.id}) is not active. Ask your retailCRM "
                           "administrator to activate the user.")
        return f"Connected to retailCRM ({http.host}) as {name}."
    try:
        sites = await http.fetch("GET", "/api/v5/reference/sites", _SitesAnswer, "the list of shops")
    except Rejected as exc:
        _refused_key(exc)
        raise
    codes = set(sites.sites) if isinstance(sites.sites, dict) else set()
    if account.site and codes and account.site not in codes:
        raise Rejected(f"retailCRM has no shop with the code '{account.site}' (it has: "
                       f"{', '.join(sorted(codes))}). Check the site in the account's settings.")
    return f"Connected to retailCRM ({http.host}); the API key works."


def _refused_key(exc: Rejected) -> None:
    """retailCRM answers a wrong key with 403 `Wrong "apiKey" value.` (a 401 goes through ApiKeyAuth)."""
    if exc.status == 403 and "apikey" in str(exc).lower():
        raise NeedsSignIn(REFUSED) from None
