"""Process-wide guards of the running app: one Ringside per data folder, and a trace of every crash.

`InstanceLock` is an OS lock (flock on POSIX, msvcrt on Windows) on `ringside.lock` in the data
folder, held for the life of the process: the OS drops it when the process dies, however it dies,
and a frozen Ringside still holds it, so a second one never runs beside it.

`install_crash_logging` sends what would otherwise vanish to the log: uncaught exceptions of the
main thread and of other threads go to `ringside.log`; a fatal error (a segfault in Qt, an abort)
is written by `faulthandler` to `crash.log` beside it, as it happens, and copied into `ringside.log`
on the next start.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

from app.config.paths import Paths
from app.errors import RingsideError

log = logging.getLogger(__name__)


class AlreadyLocked(RingsideError):
    """Another process holds the data folder's lock."""


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock now or raise AlreadyLocked (with the holder's pid when it wrote one)."""
        try:
            handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held for the process life
        except OSError as exc:
            raise RingsideError(f"Ringside can't create {self.path}: {exc.strerror or exc}.") from None
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise AlreadyLocked(holder or "unknown") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file drops the lock
            self._handle = None


def _lock(handle: IO[str]) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


_crash_file: IO[str] | None = None  # kept open for faulthandler, which writes to its descriptor


def install_crash_logging(paths: Paths) -> None:
    """faulthandler → crash.log; sys.excepthook and threading.excepthook → the log. A previous
    run's crash.log is copied into the log first."""
    global _crash_file
    _carry_over(paths.crash_log)
    _crash_file = open(paths.crash_log, "w", encoding="utf-8")  # noqa: SIM115 - open for the process life
    faulthandler.enable(file=_crash_file, all_threads=True)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def _carry_over(crash_log: Path) -> None:
    try:
        text = crash_log.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return
    if text:
        log.critical("The last run of Ringside crashed:\n%s", text)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    log.critical("Uncaught error", exc_info=(kind, exc, tb))
    _flush_logs()


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    log.critical("Uncaught error in thread %s", name,
                 exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback))
    _flush_logs()


def _flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()
