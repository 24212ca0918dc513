"""Helpers for tests that run the real app on a qasync loop.

Under qasync, asyncio only advances while the loop runs, so such tests are coroutines run with
`run(...)`; they wait on conditions and signals with the async helpers here, never on fixed sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

POLL_S = 0.005


async def until(predicate: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> None:
    """Wait until predicate() is truthy, checking between event-loop turns."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(POLL_S)


def run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))
