"""OAuthClient: the sign-in's time kept with the tokens (and its warning), and the refresh grant's
redirect_uri where the CRM lists it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx

from app.crm._shared.oauth_tokens import OAuthClient, OAuthConfig, TokenSet
from app.storage.secrets import KeyringSecrets, MemoryKeyring

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _config(**changes: object) -> OAuthConfig:
    fields: dict[str, object] = {"account_id": "a", "service": "CRM", "client_id": "c", "scope": "s",
                                 "authorize_url": "https://crm.test/authorize", "token_url": "https://crm.test/token"}
    return OAuthConfig(**(fields | changes))  # type: ignore[arg-type]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def test_the_sign_in_time_survives_refreshes_and_warns_a_week_ahead() -> None:
    forms: list[dict[str, list[str]]] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        forms.append(parse_qs(request.content.decode()))
        return httpx.Response(200, json={"access_token": f"at{len(forms)}", "refresh_token": f"rt{len(forms)}",
                                         "expires_in": 3600})

    secrets = KeyringSecrets(backend=MemoryKeyring())
    secrets.set("a", "client_secret", "shh")
    clock = Clock()
    config = _config(sign_in_life=timedelta(days=60), redirect_uri="http://127.0.0.1:40000/cb",
                     refresh_sends_redirect_uri=True)
    async with httpx.AsyncClient(transport=httpx.MockTransport(token_endpoint)) as client:
        oauth = OAuthClient(config, client, secrets, clock=clock)
        tokens = await oauth.exchange_code("code", config.redirect_uri, None)
        assert tokens.signed_in_at == NOW
        assert oauth.sign_in_ends_at() == NOW + timedelta(days=60)
        clock.now = NOW + timedelta(days=52, hours=23)
        assert oauth.sign_in_ending() is None
        await oauth.refresh({"Authorization": "Bearer at1"})  # a refresh does not restart the 60 days
        stored = TokenSet.model_validate_json(secrets.get("a", "tokens") or "")
        assert (stored.access_token, stored.signed_in_at) == ("at2", NOW)
        clock.now = NOW + timedelta(days=53)
        assert oauth.sign_in_ending() == NOW + timedelta(days=60)
    assert forms[1]["grant_type"] == ["refresh_token"]
    assert forms[1]["redirect_uri"] == ["http://127.0.0.1:40000/cb"]


async def test_no_redirect_uri_on_refresh_unless_listed_and_no_life_unless_known() -> None:
    forms: list[dict[str, list[str]]] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        forms.append(parse_qs(request.content.decode()))
        return httpx.Response(200, json={"access_token": "at", "refresh_token": "rt2", "expires_in": 3600})

    secrets = KeyringSecrets(backend=MemoryKeyring())
    secrets.set("a", "client_secret", "shh")
    secrets.set("a", "tokens", TokenSet(access_token="old", refresh_token="rt").model_dump_json())
    async with httpx.AsyncClient(transport=httpx.MockTransport(token_endpoint)) as client:
        oauth = OAuthClient(_config(), client, secrets)
        await oauth.refresh({"Authorization": "Bearer old"})
        assert oauth.sign_in_ends_at() is None  # tokens stored before the sign-in time was kept
    assert "redirect_uri" not in forms[0]
