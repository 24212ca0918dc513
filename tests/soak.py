"""The soak harness: many complete calls through the real app and its widgets, plus a stream of
refused webhook requests, as a busy desk (and any web page) would send them.

Used by tests/ui/test_soak.py (the app must survive) and by the leak benchmark under tests/perf
(the app must not grow). Every step waits on what the recruiter would see, never on a fixed sleep.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import time
from dataclasses import dataclass, field

import httpx
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from tests.support import RunningApp, until

# Demo people the Recruit Wizard emulator knows: two contacts (with open jobs) and a candidate.
CALLERS = ("+61491570006", "+61491570034", "+61491571266")
STEP_S = 10.0


@dataclass
class SoakFigures:
    calls: int = 0
    refused_requests: int = 0
    seconds: float = 0.0
    rss_mb: list[float] = field(default_factory=list)  # after each block of calls
    live_widgets: list[int] = field(default_factory=list)
    qt_objects: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)


def rss_mb() -> float:
    """Resident memory now (Linux: /proc), else the peak the kernel reports."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_qt_objects() -> tuple[int, int]:
    """(top-level and child widgets alive, every QObject reachable from the application)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    widgets = len(QApplication.allWidgets())
    objects = len(app.findChildren(QObject)) + sum(len(w.findChildren(QObject)) for w in QApplication.topLevelWidgets())
    return widgets, objects


async def one_call(app: RunningApp, number: str, activities: int, logged: callable) -> None:  # type: ignore[valid-type]
    """Ring, see the card, answer, hang up, type a note, save it; wait until the CRM has it."""
    before = {c.call_id for c in app.shell.cards()}
    app.runtime.controls.simulate_call(number)
    await until(lambda: any(c.call_id not in before for c in app.shell.cards()), STEP_S, "the card")
    card = next(c for c in app.shell.cards() if c.call_id not in before)
    await until(lambda: card.view is not None and card.view.complete, STEP_S, "the card to fill in")
    card.answer_button.click()
    await until(lambda: card.hang_up_button.isVisible(), STEP_S, "the call to be answered")
    card.hang_up_button.click()
    await until(lambda: app.shell.note_form(card.call_id) is not None, STEP_S, "the note form")
    form = app.shell.note_form(card.call_id)
    assert form is not None
    form.editor.setPlainText(f"Soak call to {number}: spoke about the role.")
    form.save_button.click()
    await until(lambda: logged() > activities, STEP_S, "the note to reach the CRM")


async def refuse_requests(url: str, count: int) -> int:
    """POST events with a wrong token, as a hostile web page could; returns how many got 401/403."""
    refused = 0
    async with httpx.AsyncClient(timeout=STEP_S) as client:
        for i in range(count):
            response = await client.post(url, json={"type": "ring", "number": "+61491570006"},
                                         headers={"Authorization": f"Bearer wrong-{i}"})
            refused += response.status_code in (401, 403)
    return refused


async def soak(app: RunningApp, *, calls: int, logged: callable, webhook_url: str | None = None,  # type: ignore[valid-type]
               refused: int = 0, sample_every: int = 100) -> SoakFigures:
    figures = SoakFigures()
    started = time.perf_counter()
    hostile = asyncio.create_task(refuse_requests(webhook_url, refused)) if webhook_url and refused else None
    for i in range(calls):
        await one_call(app, CALLERS[i % len(CALLERS)], logged(), logged)
        figures.calls += 1
        if (i + 1) % sample_every == 0:
            gc.collect()
            widgets, objects = count_qt_objects()
            figures.rss_mb.append(rss_mb())
            figures.live_widgets.append(widgets)
            figures.qt_objects.append(objects)
            figures.tasks.append(len(asyncio.all_tasks()))
    if hostile is not None:
        figures.refused_requests = await hostile
    figures.seconds = time.perf_counter() - started
    return figures
