"""A headless Ringside for tests that must kill the app: the real Runtime (database, outbox, lookup
cache, connectors, switchboard, instance door) with no Qt, driven by lines on stdin.

    python -m tests.integration.headless_app          (RINGSIDE_HOME and the keyring from the environment)

    note CALL_ID NUMBER TEXT   a call (ring, answer, hang up) from NUMBER, then a note with TEXT
                               against the record the call is about; prints "saved CALL_ID" once
                               the note is committed, or "unsaved CALL_ID <why>"
    retry CALL_ID KEY          Controls.retry_note; prints "done"
    confirm CALL_ID KEY        Controls.confirm_note; prints "done"
    quit                       a normal quit (Runtime.stop)

Prints "ready" when started. Everything the switchboard tells a UI goes to stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime

from app.config import paths as paths_mod
from app.config import settings as settings_mod
from app.core.models import CallEvent, EventType
from app.core.views import CallView, TrayState
from app.runtime.runtime import Runtime
from tests.support import caller, until

LOOKUP_WAIT_S = 5.0


class PrintingListener:
    def call_updated(self, view: CallView) -> None:
        pass

    def note_requested(self, view: CallView) -> None:
        pass

    def tray_state_changed(self, state: TrayState, detail: str) -> None:
        pass

    def message(self, text: str, *, error: bool = False) -> None:
        print(f"message: {text}", file=sys.stderr, flush=True)


def say(line: str) -> None:
    print(line, flush=True)


async def note(rt: Runtime, call_id: str, number: str, text: str) -> None:
    board = rt.switchboard
    for kind in (EventType.RING, EventType.ANSWER, EventType.HANGUP):
        board.handle(CallEvent(type=kind, number=caller(number), call_id=call_id, source="test", at=datetime.now(UTC)))
    session = board.session(call_id)
    assert session is not None
    # From the cache at once for a repeat caller; else when the CRM answers.
    with contextlib.suppress(AssertionError):
        await until(lambda: session.view().chosen() or session.view().complete, LOOKUP_WAIT_S, "the lookup")
    chosen = session.view().chosen()
    if not chosen:
        say(f"unsaved {call_id} no record to log against")
        return
    stored = await rt.controls.save_note(call_id, text, [r.key for r in chosen])
    say(f"saved {call_id}" if stored else f"unsaved {call_id} not stored")


async def main() -> None:
    paths = paths_mod.resolve()
    rt = Runtime(paths=paths, settings=settings_mod.load(paths.config_file), listener=PrintingListener())
    await rt.start()
    say("ready")
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := (await reader.readline()).decode():
            command, *args = line.split(maxsplit=3)
            if command == "quit":
                break
            if command == "note":
                await note(rt, args[0], args[1], args[2].strip())
            elif command == "retry":
                await rt.controls.retry_note(args[0], args[1].strip())
                say("done")
            elif command == "confirm":
                await rt.controls.confirm_note(args[0], args[1].strip())
                say("done")
    finally:
        await rt.stop()


if __name__ == "__main__":
    asyncio.run(main())
