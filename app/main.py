"""Composition root: Qt application, qasync loop, the tray and door first, then runtime and UI, put
together and run."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.config.paths import Paths
from app.runtime import malloc

if TYPE_CHECKING:  # loaded in the start's second step (see run_app)
    from app.config.settings import Settings
    from app.runtime.instance import InstanceServer
    from app.runtime.runtime import Runtime
    from app.storage.secrets import SecretStore
    from app.ui.shell import UiShell
    from app.ui.tray.tray import TrayController

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
    load_settings: Callable[[], Settings],
    *,
    secrets: Callable[[Settings], SecretStore] | None = None,
    demo_callers: list[tuple[str, str]] | None = None,
) -> int:
    """Run the tray app until Quit. Two steps, so the recruiter sees Ringside at once:
    1. the tray (or its window) and the instance door, with nothing but Qt and asyncio loaded: the
       menu says "Starting…" and offers Quit; requests at the door wait for step 2;
    2. config.toml read and validated and the core's modules imported on a worker thread (the loop
       stays free), then the runtime and the windows built on the loop, the tray and door handed to them.
    A broken config.toml raises ConfigError out of here, after hiding the tray."""
    started = time.perf_counter()
    malloc.one_arena()  # before Qt and the start's worker start threads: see its module
    from PySide6.QtWidgets import QApplication

    from app.ui.common.pyside_imports import cheaper_module_check

    cheaper_module_check()  # before anything else is imported: see its module
    import qasync
    from PySide6.QtCore import QTimer

    from app.runtime.instance import InstanceServer
    from app.ui.common.app_icon import app_icon
    from app.ui.common.style import apply_style
    from app.ui.tray.tray import TrayController

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Ringside")
    app.setQuitOnLastWindowClosed(False)  # a tray app lives on with no window open
    # Windows, task switchers and Wayland compositors show Ringside's own icon and find its menu entry.
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("ringside")
    apply_style(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_log_loop_error)

    door = InstanceServer(paths.instance_file)  # the runtime attaches its handlers in step 2
    tray = TrayController(None)
    done = asyncio.Event()
    tray.quitRequested.connect(done.set)
    # Python only sees SIGINT/SIGTERM when it runs bytecode; a idle timer lets it, so Ctrl+C quits.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: loop.call_soon_threadsafe(done.set))
    ticker = QTimer()
    ticker.start(250)
    ticker.timeout.connect(lambda: None)

    async def main() -> None:
        await door.start()
        tray.show()
        log.info("Ringside's tray and door up in %.0f ms", (time.perf_counter() - started) * 1000)
        print(f"Ringside is starting (tray {'icon' if tray.using_tray else 'window'} shown).", flush=True)
        try:
            settings = await asyncio.get_running_loop().run_in_executor(None, _prepare, load_settings)
        except BaseException:
            tray.hide()
            await door.stop()
            raise
        if done.is_set():  # Quit while starting
            await door.stop()
            return
        runtime, shell = _assemble(paths, settings, door, tray, secrets, demo_callers or [])
        shell.quitRequested.connect(done.set)
        shell.start()
        # What start-up built lives as long as the process: no full run of the cyclic collector
        # (tens of ms, wherever it lands) walks it again.
        gc.freeze()
        log.info("Ringside ready in %.0f ms", (time.perf_counter() - started) * 1000)
        print(f"Ringside is ready (tray {'icon' if shell.has_tray else 'window'}).", flush=True)
        await runtime.start()
        malloc.give_back_free_pages()
        await done.wait()
        shell.close()
        await runtime.stop()

    with loop:
        loop.run_until_complete(main())
    return 0


def _prepare(load_settings: Callable[[], Settings]) -> Settings:
    """On a worker thread: config.toml read and validated, and the modules step 2 builds from
    imported, while the loop answers the door and paints the tray."""
    settings = load_settings()
    import app.runtime.runtime
    import app.ui.bridge
    import app.ui.shell  # noqa: F401  (widget classes only: no widget is made here)

    return settings


def _assemble(paths: Paths, settings: Settings, door: InstanceServer, tray: TrayController,
              secrets: Callable[[Settings], SecretStore] | None,
              demo_callers: list[tuple[str, str]]) -> tuple[Runtime, UiShell]:
    """The parts, in the order they need each other: the bridge is the one door between them."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from app.runtime.runtime import Runtime
    from app.runtime.settings_door import LazySettingsControls
    from app.ui.bridge import Bridge
    from app.ui.shell import UiShell

    bridge = Bridge()

    def on_error(exc: BaseException) -> None:
        log.error("Background task failed", exc_info=exc)
        bridge.message(f"Something went wrong: {exc}", error=True)

    if secrets is None:
        from app.storage.secrets import KeyringSecrets

        store: SecretStore = KeyringSecrets()
    else:
        store = secrets(settings)
    runtime = Runtime(paths=paths, settings=settings, listener=bridge, windows=bridge,
                      notify_reminder=bridge.reminder_due, secrets=store, demo_callers=demo_callers,
                      on_error=on_error, open_url=lambda url: QDesktopServices.openUrl(QUrl(url)), door=door)
    # The Settings window's backend (account service, sign-in, checks) is built when the window needs it.
    shell = UiShell(runtime.controls, bridge, tray=tray,
                    settings=LazySettingsControls(runtime.account_hooks, lambda: runtime.settings))
    return runtime, shell


def _log_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    """Errors nobody awaited (a callback or task that raised): into the log with their trace."""
    exc = context.get("exception")
    log.critical("Uncaught error in the event loop: %s", context.get("message", ""),
                 exc_info=exc if isinstance(exc, BaseException) else None)
