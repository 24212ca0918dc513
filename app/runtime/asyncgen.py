"""Async generators left unfinished are closed in a task of the loop, as asyncio's own loop does.

asyncio's loop installs Python's async-generator hooks while it runs, so an async generator dropped
mid-iteration (an HTTP body stream abandoned when an answer was too large, say) is closed with
`aclose()` in a task. qasync's loop does not: such a generator is closed synchronously wherever it is
freed, and one whose clean-up needs the current task (httpcore's body stream enters an anyio
cancel scope) then fails outside one, in a Qt callback or a garbage collection between calls
("cannot create weak reference to 'NoneType' object", reported as an ignored exception).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator, Callable
from typing import Any


def close_in_tasks(loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    """On the loop's thread: async generators first iterated from now on are closed in a task of
    `loop` when they are dropped unfinished. Left alone when a finalizer is installed already (the
    loop is asyncio's own). Returns what puts the previous hooks back."""
    previous = sys.get_asyncgen_hooks()
    if previous.finalizer is not None:
        return lambda: None

    def finalizer(generator: AsyncGenerator[Any, Any]) -> None:
        if not loop.is_closed():  # else nothing can run its clean-up any more
            loop.call_soon_threadsafe(loop.create_task, generator.aclose())

    sys.set_asyncgen_hooks(firstiter=previous.firstiter, finalizer=finalizer)
    return lambda: sys.set_asyncgen_hooks(*previous)
