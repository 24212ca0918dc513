"""The loopback webhook in the real runtime, over real HTTP: every status code it can answer, and
the attacks it exists to refuse (DNS rebinding, cross-site posts from a web page)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.config import paths, settings
from app.config.settings import WebhookSourceSettings
from app.core.views import CallState
from app.runtime.runtime import Runtime
from app.telephony.webhook import MAX_BODY, TOKEN_FILE, load_or_create_token
from tests.conftest import RwEnv
from tests.integration.conftest import closed_port
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.integration.test_cli import ringside

WAIT = 5.0


class Hook:
    def __init__(self, rt: Runtime, rec: Recorder, client: httpx.AsyncClient, port: int) -> None:
        self.rt, self.rec, self.client, self.port = rt, rec, client, port
        self.url = f"http://127.0.0.1:{port}/v1/events"
        self.token = load_or_create_token(paths.resolve().data_dir)

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def post(self, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(self.url, json=body, headers={**self.auth(), **(headers or {})})


def webhook_settings(rw_env: RwEnv, port: int) -> settings.Settings:
    return rw_env.settings().model_copy(update={
        "sources": [WebhookSourceSettings(kind="webhook", listen=f"127.0.0.1:{port}")]})


@pytest.fixture
async def hook(rw_env: RwEnv) -> AsyncIterator[Hook]:
    port = closed_port()
    rec = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=webhook_settings(rw_env, port), listener=rec, secrets=rw_env.secrets)
    await rt.start()
    async with httpx.AsyncClient(timeout=WAIT) as client:
        yield Hook(rt, rec, client, port)
    await rt.stop()


@pytest.fixture
def no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    token = load_or_create_token(paths.resolve().data_dir)
    assert token not in caplog.text


# -- 200 -------------------------------------------------------------------------------------

async def test_post_events_without_call_id_drive_one_call_paired_by_number(hook: Hook, no_token_in_logs: None) -> None:
    ids = []
    for type_, number in (("ring", "0491 570 006"), ("answer", "+61491570006"), ("hangup", "0491570006")):
        response = await hook.post({"type": type_, "number": number})
        assert response.status_code == 200, response.text
        ids.append(response.json()["call_id"])
    assert len(set(ids)) == 1
    view = await hook.rec.view(lambda v: v.complete and v.state is CallState.ENDED, WAIT)
    assert view.matches[0].name == "Priya Raman"
    assert [v.call_id for v in hook.rec.note_requests] == ids[:1]
    assert hook.rt.db.recent_calls(1)[0].source == "webhook"


async def test_get_with_the_token_as_a_parameter_for_tools_that_only_open_urls(hook: Hook) -> None:
    response = await hook.client.get(hook.url, params={
        "type": "ring", "number": PRIYA, "direction": "outbound", "call_id": "pbx-7", "token": hook.token})
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True, "call_id": "pbx-7"}
    view = await hook.rec.view(lambda v: v.call_id == "pbx-7", WAIT)
    assert view.direction.value == "outbound"
    # A URL template whose optional placeholders came out empty still works.
    response = await hook.client.get(hook.url, params={
        "type": "hangup", "number": PRIYA, "direction": "", "call_id": "pbx-7", "token": hook.token})
    assert response.status_code == 200


async def test_the_bearer_scheme_is_case_insensitive(hook: Hook) -> None:
    response = await hook.client.post(hook.url, json={"type": "ring", "number": PRIYA},
                                      headers={"Authorization": f"bearer {hook.token}"})
    assert response.status_code == 200


# -- 401 -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({}, {}),
        ({"Authorization": "Bearer wrong-token-wrong-token"}, {}),
        ({}, {"token": "wrong-token-wrong-token"}),
        ({"Authorization": "Bearer"}, {}),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, {}),
    ],
)
async def test_missing_or_wrong_token_is_401(hook: Hook, headers: dict[str, str], params: dict[str, str]) -> None:
    response = await hook.client.post(hook.url, json={"type": "ring", "number": PRIYA}, headers=headers,
                                      params=params)
    assert response.status_code == 401
    assert "token" in response.json()["error"]
    get = await hook.client.get(hook.url, params={"type": "ring", "number": PRIYA, **params}, headers=headers)
    assert get.status_code == 401
    assert hook.rec.views == []


# -- 400 -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": PRIYA}, "type: Field required"),
        ({"type": "ringing", "number": PRIYA}, "type: Input should be"),
        ({"type": "ring"}, "number: Field required"),
        ({"type": "ring", "number": "abc"}, "number: 'abc' is not a phone number"),
        ({"type": "ring", "number": PRIYA, "direction": "sideways"}, "direction: Input should be"),
        ({"type": "ring", "number": PRIYA, "caller": "x"}, "caller: Extra inputs are not permitted"),
        ({"type": "ring", "number": 61491570006}, "number: Input should be a valid string"),
        ([1, 2], "body: not a JSON object"),
    ],
)
async def test_an_invalid_event_is_400_naming_the_field(hook: Hook, body: Any, field: str) -> None:
    response = await hook.post(body)
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert hook.rec.views == []


async def test_a_body_that_is_not_json_is_400(hook: Hook) -> None:
    response = await hook.client.post(hook.url, content=b"type=ring&number=0491570006", headers=hook.auth())
    assert response.status_code == 400
    assert response.json()["error"].startswith("body: not JSON")


async def test_get_with_a_bad_parameter_is_400(hook: Hook) -> None:
    response = await hook.client.get(hook.url, params={"type": "ring", "token": hook.token})
    assert (response.status_code, response.json()["error"]) == (400, "number: Field required")


# -- 403 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1:1", "localhost.:{port}", ""])
async def test_a_host_header_that_is_not_loopback_is_403(hook: Hook, host: str) -> None:
    # DNS rebinding: a web page's domain re-pointed at 127.0.0.1 still sends its own Host.
    response = await hook.post({"type": "ring", "number": PRIYA}, headers={"Host": host.format(port=hook.port)})
    assert response.status_code == 403
    assert "Host" in response.json()["error"]
    assert hook.rec.views == []


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
async def test_loopback_host_names_are_accepted(hook: Hook, host: str) -> None:
    response = await hook.post({"type": "ring", "number": PRIYA}, headers={"Host": host.format(port=hook.port)})
    assert response.status_code == 200


async def test_a_browser_style_cross_site_post_is_refused(hook: Hook) -> None:
    # What a hostile page can send without a preflight: a text/plain "simple request" carrying JSON.
    form = {"Content-Type": "text/plain", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    body = b'{"type": "ring", "number": "+61491570006"}'
    response = await hook.client.post(hook.url, content=body, headers=form)
    assert response.status_code in (401, 403)
    # Each defence holds on its own: the Origin alone (even with the token) …
    with_token = await hook.client.post(hook.url, content=body, headers={**form, **hook.auth()})
    assert with_token.status_code == 403
    only_fetch_site = await hook.client.post(hook.url, content=body, headers={
        "Sec-Fetch-Site": "cross-site", **hook.auth()})
    assert only_fetch_site.status_code == 403
    # … and the token alone (a page that hides its Origin).
    no_origin = await hook.client.post(hook.url, content=body, headers={"Content-Type": "text/plain"})
    assert no_origin.status_code == 401
    assert hook.rec.views == []


async def test_a_loopback_origin_is_allowed(hook: Hook) -> None:
    response = await hook.post({"type": "ring", "number": PRIYA},
                               headers={"Origin": f"http://localhost:{hook.port}"})
    assert response.status_code == 200


# -- 413 -------------------------------------------------------------------------------------

async def test_a_body_over_the_limit_is_413(hook: Hook) -> None:
    big = {"type": "ring", "number": PRIYA, "call_id": "x" * MAX_BODY}
    response = await hook.post(big)
    assert response.status_code == 413
    assert "body" in response.json()["error"]


async def test_a_chunked_body_over_the_limit_is_413(hook: Hook) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b" " * 1024

    response = await hook.client.post(hook.url, content=chunks(), headers=hook.auth())
    assert response.status_code == 413
    assert hook.rec.views == []


# -- other paths and methods ------------------------------------------------------------------

async def test_other_paths_and_methods_are_not_served(hook: Hook) -> None:
    assert (await hook.client.get(f"http://127.0.0.1:{hook.port}/", headers=hook.auth())).status_code == 404
    assert (await hook.client.put(hook.url, headers=hook.auth())).status_code == 405


# -- the token -------------------------------------------------------------------------------

async def test_the_token_is_owner_only_and_survives_a_restart(rw_env: RwEnv) -> None:
    port = closed_port()
    home = paths.resolve()
    tokens = []
    for _ in range(2):
        rt = Runtime(paths=home, settings=webhook_settings(rw_env, port), listener=Recorder(), secrets=rw_env.secrets)
        await rt.start()
        tokens.append((home.data_dir / TOKEN_FILE).read_text().strip())
        async with httpx.AsyncClient() as client:
            response = await client.post(f"http://127.0.0.1:{port}/v1/events", json={"type": "ring", "number": PRIYA},
                                         headers={"Authorization": f"Bearer {tokens[-1]}"})
        assert response.status_code == 200
        await rt.stop()
    assert tokens[0] == tokens[1] and len(tokens[0]) >= 32
    if os.name == "posix":
        assert stat.S_IMODE((home.data_dir / TOKEN_FILE).stat().st_mode) == 0o600
    # The config file never holds it.
    assert not home.config_file.exists() or tokens[0] not in home.config_file.read_text()


def test_a_damaged_token_file_is_replaced(tmp_path: Any) -> None:
    (tmp_path / TOKEN_FILE).write_text("short\n")
    token = load_or_create_token(tmp_path)
    assert token != "short" and load_or_create_token(tmp_path) == token


async def test_webhook_info_prints_the_url_and_the_token(rw_env: RwEnv) -> None:
    home = paths.resolve()
    settings.save(home.config_file, webhook_settings(rw_env, 47123))
    code, out, err = await ringside("webhook-info")
    assert (code, err) == (0, "")
    token = load_or_create_token(home.data_dir)  # the CLI made it: Ringside never ran here
    assert "url: http://127.0.0.1:47123/v1/events" in out.splitlines()
    assert f"token: {token}" in out.splitlines()


async def test_webhook_info_without_a_webhook_says_how_to_add_one() -> None:
    code, _, err = await ringside("webhook-info")
    assert code == 1 and 'kind = "webhook"' in err


async def test_a_port_already_in_use_is_reported_and_the_app_runs_on(rw_env: RwEnv) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        rec = Recorder()
        rt = Runtime(paths=paths.resolve(), settings=webhook_settings(rw_env, port), listener=rec,
                     secrets=rw_env.secrets)
        await rt.start()
        try:
            ((text, error),) = rec.messages
            assert error and f"could not listen on 127.0.0.1:{port}" in text
            rt.controls.simulate_call(PRIYA)
            await rec.view(lambda v: v.complete, WAIT)
        finally:
            await rt.stop()
