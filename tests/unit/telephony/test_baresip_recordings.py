"""Finding baresip's recording of a call (the `sndfile` module's dump files) and putting its two
sides together into one stereo WAV."""

from __future__ import annotations

import wave
from array import array
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.telephony.baresip_recordings import RecordingFinder, merge

ANSWERED = datetime(2026, 3, 2, 9, 15, 30, tzinfo=UTC)


def dump(folder: Path, at: datetime, side: str, samples: list[int], *, channels: int = 2,
         rate: int = 48000, width: int = 2) -> Path:
    """A file as baresip 1.0's sndfile names and writes it (local time in the name; its channels alike)."""
    path = folder / f"dump-{at.astimezone().strftime('%Y-%m-%d-%H-%M-%S')}-{side}.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        if width == 2:
            writer.writeframes(array("h", [s for s in samples for _ in range(channels)]).tobytes())
        else:
            writer.writeframes(bytes(len(samples) * channels * width))
    return path


def frames(path: Path) -> tuple[int, int, list[int]]:
    with wave.open(str(path), "rb") as reader:
        return reader.getnchannels(), reader.getframerate(), list(array("h", reader.readframes(reader.getnframes())))


def test_the_two_sides_become_one_stereo_file_caller_left(tmp_path: Path) -> None:
    caller = dump(tmp_path, ANSWERED, "dec", [1, 2, 3])
    recruiter = dump(tmp_path, ANSWERED, "enc", [10, 20])
    out = tmp_path / "call.wav"
    assert merge(caller, recruiter, out)
    assert frames(out) == (2, 48000, [1, 10, 2, 20, 3, 0])  # the shorter side padded with silence


def test_sides_of_different_rates_or_widths_are_not_merged(tmp_path: Path) -> None:
    caller = dump(tmp_path, ANSWERED, "dec", [1, 2], rate=8000)
    recruiter = dump(tmp_path, ANSWERED, "enc", [1, 2])
    assert not merge(caller, recruiter, tmp_path / "a.wav")
    wide = dump(tmp_path, ANSWERED + timedelta(seconds=1), "enc", [1, 2], width=3)
    assert not merge(recruiter, wide, tmp_path / "b.wav")
    assert not (tmp_path / "a.wav").exists() and not (tmp_path / "b.wav").exists()


def test_the_calls_pair_is_found_by_its_time_and_given_once(tmp_path: Path) -> None:
    dump(tmp_path, ANSWERED - timedelta(minutes=5), "dec", [9])  # an earlier call's
    dump(tmp_path, ANSWERED - timedelta(minutes=5), "enc", [9])
    dump(tmp_path, ANSWERED + timedelta(seconds=1), "dec", [1, 2])
    dump(tmp_path, ANSWERED + timedelta(seconds=1), "enc", [3, 4])
    finder = RecordingFinder(tmp_path, settle_s=0)

    found = finder.recording("a1b2/c3", ANSWERED - timedelta(seconds=4), ANSWERED)
    assert found is not None and found.name.startswith("call-") and found.name.endswith("-a1b2_c3.wav")
    assert frames(found) == (2, 48000, [1, 3, 2, 4])
    # the same pair is not given to another call, and a call with no pair of its time has none
    assert finder.recording("other", ANSWERED - timedelta(seconds=4), ANSWERED) is None
    assert finder.recording("later", ANSWERED + timedelta(hours=1), ANSWERED + timedelta(hours=1)) is None


def test_a_caller_side_alone_or_unmergeable_sides_offer_the_caller_side(tmp_path: Path) -> None:
    alone = dump(tmp_path, ANSWERED, "dec", [1])
    finder = RecordingFinder(tmp_path, settle_s=0)
    assert finder.recording("c1", ANSWERED, ANSWERED) == alone
    later = ANSWERED + timedelta(minutes=1)
    caller = dump(tmp_path, later, "dec", [1], rate=8000)
    dump(tmp_path, later, "enc", [1])
    assert finder.recording("c2", later, later) == caller


def test_a_file_still_being_written_is_waited_for_then_taken_as_it_is(tmp_path: Path) -> None:
    caller = dump(tmp_path, ANSWERED, "dec", [1, 2])
    dump(tmp_path, ANSWERED, "enc", [3, 4])
    with caller.open("ab") as file:  # more audio than the header says: baresip has not closed it yet
        file.write(b"\x00\x00")
    found = RecordingFinder(tmp_path, settle_s=0.1).recording("c3", ANSWERED, ANSWERED)
    assert found is not None and frames(found)[2] == [1, 3, 2, 4]


def test_a_missing_folder_means_no_recording(tmp_path: Path) -> None:
    assert RecordingFinder(tmp_path / "gone", settle_s=0).recording("c4", ANSWERED, ANSWERED) is None
