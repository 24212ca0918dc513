"""The words the UI uses for durations, states, jobs and recent calls."""

from __future__ import annotations

import pytest

from app.core.models import Job, NoteStatus
from app.core.views import CallState
from app.ui.common import format as fmt
from tests.ui.helpers import PRIYA, RW, call, found, with_notes


@pytest.mark.parametrize(("seconds", "text"), [(0, "0s"), (45, "45s"), (60, "1m"), (252, "4m 12s"), (3725, "1h 02m")])
def test_duration_text(seconds: int, text: str) -> None:
    assert fmt.duration_text(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(0, "00:00"), (134, "02:14"), (3725, "1:02:05")])
def test_clock_text(seconds: int, text: str) -> None:
    assert fmt.clock_text(seconds) == text


def test_job_line() -> None:
    job = Job(id="1", title="Senior Backend Engineer (Python)", employer="Kestrel Software", location="Barangaroo, NSW")
    assert fmt.job_line(job) == "Senior Backend Engineer (Python) — Kestrel Software · Barangaroo, NSW"
    assert fmt.job_line(Job(id="2", title="Data Engineer")) == "Data Engineer"


def test_number_text() -> None:
    assert fmt.number_text("+61491570006") == "+61 491 570 006"
    assert fmt.number_text("abc") == "abc"


def test_recent_call_text() -> None:
    ended = call(found(RW, PRIYA), state=CallState.ENDED)
    assert fmt.recent_call_text(with_notes(ended, NoteStatus.LOGGED)) == "14:02 ↙ Priya Raman · logged"
    assert fmt.recent_call_text(with_notes(ended, NoteStatus.FAILED)) == "14:02 ↙ Priya Raman · note failed"
    assert fmt.recent_call_text(ended) == "14:02 ↙ Priya Raman · no note"


def test_tray_tooltip() -> None:
    assert fmt.tray_tooltip("idle", "") == "Ringside — Ready"
    assert fmt.tray_tooltip("in_call", "Priya Raman") == "Ringside — In call\nPriya Raman"
