"""Recruit Wizard's sign-in lasts 60 days from the browser sign-in: the running app warns the
recruiter at start and once a day from a week before the end (the clock is the runtime's, set here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from app.config import paths
from app.crm._shared.oauth_tokens import TokenSet
from app.runtime.runtime import Runtime
from tests.conftest import RwEnv
from tests.integration.test_call_flow import Recorder

SIGNED_IN = datetime(2026, 10, 9, 12, 0, tzinfo=UTC)  # + 60 days: Tue 8 Dec 2026
WARNING = ("Recruit Wizard: your sign-in ends on Tue 8 Dec; sign in again before then "
           "(tray → Settings → Sign in…)")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def signed_in_at(rw_env: RwEnv, when: datetime) -> None:
    stored = TokenSet.model_validate_json(rw_env.secrets.get("rw", "tokens") or "")
    rw_env.secrets.set("rw", "tokens", stored.model_copy(update={"signed_in_at": when}).model_dump_json())


@pytest.fixture
async def started(rw_env: RwEnv, request: pytest.FixtureRequest) -> AsyncIterator[tuple[Runtime, Recorder, Clock]]:
    signed_in_at(rw_env, SIGNED_IN)
    clock = Clock(request.param)
    recorder = Recorder()
    runtime = Runtime(paths=paths.resolve(), settings=rw_env.settings(), listener=recorder, secrets=rw_env.secrets,
                      clock=clock)
    await runtime.start()
    yield runtime, recorder, clock
    await runtime.stop()


def warnings(recorder: Recorder) -> list[str]:
    return [text for text, _ in recorder.messages if "sign-in end" in text]


@pytest.mark.parametrize("started", [SIGNED_IN + timedelta(days=54)], indirect=True)
async def test_a_sign_in_ending_within_a_week_is_told_at_start(started: tuple[Runtime, Recorder, Clock]) -> None:
    _, recorder, _ = started
    assert warnings(recorder) == [WARNING]
    assert not recorder.messages[0][1]  # a heads-up, not an error


@pytest.mark.parametrize("started", [SIGNED_IN + timedelta(days=52)], indirect=True)
async def test_the_daily_check_warns_from_a_week_before_the_end(started: tuple[Runtime, Recorder, Clock]) -> None:
    runtime, recorder, clock = started
    assert warnings(recorder) == []  # 8 days ahead: nothing at start
    clock.now = SIGNED_IN + timedelta(days=53, hours=1)  # a day later: within the week
    runtime.warn_of_sign_in_ends()
    assert warnings(recorder) == [WARNING]
    clock.now = SIGNED_IN + timedelta(days=61)
    runtime.warn_of_sign_in_ends()
    assert warnings(recorder)[-1] == ("Recruit Wizard: your sign-in ended on Tue 8 Dec; sign in again "
                                      "(tray → Settings → Sign in…)")


@pytest.mark.parametrize("started", [SIGNED_IN + timedelta(days=54)], indirect=True)
async def test_signing_in_again_ends_the_warnings(started: tuple[Runtime, Recorder, Clock], rw_env: RwEnv) -> None:
    runtime, recorder, clock = started
    assert warnings(recorder) == [WARNING]
    signed_in_at(rw_env, clock.now)  # as a new browser sign-in stores it
    runtime.account_hooks().signed_in("rw")
    runtime.warn_of_sign_in_ends()
    assert warnings(recorder) == [WARNING]
