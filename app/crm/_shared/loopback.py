"""One way to run an in-process aiohttp server: the webhook, the CRM callback server, the instance
door and the OAuth redirect listener all start and stop theirs through `LoopbackServer`.

The access log is always off: these URLs carry tokens, clientIds, sign-in codes and passwords.
No signal handlers are installed (the server runs inside the app's loop). Where the port is 0 the
system picks one; `port` then says which, read from the runner rather than its private socket.
"""

from __future__ import annotations

from aiohttp import web


class LoopbackServer:
    def __init__(self, host: str, port: int, *, shutdown_timeout_s: float = 60.0) -> None:
        self.host = host
        self.port = port  # the bound port once started
        self._shutdown_timeout_s = shutdown_timeout_s
        self._runner: web.AppRunner | None = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self, app: web.Application) -> int:
        """Serve `app`; returns the bound port. Raises OSError (having cleaned up) when the address
        can't be had: the caller says so in its own words."""
        if self._runner is not None:
            return self.port
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=self._shutdown_timeout_s)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
