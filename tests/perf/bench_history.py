"""Benchmarks for five years of history, the lookup cache and bursts of calls, through the real app (runtime, widgets,
qasync) against an emulated Recruit Wizard in a process of its own. Prints figures; asserts nothing
about time.

    python -m tests.perf.bench_history [--calls 30] [--burst-events 200] [--burst-seconds 10]
        [--history-calls 200000] [--history-runs 10] [--only-history] [--quick]

Starts the bare PySide6 program (tests/perf/bare_qt.py) in the same run and prints every figure beside
its floor: painted figures beside the bare label's first paint, the core's figure beside one idle Qt
loop turn, the burst's timer gaps beside the bare program's own 10 ms timer ticking as long,
`ringside history` beside the bare program's cold start; a search has no floor in bare Qt.
`--quick` (5 calls; 60 events over 3 s; 50,000 calls of history) runs in under a minute.

0. Five years of history: that many calls, their matches and notes, written by direct SQL in one
   transaction at schema version 3 and then migrated (the search index built). Times `ringside
   history` as a whole process, the history window opened (built, shown, painted), the window's
   query for a search by name, number and note text, and the tray's count of missed calls to return
   (on the writer thread, where the writes queued after it wait for it); prints the database's size.

1. Cached repeat caller: event → card complete (painted), when the caller is in the lookup cache;
   the emulator answers every request in 400 ms, so anything near that means the cache was missed.
   "published (core)" is event → the complete view leaving the core, before any widget work.
2. Burst: call events (ring / answer / hang-up, mixed numbers, calls overlapping) sent to the running
   instance's door over HTTP from another thread, evenly over the given seconds, with auto-log on so
   the outbox works meanwhile. Reports whether every call ended up in history in the right state
   (none dropped) and the longest gap between ticks of a 10 ms Qt timer (how long the event loop
   stalled), with the gap percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import qasync
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.config import paths
from app.config.settings import GeneralSettings, Settings
from app.config.settings import save as save_settings
from app.core.models import CallEvent, EventType
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.demo.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, sign_in_with_pretend_browser
from app.runtime.instance import InstanceClient
from app.runtime.runtime import Runtime
from app.sandbox.demo_data import load_demo
from app.storage.cache_db import CacheStore
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from app.ui.bridge import Bridge
from app.ui.shell import UiShell
from tests.perf.bench_card import CallTimes, PaintWatch
from tests.perf.floor import BETWEEN_CALLS_S, Floor, bare_starts, figure, machine_line, pct, print_floor, quiet_qt
from tests.support import caller, until

LATENCY_S = 0.400
CALLER = "+61491570006"  # a contact with open jobs: two requests when not cached


@dataclass
class Sandbox:
    account: RecruitWizardAccount
    secrets: KeyringSecrets
    process: subprocess.Popen[str]


def start_sandbox(latency: float) -> Sandbox:
    """The emulator in a process of its own (like a real CRM: no GIL shared with the app), signed in."""
    process = subprocess.Popen([sys.executable, "-m", "app", "sandbox", "--latency", str(latency)],
                               stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    url = next(x for x in process.stdout if x.startswith("Recruit Wizard emulator:")).split()[3]
    account = RecruitWizardAccount(kind="recruitwizard", id="rw", label="Recruit Wizard", api_url=url, web_url=url,
                                   client_id=DEMO_CLIENT_ID, timeout_s=3.0)
    secrets = KeyringSecrets(backend=MemoryKeyring())
    secrets.set("rw", "client_secret", DEMO_CLIENT_SECRET)
    asyncio.run(sign_in_with_pretend_browser(account, secrets))
    return Sandbox(account, secrets, process)


class App:
    """Runtime + widgets on a qasync loop, in a throwaway home."""

    def __init__(self, qapp: QApplication, sandbox: Sandbox, **general: object) -> None:
        self.loop = qasync.QEventLoop(qapp)
        asyncio.set_event_loop(self.loop)
        self.home = Path(tempfile.mkdtemp(prefix="ringside-bench-"))
        settings = Settings(general=GeneralSettings(**general), accounts=[sandbox.account])  # type: ignore[arg-type]
        self.bridge = Bridge()
        # Connected before the shell's, so it sees each view before any widget work is done for it.
        self.published: dict[str, int] = {}  # call id → perf_counter_ns when its view was first complete
        self.bridge.callUpdated.connect(
            lambda view: view.complete and self.published.setdefault(view.call_id, time.perf_counter_ns()))
        self.runtime = Runtime(paths=paths.resolve(self.home), settings=settings, listener=self.bridge,
                               secrets=sandbox.secrets)
        self.shell = UiShell(self.runtime.controls, self.bridge, use_tray=False)

    async def start(self) -> None:
        await self.runtime.start()
        self.shell.start()

    async def stop(self) -> None:
        self.shell.close()
        await self.runtime.stop()


# -- 1. cached repeat caller -------------------------------------------------------------------


def bench_cached(qapp: QApplication, sandbox: Sandbox, calls: int) -> dict[str, list[float]]:
    app = App(qapp, sandbox)
    watch = PaintWatch()
    qapp.installEventFilter(watch)
    board = app.runtime.switchboard
    cache = CacheStore(app.runtime.db.connection, app.runtime.db.writer)
    from_cache: list[bool] = []

    async def one_call(call_id: str) -> CallTimes:
        rang = time.time()
        origin = time.perf_counter_ns()
        board.handle(CallEvent(type=EventType.RING, number=caller(CALLER), call_id=call_id, source="bench",
                               at=datetime.now(UTC), received_ns=origin))
        watch.calls[call_id] = times = CallTimes(origin)
        await until(lambda: times.complete_ms is not None, 10, f"call {call_id} to complete")
        card = app.shell.card(call_id)
        from_cache.append(bool(card and all(a.from_cache for a in card.view.accounts)))
        for kind in (EventType.ANSWER, EventType.HANGUP):
            board.handle(CallEvent(type=kind, number=caller(CALLER), call_id=call_id, source="bench",
                                   at=datetime.now(UTC)))
        await until(lambda: app.shell.note_form(call_id) is not None, 10, "the note form")
        form = app.shell.note_form(call_id)
        assert form is not None
        form.reject()
        # Let the background refresh finish before the next call, as between real calls (the cache
        # entry is stored again when the CRM has answered).
        await until(lambda: (entry := cache.get("rw", CALLER)) is not None and entry[2] >= rang, 10, "the refresh")
        await asyncio.sleep(BETWEEN_CALLS_S)  # as between calls at a desk (see floor.py)
        return times

    async def main() -> dict[str, list[float]]:
        await app.start()
        cold = await one_call("cold")  # fills the cache (and warms pools and widget caches)
        warm = [await one_call(f"cached-{i}") for i in range(calls)]
        await app.stop()
        assert cold.complete_ms is not None
        core = [(app.published[f"cached-{i}"] - t.origin_ns) / 1e6 for i, t in enumerate(warm)]
        return {
            "not cached (first call, 2 round trips)": [cold.complete_ms],
            "cached: complete view published (core)": core,
            "cached: ringing card shown": [t.ringing_ms for t in warm if t.ringing_ms is not None],
            "cached: card complete (incl. jobs)": [t.complete_ms for t in warm if t.complete_ms is not None],
        }

    with app.loop:
        result = app.loop.run_until_complete(main())
    qapp.removeEventFilter(watch)
    print(f"  (cards painted complete from the cache: {sum(from_cache[1:])} of {len(from_cache) - 1})")
    return result


# -- 2. burst ----------------------------------------------------------------------------------


@dataclass
class Burst:
    events: list[tuple[float, str, str, str]] = field(default_factory=list)  # (at s, type, number, call id)
    expected: dict[str, str] = field(default_factory=dict)  # call id → final state
    sent: int = 0
    refused: list[str] = field(default_factory=list)


def plan_burst(n_events: int, seconds: float, seed: int = 7) -> Burst:
    """Calls of 3 events (ring, maybe answer, hang-up) or 2 (missed), starting at random times and
    lasting 0.5–3 s, so several overlap; numbers from the demo (found, shared line, unknown) and made up."""
    rng = random.Random(seed)
    demo = [n for p in load_demo().people for n in p.numbers]
    burst = Burst()
    i = 0
    while len(burst.events) < n_events:
        call_id = f"burst-{i}"
        number = rng.choice(demo) if rng.random() < 0.7 else f"+614915{rng.randrange(10**5):05d}"
        start = rng.uniform(0, seconds * 0.8)
        end = min(seconds, start + rng.uniform(0.5, 3.0))
        answered = rng.random() < 0.75 and n_events - len(burst.events) >= 3
        burst.events.append((start, "ring", number, call_id))
        if answered:
            burst.events.append(((start + end) / 2, "answer", number, call_id))
        burst.events.append((end, "hangup", number, call_id))
        burst.expected[call_id] = "ended" if answered else "missed"
        i += 1
    burst.events.sort()
    # Spread evenly: event k at k × seconds / n, keeping each call's order.
    burst.events = [(k * seconds / len(burst.events), kind, number, call_id)
                    for k, (_, kind, number, call_id) in enumerate(burst.events)]
    return burst


def send_burst(instance_file: Path, burst: Burst, started: threading.Event) -> None:
    """From another thread, as softphone hooks would: each event at its time, over the door."""
    client = InstanceClient(instance_file)
    started.wait()
    t0 = time.perf_counter()
    for at, kind, number, call_id in burst.events:
        delay = at - (time.perf_counter() - t0)
        if delay > 0:
            time.sleep(delay)
        answer = client.request("events", {"type": kind, "number": number, "direction": "inbound",
                                           "call_id": call_id})
        burst.sent += 1
        if answer.get("status") != 200:
            burst.refused.append(f"{kind} {call_id}: {answer.get('status')} {answer.get('error')}")


def bench_burst(qapp: QApplication, sandbox: Sandbox, n_events: int, seconds: float) -> list[float]:
    """Prints what reached history; returns the gaps between ticks of a 10 ms Qt timer meanwhile."""
    app = App(qapp, sandbox, auto_log=True)
    burst = plan_burst(n_events, seconds)
    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(10)

    def tick() -> None:
        gaps.append(clock.nsecsElapsed() / 1e6)
        clock.restart()

    ticker.timeout.connect(tick)
    started = threading.Event()

    async def main() -> tuple[dict[str, str], float]:
        await app.start()
        sender = threading.Thread(target=send_burst, args=(app.runtime.paths.instance_file, burst, started))
        sender.start()
        clock.start()
        ticker.start()
        began = time.perf_counter()
        started.set()
        await until(lambda: not sender.is_alive(), seconds + 30, "the burst to be sent")
        took = time.perf_counter() - began
        ticker.stop()
        db = app.runtime.db
        await until(lambda: all(c.state == burst.expected.get(c.call_id, c.state)
                                for c in db.recent_calls(1000)), 20, "history to settle")
        states = {c.call_id: c.state for c in db.recent_calls(1000)}
        await app.stop()
        return states, took

    with app.loop:
        states, took = app.loop.run_until_complete(main())
    wrong = {cid: (states.get(cid), want) for cid, want in burst.expected.items() if states.get(cid) != want}
    print(f"Burst: {burst.sent} events for {len(burst.expected)} calls sent over {took:.1f} s "
          f"(planned {seconds:g} s), {len(burst.refused)} refused by the door")
    print(f"  calls in history with the right final state: {len(burst.expected) - len(wrong)} of "
          f"{len(burst.expected)}" + (f"; wrong: {sorted(wrong.items())[:5]}" if wrong else " (none dropped)"))
    return gaps


# -- 3. five years of history ------------------------------------------------------------------

FIRST = ("Olivia", "Jack", "Charlotte", "Noah", "Amelia", "William", "Isla", "Oliver", "Mia", "Leo", "Grace",
         "Henry", "Ava", "Thomas", "Chloe", "Lucas", "Zoe", "James", "Ruby", "Ethan", "Sofia", "Liam", "Harper")
LAST = ("Nguyen", "Smith", "Wilson", "Brown", "Taylor", "Kowalski", "Papadopoulos", "O'Brien", "Singh",
        "Chen", "Martin", "Anderson", "Rossi", "Murphy", "Kelly", "Walker", "Young", "Okafor", "Haddad")
COMPANIES = ("Acme Logistics", "Harbour Health", "Blue Gum Builders", "Southern Cross Mining", "Koala Software",
             "Redgum Finance", "Coastal Aged Care", "Metro Rail", "Sunrise Foods", "Outback Freight")
PHRASES = ("left a voicemail about the", "keen on the", "not interested in the", "asked to call back about the",
           "sent CV for the", "interview booked for the", "references checked for the", "offer discussed for the")
ROLES = ("forklift driver role", "registered nurse shift", "site supervisor contract", "payroll officer temp job",
         "senior developer position", "warehouse night shift", "aged care worker roster", "civil engineer contract")
SEARCHES = {  # what a recruiter types: a surname, a local number's middle, a word from a note
    "search by name": ("Kowalski", "Papadopoulos", "Okafor", "olivia n"),
    "search by number": (),  # the start of four callers' numbers, typed with spaces (make_history)
    "search by note text": ("forklift", "night shift", "references checked", "payroll"),
}


def make_history(home: Path, n_calls: int, seed: int = 16) -> tuple[Path, list[str]]:
    """`n_calls` calls over five years ending now, with their matches and notes, written straight into
    a database of schema version 3 (before the search index) in one transaction: a busy desk (about
    160 calls a working day). Returns the file and the first seven digits of four callers' numbers, as
    a recruiter would type them. Opening it with Database brings it to the current version."""
    from app.storage.schema import MIGRATIONS

    rng = random.Random(seed)
    database = paths.resolve(home).database
    database.parent.mkdir(parents=True, exist_ok=True)
    people = []
    for i in range(max(1, n_calls // 12)):  # each person calls about a dozen times in five years
        first, last = rng.choice(FIRST), rng.choice(LAST)
        area = "4" if rng.random() < 0.8 else rng.choice("2378")  # mobiles, and some landlines
        local = f"0{area}{rng.randrange(10**8):08d}"
        people.append((f"{first} {last}", rng.choice(COMPANIES), local, f"p{i}"))
    now = datetime.now(UTC)
    span = 5 * 365 * 86400
    record = {"account_id": "rw", "type": "candidate", "id": "", "name": "", "job_title": "", "company": "",
              "link": None, "type_label": "Candidate", "note": ""}
    calls, notes = [], []
    for i in range(n_calls):
        name, company, local, pid = rng.choice(people)
        started = now - timedelta(seconds=span * (1 - i / n_calls) + rng.random())
        state = rng.choices(("ended", "missed"), (0.78, 0.22))[0]
        direction = "outbound" if state == "ended" and rng.random() < 0.4 else "inbound"
        answered = started + timedelta(seconds=rng.uniform(3, 20)) if state == "ended" else None
        ended = (answered or started) + timedelta(seconds=rng.uniform(20, 900))
        e164 = "+61" + local[1:]
        display = f"{local[:4]} {local[4:7]} {local[7:]}" if local.startswith("04") else \
            f"{local[:2]} {local[2:6]} {local[6:]}"
        found = rng.random() < 0.75
        match = {"account": "rw", "type": "candidate", "id": pid, "name": name, "job_title": "",
                 "company": company, "link": f"https://rw.example/c/{pid}", "type_label": "Candidate",
                 "chosen": True}
        call_id = f"c{i:07d}"
        ts = [t.isoformat(timespec="microseconds") if t else None for t in (started, answered, ended)]
        calls.append((call_id, display, e164, direction, state, "softphone", *ts,
                      json.dumps([match] if found else []),
                      json.dumps({"card_shown_ms": rng.uniform(8, 40), "lookup_ms": {"rw": rng.uniform(80, 600)},
                                  "lookup_status": {"rw": "found" if found else "not_found"}})))
        if found and state == "ended" and rng.random() < 0.8:
            when = rng.choice(("Monday", "Friday", "next week", "tomorrow"))
            text = f"{rng.choice(PHRASES)} {rng.choice(ROLES)}; {rng.choice(FIRST)} to follow up {when}."
            draft = {"call_id": call_id, "account_id": "rw", "record": {**record, "id": pid, "name": name,
                     "company": company}, "direction": direction, "text": text, "call_started_at": ts[0],
                     "duration_s": int((ended - (answered or started)).total_seconds())}
            notes.append((call_id, "rw", f"rw:candidate:{pid}", json.dumps(draft), "logged", 1, f"n{i}", ts[2], ts[2]))
    conn = sqlite3.connect(database)
    with conn:
        for step in MIGRATIONS[:3]:
            step(conn)
        conn.execute("PRAGMA user_version=3")
        conn.executemany("INSERT INTO notes (call_id, account_id, record_key, draft, status, attempts, remote_id,"
                         " created_at, logged_at) VALUES (?,?,?,?,?,?,?,?,?)", notes)
        conn.executemany("INSERT INTO calls (call_id, number, e164, direction, state, source, started_at, answered_at,"
                         " ended_at, matches, timings) VALUES (?,?,?,?,?,?,?,?,?,?,?)", calls)
    conn.close()
    return database, [f"{local[:4]} {local[4:7]}" for _, _, local, _ in people[:4]]


class Painted(QObject):
    """Whether a widget has been painted since it was made."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.seen = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.seen = self.seen or event.type() == QEvent.Type.Paint
        return False


MISSED_COUNT = "tray's missed-call count (writer thread)"


def _ms(began: float) -> float:
    return (time.perf_counter() - began) * 1000


def bench_five_years(qapp: QApplication, n_calls: int, runs: int) -> tuple[dict[str, list[float]], str]:
    """Figures for a database holding five years of calls: `ringside history` as a whole process, the
    history window opened (built, shown and painted), the window's search (the controls' query for
    the window's page of calls) by name, number and note text, and the tray's count of missed calls
    to return."""
    from app.storage.db import Database
    from app.ui.history.window import HISTORY_LIMIT, HistoryWindow

    home = Path(tempfile.mkdtemp(prefix="ringside-history-"))
    began = time.perf_counter()
    database, numbers = make_history(home, n_calls)
    made_s = time.perf_counter() - began
    began = time.perf_counter()
    Database(database).close()  # the migrations this file lacks: the search index is built
    migrated_s = time.perf_counter() - began
    # As the app does once start-up is done (app/main.py), what lives on is frozen: otherwise a full run of
    # the cyclic collector, walking everything this process built (60–100 ms), lands in a timed search.
    gc.collect()
    gc.freeze()
    save_settings(paths.resolve(home).config_file, Settings())  # a config.toml, as the app writes it
    size = sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))
    out: dict[str, list[float]] = {"`ringside history` (whole process)": []}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(runs):
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "app", "history", "--home", str(home)], env=env,
                              capture_output=True, text=True, check=True)
        out["`ringside history` (whole process)"].append(_ms(began))
    assert done.stdout.count("\n") == 20, done.stdout[-500:]
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    runtime = Runtime(paths=paths.resolve(home), settings=Settings(general=GeneralSettings(), accounts=[]),
                      listener=Bridge(), secrets=KeyringSecrets(backend=MemoryKeyring()))
    opened = out.setdefault("history window opened (painted)", [])
    for _ in range(runs):
        began = time.perf_counter()
        window = HistoryWindow(runtime.controls)
        painted = Painted(window)
        window.show()
        while not painted.seen:
            qapp.processEvents()
        opened.append(_ms(began))
        assert len(window.views) == HISTORY_LIMIT
        window.close()
        window.deleteLater()
        qapp.processEvents()
    for name, queries in {**SEARCHES, "search by number": tuple(numbers)}.items():
        times = out.setdefault(name, [])
        for _ in range(max(1, runs // 2)):
            for query in queries:
                began = time.perf_counter()
                found = runtime.controls.call_history(HISTORY_LIMIT, query)
                times.append(_ms(began))
                assert found, f"nothing found for {query!r}"
    # The tray asks for this after every change. It runs on the writer thread, in the writes' queue: a
    # ring's first write (which the event door waits on before answering "ok") can wait behind it.
    # Its first job starts the writer thread and opens its connection: not counted, as in the app,
    # where start-up's purge of old calls does that.
    loop.run_until_complete(runtime.core.history.count_missed())
    counted = out.setdefault(MISSED_COUNT, [])
    for _ in range(runs):
        began = time.perf_counter()
        loop.run_until_complete(runtime.core.history.count_missed())
        counted.append(_ms(began))
    loop.run_until_complete(runtime.stop())
    loop.close()
    return out, (f"{n_calls:,} calls made in {made_s:.1f} s at schema version 3, brought to the current "
                 f"version in {migrated_s:.1f} s; database {size / 2**20:.1f} MB (with its WAL)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Cached repeat caller and a burst of calls, beside bare PySide6.")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--burst-events", type=int, default=200)
    parser.add_argument("--burst-seconds", type=float, default=10.0)
    parser.add_argument("--starts", type=int, default=3, help="cold starts of the bare program (the floor)")
    parser.add_argument("--history-calls", type=int, default=200_000, help="calls in the five years of history")
    parser.add_argument("--history-runs", type=int, default=10, help="runs of each history figure")
    parser.add_argument("--only-history", action="store_true", help="only the five years of history")
    parser.add_argument("--quick", action="store_true",
                        help="5 calls; 60 events over 3 s; 50,000 calls of history: under a minute")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.burst_events = min(args.calls, 5), min(args.burst_events, 60)
        args.burst_seconds, args.starts = min(args.burst_seconds, 3.0), min(args.starts, 2)
        args.history_calls, args.history_runs = min(args.history_calls, 50_000), min(args.history_runs, 4)
    print(machine_line())
    bare = bare_starts(max(1, args.starts), tick_seconds=args.burst_seconds)
    print_floor(bare)
    paint = Floor(pct(bare.first_paint_ms, 0.5), "bare PySide6 first paint, p50")
    floors = {
        "not cached (first call, 2 round trips)": (Floor(2 * LATENCY_S * 1000, "2 round trips"), ""),
        "cached: complete view published (core)": (Floor(pct(bare.loop_turn_ms, 0.5), "one idle Qt loop turn, p50"),
                                                   "well inside the card's 10 ms"),
        "cached: ringing card shown": (paint, "≤ 16 ms (one frame)"),
        "cached: card complete (incl. jobs)": (paint, "≤ 10 ms"),
    }
    qapp = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(qapp, QApplication)
    quiet_qt()
    history, made = bench_five_years(qapp, args.history_calls, args.history_runs)
    print(f"Five years of history: {made}")
    history_floors = {
        "`ringside history` (whole process)": (Floor(pct(bare.cold_ms, 0.5), "bare PySide6 cold start, p50"),
                                               "≤ 300 ms"),
        "history window opened (painted)": (paint, "≤ 150 ms"),
        MISSED_COUNT: (None, "— (the writes queued after it wait this long)"),
    }
    for name, values in history.items():
        floor, aim = history_floors.get(name, (None, "≤ 50 ms"))  # a query: nothing in bare Qt to compare
        print(figure(name, values, floor, aim))
    if args.only_history:
        return
    sandbox = start_sandbox(LATENCY_S)
    try:
        print(f"Cached repeat caller over {args.calls} calls (the CRM answers in {LATENCY_S * 1000:.0f} ms):")
        for name, values in bench_cached(qapp, sandbox, args.calls).items():
            floor, aim = floors[name]
            print(figure(name, values, floor, aim))
        gaps = bench_burst(qapp, sandbox, args.burst_events, args.burst_seconds)
        print(figure("10 ms timer gaps (max: longest stall)", gaps,
                     Floor(max(bare.gaps_ms), f"bare PySide6's longest gap over {args.burst_seconds:g} s"),
                     "longest stall ≤ 50 ms", of_max=True))
        print(f"      p99 gap {pct(gaps, 0.99):.1f} ms over {len(gaps)} ticks (bare: {pct(bare.gaps_ms, 0.99):.1f} ms)")
    finally:
        sandbox.process.terminate()
        sandbox.process.wait(10)


if __name__ == "__main__":
    main()
