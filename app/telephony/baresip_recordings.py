"""The recordings baresip's `sndfile` module makes, found for the call they belong to.

What baresip 1.0 (Debian's `baresip-core`) does, found by experiment and relied on here: with
`module sndfile.so` and `snd_path <folder>` in its config, every call's audio is written, from the
moment its audio starts (the answer, or early media), to two WAV files in that folder,
`dump-YYYY-MM-DD-HH-MM-SS-dec.wav` (what the other party said) and `…-enc.wav` (what the recruiter
said), named by baresip's local time to the second. It tells nobody: no ctrl_tcp event names the
files, and the name holds no call id. So a call's pair is the one whose time falls between the call's
first event and a few seconds after its answer (both on this computer's clock, as baresip runs
beside Ringside), and not already taken by another call. Two calls whose audio starts in the same
second share one name: baresip itself overwrites the first pair, so only the second is there to find.

The pair becomes one stereo WAV beside it, `call-<time>-<call id>.wav` (the caller left, the
recruiter right), which is what retailCRM is offered; baresip's own files are left as they are.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
import wave
from array import array
from datetime import datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

STAMP = "%Y-%m-%d-%H-%M-%S"
BEFORE = timedelta(seconds=2)  # baresip's clock second may start before the event we saw
AFTER = timedelta(seconds=3)  # audio starting after the answer event (and the event's own delay)
SETTLE_S = 2.0  # baresip closes the files right after the hang-up event; wait at most this long
_NAME = re.compile(r"^dump-(?P<stamp>\d{4}(?:-\d\d){5})-dec\.wav$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _stamp(name: str) -> datetime | None:
    match = _NAME.match(name)
    if match is None:
        return None
    try:  # baresip names files by its local time: a naive local time, made aware here
        return datetime.strptime(match["stamp"], STAMP).astimezone()
    except ValueError:
        return None


def _complete(path: Path) -> bool:
    """A WAV file closed by its writer: the RIFF size in its header matches the file's size (while
    it is written the header still holds the size of the empty file)."""
    try:
        with path.open("rb") as file:
            head = file.read(8)
        return len(head) == 8 and int.from_bytes(head[4:8], "little") + 8 == path.stat().st_size
    except OSError:
        return False


def _first_channel(path: Path) -> tuple[array[int], int] | None:
    """The first channel of a 16-bit PCM WAV file as samples, and its rate; None for other formats."""
    with wave.open(str(path), "rb") as reader:
        if reader.getsampwidth() != 2:
            return None
        samples = array("h", reader.readframes(reader.getnframes()))
        channels, rate = reader.getnchannels(), reader.getframerate()
    if sys.byteorder == "big":
        samples.byteswap()
    return samples[0::channels], rate


def merge(caller: Path, recruiter: Path, out: Path) -> bool:
    """Write `out` as a stereo WAV: `caller` left, `recruiter` right (the first channel of each, the
    shorter padded with silence). False when the two can't be put together (not 16-bit PCM, or
    different rates)."""
    left, right = _first_channel(caller), _first_channel(recruiter)
    if left is None or right is None or left[1] != right[1]:
        return False
    frames = max(len(left[0]), len(right[0]))
    stereo = array("h", bytes(4 * frames))
    stereo[0:2 * len(left[0]):2] = left[0]
    stereo[1:2 * len(right[0]):2] = right[0]
    if sys.byteorder == "big":
        stereo.byteswap()
    with wave.open(str(out), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(left[1])
        writer.writeframes(stereo.tobytes())
    return True


class RecordingFinder:
    """Finds and puts together the recording of a call in baresip's `snd_path` folder. Blocking
    (file reads, a short wait for baresip to close the files): call it from a worker thread."""

    def __init__(self, folder: Path, settle_s: float = SETTLE_S) -> None:
        self.folder = folder
        self._settle_s = settle_s
        self._taken: set[str] = set()  # pairs already given to a call
        self._lock = threading.Lock()

    def recording(self, call_id: str, started: datetime, answered: datetime) -> Path | None:
        """The call's recording (one stereo WAV), or None when baresip made none for it."""
        caller = self._claim(started - BEFORE, answered + AFTER)
        if caller is None:
            log.info("No recording by baresip in %s for call %s", self.folder, call_id)
            return None
        recruiter = caller.with_name(caller.name.removesuffix("-dec.wav") + "-enc.wav")
        deadline = time.monotonic() + self._settle_s
        while not all(_complete(p) for p in (caller, recruiter) if p.exists()) and time.monotonic() < deadline:
            time.sleep(0.05)  # baresip is closing them: it does so right after the hang-up event
        if not recruiter.exists():
            return caller
        stamp = caller.name.removeprefix("dump-").removesuffix("-dec.wav")
        out = self.folder / f"call-{stamp}-{_UNSAFE.sub('_', call_id)[:64]}.wav"
        try:
            if merge(caller, recruiter, out):
                return out
        except (OSError, wave.Error, EOFError) as exc:
            log.warning("Could not put together the recording of call %s: %s", call_id, exc)
            return caller if caller.is_file() else None
        log.info("The two sides of call %s differ in format; only the caller's side is offered", call_id)
        return caller

    def _claim(self, earliest: datetime, latest: datetime) -> Path | None:
        """The latest untaken caller-side file named within [earliest, latest], now taken."""
        try:
            names = [p.name for p in self.folder.iterdir()]
        except OSError as exc:
            log.warning("Cannot read baresip's recordings folder %s: %s", self.folder, exc)
            return None
        with self._lock:
            found = sorted((stamp, name) for name in names if name not in self._taken
                           and (stamp := _stamp(name)) is not None and earliest <= stamp <= latest)
            if not found:
                return None
            name = found[-1][1]
            self._taken.add(name)
        return self.folder / name
