"""The one loopback-server helper: it reports the port it bound, serves, stops, and hands a busy
address back as OSError having cleaned up."""

from __future__ import annotations

import httpx
import pytest
from aiohttp import web

from app.crm._shared.loopback import LoopbackServer


def _app() -> web.Application:
    async def hello(_: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_get("/", hello)
    return app


async def test_a_random_port_is_reported_and_served_until_stopped() -> None:
    server = LoopbackServer("127.0.0.1", 0)
    assert not server.running
    port = await server.start(_app())
    assert port == server.port and port > 0 and server.running
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"http://127.0.0.1:{port}/")).text == "hello"
        await server.stop()
        assert not server.running
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/")
    await server.stop()  # twice is harmless


async def test_a_taken_port_is_an_os_error_and_leaves_nothing_running() -> None:
    first = LoopbackServer("127.0.0.1", 0)
    port = await first.start(_app())
    try:
        second = LoopbackServer("127.0.0.1", port)
        with pytest.raises(OSError):
            await second.start(_app())
        assert not second.running
    finally:
        await first.stop()
