"""Benchmark: event → card painted, through the real app, against two emulated Recruit Wizard
accounts answering in 100 ms and 400 ms. Prints figures; asserts nothing about time.

    python -m tests.perf.bench_card [--calls 30] [--starts 5] [--quick]

Starts the bare PySide6 program (tests/perf/bare_qt.py) in the same run and prints every figure
beside its floor: the card's paints beside the bare label's first paint, each account's section
beside its latency, completion beside 2 × the slowest, cold start and idle memory beside the bare
program's. `--quick` (5 calls, 2 starts of each program) runs in under a minute.

"Painted" is the first Paint event the card receives after the state in question reached it
(an event filter on each card the shell pops), measured from the moment the call event was
created. Every API request of an account carries its latency, so a contact with open jobs costs
that account two round trips (lookup, then jobs): `complete` is compared with 2 × the slowest.
The same lookup from a bare aiohttp client, against the same emulators, shows how much of the time
over an account's latency is the emulator's and the loopback's rather than the app's.
Also measures cold start of a real `ringside` process to ready (tray shown and the `ringside event`
door answering) and its idle memory, with one account configured and with none, each start right
after one of the bare program's, and compares them with those bare starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from app.config import paths
from app.config.secret_names import TOKENS
from app.config.settings import CacheSettings, GeneralSettings, Settings
from app.core.models import CallEvent, EventType, LookupStatus
from app.core.views import CallView
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.demo.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, sign_in_with_pretend_browser
from app.runtime.runtime import Runtime
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from app.ui.bridge import Bridge
from app.ui.card.card import CallCard
from app.ui.shell import UiShell
from tests.perf.floor import (
    BETWEEN_CALLS_S,
    Floor,
    Starts,
    bare_starts,
    figure,
    machine_line,
    paired_starts,
    pct,
    print_floor,
    print_start,
    quiet_qt,
)
from tests.support import caller, until

LATENCIES = {"fast": 0.100, "slow": 0.400}
CALLER = "+61491570006"  # a contact with open jobs in both accounts


@dataclass
class CallTimes:
    origin_ns: int
    ringing_ms: float | None = None
    first_account_ms: float | None = None
    shown_ms: dict[str, float] = field(default_factory=dict)  # account → its records painted
    complete_ms: float | None = None


class PaintWatch(QObject):
    """Records, per call, when each state first reached the screen."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: dict[str, CallTimes] = {}

    def follow(self, shell: UiShell) -> None:
        """Watch each card the shell pops, from its first paint. Only the cards: a filter on the whole
        application ran Python for every event of every widget (about 120 per card update, a few
        tenths of a millisecond the app itself never spends)."""
        pop = shell._pop

        def popped(view: CallView) -> CallCard:
            card = pop(view)  # shown, not painted yet: that happens on a later turn of the loop
            card.installEventFilter(self)
            return card

        shell._pop = popped  # type: ignore[method-assign]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, CallCard):
            times = self.calls.get(watched.call_id)
            if times is not None:
                self._painted(watched, times)
        return False

    @staticmethod
    def _painted(card: CallCard, times: CallTimes) -> None:
        now = (time.perf_counter_ns() - times.origin_ns) / 1e6
        view = card.view
        if times.ringing_ms is None:
            times.ringing_ms = now
        for result in view.accounts:
            if result.status is not LookupStatus.PENDING and result.account_id not in times.shown_ms:
                times.shown_ms[result.account_id] = now
                if times.first_account_ms is None:
                    times.first_account_ms = now
        if times.complete_ms is None and view.accounts and view.complete:
            times.complete_ms = now


def bench_card(calls: int) -> dict[str, list[float]]:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    servers: list[subprocess.Popen[str]] = []
    try:
        return _bench_card(app, loop, servers, calls)
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


def _bench_card(app: QApplication, loop: qasync.QEventLoop, servers: list[subprocess.Popen[str]],
                calls: int) -> dict[str, list[float]]:
    accounts: list[RecruitWizardAccount] = []
    secrets = KeyringSecrets(backend=MemoryKeyring())
    for name, latency in LATENCIES.items():
        # Each emulator in a process of its own, like a real CRM: no GIL shared with the app.
        server = subprocess.Popen([sys.executable, "-m", "app", "sandbox", "--latency", str(latency)],
                                  stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        servers.append(server)
        assert server.stdout is not None
        url = next(x for x in server.stdout if x.startswith("Recruit Wizard emulator:")).split()[3]
        account = RecruitWizardAccount(kind="recruitwizard", id=name, label=f"RW {name}", api_url=url,
                                       web_url=url, client_id=DEMO_CLIENT_ID)
        secrets.set(name, "client_secret", DEMO_CLIENT_SECRET)
        asyncio.run(sign_in_with_pretend_browser(account, secrets))
        accounts.append(account)
    asyncio.set_event_loop(loop)

    watch = PaintWatch()
    home = Path(tempfile.mkdtemp(prefix="ringside-bench-"))
    bridge = Bridge()
    # The lookup cache off: this measures the CRMs' answers (tests/perf/bench_history.py measures the cache).
    runtime = Runtime(paths=paths.resolve(home), settings=Settings(general=GeneralSettings(), accounts=accounts,
                                                                   cache=CacheSettings(enabled=False)),
                      listener=bridge, secrets=secrets)
    shell = UiShell(runtime.controls, bridge, use_tray=False)
    watch.follow(shell)

    async def one_call(i: int) -> None:
        origin = time.perf_counter_ns()
        call_id = runtime.switchboard.handle(_ring(f"bench-{i}", origin))
        assert call_id is not None
        watch.calls[call_id] = times = CallTimes(origin)
        await until(lambda: times.complete_ms is not None, 10, f"call {i} to complete")
        runtime.switchboard.handle(_event(EventType.ANSWER, call_id))
        runtime.switchboard.handle(_event(EventType.HANGUP, call_id))
        # Let the call settle as it would between real calls: note form shown, then skipped.
        await until(lambda: shell.note_form(call_id) is not None, 10, "the note form")
        form = shell.note_form(call_id)
        assert form is not None
        form.reject()
        await until(lambda: shell.note_form(call_id) is None, 10, "the note form to close")
        await asyncio.sleep(BETWEEN_CALLS_S)  # as between calls at a desk (see floor.py)

    async def main() -> None:
        await runtime.start()
        shell.start()
        await one_call(-1)  # warm-up: connection pools, widget caches
        watch.calls.clear()
        for i in range(calls):
            await one_call(i)
        shell.close()
        await runtime.stop()

    with loop:
        loop.run_until_complete(main())

    done = list(watch.calls.values())
    figures = {
        "ringing card shown": [t.ringing_ms for t in done if t.ringing_ms is not None],
        "first account shown (fast, 100 ms)": [t.shown_ms["fast"] for t in done],
        "slow account shown (400 ms)": [t.shown_ms["slow"] for t in done],
        "card complete (incl. jobs)": [t.complete_ms for t in done if t.complete_ms is not None],
    }
    for account in accounts:
        token = json.loads(secrets.get(account.id, TOKENS) or "{}").get("access_token", "")
        figures[f"bare client, one lookup ({account.id})"] = asyncio.run(
            bare_lookups(f"{account.api_url}/api/telephony/lookup/{CALLER.lstrip('+')}", token, calls))
    return figures


async def bare_lookups(url: str, token: str, calls: int) -> list[float]:
    """The same lookup from a bare aiohttp client, one at a time, paced as the calls are: what any
    client sees of the emulator's latency, loopback and answer (ms from sending to the body read)."""
    import aiohttp

    taken: list[float] = []
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    async with aiohttp.ClientSession(headers=headers) as session:
        for i in range(calls + 1):  # the first opens the connection: not counted, as the app's warm-up
            start = time.perf_counter_ns()
            async with session.get(url) as answer:
                answer.raise_for_status()
                await answer.read()
            if i:
                taken.append((time.perf_counter_ns() - start) / 1e6)
            await asyncio.sleep(BETWEEN_CALLS_S)
    return taken


def _ring(call_id: str, origin_ns: int) -> CallEvent:
    return CallEvent(type=EventType.RING, number=caller(CALLER), call_id=call_id, source="bench", at=datetime.now(UTC),
                     received_ns=origin_ns)


def _event(type_: EventType, call_id: str) -> CallEvent:
    return CallEvent(type=type_, number=caller(CALLER), call_id=call_id, source="bench", at=datetime.now(UTC))


def floors(bare: Starts) -> dict[str, tuple[Floor, str]]:
    """Each card figure's floor (measured in this run, or the emulated latency) and the aim."""
    paint = Floor(pct(bare.first_paint_ms, 0.5), "bare PySide6 first paint, p50")
    slowest = max(LATENCIES.values()) * 1000
    return {
        "ringing card shown": (paint, "≤ 16 ms (one frame)"),
        "first account shown (fast, 100 ms)": (Floor(LATENCIES["fast"] * 1000, "its latency"), "≤ floor + 10 ms"),
        "slow account shown (400 ms)": (Floor(LATENCIES["slow"] * 1000, "its latency"), "≤ floor + 10 ms"),
        "card complete (incl. jobs)": (Floor(2 * slowest, "2 round trips of the slowest"), "≤ floor + 15 ms"),
        # Not the app: how much of each "over floor" above the emulator and loopback take by themselves.
        **{f"bare client, one lookup ({name})": (Floor(latency * 1000, "its latency"), "")
           for name, latency in LATENCIES.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Event → card painted, and cold start, beside bare PySide6.")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--starts", type=int, default=5, help="cold starts of each program (Ringside, bare)")
    parser.add_argument("--quick", action="store_true", help="5 calls, 2 starts of each: under a minute")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.starts = min(args.calls, 5), min(args.starts, 2)
    print(machine_line())
    quiet_qt()
    bare = bare_starts(max(1, args.starts))
    print_floor(bare)
    print(f"Card timings over {args.calls} calls (accounts at {LATENCIES['fast']*1000:.0f} ms and "
          f"{LATENCIES['slow']*1000:.0f} ms per request):")
    aims = floors(bare)
    for name, values in bench_card(args.calls).items():
        floor, aim = aims[name]
        print(figure(name, values, floor, aim))
    if args.starts:
        print_start(*paired_starts(args.starts))
        # The idle-memory figure is for a Ringside with no accounts (no HTTP client loaded).
        print_start(*paired_starts(args.starts, account=False), "no accounts")


if __name__ == "__main__":
    main()
