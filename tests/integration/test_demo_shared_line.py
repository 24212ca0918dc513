"""The demo's shared office line (+61 3 7010 0200: Daniel O'Connor and Mei Lin Chen): the record
picked in Recruit Wizard's section is carried to TrackerRMS, whose lookup describes only its first
match, and the note is logged to the picked person in both CRMs (the real runtime, no widgets)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.core.models import CallEvent, EventType, NoteStatus
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.demo.demo import DemoEnv, prepare_demo
from app.runtime.runtime import Runtime
from tests.integration.test_call_flow import Recorder
from tests.support import caller, until

SHARED_LINE = "+61370100200"
MEI_TRACKERRMS_ID = 10419  # resources/demo/people.json


@pytest.fixture
async def demo() -> AsyncIterator[tuple[DemoEnv, Runtime, Recorder]]:
    env = await asyncio.to_thread(prepare_demo, None, {})
    rec = Recorder()
    runtime = Runtime(paths=env.paths, settings=env.settings, listener=rec, secrets=env.secrets,
                      demo_callers=env.callers)
    try:
        await runtime.start()
        yield env, runtime, rec
        await runtime.stop()
    finally:
        env.close()


def _activities(env: DemoEnv) -> list[dict[str, Any]]:
    tracker = next(a for a in env.settings.accounts if isinstance(a, TrackerRmsAccount))
    entries: list[dict[str, Any]] = httpx.get(f"{tracker.api_url}/_sandbox/journal",
                                              params={"path_prefix": "/api/widget/createActivity"}).json()
    return [e["json"]["trackerrms"]["createActivity"]["activity"] for e in entries if e["status"] == 200]


async def test_a_pick_in_one_crm_is_carried_to_trackerrms_and_logged_there(
    demo: tuple[DemoEnv, Runtime, Recorder],
) -> None:
    env, runtime, rec = demo
    handle = runtime.switchboard.handle
    handle(CallEvent(type=EventType.RING, number=caller(SHARED_LINE), call_id="shared-1", at=datetime.now(UTC)))
    card = await rec.view(lambda v: v.complete, timeout=10)
    assert card.chosen() == []  # two people in Recruit Wizard, a "1 of 2" guess in TrackerRMS: nobody yet
    assert {a.account_label for a in card.needs_pick()} == {"Recruit Wizard", "TrackerRMS"}
    mei = next(r for r in card.matches if r.account_id == "rw" and r.name == "Mei Lin Chen")

    runtime.controls.select_record("shared-1", "rw", mei.key)
    picked = rec.views[-1]
    assert [(r.account_id, r.name) for r in picked.chosen()] == [("rw", "Mei Lin Chen"), ("tr", "Mei Lin Chen")]
    handle(CallEvent(type=EventType.ANSWER, number=caller(SHARED_LINE), call_id="shared-1", at=datetime.now(UTC)))
    handle(CallEvent(type=EventType.HANGUP, number=caller(SHARED_LINE), call_id="shared-1", at=datetime.now(UTC)))
    ended = await rec.view(lambda v: v.call_id == "shared-1" and v.ended_at is not None)
    await runtime.controls.save_note("shared-1", "Wants two forklift drivers", [r.key for r in ended.chosen()])

    done = await rec.view(lambda v: len(v.notes) == 2 and all(n.status is NoteStatus.LOGGED for n in v.notes),
                          timeout=10)
    assert {(n.account_id, n.record.name) for n in done.notes} == {("rw", "Mei Lin Chen"), ("tr", "Mei Lin Chen")}
    await until(lambda: _activities(env), what="TrackerRMS logged the call")
    [activity] = _activities(env)
    assert activity["linkRecordId"] == MEI_TRACKERRMS_ID
    assert activity["subject"] == "Inbound call with Mei Lin Chen"


async def test_with_auto_log_an_unpicked_shared_line_logs_nowhere_and_waits_for_a_pick(
    demo: tuple[DemoEnv, Runtime, Recorder],
) -> None:
    env, runtime, rec = demo
    runtime.switchboard.set_policy(runtime.core.book.policy.__class__(
        default_region=runtime.switchboard.default_region, auto_log=True))
    handle = runtime.switchboard.handle
    handle(CallEvent(type=EventType.RING, number=caller(SHARED_LINE), call_id="shared-2", at=datetime.now(UTC)))
    await rec.view(lambda v: v.complete, timeout=10)
    handle(CallEvent(type=EventType.ANSWER, number=caller(SHARED_LINE), call_id="shared-2", at=datetime.now(UTC)))
    handle(CallEvent(type=EventType.HANGUP, number=caller(SHARED_LINE), call_id="shared-2", at=datetime.now(UTC)))
    await until(lambda: runtime.controls.drafts(), what="the note waiting for a pick")
    [waiting] = runtime.controls.drafts()
    assert waiting.call_id == "shared-2" and set(waiting.needs_pick) == {"Recruit Wizard", "TrackerRMS"}
    assert rec.views[-1].notes == () and _activities(env) == []
