"""The baresip source's hang-ups with recordings: an answered call's hang-up waits for and carries
the recording baresip made (found by app.telephony.baresip_recordings); other hang-ups go at once."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from app.core.models import CallEvent, EventType
from app.telephony.baresip import BaresipSource
from tests.support import until
from tests.unit.telephony.test_baresip_recordings import dump


def _event(type_: str, call_id: str) -> bytes:
    return json.dumps({"event": True, "class": "call", "type": type_, "direction": "incoming",
                       "peeruri": "sip:+61491570006@127.0.0.1", "id": call_id}).encode()


async def test_an_answered_calls_hang_up_carries_its_recording(tmp_path: Path) -> None:
    seen: list[CallEvent] = []
    source = BaresipSource("127.0.0.1:1", seen.append, recordings=tmp_path)
    source._dispatch(_event("CALL_INCOMING", "c1"))
    source._dispatch(_event("CALL_ESTABLISHED", "c1"))
    dump(tmp_path, datetime.now().astimezone(), "dec", [1, 2])
    dump(tmp_path, datetime.now().astimezone(), "enc", [3, 4])
    source._dispatch(_event("CALL_CLOSED", "c1"))
    await until(lambda: len(seen) == 3, 5.0, "the hang-up")
    hangup = seen[-1]
    assert hangup.type is EventType.HANGUP and hangup.recording is not None
    assert Path(hangup.recording).name.startswith("call-") and Path(hangup.recording).is_file()
    assert [e.recording for e in seen[:2]] == [None, None]
    await source.stop()


async def test_an_unanswered_call_or_a_source_without_recordings_hangs_up_at_once(tmp_path: Path) -> None:
    for recordings, answered in ((tmp_path, False), (None, True)):
        seen: list[CallEvent] = []
        source = BaresipSource("127.0.0.1:1", seen.append, recordings=recordings)
        source._dispatch(_event("CALL_INCOMING", "c2"))
        if answered:
            source._dispatch(_event("CALL_ESTABLISHED", "c2"))
        source._dispatch(_event("CALL_CLOSED", "c2"))
        assert seen[-1].type is EventType.HANGUP and seen[-1].recording is None
        await source.stop()
