"""Serve sandbox emulators on loopback from a thread of their own.

The emulators run on their own asyncio loop so that the injected latency of a slow "CRM" never
competes with the app's (Qt) loop, just as a real remote server would not. Tests, the demo and
`ringside sandbox` all use `SandboxServer`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")


class SandboxServer:
    """Runs one aiohttp application on 127.0.0.1:<port> in a daemon thread.

    with SandboxServer(make_app) as server:
        server.url  # "http://127.0.0.1:40123"
    """

    def __init__(self, make_app: Callable[[], web.Application], host: str = "127.0.0.1", port: int = 0):
        self._make_app = make_app
        self._host = host
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sandbox", daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        self.call(self._start())
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self._make_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    def call(self, coro: Any, timeout: float = 10) -> Any:
        """Run a coroutine on the sandbox's loop and wait for its result."""
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        if self._runner is not None:
            self.call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
