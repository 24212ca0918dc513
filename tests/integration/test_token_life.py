"""Token life in the running app: refreshed ahead of expiry and after a 401, once for many calls at
a time; a refresh that fails flags only that account (its card section and the tray), and one
click signs it in again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.config import paths, settings
from app.config.settings import Settings
from app.core.models import CallEvent, EventType, LookupStatus
from app.core.views import TrayState
from app.crm._shared.oauth_tokens import TokenSet
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.runtime.runtime import NoWindows, Runtime
from tests.conftest import RwEnv
from tests.integration.conftest import TR_PASSWORD, TrSandbox
from tests.integration.test_call_flow import Recorder
from tests.support import caller, until

PRIYA = "+61491570006"  # in both emulators' demo data


@pytest.fixture
async def app(rw_env: RwEnv, tr_sandbox: TrSandbox) -> AsyncIterator[tuple[Runtime, Recorder]]:
    _, tr_server = tr_sandbox
    tr = TrackerRmsAccount(kind="trackerrms", id="tr", api_url=tr_server.url, auth="password",
                           username="alex.morgan@agency.example")
    rw_env.secrets.set("tr", "password", TR_PASSWORD)
    config = Settings(general=rw_env.settings().general, accounts=[rw_env.account, tr])
    settings.save(paths.resolve().config_file, config)
    recorder = Recorder()
    runtime = Runtime(paths=paths.resolve(), settings=config, listener=recorder, secrets=rw_env.secrets)
    await runtime.start()
    yield runtime, recorder
    await runtime.stop()


def ring(runtime: Runtime, call_id: str, number: str = PRIYA) -> None:
    runtime.switchboard.handle(CallEvent(type=EventType.RING, number=caller(number), call_id=call_id, source="cli",
                                         at=datetime.now(UTC), received_ns=time.perf_counter_ns()))


async def ten_calls_at_once(runtime: Runtime, recorder: Recorder) -> None:
    for n in range(10):
        ring(runtime, f"call-{n}")
    for n in range(10):
        view = await recorder.view(lambda v, cid=f"call-{n}": v.call_id == cid and v.complete)
        rw = next(a for a in view.accounts if a.account_id == "rw")
        assert rw.status is LookupStatus.FOUND, rw.error


async def test_ten_calls_needing_a_refresh_on_401_refresh_once(app: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    runtime, recorder = app
    rw_env.sandbox.expire_access_tokens()  # the CRM refuses the token Ringside thinks is good
    await ten_calls_at_once(runtime, recorder)
    assert rw_env.sandbox.refresh_count == 1
    lookups = rw_env.sandbox.journal.entries("/api/telephony/lookup/61491570006")
    assert [e.status for e in lookups].count(200) == 10


async def test_ten_calls_refresh_once_ahead_of_expiry(app: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    runtime, recorder = app
    stored = TokenSet.model_validate_json(rw_env.secrets.get("rw", "tokens") or "")
    soon = stored.model_copy(update={"expires_at": datetime.now(UTC) + timedelta(seconds=20)})
    rw_env.secrets.set("rw", "tokens", soon.model_dump_json())
    await runtime.reload_accounts("rw")  # as after a sign-in in another process
    await ten_calls_at_once(runtime, recorder)
    assert rw_env.sandbox.refresh_count == 1
    assert [e.status for e in rw_env.sandbox.journal.entries("/api/telephony/lookup/")].count(401) == 0


async def test_a_failed_refresh_flags_that_account_only_and_one_click_signs_it_in_again(
    app: tuple[Runtime, Recorder], rw_env: RwEnv
) -> None:
    runtime, recorder = app
    rw_env.sandbox.revoke_all()
    rw_env.sandbox.expire_access_tokens()

    ring(runtime, "first")
    view = await recorder.view(lambda v: v.call_id == "first" and v.complete)
    rw = next(a for a in view.accounts if a.account_id == "rw")
    tr = next(a for a in view.accounts if a.account_id == "tr")
    assert rw.status is LookupStatus.ERROR and rw.needs_sign_in
    assert rw.error == "Recruit Wizard needs you to sign in again."
    assert tr.status is LookupStatus.FOUND and not tr.needs_sign_in  # the other account is unaffected
    runtime.switchboard.handle(CallEvent(type=EventType.HANGUP, number=caller(PRIYA), call_id="first", source="cli",
                                         at=datetime.now(UTC)))
    # The tray keeps saying so after the call, with the account to sign in to.
    assert recorder.tray[-1] == (TrayState.ATTENTION, "Recruit Wizard needs you to sign in again")
    assert runtime.controls.accounts_needing_sign_in() == [("rw", "Recruit Wizard")]

    async with httpx.AsyncClient(follow_redirects=True, timeout=5) as browser:
        visits: list[asyncio.Task[httpx.Response]] = []
        runtime.open_url = lambda url: visits.append(asyncio.get_running_loop().create_task(browser.get(url)))
        runtime.controls.sign_in("rw")
        await until(lambda: ("Signed in to Recruit Wizard; the tokens are in the keyring.", False)
                    in recorder.messages, what="the sign-in to finish")
        await asyncio.gather(*visits)
    assert runtime.controls.accounts_needing_sign_in() == []
    assert recorder.tray[-1] == (TrayState.IDLE, "Ready")

    ring(runtime, "second")
    view = await recorder.view(lambda v: v.call_id == "second" and v.complete)
    assert all(a.status is LookupStatus.FOUND for a in view.accounts)


async def test_sign_in_again_for_a_password_account_opens_settings_at_it(app: tuple[Runtime, Recorder]) -> None:
    runtime, _ = app
    opened: list[str | None] = []

    class Windows(NoWindows):
        def open_settings(self, account_id: str | None) -> bool:
            opened.append(account_id)
            return True

    runtime.windows = Windows()
    runtime.controls.sign_in("tr")
    await until(lambda: opened, what="Settings to open")
    assert opened == ["tr"]


async def test_a_failed_sign_in_again_says_why_and_keeps_the_flag(app: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    runtime, recorder = app
    rw_env.sandbox.revoke_all()
    rw_env.sandbox.expire_access_tokens()
    ring(runtime, "first")
    await recorder.view(lambda v: v.call_id == "first" and v.complete)
    rw_env.sandbox.deny_next_authorization()
    async with httpx.AsyncClient(follow_redirects=True, timeout=5) as browser:
        visits: list[asyncio.Task[httpx.Response]] = []
        runtime.open_url = lambda url: visits.append(asyncio.get_running_loop().create_task(browser.get(url)))
        runtime.controls.sign_in("rw")
        await until(lambda: any(error for _, error in recorder.messages), what="the refusal")
        await asyncio.gather(*visits)
    assert ("Access was denied, so Ringside is not connected to Recruit Wizard.", True) in recorder.messages
    assert runtime.controls.accounts_needing_sign_in() == [("rw", "Recruit Wizard")]
