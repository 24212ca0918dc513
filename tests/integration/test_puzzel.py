"""Puzzel click-to-call against its emulator on a real loopback socket: sign-in (wrong password,
two-factor), the agent's state (logged off, busy), the callout body, and token renewal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app.core.phone import normalise
from app.crm.puzzel.client import PuzzelClient, callout_body
from app.crm.puzzel.settings import PuzzelAccount
from app.errors import NeedsSignIn, Rejected, Unavailable
from app.sandbox.faults import FaultKind
from app.sandbox.journal import REDACTED
from app.sandbox.puzzel.server import DEMO_CUSTOMER_KEY, DEMO_PASSWORD, DEMO_USER, TWO_FACTOR_USER, PuzzelSandbox
from app.sandbox.runner import SandboxServer
from app.storage.secrets import KeyringSecrets, MemoryKeyring

PRIYA = normalise("0491 570 006", "AU")
Puzzel = tuple[PuzzelSandbox, SandboxServer]


@pytest.fixture
def puzzel() -> Iterator[Puzzel]:
    sandbox = PuzzelSandbox()
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
def secrets() -> KeyringSecrets:
    store = KeyringSecrets(backend=MemoryKeyring())
    store.set("pz", "password", DEMO_PASSWORD)
    return store


@pytest.fixture
def make_client(puzzel: Puzzel, secrets: KeyringSecrets,
                http_clients: Callable[..., httpx.AsyncClient]) -> Callable[..., PuzzelClient]:
    def make(*, username: str = DEMO_USER, **options: Any) -> PuzzelClient:
        account = PuzzelAccount(kind="puzzel", id="pz", auth_url=puzzel[1].url, api_url=puzzel[1].url,
                                customer_key=DEMO_CUSTOMER_KEY, username=username)
        return PuzzelClient(account, http_clients(timeout=5), secrets, **options)

    return make


async def test_a_call_signs_in_checks_the_agent_and_orders_the_callout(
    puzzel: Puzzel, make_client: Callable[..., PuzzelClient]
) -> None:
    sandbox, _ = puzzel
    await make_client().call(PRIYA)

    steps = [(e.method, e.path) for e in sandbox.journal.entries()]
    assert steps == [
        ("POST", "/api/Authenticate/LogIn"),
        ("GET", "/ContactCentre5/accesstokeninformation"),
        ("GET", f"/ContactCentre5/{DEMO_CUSTOMER_KEY}/users/1231234"),
        ("POST", f"/ContactCentre5/{DEMO_CUSTOMER_KEY}/users/1231234/callout"),
    ]
    login = sandbox.journal.entries("/api/Authenticate/LogIn")[0].json
    assert login is not None
    assert login == {"customerKey": DEMO_CUSTOMER_KEY, "userName": DEMO_USER, "password": REDACTED,
                     "clientName": "Ringside", "clientVersion": login["clientVersion"]}
    (callout,) = sandbox.callouts()
    assert callout["userId"] == 1231234
    assert callout["body"] == {"destination": "+61491570006", "countryCode": "61", "maxAttempts": 1,
                               "requestDescription": "Click-to-call from Ringside"}
    # The bearer token went in the header only, and the journal never kept it.
    calls = sandbox.journal.entries("/ContactCentre5/")
    assert {e.headers["authorization"] for e in calls} == {"<redacted bearer>"}


async def test_queue_and_access_point_go_in_the_body_when_configured(
    puzzel: Puzzel, make_client: Callable[..., PuzzelClient]
) -> None:
    await make_client(queue_key="q_sales", access_point="+61255500299").call(normalise("+44 20 7946 0958", "AU"))
    (callout,) = puzzel[0].callouts()
    assert callout["body"]["destination"] == "+442079460958"
    assert callout["body"]["countryCode"] == "44"
    assert (callout["body"]["queueKey"], callout["body"]["accessPoint"]) == ("q_sales", "+61255500299")


async def test_a_logged_off_agent_is_told_to_log_on_and_nothing_is_called(
    puzzel: Puzzel, make_client: Callable[..., PuzzelClient]
) -> None:
    sandbox, _ = puzzel
    sandbox.set_status(DEMO_USER, contact_centre="LoggedOff")
    with pytest.raises(Rejected) as caught:
        await make_client().call(PRIYA)
    assert str(caught.value) == "You're logged off in Puzzel — log on to make calls."
    assert sandbox.callouts() == []


@pytest.mark.parametrize(("status", "said"), [("Busy", "Busy"), ("Pause", "Paused"), ("WrapUp", "Wrap-up")])
async def test_an_agent_who_is_not_available_is_told_their_status(
    puzzel: Puzzel, make_client: Callable[..., PuzzelClient], status: str, said: str
) -> None:
    sandbox, _ = puzzel
    sandbox.set_status(DEMO_USER, user_status=status)
    with pytest.raises(Rejected) as caught:
        await make_client().call(PRIYA)
    assert str(caught.value) == f"Your Puzzel status is {said} — set it to Available to make calls."
    assert sandbox.callouts() == []
    sandbox.set_status(DEMO_USER, user_status="Available")
    await make_client().call(PRIYA)
    assert len(sandbox.callouts()) == 1


async def test_two_factor_sign_in_is_reported_not_ignored(
    puzzel: Puzzel, make_client: Callable[..., PuzzelClient], secrets: KeyringSecrets
) -> None:
    sandbox, _ = puzzel
    secrets.set("pz", "password", sandbox.user(TWO_FACTOR_USER).password)
    with pytest.raises(Rejected, match="two-factor") as caught:
        await make_client(username=TWO_FACTOR_USER).call(PRIYA)
    assert "second sign-in step" in str(caught.value)
    assert [e.path for e in sandbox.journal.entries()] == ["/api/Authenticate/LogIn"]


async def test_a_wrong_password_says_so_without_the_password(
    puzzel: Puzzel, make_client: Callable[..., PuzzelClient], secrets: KeyringSecrets
) -> None:
    secrets.set("pz", "password", "not-the-password")
    with pytest.raises(NeedsSignIn) as caught:
        await make_client().call(PRIYA)
    message = str(caught.value)
    assert "refused the sign-in for alex.morgan" in message and "ringside account connect pz" in message
    assert "not-the-password" not in message
    assert puzzel[0].callouts() == []


async def test_no_stored_password_asks_for_the_sign_in(
    make_client: Callable[..., PuzzelClient], secrets: KeyringSecrets
) -> None:
    secrets.delete("pz", "password")
    with pytest.raises(NeedsSignIn, match="No Puzzel password is stored for account 'pz'"):
        await make_client().call(PRIYA)


async def test_an_expired_token_is_renewed_with_the_session_then_by_signing_in_again(
    puzzel: Puzzel, make_client: Callable[..., PuzzelClient]
) -> None:
    sandbox, _ = puzzel
    client = make_client()
    await client.call(PRIYA)
    assert (sandbox.login_count, sandbox.refresh_count) == (1, 0)

    sandbox.expire_access_tokens()  # the session lives on: GetAccessToken renews the token
    await client.call(PRIYA)
    assert (sandbox.login_count, sandbox.refresh_count) == (1, 1)
    renew = sandbox.journal.entries("/api/Authenticate/GetAccessToken")[0]
    assert renew.json == {"customerKey": DEMO_CUSTOMER_KEY, "sessionId": REDACTED}

    sandbox.end_sessions()  # the session is over too: only a new LogIn helps
    await client.call(PRIYA)
    assert (sandbox.login_count, sandbox.refresh_count) == (2, 1)
    assert len(sandbox.callouts()) == 3


async def test_puzzel_down_is_a_readable_error(puzzel: Puzzel, make_client: Callable[..., PuzzelClient]) -> None:
    puzzel[0].faults.inject("/ContactCentre5/", FaultKind.STATUS, status=502)
    with pytest.raises(Unavailable, match=r"Puzzel had a problem answering \(HTTP 502\)"):
        await make_client().call(PRIYA)


# -- the emulator is as strict as the seed -------------------------------------------------------------


async def test_the_emulator_refuses_what_the_seed_does_not_allow(puzzel: Puzzel) -> None:
    sandbox, server = puzzel
    async with httpx.AsyncClient(base_url=server.url) as http:
        login = {"customerKey": DEMO_CUSTOMER_KEY, "userName": DEMO_USER, "password": DEMO_PASSWORD,
                 "clientName": "test", "clientVersion": "1"}
        assert (await http.post("/api/Authenticate/LogIn", json={**login, "extra": 1})).status_code == 400
        assert (await http.post("/api/Authenticate/LogIn", content=b"customerKey=1")).status_code == 415
        assert (await http.post("/api/Authenticate/LogIn", json={**login, "customerKey": 12345})).status_code == 400
        token = (await http.post("/api/Authenticate/LogIn", json=login)).json()["accessToken"]
        bearer = {"Authorization": f"Bearer {token}"}

        assert (await http.get("/ContactCentre5/accesstokeninformation")).status_code == 401
        users = f"/ContactCentre5/{DEMO_CUSTOMER_KEY}/users"
        assert (await http.get(f"{users}/1231235", headers=bearer)).status_code == 403  # another agent
        assert (await http.get("/ContactCentre5/99999/users/1231234", headers=bearer)).status_code == 403
        callout = f"{users}/1231234/callout"
        bad = [{"destination": "0491 570 006"}, {"destination": "+61491570006", "maxAttempts": "1"},
               {"destination": "+61491570006", "colour": "red"}, {"countryCode": "61"}]
        for body in bad:
            answer = await http.post(callout, json=body, headers=bearer)
            assert answer.status_code == 400, body
            assert answer.json()["message"].startswith("The request is invalid")
        sandbox.set_status(DEMO_USER, contact_centre="LoggedOff")
        assert (await http.post(callout, json={"destination": "+61491570006"}, headers=bearer)).status_code == 400
    assert sandbox.callouts() == []


def test_the_callout_body_is_only_seed_fields() -> None:
    from app.sandbox.puzzel.models import CalloutIn

    body = callout_body(PRIYA, queue_key="q", access_point="+61255500299")
    assert set(body) <= set(CalloutIn.model_fields)
    CalloutIn.model_validate(body)
