"""glibc's allocator: one arena for every thread, and free pages given back once started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.runtime import malloc

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(malloc._glibc() is None, reason="glibc's allocator only (Linux)")

# A worker thread keeps what it allocated (as the start's worker keeps the modules it imported);
# malloc_info then says how many heaps (arenas) the process has.
CODE = """
import ctypes, sys, tempfile, threading
from app.runtime import malloc
if sys.argv[1] == "one":
    assert malloc.one_arena()
elif sys.argv[1] == "asked":  # with a limit set in the environment
    assert not malloc.one_arena()
kept = []
worker = threading.Thread(target=lambda: kept.extend(bytes(2000) for _ in range(2000)))
worker.start(); worker.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
libc.fclose.argtypes = (ctypes.c_void_p,)
with tempfile.NamedTemporaryFile(suffix=".xml") as info:
    out = libc.fopen(info.name.encode(), b"w")
    libc.malloc_info(0, out)
    libc.fclose(out)
    print(open(info.name).read().count("<heap nr="))
"""


def heaps(mode: str, **env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k not in ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")}
    done = subprocess.run([sys.executable, "-c", CODE, mode], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env={**clean, **env})
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_a_worker_thread_allocates_from_the_one_heap() -> None:
    assert heaps("default") >= 2  # glibc's default: the thread got an arena of its own
    assert heaps("one") == 1


def test_an_arena_limit_set_in_the_environment_is_left_to_decide() -> None:
    assert heaps("asked", MALLOC_ARENA_MAX="4") >= 2


TRIM = """
import sys
from app.runtime import malloc
def rss_mb():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) / 1024
blocks = [bytes(1000) for _ in range(50_000)]  # 50 MB from malloc (above Python's small-object size)
last = blocks[-1]
del blocks  # all free, but the last block pins the heap's top: free() alone cannot shrink it
before = rss_mb()
assert malloc.give_back_free_pages()
print(round(before - rss_mb()), len(last))
"""


def test_free_pages_inside_the_heap_go_back_to_the_system() -> None:
    done = subprocess.run([sys.executable, "-c", TRIM], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    given_back_mb, kept = map(int, done.stdout.split())
    assert given_back_mb > 25 and kept == 1000
