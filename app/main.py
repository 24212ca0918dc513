"""Composition root: Qt application, qasync loop, runtime and UI, put together and run."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time

from app.config.paths import Paths
from app.config.settings import Settings
from app.storage.secrets import KeyringSecrets, SecretStore

log = logging.getLogger(__name__)


def show_startup_error(text: str) -> None:
    """Why Ringside did not start, in a dialog (started from a desktop entry: no terminal to read it
    in). Without a usable Qt, the desktop's own dialog tools are tried."""
    from app.runtime.system_libs import qt_system_problem

    if qt_system_problem() is None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv)
        assert isinstance(app, QApplication)
        box = QMessageBox(QMessageBox.Icon.Critical, "Ringside did not start", text)
        box.setTextInteractionFlags(box.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()
        return
    import shutil
    import subprocess

    for tool, args in (("zenity", ["--error", "--title=Ringside", f"--text={text}"]),
                       ("kdialog", ["--title", "Ringside", "--error", text]),
                       ("xmessage", ["-center", text]),
                       ("notify-send", ["Ringside did not start", text])):
        found = shutil.which(tool)
        if found:
            subprocess.run([found, *args], check=False)
            return


def run_app(
    paths: Paths,
    settings: Settings,
    *,
    secrets: SecretStore | None = None,
    demo_callers: list[tuple[str, str]] | None = None,
) -> int:
    started = time.perf_counter()
    import qasync
    from PySide6.QtCore import QTimer, QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QApplication

    from app.runtime.runtime import Runtime
    from app.runtime.settings_door import LazySettingsControls
    from app.ui.bridge import Bridge
    from app.ui.shell import UiShell

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Ringside")
    app.setQuitOnLastWindowClosed(False)  # a tray app lives on with no window open
    # Windows, task switchers and Wayland compositors show Ringside's own icon and find its menu entry.
    from app.ui.common.app_icon import app_icon

    app.setWindowIcon(app_icon())
    app.setDesktopFileName("ringside")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_log_loop_error)

    bridge = Bridge()

    def on_error(exc: BaseException) -> None:
        log.error("Background task failed", exc_info=exc)
        bridge.message(f"Something went wrong: {exc}", error=True)

    # The parts, in the order they need each other: the bridge is the one door between them.
    runtime = Runtime(paths=paths, settings=settings, listener=bridge, windows=bridge,
                      notify_reminder=bridge.reminder_due,
                      secrets=secrets or KeyringSecrets(), demo_callers=demo_callers or [], on_error=on_error,
                      open_url=lambda url: QDesktopServices.openUrl(QUrl(url)))
    # The Settings window's backend (account service, sign-in, checks) is built when the window needs it.
    shell = UiShell(runtime.controls, bridge,
                    settings=LazySettingsControls(runtime.account_hooks, lambda: runtime.settings))

    done = asyncio.Event()
    shell.quitRequested.connect(done.set)
    # Python only sees SIGINT/SIGTERM when it runs bytecode; a idle timer lets it, so Ctrl+C quits.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: loop.call_soon_threadsafe(done.set))
    ticker = QTimer()
    ticker.start(250)
    ticker.timeout.connect(lambda: None)

    async def main() -> None:
        # Door and tray first; listeners (webhook, CRM callbacks) and the connections' warm-up after.
        await runtime.open_door()
        shell.start()
        log.info("Ringside ready in %.0f ms", (time.perf_counter() - started) * 1000)
        print(f"Ringside is ready (tray {'icon' if shell.has_tray else 'window'}).", flush=True)
        await runtime.start()
        await done.wait()
        shell.close()
        await runtime.stop()

    with loop:
        loop.run_until_complete(main())
    return 0


def _log_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    """Errors nobody awaited (a callback or task that raised): into the log with their trace."""
    exc = context.get("exception")
    log.critical("Uncaught error in the event loop: %s", context.get("message", ""),
                 exc_info=exc if isinstance(exc, BaseException) else None)
