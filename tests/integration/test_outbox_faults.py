"""100 notes through the Recruit Wizard emulator while it refuses connections, answers 500, 503 with
Retry-After, 429, hangs, drops connections and answers slowly — and while the app is SIGKILLed at
moments chosen at random and restarted. The app is a real process (tests/integration/headless_app.py:
the real Runtime without Qt) on a real database; the emulator counts what the CRM stored.

The guarantee measured (Recruit Wizard has no idempotency key, so a request whose answer never
came may or may not have created the activity):
  * no note the app acknowledged is lost: each ends logged, or unconfirmed (the recruiter checks);
  * a logged note is in the CRM exactly once; an unconfirmed one zero or one times — never twice;
  * nothing failed (every fault injected is one worth retrying);
  * after the recruiter resolves the unconfirmed ones (confirm where the CRM has it, retry where it
    hasn't), every note is in the CRM exactly once and `ringside history` shows each as logged.
Short backoffs come from config.toml's [outbox] section; the test waits on conditions, never sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring

from app.config import paths as paths_mod
from app.config import settings as settings_mod
from app.config.settings import GeneralSettings, OutboxSettings, Settings
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.demo.demo import sign_in_with_pretend_browser
from app.sandbox.faults import FaultKind
from app.sandbox.recruitwizard.server import RecruitWizardSandbox
from app.sandbox.runner import SandboxServer
from app.storage.secrets import KeyringSecrets
from tests import support
from tests.integration.conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]
NOTES = 100
CALLERS = ["+61491570006", "+61491570034", "+61491570045", "+61491571266", "+61491571270"]
ACTIVITIES = "/api/activities"
SEED = int(os.environ.get("RINGSIDE_FAULT_SEED", "0")) or random.SystemRandom().randrange(1, 10**6)


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    support.wait_until(predicate, timeout, f"{what} (seed {SEED})")


class App:
    """The headless app as a child process, restartable, killable."""

    def __init__(self, env: dict[str, str]) -> None:
        self._env = env
        self.proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.starts = 0
        self.kills = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.headless_app"], cwd=ROOT, env=self._env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=1)
        self._lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, self._lines), daemon=True).start()
        self.starts += 1
        self.expect("ready", 30)

    @staticmethod
    def _read(proc: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.strip())
        lines.put(None)

    def send(self, line: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, prefix: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the app did not say {prefix!r} (seed {SEED})") from None
            if line is None:
                raise AssertionError(f"the app exited while we waited for {prefix!r} (seed {SEED})")
            if line.startswith(prefix):
                return line

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.kills += 1

    def quit(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.send("quit")
            self.proc.wait(20)


@dataclass
class Crm:
    """The emulator, restartable on the same port (stopped = connections refused)."""

    sandbox: RecruitWizardSandbox
    port: int
    server: SandboxServer | None = None
    refusals: int = 0

    def up(self) -> None:
        self.server = SandboxServer(self.sandbox.make_app, port=self.port).start()

    def down(self) -> None:
        assert self.server is not None
        self.server.stop()
        self.server = None
        self.refusals += 1

    def copies(self) -> Counter[str]:
        """How many activities the CRM stored per note text."""
        return Counter(a["Notes"] for a in self.sandbox.activities())


@dataclass
class Ledger:
    """What the recruiter typed and the app acknowledged."""

    db: Path
    acked: dict[str, str] = field(default_factory=dict)  # note text → call id

    def statuses(self) -> dict[str, str]:
        """Note text → status, as the app's database has it."""
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT draft, status FROM notes").fetchall()
        return {json.loads(draft)["text"]: status for draft, status in rows}

    def keys(self) -> dict[str, tuple[str, str]]:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT draft, call_id, record_key FROM notes").fetchall()
        return {json.loads(draft)["text"]: (call_id, key) for draft, call_id, key in rows}

    def settled(self) -> bool:
        return all(s != "pending" for s in self.statuses().values())


@pytest.fixture
def crm() -> Iterator[Crm]:
    sandbox = RecruitWizardSandbox(client_id="ringside-faults", client_secret="faults-client-secret")
    crm = Crm(sandbox, closed_port())
    crm.up()
    yield crm
    if crm.server is not None:
        crm.server.stop()


@pytest.fixture
def app(crm: Crm, ringside_home: Path, tmp_path: Path) -> Iterator[App]:
    url = f"http://127.0.0.1:{crm.port}"
    account = RecruitWizardAccount(kind="recruitwizard", id="rw", label="Recruit Wizard", api_url=url,
                                   web_url=url, client_id="ringside-faults", timeout_s=1.0)
    # The child reads the same file keyring (PYTHON_KEYRING_BACKEND and XDG_DATA_HOME from conftest).
    secrets = KeyringSecrets(backend=PlaintextKeyring())
    secrets.set("rw", "client_secret", "faults-client-secret")
    asyncio.run(sign_in_with_pretend_browser(account, secrets))
    settings_mod.save(paths_mod.resolve(ringside_home).config_file, Settings(
        general=GeneralSettings(default_region="AU"), accounts=[account],
        outbox=OutboxSettings(backoff_initial_s=0.05, backoff_max_s=0.5, delivery_timeout_s=1.0)))
    app = App({**os.environ, "RINGSIDE_HOME": str(ringside_home), "PYTHONPATH": str(ROOT)})
    app.start()
    yield app
    app.quit()


@pytest.mark.slow
def test_a_hundred_notes_through_faults_and_kills_arrive_exactly_once(app: App, crm: Crm, ringside_home: Path) -> None:
    rng = random.Random(SEED)
    ledger = Ledger(paths_mod.resolve(ringside_home).database)
    faults = crm.sandbox.faults
    started = time.monotonic()
    retyped = 0

    def type_note(i: int, *, wait: bool = True) -> None:
        text = f"note-{i:03d} (seed {SEED})"
        call_id = f"c{i}-{app.starts}"
        app.send(f"note {call_id} {CALLERS[i % len(CALLERS)]} {text}")
        if wait:
            line = app.expect(f"saved {call_id}")
            ledger.acked[text] = line.split()[1]

    def restart() -> None:
        """After a kill: a note whose command was cut short and never committed is typed again."""
        nonlocal retyped
        app.start()
        stored = ledger.statuses()
        for i in range(NOTES):
            text = f"note-{i:03d} (seed {SEED})"
            if i < typed and text not in stored:
                retyped += 1
                type_note(i)

    # Kill points, each a condition rather than a moment: before a note's commit is acknowledged;
    # the instant the CRM has stored it (the app has yet to hear so); while its request hangs (surely
    # on the wire); while notes wait out a Retry-After or a refused connection.
    kill_at = dict(zip(rng.sample(range(10, NOTES - 5), 10),
                       ["unacked", "stored", "hanging", "backoff", "down"] * 2, strict=True))
    fault_at = dict(zip(rng.sample(range(5, NOTES - 5), 12), [
        ("status", 500, None), ("status", 500, None), ("status", 502, None), ("status", 503, 1.0),
        ("status", 429, 0.0), ("status", 429, 1.0), ("status", 408, None), ("hang", 0, None),
        ("reset", 0, None), ("slow", 0, None), ("down", 0, None), ("down", 0, None)], strict=True))

    typed = 0
    for i in range(NOTES):
        if i in fault_at:
            kind, status, retry_after = fault_at[i]
            if kind == "status":
                faults.inject(ACTIVITIES, FaultKind.STATUS, count=rng.randint(1, 3), status=status,
                              retry_after=retry_after)
            elif kind == "hang":
                faults.inject(ACTIVITIES, FaultKind.HANG)
            elif kind == "reset":
                faults.inject(ACTIVITIES, FaultKind.RESET)
            elif kind == "slow":
                faults.set_latency(0.3, ACTIVITIES)
            elif crm.server is not None:  # connection refused for the next few notes (lookups come
                crm.down()  # from the cache meanwhile); already down from an earlier fault: stays down
        point = kill_at.get(i)
        if point == "unacked":
            type_note(i, wait=False)
            typed = i + 1
            app.kill()
            restart()
            continue
        if point == "hanging":
            if crm.server is None:
                crm.up()  # the hang must be reachable (behind any faults still queued)
            faults.inject(ACTIVITIES, FaultKind.HANG)
        if point == "backoff":
            faults.inject(ACTIVITIES, FaultKind.STATUS, status=503, retry_after=1.0)
        if point == "down" and crm.server is not None:
            crm.down()
        type_note(i)
        typed = i + 1
        if point == "hanging":  # once the faults queued before it (Retry-After waits among them) are met
            assert faults.wait_hanging(1, 20), f"no request reached the hang (seed {SEED})"
        if point == "stored":
            text = f"note-{i:03d} (seed {SEED})"
            crm.sandbox.journal.wait_for(lambda entries, t=text: any(
                e.status == 200 and isinstance(e.json, dict) and e.json.get("Notes") == t for e in entries), 5)
        if point is not None:
            app.kill()
            restart()
        if crm.server is None and (i % 5 == 4 or point == "down"):
            crm.up()  # the outage ends; the outbox's backoff finds it back
        if i % 25 == 24:
            faults.set_latency(0.0, ACTIVITIES)
    if crm.server is None:
        crm.up()

    wait_until(ledger.settled, 30, "every note to be logged or to need confirmation")
    unused = faults.pending()  # injected after the last note that could meet them
    faults.clear()
    statuses = ledger.statuses()
    copies = crm.copies()
    texts = [f"note-{i:03d} (seed {SEED})" for i in range(NOTES)]
    assert set(statuses) == set(texts), "a note was lost"
    assert set(ledger.acked) <= set(statuses)
    by_status = Counter(statuses.values())
    assert by_status["failed"] == 0, statuses
    for text in texts:
        if statuses[text] == "logged":
            assert copies[text] == 1, f"{text} is logged but the CRM has it {copies[text]} times"
        else:
            assert statuses[text] == "unconfirmed"
            assert copies[text] <= 1, f"{text} was sent twice"

    # The recruiter checks each unconfirmed note's record: there → confirm; not there → send again.
    keys = ledger.keys()
    unconfirmed = [t for t in texts if statuses[t] == "unconfirmed"]
    found_in_crm = sum(copies[t] == 1 for t in unconfirmed)
    for text in unconfirmed:
        call_id, key = keys[text]
        app.send(f"{'confirm' if copies[text] else 'retry'} {call_id} {key}")
        app.expect("done")
    wait_until(lambda: set(ledger.statuses().values()) == {"logged"}, 20, "every note to be logged")
    assert crm.copies() == Counter({t: 1 for t in texts})

    history = subprocess.run([sys.executable, "-m", "app", "history", "--json", "--limit", "1000"], cwd=ROOT,
                             env={**os.environ, "RINGSIDE_HOME": str(ringside_home)}, capture_output=True,
                             text=True, timeout=30, check=True)
    notes = [n for call in json.loads(history.stdout)["calls"] for n in call["notes"]]
    assert sorted(n["text"] for n in notes) == sorted(texts)
    assert {n["status"] for n in notes} == {"logged"}

    journal = crm.sandbox.journal.entries(ACTIVITIES, "POST")
    print(f"\nseed {SEED}: {NOTES} notes in {time.monotonic() - started:.1f} s; {app.kills} SIGKILLs, "
          f"{crm.refusals} outages; {len(journal)} POSTs to {ACTIVITIES} "
          f"({Counter(e.status for e in journal)}); {len(unconfirmed)} needed confirmation "
          f"({found_in_crm} were in the CRM, {len(unconfirmed) - found_in_crm} were not); "
          f"{retyped} retyped after a kill before their commit; {len(unused)} injected faults left unused")
