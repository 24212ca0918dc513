"""Two outboxes on one database file (two Ringside processes, as after a frozen one) race for the
same notes: the atomic claim lets each note out exactly once."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from app.core.models import Direction, NoteDraft, NoteStatus, Receipt
from app.core.outbox import Outbox
from app.storage.db import Database
from tests.support import until
from tests.unit.core.fakes import PRIYA_RECORD, FakeCrm

NOTES = 60


class SlowCrm(FakeCrm):
    """Yields while "sending", so the other outbox gets every chance to take the same note."""

    def __init__(self, sent: Counter[str], lock: threading.Lock) -> None:
        super().__init__()
        self._sent, self._lock = sent, lock

    async def log_call(self, note: NoteDraft) -> Receipt:
        with self._lock:
            self._sent[note.call_id] += 1
        await asyncio.sleep(0.002)
        return Receipt(account_id=self.account_id, remote_id=note.call_id)


def test_two_outboxes_on_one_file_send_each_note_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "ringside.sqlite3"
    seed = Database(path)
    for n in range(NOTES):
        seed.enqueue_note(NoteDraft(call_id=f"call-{n}", account_id="rw", record=PRIYA_RECORD,
                                    direction=Direction.INBOUND, text=f"note {n}",
                                    call_started_at=datetime.now(UTC), duration_s=1))
    seed.close()
    sent: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def process() -> None:
        async def main() -> None:
            db = Database(path)
            outbox = Outbox(db, {"rw": SlowCrm(sent, lock)}, on_change=lambda row: None)
            start.wait()
            task = asyncio.create_task(outbox.run())
            await until(lambda: not db.pending_notes(), timeout=60, what="every note to be settled")
            await outbox.aclose()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            db.close()

        try:
            asyncio.run(main())
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert sent == Counter({f"call-{n}": 1 for n in range(NOTES)})
    check = Database(path)
    assert {n.status for n in (check.note(i) for i in range(1, NOTES + 1))} == {NoteStatus.LOGGED}
    check.close()
