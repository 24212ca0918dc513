"""Ringside as the telephony peer of retailCRM and FixDigital, through the real runtime: call events and
history from real calls, the card's retailCRM section, and the CRMs calling back (retailCRM's
makeCallUrl and changeUserStatusUrl, FixDigital's click-to-call and call list) on the callback server,
with the dialer a captured tel: opener and the CRMs their emulators."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.config import paths
from app.config.secret_names import CALLBACK_PASSWORD
from app.config.settings import CallbacksSettings, Settings, SystemDialerSettings
from app.core.models import CallEvent, Direction, EventType, LookupStatus, RecordType
from app.core.views import CallState
from app.crm.callbacks import FIXDIGITAL_CALLS, FIXDIGITAL_CLICK_TO_CALL
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.retailcrm.settings import RetailCrmAccount
from app.demo.peer import free_port
from app.runtime.runtime import Runtime
from app.sandbox.faults import FaultKind
from app.sandbox.fixdigital.server import DEMO_CLIENT_ID as FD_CLIENT
from app.sandbox.fixdigital.server import DEMO_EXTENSION, FixDigitalSandbox
from app.sandbox.retailcrm.server import DEMO_API_KEY, RetailCrmSandbox
from app.sandbox.retailcrm.store import COLLEAGUE_ID, DEMO_CLIENT_ID, DEMO_SITE, RECRUITER_CODE, RECRUITER_ID
from app.sandbox.runner import SandboxServer
from tests.conftest import RwEnv
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.support import caller, until

FD_USER, FD_PASSWORD = "fixdigital", "callback-pass-123"
API = "/api/v5"


@dataclass
class Peer:
    runtime: Runtime
    rec: Recorder
    retail: RetailCrmSandbox
    fix: FixDigitalSandbox
    base: str  # the callback server
    dialled: list[str]

    async def register(self) -> None:
        connector = self.runtime.connectors["rc"]
        await connector.register(make_call_url=f"{self.base}/retailcrm/make-call",  # type: ignore[attr-defined]
                                 status_url=f"{self.base}/retailcrm/user-status",
                                 logo_url=f"{self.base}/ringside.svg", account_url=self.base)

    def call(self, type_: EventType, call_id: str, direction: Direction = Direction.INBOUND) -> str | None:
        return self.runtime.switchboard.handle(CallEvent(type=type_, number=caller(PRIYA), direction=direction,
                                                         call_id=call_id, source="test", at=datetime.now(UTC)))


@pytest.fixture
def emulators() -> Iterator[tuple[RetailCrmSandbox, SandboxServer, FixDigitalSandbox, SandboxServer]]:
    retail, fix = RetailCrmSandbox(), FixDigitalSandbox()
    with SandboxServer(retail.make_app) as retail_server, SandboxServer(fix.make_app) as fix_server:
        yield retail, retail_server, fix, fix_server


async def start_peer(rw_env: RwEnv, emulators: Any, **fd_changes: Any) -> Peer:
    retail, retail_server, fix, fix_server = emulators
    rc = RetailCrmAccount(kind="retailcrm", id="rc", api_url=retail_server.url, site=DEMO_SITE, user_id=RECRUITER_ID,
                          code=RECRUITER_CODE, client_id=DEMO_CLIENT_ID)
    fd = FixDigitalAccount.model_validate({"kind": "fixdigital", "id": "fd", "api_url": fix_server.url,
                                           "client_id": FD_CLIENT, "extension": DEMO_EXTENSION,
                                           "callback_username": FD_USER, **fd_changes})
    listen = f"127.0.0.1:{free_port()}"
    settings = Settings(general=rw_env.settings().general, accounts=[rw_env.account, rc, fd],
                        dialer=SystemDialerSettings(kind="system"), callbacks=CallbacksSettings(listen=listen))
    rw_env.secrets.set("rc", "apikey", DEMO_API_KEY)
    rw_env.secrets.set("fd", CALLBACK_PASSWORD, FD_PASSWORD)
    dialled: list[str] = []

    async def opener(url: str) -> None:
        dialled.append(url)

    rec = Recorder()
    runtime = Runtime(paths=paths.resolve(), settings=settings, listener=rec, secrets=rw_env.secrets, open_tel=opener)
    await runtime.start()
    return Peer(runtime, rec, retail, fix, f"http://{listen}", dialled)


@pytest.fixture
async def peer(rw_env: RwEnv, emulators: Any) -> AsyncIterator[Peer]:
    started = await start_peer(rw_env, emulators)
    yield started
    await started.runtime.stop()


def events(retail: RetailCrmSandbox) -> list[tuple[str, str | None]]:
    return [(e["event"]["type"], e["event"].get("hangupStatus")) for e in retail.events()]


# -- a real call -----------------------------------------------------------------------------------------


async def test_a_call_pops_retailcrms_card_and_lands_in_its_history(peer: Peer) -> None:
    peer.call(EventType.RING, "pbx-1")
    card = await peer.rec.view(lambda v: v.complete)
    assert {a.account_id for a in card.accounts} == {"rw", "rc"}  # FixDigital has no section of its own
    retail = next(a for a in card.accounts if a.account_id == "rc")
    assert retail.status is LookupStatus.FOUND
    [customer] = retail.records
    assert (customer.type, customer.name, customer.note) == (RecordType.CUSTOMER, "Priya Raman", "Manager: Alex Morgan")
    assert [label for label, _ in customer.extra_links] == ["Last order", "New order"]
    await until(lambda: events(peer.retail) == [("in", None)], what="retailCRM's in event")

    peer.call(EventType.ANSWER, "pbx-1")
    peer.call(EventType.HANGUP, "pbx-1")
    await until(peer.retail.calls, what="the call in retailCRM's history")
    assert events(peer.retail) == [("in", None), ("hangup", "answered")]
    [history] = peer.retail.calls()
    assert (history["externalId"], history["type"], history["result"]) == ("pbx-1", "in", "answered")
    assert [e["event"]["callExternalId"] for e in peer.retail.events()] == ["pbx-1", "pbx-1"]
    await until(lambda: len(peer.fix.notices()) == 2, what="FixDigital's two notices")
    assert [n["operation"] for n in peer.fix.notices()] == ["incomingCall", "incomingCallAnswered"]


async def test_the_note_goes_to_the_customer_in_retailcrm(peer: Peer) -> None:
    peer.call(EventType.RING, "pbx-2")
    card = await peer.rec.view(lambda v: v.complete)
    peer.call(EventType.ANSWER, "pbx-2")
    peer.call(EventType.HANGUP, "pbx-2")
    customer = next(r for r in card.matches if r.account_id == "rc")
    await peer.runtime.controls.save_note("pbx-2", "Asked for the March invoice.", [customer.key])
    await until(peer.retail.notes, what="the customer note")
    [note] = peer.retail.notes()
    assert note["text"] == "Asked for the March invoice." and note["customer"] == {"id": 2101}


async def test_calls_without_an_id_use_ringsides_own(peer: Peer) -> None:
    switchboard = peer.runtime.switchboard
    call_id = switchboard.handle(CallEvent(type=EventType.RING, number=caller("0491 570 006"), at=datetime.now(UTC)))
    switchboard.handle(CallEvent(type=EventType.HANGUP, number=caller("0491570006"), at=datetime.now(UTC)))
    await until(peer.retail.calls, what="the missed call in retailCRM's history")
    assert events(peer.retail) == [("in", None), ("hangup", "no answered")]
    assert peer.retail.calls()[0]["externalId"] == call_id
    assert peer.retail.calls()[0]["result"] == "no answer"


async def test_a_crm_that_fails_is_said_once_and_the_card_goes_on(
    peer: Peer, caplog: pytest.LogCaptureFixture
) -> None:
    peer.fix.faults.inject("/webservice.php", FaultKind.WRONG_SHAPE, count=2)
    peer.call(EventType.RING, "pbx-3")
    peer.call(EventType.ANSWER, "pbx-3")
    # Each failure is logged, then shown unless it is what was shown last (in the same turn of the loop).
    await until(lambda: sum("fd: telling it of" in r.getMessage() for r in caplog.records) == 2,
                what="both notices failing")
    [(text, error)] = peer.rec.messages
    assert error and re.fullmatch(r"FixDigital: FixDigital \(account 'fd', 127\.0\.0\.1:\d+\) answered a call notice "
                                  r'without "success": true\.', text)
    card = await peer.rec.view(lambda v: v.complete)
    assert card.state is CallState.ANSWERED


# -- retailCRM calls back ----------------------------------------------------------------------------------


async def test_a_click_in_retailcrm_dials_through_ringside(peer: Peer) -> None:
    await peer.register()
    answer = await peer.retail.make_call("+61491570006")
    assert answer.status_code == 200 and answer.json() == {"success": True}
    assert peer.dialled == [f"tel:{PRIYA}"]
    card = await peer.rec.view(lambda v: v.direction is Direction.OUTBOUND)
    assert card.e164 == PRIYA
    await until(lambda: ("out", None) in events(peer.retail), what="retailCRM's out event")


async def test_a_wrong_client_id_is_refused(peer: Peer) -> None:
    await peer.register()
    answer = await peer.retail.make_call("+61491570006", client_id="guessed")
    assert answer.status_code == 403 and answer.json()["success"] is False
    status = await peer.retail.change_status("busy", client_id="")
    assert status.status_code == 403
    assert peer.dialled == []


async def test_a_call_for_someone_elses_extension_or_a_bad_number_is_refused(peer: Peer) -> None:
    await peer.register()
    async with httpx.AsyncClient() as client:
        other = await client.get(f"{peer.base}/retailcrm/make-call", params={
            "clientId": DEMO_CLIENT_ID, "code": "102", "userId": str(COLLEAGUE_ID), "phone": "+61491570006"})
        garbage = await client.get(f"{peer.base}/retailcrm/make-call", params={
            "clientId": DEMO_CLIENT_ID, "code": RECRUITER_CODE, "phone": "call me"})
    assert other.status_code == 404 and "102" in other.json()["errorMsg"]
    assert garbage.status_code == 400 and garbage.json()["errorMsg"].startswith("phone:")
    assert peer.dialled == []


async def test_without_a_dialer_retailcrm_is_told_it_failed(rw_env: RwEnv, emulators: Any) -> None:
    started = await start_peer(rw_env, emulators)
    try:
        started.runtime.switchboard.set_dialer(None)
        await started.register()
        answer = await started.retail.make_call("+61491570006")
        assert answer.status_code == 503 and "dialer" in answer.json()["errorMsg"]
    finally:
        await started.runtime.stop()


async def test_the_retailcrm_status_shows_in_the_tray(peer: Peer) -> None:
    await peer.register()
    answer = await peer.retail.change_status("dinner")
    assert answer.status_code == 200
    assert peer.rec.tray[-1][1] == "Ready · retailCRM: At dinner"
    bad = await peer.retail.change_status("asleep")
    assert bad.status_code == 400


async def test_register_from_the_command_line(peer: Peer, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import settings as settings_mod
    from app.crm.retailcrm import register as retailcrm_register

    settings_mod.save(peer.runtime.paths.config_file, peer.runtime.settings)
    lines: list[str] = []
    code = await asyncio.to_thread(retailcrm_register.run, peer.runtime.paths, "rc", "https://rs.example.com/",
                                   peer.runtime.secrets, lines.append)
    assert code == 0
    assert lines[0] == "Registered the telephony integration 'ringside' in retailCRM (active):"
    assert "  makeCallUrl          https://rs.example.com/retailcrm/make-call" in lines
    assert "  changeUserStatusUrl  https://rs.example.com/retailcrm/user-status" in lines
    assert f"  additionalCodes      user {RECRUITER_ID} → extension {RECRUITER_CODE}" in lines
    module = peer.retail.module()
    assert module is not None
    assert module["integrations"]["telephony"]["makeCallUrl"] == "https://rs.example.com/retailcrm/make-call"


# -- FixDigital calls back ----------------------------------------------------------------------------------


async def test_fixdigital_click_to_call_dials(peer: Peer) -> None:
    answer = await peer.fix.click_to_call(peer.base + FIXDIGITAL_CLICK_TO_CALL, "0491570006",
                                          auth=(FD_USER, FD_PASSWORD))
    assert answer.status_code == 200 and answer.json() == {"success": True, "result": []}
    assert peer.dialled == [f"tel:{PRIYA}"]
    by_params = await peer.fix.click_to_call(peer.base + FIXDIGITAL_CLICK_TO_CALL, "0491570006",
                                             params={"username": FD_USER, "password": FD_PASSWORD})
    assert by_params.status_code == 200 and len(peer.dialled) == 2


@pytest.mark.parametrize("auth", [None, (FD_USER, "wrong"), ("someone", FD_PASSWORD)])
async def test_fixdigital_without_the_right_credentials_is_refused(peer: Peer, auth: tuple[str, str] | None) -> None:
    answer = await peer.fix.click_to_call(peer.base + FIXDIGITAL_CLICK_TO_CALL, "0491570006", auth=auth)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Basic")
    assert answer.json()["success"] is False
    calls = await peer.fix.call_list(peer.base + FIXDIGITAL_CALLS, "0491570006", auth=auth)
    assert calls.status_code == 401
    assert peer.dialled == []


async def test_fixdigital_with_a_wrong_client_id_or_extension_is_refused(peer: Peer) -> None:
    wrong_client = await peer.fix.click_to_call(peer.base + FIXDIGITAL_CLICK_TO_CALL, "0491570006",
                                                auth=(FD_USER, FD_PASSWORD), client_id="11")
    wrong_ext = await peer.fix.click_to_call(peer.base + FIXDIGITAL_CLICK_TO_CALL, "0491570006", ext="778",
                                             auth=(FD_USER, FD_PASSWORD))
    assert wrong_client.status_code == 403 and wrong_client.json()["error"]["code"] == "WRONG_CLIENT"
    assert wrong_ext.status_code == 404 and peer.dialled == []


async def test_fixdigital_from_an_address_not_allowed_is_refused(rw_env: RwEnv, emulators: Any) -> None:
    started = await start_peer(rw_env, emulators, allow_from=["10.0.0.0/8"])
    try:
        answer = await started.fix.click_to_call(started.base + FIXDIGITAL_CLICK_TO_CALL, "0491570006",
                                                 auth=(FD_USER, FD_PASSWORD))
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "ACCESS_DENIED"
        assert started.dialled == []
    finally:
        await started.runtime.stop()


async def test_fixdigital_gets_a_numbers_calls_from_ringsides_history(peer: Peer) -> None:
    peer.call(EventType.RING, "pbx-a")
    peer.call(EventType.ANSWER, "pbx-a")
    peer.call(EventType.HANGUP, "pbx-a")
    peer.call(EventType.RING, "pbx-b", Direction.OUTBOUND)
    peer.call(EventType.HANGUP, "pbx-b", Direction.OUTBOUND)
    answer = await peer.fix.call_list(peer.base + FIXDIGITAL_CALLS, "0491570006", auth=(FD_USER, FD_PASSWORD))
    assert answer.status_code == 200
    body = answer.json()
    assert body["success"] is True
    rows = body["result"]
    assert [set(r) for r in rows] == [{"time", "ext", "number", "duration", "filename", "incoming"}] * 2
    assert [(r["incoming"], r["ext"], r["number"], r["filename"]) for r in rows] == [
        (0, DEMO_EXTENSION, "0491570006", ""), (1, DEMO_EXTENSION, "0491570006", "")]  # newest first
    assert all(isinstance(r["duration"], int) for r in rows)
    other = await peer.fix.call_list(peer.base + FIXDIGITAL_CALLS, "0491570159", auth=(FD_USER, FD_PASSWORD))
    assert other.json() == {"success": True, "result": []}


async def test_a_page_in_a_browser_cannot_make_ringside_dial(peer: Peer) -> None:
    await peer.register()
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{peer.base}/retailcrm/make-call", headers={"Sec-Fetch-Site": "cross-site"},
                                  params={"clientId": DEMO_CLIENT_ID, "code": RECRUITER_CODE, "phone": PRIYA})
    assert answer.status_code == 403 and peer.dialled == []


def test_register_refuses_what_it_cannot_use(capsys: pytest.CaptureFixture[str], rw_env: RwEnv) -> None:
    from app.cli import main as cli
    from app.config import settings as settings_mod

    settings_mod.save(paths.resolve().config_file, rw_env.settings())
    assert cli.main(["retailcrm", "register", "rw", "--public-url", "https://rs.example.com"]) == cli.EXIT_FAIL
    assert "Account 'rw' is a recruitwizard account, not retailCRM." in capsys.readouterr().err
    assert cli.main(["retailcrm", "register", "nope", "--public-url", "https://rs.example.com"]) == cli.EXIT_FAIL
    assert "No account 'nope'" in capsys.readouterr().err
    rc = RetailCrmAccount(kind="retailcrm", id="rc", api_url="https://shop.retailcrm.ru")
    settings_mod.save(paths.resolve().config_file, Settings(accounts=[rc]))
    assert cli.main(["retailcrm", "register", "rc", "--public-url", "ringside.example.com"]) == cli.EXIT_FAIL
    assert "--public-url must be an http(s) address" in capsys.readouterr().err
