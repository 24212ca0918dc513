"""`ringside --demo` shows a retailCRM customer beside the recruitment CRMs and tells FixDigital of the
call, against the emulators the demo starts (the real runtime, no widgets)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from app.core.models import CallEvent, EventType, LookupStatus
from app.crm.fixdigital.settings import FixDigitalAccount
from app.demo.demo import DemoEnv, prepare_demo
from app.runtime.runtime import Runtime
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.support import caller, until


@pytest.fixture
async def demo() -> AsyncIterator[tuple[DemoEnv, Runtime, Recorder]]:
    env = await asyncio.to_thread(prepare_demo, None, {})  # it signs in with asyncio.run of its own
    rec = Recorder()
    runtime = Runtime(paths=env.paths, settings=env.settings, listener=rec, secrets=env.secrets,
                      demo_callers=env.callers)
    try:
        await runtime.start()
        yield env, runtime, rec
        await runtime.stop()
    finally:
        env.close()


async def test_the_demo_card_has_a_retailcrm_customer_beside_the_recruitment_crms(
    demo: tuple[DemoEnv, Runtime, Recorder]
) -> None:
    env, runtime, rec = demo
    assert "retailCRM emulator" in env.instructions and "/retailcrm/make-call?" in env.instructions
    runtime.switchboard.handle(CallEvent(type=EventType.RING, number=caller(PRIYA), call_id="demo-1",
                                         at=datetime.now(UTC)))
    card = await rec.view(lambda v: v.complete, timeout=10)
    assert [a.account_id for a in card.accounts] == ["rw", "tr", "rc"]
    assert all(a.status is LookupStatus.FOUND for a in card.accounts)
    [customer] = next(a for a in card.accounts if a.account_id == "rc").records
    assert (customer.name, customer.note) == ("Priya Raman", "Manager: Alex Morgan")
    assert runtime.peer.server.running
    fix = next(a for a in env.settings.accounts if isinstance(a, FixDigitalAccount))

    def told() -> list[dict[str, object]]:  # the FixDigital emulator's journal, over its control route
        entries: list[dict[str, object]] = httpx.get(f"{fix.api_url}/_sandbox/journal",
                                                     params={"path_prefix": "/webservice.php"}).json()
        return entries

    await until(told, what="FixDigital told of the ring")
    assert [(e["query"]["operation"], e["status"]) for e in told()] == [("incomingCall", 200)]  # type: ignore[index]
    assert not [text for text, error in rec.messages if error]
