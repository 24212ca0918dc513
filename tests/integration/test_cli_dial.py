"""`ringside dial NUMBER` and `ringside tel:…` as a user or a link handler runs them (real
subprocesses), forwarded to the running instance, which dials through the Puzzel emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.config import paths
from app.runtime.runtime import Runtime
from app.sandbox.puzzel.server import DEMO_PASSWORD, DEMO_USER
from tests.conftest import RwEnv
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.integration.test_cli import ringside
from tests.integration.test_dialing import Puzzel, puzzel, puzzel_settings

__all__ = ["puzzel"]  # the fixture, used by name


@pytest.fixture
async def running(rw_env: RwEnv, puzzel: Puzzel) -> AsyncIterator[tuple[Runtime, Recorder]]:
    rw_env.secrets.set("pz", "password", DEMO_PASSWORD)
    settings = rw_env.settings().model_copy(update=puzzel_settings(puzzel) | {
        "accounts": [rw_env.account, *puzzel_settings(puzzel)["accounts"]]})
    recorder = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=settings, listener=recorder, secrets=rw_env.secrets)
    await rt.start()
    yield rt, recorder
    await rt.stop()


async def test_dial_forwards_to_the_running_instance_which_calls_out(
    running: tuple[Runtime, Recorder], puzzel: Puzzel
) -> None:
    _, rec = running
    code, out, err = await ringside("dial", "0491", "570", "006")  # typed unquoted
    assert (code, err) == (0, "")
    assert out.startswith("calling 0491 570 006 (call ")
    assert [c["body"]["destination"] for c in puzzel[0].callouts()] == [PRIYA]
    card = await rec.view(lambda v: v.number == PRIYA)
    assert card.direction.value == "outbound"


@pytest.mark.parametrize("link", [
    "tel:+61491570006",
    "tel:%2B61-491-570-006;phone-context=+61",
    "callto://+61491570006",
    "sip:+61491570006@pbx.example.test;user=phone",
    "TEL:0491570006",
])
async def test_a_link_as_the_first_argument_dials_it(
    running: tuple[Runtime, Recorder], puzzel: Puzzel, link: str
) -> None:
    code, _, err = await ringside(link)  # what `Exec=ringside %u` runs when a link is clicked
    assert (code, err) == (0, "")
    assert [c["body"]["destination"] for c in puzzel[0].callouts()] == [PRIYA]


async def test_a_bad_number_exits_non_zero_and_dials_nothing(
    running: tuple[Runtime, Recorder], puzzel: Puzzel
) -> None:
    _, rec = running
    code, _, err = await ringside("dial", "12ab")
    assert code != 0 and "not a phone number" in err
    code, _, err = await ringside("tel:")
    assert code != 0 and "has no number in it" in err
    assert puzzel[0].callouts() == [] and rec.views == []


async def test_a_refusal_from_the_dialer_is_the_exit_message(
    running: tuple[Runtime, Recorder], puzzel: Puzzel
) -> None:
    puzzel[0].set_status(DEMO_USER, contact_centre="LoggedOff")
    code, _, err = await ringside("dial", "0491570006")
    assert code != 0
    assert err.strip() == "ringside: You're logged off in Puzzel — log on to make calls."


async def test_dial_without_a_running_instance_says_so() -> None:
    # Typed in a terminal; a clicked link starts Ringside instead (tests/unit/cli/test_conventions.py).
    code, _, err = await ringside("dial", "+61491570006")
    assert code != 0 and "Ringside is not running" in err
