"""An async generator dropped unfinished on the app's (qasync) loop is closed in a task, as asyncio's own
loop would close it: httpcore's body stream, abandoned when an answer is too large, needs the current
task to clean up, and failed (an ignored exception) when closed in a Qt callback."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import qasync
from PySide6.QtWidgets import QApplication

from app.runtime.asyncgen import close_in_tasks
from tests.support import run, until


def closed_in_a_task(qapp: QApplication, *, hooks: bool) -> bool:
    """Drop a half-read async generator in a plain loop callback; was its clean-up in a task?"""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    closed_in: list[asyncio.Task[object] | None] = []

    async def body() -> AsyncIterator[bytes]:
        try:
            yield b"first chunk"
            yield b"the rest"
        finally:
            closed_in.append(asyncio.current_task())

    async def scenario() -> None:
        restore = close_in_tasks(asyncio.get_running_loop()) if hooks else (lambda: None)
        try:
            held = [body()]
            await anext(held[0])
            asyncio.get_running_loop().call_soon(held.clear)  # its last reference, outside any task
            await until(lambda: closed_in, what="the generator closed")
        finally:
            restore()

    try:
        run(loop, scenario())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return closed_in[0] is not None


def test_a_generator_dropped_in_a_callback_is_closed_in_a_task(qapp: QApplication) -> None:
    assert closed_in_a_task(qapp, hooks=True)


def test_without_the_hooks_qasync_closes_it_outside_any_task(qapp: QApplication) -> None:
    # Why the hooks are needed: what the loop does on its own.
    assert not closed_in_a_task(qapp, hooks=False)


def test_asyncio_s_own_hooks_are_left_alone() -> None:
    async def scenario() -> None:
        hooks = sys.get_asyncgen_hooks()
        close_in_tasks(asyncio.get_running_loop())()
        assert sys.get_asyncgen_hooks() == hooks

    asyncio.run(scenario())
