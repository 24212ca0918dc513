"""The one loopback-server helper: it reports the port it bound, serves, stops, and hands a busy
address back as OSError having cleaned up; and the limits every listener gets from it, over real
sockets: header and body deadlines, the connection cap, the body cap, GET and POST only, nothing of a
request in the log, a warning beyond loopback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from app.crm._shared.loopback import LoopbackServer, is_loopback, same_secret
from tests.support import until


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


# -- the limits every listener has, over real sockets ------------------------------------------

SECRET = "s3cret-token-that-must-not-be-logged"


async def _closed_by_server(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the server sent before closing the connection (fails if it stays open longer)."""
    return await asyncio.wait_for(reader.read(), within)


async def test_a_client_that_sends_nothing_or_drips_headers_is_cut_off() -> None:
    server = LoopbackServer("127.0.0.1", 0, header_timeout_s=0.3)
    port = await server.start(_app())
    try:
        silent_reader, silent = await asyncio.open_connection("127.0.0.1", port)
        drip_reader, drip = await asyncio.open_connection("127.0.0.1", port)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ":
            if drip_reader.at_eof():
                break
            drip.write(bytes([byte]))
            await asyncio.sleep(0.02)  # the drip itself, not a wait for the server
        assert await _closed_by_server(silent_reader, 3.0) == b""
        assert await _closed_by_server(drip_reader, 3.0) == b""
        assert loop.time() - started < 3.0
        silent.close()
        drip.close()
    finally:
        await server.stop()


async def test_connections_beyond_the_cap_are_refused_at_once_and_served_again_when_one_closes() -> None:
    server = LoopbackServer("127.0.0.1", 0, max_connections=4)
    port = await server.start(_app())
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(4)]
    try:
        await until(lambda: server.open_connections == 4, what="four connections counted")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        answer = await _closed_by_server(reader, 2.0)
        assert answer.startswith(b"HTTP/1.1 503 ") and b"too many connections" in answer
        writer.close()
        held.pop()[1].close()
        await until(lambda: server.open_connections == 3, what="a closed connection uncounted")
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://127.0.0.1:{port}/")).text == "hello"
    finally:
        for _, w in held:
            w.close()
        await server.stop()


async def test_head_and_unknown_methods_are_405_and_bodies_are_capped() -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    app = _app()
    app.router.add_post("/echo", echo)
    app.router.add_route("*", "/any", echo)
    server = LoopbackServer("127.0.0.1", 0, max_body=100)
    port = await server.start(app)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            assert (await client.head(f"{url}/")).status_code == 405
            for method in ("PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND"):
                response = await client.request(method, f"{url}/any")
                assert response.status_code == 405, method
                assert response.headers["Allow"] == "GET, POST"
            # A method HTTP doesn't define never gets as far: the request parser refuses it.
            assert (await client.request("BREW", f"{url}/any")).status_code == 400
            assert (await client.post(f"{url}/echo", content=b"x" * 100)).content == b"x" * 100
            assert (await client.post(f"{url}/echo", content=b"x" * 101)).status_code == 413

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(4):
                    yield b"y" * 60

            assert (await client.post(f"{url}/echo", content=chunks())).status_code == 413
    finally:
        await server.stop()


async def test_a_body_that_never_arrives_is_408() -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    app = web.Application()
    app.router.add_post("/echo", echo)
    server = LoopbackServer("127.0.0.1", 0, body_timeout_s=0.2)
    port = await server.start(app)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\nonly part")
        answer = await asyncio.wait_for(reader.readline(), 3.0)
        assert answer.startswith(b"HTTP/1.1 408 ")
        writer.close()
    finally:
        await server.stop()


async def test_an_over_long_or_broken_request_line_with_a_secret_leaves_no_trace_in_the_log(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    server = LoopbackServer("127.0.0.1", 0)
    port = await server.start(_app())
    lines = [
        f"GET /v1/events?token={SECRET}&pad={'a' * 9000} HTTP/1.1",  # over aiohttp's 8 KB line limit
        f"GET /?password={SECRET} HTTP/1.1\r\nX-Long: {'b' * 9000}",  # an over-long header
        f"G\x01T /?password={SECRET} HTTP/1.1",  # a broken method
        f"GET /?password={SECRET} HTTP/9.9",  # a broken version
    ]
    try:
        for line in lines:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(line.encode("latin-1") + b"\r\nHost: 127.0.0.1\r\n\r\n")
            answer = await asyncio.wait_for(reader.read(), 3.0)
            assert answer.split(b" ", 2)[1].startswith(b"4"), answer[:40]
            writer.close()
    finally:
        await server.stop()
    out, err = capfd.readouterr()
    assert SECRET not in caplog.text + out + err
    assert "GET /" not in caplog.text
    assert "malformed or broken request was refused" in caplog.text  # one line, without the request


async def test_a_listener_bound_beyond_loopback_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    inside = LoopbackServer("127.0.0.1", 0, name="webhook")
    await inside.start(_app())
    await inside.stop()
    assert "beyond this computer" not in caplog.text
    outside = LoopbackServer("0.0.0.0", 0, name="webhook")
    await outside.start(_app())
    await outside.stop()
    assert "The webhook listens on 0.0.0.0" in caplog.text and "beyond this computer" in caplog.text


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("", False), ("::", False), ("192.168.1.5", False), ("example.com", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_same_secret_takes_any_text_a_request_can_carry() -> None:
    assert same_secret("abc", "abc")
    assert not same_secret("abc", "abd") and not same_secret("", "abc")
    assert not same_secret("caf\udce9", "abc")  # an undecodable byte, as aiohttp hands it over
    assert not same_secret("é" * 40, "abc")
