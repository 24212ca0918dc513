"""How first_release.sqlite3 was made: the first release's own storage code wrote it.

Run against a checkout of the first release (commit ebc21d5), not against this tree:

    git worktree add /tmp/first-release ebc21d5
    PYTHONPATH=/tmp/first-release python tests/unit/storage/data/make_first_release_db.py OUT.sqlite3

It records four calls (answered with a match and a logged note, missed, missed and dismissed from the
callback list, outbound with a failed note), a pending note, a cached lookup and a queued retailCRM
upload: a row in every table the first release had.
"""

from __future__ import annotations

import importlib
import sys
from datetime import UTC, datetime, timedelta

from app.core.models import Direction, NoteDraft, Record, RecordType
from app.storage.cache_db import CacheStore
from app.storage.db import Database

# Where the first release kept it (it has moved since, so this tree has no such module).
UploadQueue = importlib.import_module("app.storage.upload_queue").UploadQueue
T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def main(path: str) -> None:
    db = Database(path)
    priya = Record(account_id="rw", type=RecordType.CONTACT, id="533995", name="Priya Raman",
                   job_title="Payroll Officer", company="Harbour Health", link="https://rw.example/c/533995")
    match = {"account": "rw", "type": "contact", "id": "533995", "name": "Priya Raman",
             "job_title": "Payroll Officer", "company": "Harbour Health", "link": priya.link,
             "type_label": "", "chosen": True}
    calls = [
        ("call-answered", "0491 570 006", "+61491570006", "inbound", "ended", T0, T0 + timedelta(seconds=4),
         T0 + timedelta(seconds=130), [match]),
        ("call-missed", "0491 570 156", "+61491570156", "inbound", "missed", T0 + timedelta(hours=1), None,
         T0 + timedelta(hours=1, seconds=20), []),
        ("call-dismissed", "0491 570 157", "+61491570157", "inbound", "missed", T0 + timedelta(hours=2), None,
         T0 + timedelta(hours=2, seconds=15), []),
        ("call-outbound", "+61 491 570 006", "+61491570006", "outbound", "ended", T0 + timedelta(hours=3),
         T0 + timedelta(hours=3, seconds=9), T0 + timedelta(hours=3, seconds=70), [match]),
    ]
    for call_id, number, e164, direction, state, started, answered, ended, matches in calls:
        db.save_call(call_id=call_id, number=number, e164=e164, direction=direction, state=state, source="webhook",
                     started_at=started, answered_at=answered, ended_at=ended, matches=matches,
                     timings={"card_shown_ms": 212.5, "lookup_ms": {"rw": 180.2}, "lookup_status": {"rw": "found"}})
    db.dismiss_callback("+61491570157")

    def draft(call_id: str, direction: Direction, text: str, started: datetime) -> NoteDraft:
        return NoteDraft(call_id=call_id, account_id="rw", record=priya, direction=direction, text=text,
                         call_started_at=started, duration_s=126)

    logged = db.enqueue_note(draft("call-answered", Direction.INBOUND, "Wants Friday shifts.", T0))
    db.claim(logged)
    db.mark_logged(logged, "act-1")
    failed = db.enqueue_note(draft("call-outbound", Direction.OUTBOUND, "Left a message.", T0 + timedelta(hours=3)))
    db.mark_failed(failed, "HTTP 403: not allowed")
    db.enqueue_note(draft("call-missed", Direction.INBOUND, "Call back after 3.", T0 + timedelta(hours=1)))

    CacheStore(db.connection).put("rw", "+61491570006", "found", '{"records": [], "jobs": []}', 1_800_000_000.0)
    db.close()
    queue = UploadQueue(path)
    queue.add("rc", "call-answered", {"phone": "+61491570006", "type": "in", "result": "answered"})
    queue.close()


if __name__ == "__main__":
    main(sys.argv[1])
