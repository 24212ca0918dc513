"""glibc's allocator, set for a process that starts once and then idles for hours.

- **One arena.** glibc gives a thread that allocates an arena of its own, kept for the life of the
  process. The start's worker thread imports half the app (config models, core), so its arena held
  ~1 MB of resident memory at idle, mostly pages of objects long gone; with one arena every thread
  allocates from the main heap. Python's own allocations are serialised by the GIL anyway; what C
  code allocates without it (SQLite on the writer thread, Qt's threads) now shares one lock, which
  a desktop app's few threads do not contend for. A MALLOC_ARENA_MAX or GLIBC_TUNABLES set in the
  environment is left to decide.
- **Free pages given back once started.** Start-up frees a lot it used only once (source read and
  compiled, config parsed); `malloc_trim` returns the free pages inside the heap to the system.

Both are no-ops where the C library is not glibc (macOS, Windows, musl).
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def _glibc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def one_arena(libc: Any | None = None) -> bool:
    """Every thread allocates from the one heap; call before starting threads. True when applied."""
    if "MALLOC_ARENA_MAX" in os.environ or "GLIBC_TUNABLES" in os.environ:
        return False
    libc = libc or _glibc()
    return bool(libc and libc.mallopt(_M_ARENA_MAX, 1))


def give_back_free_pages(libc: Any | None = None) -> bool:
    """Return the heap's free pages to the system (a few ms once). True when some were."""
    libc = libc or _glibc()
    return bool(libc and libc.malloc_trim(0))
