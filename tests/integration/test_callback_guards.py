"""The CRM callback server's guards over real HTTP: Host and Origin (DNS rebinding), the public
host behind a relay, back-off per source that never locks out a CRM that signs in correctly, the
retailCRM clientId's minimum length, and FixDigital's username check taking the same path for
unknown users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from app.config.secret_names import CALLBACK_PASSWORD
from app.config.settings import Account
from app.crm._shared.failed_attempts import FailedAttempts
from app.crm.callbacks import FIXDIGITAL_CALLS, LOGO, RETAILCRM_MAKE_CALL, CallbackContext, CallbackServer
from app.crm.fixdigital import callbacks as fixdigital_callbacks
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.retailcrm import callbacks as retailcrm_callbacks
from app.crm.retailcrm.recordings import SHELF, record_url
from app.crm.retailcrm.settings import RetailCrmAccount
from app.storage.call_list import CallList
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from tests.integration.conftest import closed_port

CLIENT_ID = "rc-0123456789abcdef-long"
PUBLIC_URL = "https://ringside.example.com"
ACCOUNT_PUBLIC_URL = "https://recordings.example.net"  # a retailCRM account's own, for its recordUrls


@dataclass
class Server:
    url: str
    port: int
    server: CallbackServer
    dialled: list[str] = field(default_factory=list)
    secrets_read: list[tuple[str, str]] = field(default_factory=list)


class CountingSecrets(KeyringSecrets):
    def __init__(self, log: list[tuple[str, str]]) -> None:
        super().__init__(backend=MemoryKeyring())
        self._log = log

    def get(self, account_id: str, name: str) -> str | None:
        self._log.append((account_id, name))
        return super().get(account_id, name)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    port = closed_port()
    rc = RetailCrmAccount(kind="retailcrm", id="rc", api_url="https://shop.retailcrm.ru", client_id=CLIENT_ID,
                          public_url=ACCOUNT_PUBLIC_URL)
    fd = FixDigitalAccount(kind="fixdigital", id="fd", api_url="https://crm.example", client_id="10",
                           extension="777", callback_username="fixdigital")
    accounts: list[Account] = [rc, fd]
    box = Server("", port, None)  # type: ignore[arg-type]
    secrets = CountingSecrets(box.secrets_read)
    secrets.set("fd", CALLBACK_PASSWORD, "fd-callback-password")

    async def dial(e164: str) -> None:
        box.dialled.append(e164)

    call_list = CallList(tmp_path / "calls.db")
    context = CallbackContext(accounts=lambda: accounts, dial=dial, set_presence=lambda *_: None, secrets=secrets,
                              call_list=call_list, default_region=lambda: "AU")
    box.server = CallbackServer(f"127.0.0.1:{port}", context, [retailcrm_callbacks.mount, fixdigital_callbacks.mount],
                                public_url=PUBLIC_URL, attempts=FailedAttempts(free=3, first_lock_s=60.0))
    box.url = f"http://127.0.0.1:{port}"
    await box.server.start()
    yield box
    await box.server.stop()
    call_list.close()


def make_call(client_id: str = CLIENT_ID) -> dict[str, str]:
    return {"clientId": client_id, "phone": "0491570006"}


async def test_a_name_that_is_not_ours_in_host_is_refused_before_anything_is_read(server: Server) -> None:
    async with httpx.AsyncClient() as client:
        rebound = await client.get(server.url + RETAILCRM_MAKE_CALL, params=make_call(),
                                   headers={"Host": f"attacker.example:{server.port}"})
        assert rebound.status_code == 403 and "Host" in rebound.json()["errorMsg"]
        page = await client.get(server.url + RETAILCRM_MAKE_CALL, params=make_call(),
                                headers={"Origin": "http://attacker.example"})
        assert page.status_code == 403
        assert server.dialled == []
        # The relay's public host, an IP address, localhost and our own origin are all served.
        for headers in ({"Host": "ringside.example.com"}, {"Host": "ringside.example.com:443"},
                        {"Host": f"localhost:{server.port}"}, {"Host": "192.0.2.10:8080"},
                        {"Origin": PUBLIC_URL}, {"Origin": server.url}):
            answer = await client.get(server.url + RETAILCRM_MAKE_CALL, params=make_call(), headers=headers)
            assert answer.status_code == 200, (headers, answer.text)
        # The logo is shown in retailCRM's own pages: a browser may fetch it from anywhere.
        logo = await client.get(server.url + LOGO, headers={"Host": "attacker.example", "Sec-Fetch-Site": "cross-site"})
        assert logo.status_code == 200
    assert len(server.dialled) == 6


async def test_an_accounts_own_public_host_is_served_too(server: Server, tmp_path: Path) -> None:
    recording = tmp_path / "call.wav"
    recording.write_bytes(b"RIFF")
    path = httpx.URL(record_url(ACCOUNT_PUBLIC_URL, SHELF.offer(recording))).path
    async with httpx.AsyncClient() as client:
        fetched = await client.get(server.url + path, headers={"Host": "recordings.example.net"})
        assert fetched.status_code == 200 and fetched.content == b"RIFF"
        other = await client.get(server.url + path, headers={"Host": "attacker.example"})
        assert other.status_code == 403


async def test_failed_attempts_lock_out_their_source_only(server: Server) -> None:
    attacker = {"X-Forwarded-For": "198.51.100.1, 203.0.113.66"}  # behind the relay: the last hop counts
    retailcrm = {"X-Forwarded-For": "193.0.2.40"}
    async with httpx.AsyncClient() as client:
        for n in range(3):
            wrong = await client.get(server.url + RETAILCRM_MAKE_CALL, params=make_call(f"guess-{n:016d}"),
                                     headers=attacker)
            assert wrong.status_code == 403
        fourth = await client.get(server.url + RETAILCRM_MAKE_CALL, params=make_call("guess-x"), headers=attacker)
        assert fourth.status_code == 403
        locked = await client.get(server.url + RETAILCRM_MAKE_CALL, params=make_call(), headers=attacker)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 1
        # retailCRM, through the same relay, signs in correctly and is never held up.
        for _ in range(3):
            ok = await client.get(server.url + RETAILCRM_MAKE_CALL, params=make_call(), headers=retailcrm)
            assert ok.status_code == 200
        # A FixDigital password guess counts the same way (and the spoofed first hop is ignored).
        other = {"X-Forwarded-For": "203.0.113.66, 193.0.2.41"}
        for _ in range(4):
            guess = await client.get(server.url + FIXDIGITAL_CALLS, params={"sNumber": "0491570006", "ClientId": "10"},
                                     auth=("fixdigital", "wrong"), headers=other)
            assert guess.status_code == 401
        assert (await client.get(server.url + FIXDIGITAL_CALLS, auth=("fixdigital", "wrong"),
                                 headers=other)).status_code == 429
    assert server.dialled == ["+61491570006"] * 3


async def test_unknown_and_known_usernames_read_and_compare_the_same_secrets(server: Server) -> None:
    async with httpx.AsyncClient() as client:
        params = {"sNumber": "0491570006", "ClientId": "10"}
        for user in ("fixdigital", "nobody-of-that-name"):
            server.secrets_read.clear()
            answer = await client.get(server.url + FIXDIGITAL_CALLS, params=params, auth=(user, "wrong"))
            assert answer.status_code == 401
            assert server.secrets_read == [("fd", CALLBACK_PASSWORD)], user


def test_a_short_retailcrm_client_id_is_a_clear_config_error() -> None:
    with pytest.raises(ValidationError) as raised:
        RetailCrmAccount(kind="retailcrm", id="rc", api_url="https://shop.retailcrm.ru", client_id="abc123")
    assert "client_id must be at least 16 characters (it is 6)" in str(raised.value)
    assert RetailCrmAccount(kind="retailcrm", id="rc", api_url="https://x.retailcrm.ru", client_id="").client_id == ""

