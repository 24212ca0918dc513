"""One hostile CRM among two accounts, through the real app (runtime, widgets, qasync loop): its
section says what went wrong, the other account's section fills in, and the app stays responsive —
the next call's lookups go out and the instance door answers a `ringside event`.

Each test prints the longest event-loop stall while the hostile answer was being handled (a 10 ms
ticker's largest gap) and the process's RSS growth; they are figures, not assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.config.settings import GeneralSettings, Settings
from app.crm._shared.answers import BoundedClient
from app.crm._shared.oauth_tokens import TokenSet
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.runtime.instance import InstanceClient
from app.sandbox.hostile import HostileCrm, Hostility
from app.sandbox.runner import SandboxServer
from tests.conftest import RwEnv
from tests.support import run, running_app, until

PRIYA = "+61491570006"
NEXT_CALLER = "+61491571266"  # Ethan, whom the good account also knows
TICK_S = 0.01

# What the hostile account's section says, in words a recruiter can act on.
EXPECTED = {
    Hostility.HTML: "not JSON",
    Hostility.HUGE: "over 1 MB",
    Hostility.DEEP: "nested too deeply",
    Hostility.DRIP: "didn't answer within 2 s",
    Hostility.HANG: "didn't answer within 2 s",
    Hostility.REDIRECT: "redirect (HTTP 302)",
    Hostility.WRONG_SHAPE: "unexpected shape",
}


def rss_kb() -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


class LoopMeter:
    """A 10 ms ticker on the app's loop: the largest gap between ticks beyond 10 ms is the longest
    stall; RSS is sampled on each tick."""

    def __init__(self) -> None:
        self.longest_stall_s = 0.0
        self.rss_start = rss_kb()
        self.rss_peak = self.rss_start
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(TICK_S)
            now = loop.time()
            self.longest_stall_s = max(self.longest_stall_s, now - last - TICK_S)
            last = now
            rss = rss_kb()
            if rss is not None and self.rss_peak is not None:
                self.rss_peak = max(self.rss_peak, rss)

    def report(self, kind: Hostility) -> str:
        growth = "n/a" if self.rss_start is None or self.rss_peak is None else \
            f"{(self.rss_peak - self.rss_start) / 1024:.1f} MB (from {self.rss_start / 1024:.0f} MB)"
        return f"hostile {kind.value}: longest loop stall {self.longest_stall_s * 1000:.0f} ms, RSS growth {growth}"


@pytest.fixture
def hostile() -> Iterator[tuple[HostileCrm, SandboxServer]]:
    crm = HostileCrm()
    with SandboxServer(crm.make_app) as server:
        yield crm, server


def settings_with_hostile(rw_env: RwEnv, url: str) -> Settings:
    bad = RecruitWizardAccount(kind="recruitwizard", id="bad", label="Hostile CRM", api_url=url,
                               web_url="https://bad.example.test", client_id="ringside-test", timeout_s=2.0)
    # Signed in already, so the hostile server is asked for nothing but the lookup.
    rw_env.secrets.set("bad", "tokens", TokenSet(access_token="hostile-access", refresh_token="hostile-refresh",
                                                 expires_at=datetime.now(UTC) + timedelta(hours=1)).model_dump_json())
    return Settings(general=GeneralSettings(default_region="AU"), accounts=[rw_env.account, bad])


@pytest.mark.parametrize("kind", list(Hostility))
def test_a_hostile_crm_costs_only_its_own_section(
        kind: Hostility, qapp: QApplication, rw_env: RwEnv, hostile: tuple[HostileCrm, SandboxServer]) -> None:
    crm, server = hostile
    crm.mode = kind
    with running_app(qapp, settings_with_hostile(rw_env, server.url), rw_env.secrets) as app:

        client = app.runtime.clients["bad"]  # the account's pooled client carries [limits]
        assert isinstance(client, BoundedClient)
        assert (client.max_answer_bytes, client.deadline_s) == (1024 * 1024, 20.0)

        async def scenario() -> str:
            meter = LoopMeter()
            meter.start()
            app.runtime.controls.simulate_call(PRIYA)
            await until(lambda: app.shell.cards(), what="the card")
            card = app.shell.cards()[0]
            bad = card.section("bad")
            assert bad is not None
            await until(lambda: bad.error_label is not None and bad.error_label.isVisible(), timeout=15,
                        what="the hostile account's error")
            await until(lambda: card.record_rows("rw"), what="the good account's record")
            await meter.stop()
            assert bad.error_label is not None
            assert EXPECTED[kind] in bad.error_label.text()
            assert not card.record_rows("bad")
            assert "Priya Raman" in card.record_rows("rw")[0].name_label.text()

            # Still responsive: the door answers a `ringside event`, and that call's lookups go out.
            asked = len(crm.requests)
            door = InstanceClient(app.runtime.paths.instance_file)
            await asyncio.to_thread(door.send_event, "ring", NEXT_CALLER, "inbound", None)
            await until(lambda: len(crm.requests) > asked, what="the next lookup to reach the hostile CRM")
            await until(lambda: len(app.shell.cards()) == 2
                        and any(c.record_rows("rw") for c in app.shell.cards() if c is not card),
                        what="the next call's card with the good account's record")
            return meter.report(kind)

        figures = run(app.loop, scenario(), timeout=60)
    print(f"\n{figures}")


def test_hostile_modes_work_behind_any_emulator_route(rw_env: RwEnv) -> None:
    """The same answers can be injected on a real emulator's lookup route (FaultKind)."""
    import httpx

    from app.sandbox.faults import FaultKind

    rw_env.sandbox.faults.inject("/api/telephony/lookup", FaultKind.DEEP)
    rw_env.sandbox.faults.inject("/api/telephony/lookup", FaultKind.REDIRECT)
    url = f"{rw_env.server.url}/api/telephony/lookup/61491570006"
    deep = httpx.get(url, timeout=5)
    assert deep.status_code == 200 and deep.content.startswith(b"[[[[")
    redirect = httpx.get(url, timeout=5)
    assert redirect.status_code == 302 and redirect.headers["Location"].startswith("/moved/")
