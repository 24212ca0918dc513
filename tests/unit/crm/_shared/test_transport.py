"""The transport under every CRM client (aiohttp under httpx's API): a server receives exactly what
httpx built, connections are kept and given up as they should be, proxies come from the environment
as httpx takes them, and each way a connection fails says whether anything may have been sent.
The servers are real sockets on loopback."""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from app.crm._shared.answers import BoundedClient
from app.crm._shared.http import Http
from app.errors import BadResponse, Unavailable
from tests.support import self_signed_certificate, until

Reply = Callable[[bytes, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Seen:
    requests: list[bytes] = field(default_factory=list)  # each request's head and body, as received
    connections: int = 0
    closed_by_client: int = 0  # connections the client closed between requests


def answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    return head + await reader.readexactly(length)


@asynccontextmanager
async def server(reply: Reply) -> AsyncIterator[tuple[str, Seen]]:
    """A server on loopback: `reply(request, reader, writer)` for each request it reads."""
    seen = Seen()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.connections += 1
        try:
            while True:
                request = await read_request(reader)
                seen.requests.append(request)
                await reply(request, reader, writer)
                if writer.is_closing():
                    return
        except asyncio.IncompleteReadError:
            seen.closed_by_client += 1
        except ConnectionError:
            pass
        finally:
            writer.close()

    listening = await asyncio.start_server(connection, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        listening.close()


def headers_of(request: bytes) -> list[tuple[str, str]]:
    lines = request.split(b"\r\n\r\n")[0].decode().split("\r\n")[1:]
    return [(name.strip().lower(), value.strip()) for name, value in (line.split(":", 1) for line in lines)]


async def test_the_server_receives_the_request_httpx_built_and_cookies_once() -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b"[]", "Content-Type: application/json", "Set-Cookie: session=abc; Path=/"))

    async with server(reply) as (url, seen), BoundedClient() as client:
        http = Http(client, service="CRM", base_url=url, headers={"X-API-KEY": "key"})
        await http.send("POST", "/api/v5/%7Eshop/customers?filter%5Bphone%5D=%2B61491570006&name=a%20b",
                        json={"a": 1})
        await http.send("GET", "/api/v5/next")

    first, second = seen.requests
    # The path and query byte for byte as httpx encoded them: CRMs match filter[...] literally.
    assert first.startswith(b"POST /api/v5/%7Eshop/customers?filter%5Bphone%5D=%2B61491570006&name=a%20b HTTP/1.1\r\n")
    assert first.endswith(b'\r\n\r\n{"a":1}')
    names = [name for name, _ in headers_of(first)]
    for name in ("host", "accept", "accept-encoding", "user-agent", "content-type", "content-length", "x-api-key"):
        assert names.count(name) == 1, (name, names)
    assert dict(headers_of(first))["content-type"] == "application/json"
    assert dict(headers_of(first))["user-agent"].startswith("python-httpx/")
    assert [v for k, v in headers_of(second) if k == "cookie"] == ["session=abc"]
    assert seen.connections == 1  # the second request went on the kept connection


async def test_a_compressed_answer_is_read_as_json() -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(gzip.compress(b'[{"ID": 7}]'), "Content-Type: application/json", "Content-Encoding: gzip"))

    async with server(reply) as (url, _), BoundedClient() as client:
        http = Http(client, service="CRM", base_url=url)
        assert http.decode(await http.send("GET", "/x")) == [{"ID": 7}]


async def test_an_answer_left_unread_gives_up_its_connection_and_the_next_request_works() -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if request.startswith(b"GET /huge"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in range(64):
                chunk = b"[" + b"0," * 4000 + b"0]"
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        else:
            writer.write(answer(b"[]", "Content-Type: application/json"))

    async with server(reply) as (url, seen), BoundedClient(max_answer_bytes=16 * 1024) as client:
        http = Http(client, service="CRM", base_url=url)
        with pytest.raises(BadResponse, match="over 16 KB"):
            await http.send("GET", "/huge")
        assert http.decode(await http.send("GET", "/small")) == []
    assert seen.connections == 2  # the half-read answer's connection was not reused…
    assert seen.closed_by_client == 1  # …but closed, not left open


async def hang_up(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def not_http(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
    await writer.drain()
    writer.close()


async def never_answer(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # until the client gives up


async def cut_short(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[1,2,")
    await writer.drain()
    writer.close()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "POST"])
async def test_a_request_whose_connection_broke_is_not_sent_again(method: str) -> None:
    # Some GETs act (FixDigital's incomingCall, TrackerRMS's screen pop): one ring, one request.
    async with server(hang_up) as (url, seen), BoundedClient() as client:
        http = Http(client, service="CRM", base_url=url)
        with pytest.raises(Unavailable, match="broke off; the request may still have gone through") as raised:
            await http.send(method, "/webservice.php?operation=incomingCall")
    assert raised.value.sent
    assert len(seen.requests) == 1


@pytest.mark.parametrize(("reply", "message"), [
    (hang_up, "broke off; the request may still have gone through"),
    (not_http, "broke off; the request may still have gone through"),
    (cut_short, "broke off; the request may still have gone through"),
    (never_answer, "took too long to answer; the request may still have gone through"),
])
async def test_a_failure_after_sending_says_the_request_may_have_gone_through(reply: Reply, message: str) -> None:
    async with server(reply) as (url, seen), BoundedClient(timeout=httpx.Timeout(5, read=0.3)) as client:
        http = Http(client, service="CRM", base_url=url)
        with pytest.raises(Unavailable, match=message) as raised:
            await http.send("POST", "/api/activities", json={"Note": "Called"})
    assert raised.value.sent
    assert len(seen.requests) == 1  # sent once: a write is never repeated by the transport


async def test_a_refused_connection_says_nothing_was_sent() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    async with BoundedClient() as client:
        http = Http(client, service="CRM", base_url=f"http://127.0.0.1:{port}")
        with pytest.raises(Unavailable, match=r"Can't reach CRM \(127\.0\.0\.1:\d+\)") as raised:
            await http.send("POST", "/api/activities", json={"Note": "Called"})
    assert not raised.value.sent


async def test_proxies_come_from_the_environment_and_no_proxy_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b"[]", "Content-Type: application/json"))

    async with server(reply) as (proxy_url, via_proxy), server(reply) as (direct_url, direct):
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with BoundedClient() as client:
            await Http(client, service="CRM", base_url="http://crm.example").send("GET", "/api/x?q=1")
            await Http(client, service="CRM", base_url=direct_url).send("GET", "/api/y")
    assert [r.split(b"\r\n")[0] for r in via_proxy.requests] == [b"GET http://crm.example/api/x?q=1 HTTP/1.1"]
    assert [r.split(b"\r\n")[0] for r in direct.requests] == [b"GET /api/y HTTP/1.1"]


async def test_a_reason_phrase_beyond_ascii_does_not_lose_the_answer() -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b'{"id": 1}', "Content-Type: application/json", status="200 ОК".encode().decode("latin-1")))

    async with server(reply) as (url, _), BoundedClient() as client:
        http = Http(client, service="CRM", base_url=url)
        assert http.decode(await http.send("POST", "/api/activities", json={"Note": "Called"})) == {"id": 1}


async def test_credentials_in_the_address_go_as_basic_auth_not_in_the_request_line() -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b"[]", "Content-Type: application/json"))

    async with server(reply) as (url, seen), BoundedClient() as client:
        await Http(client, service="CRM", base_url=url.replace("http://", "http://user:secret@")).send("GET", "/x")
    assert seen.requests[0].startswith(b"GET /x HTTP/1.1\r\n")
    assert dict(headers_of(seen.requests[0]))["authorization"] == "Basic dXNlcjpzZWNyZXQ="


async def test_a_body_without_a_type_is_sent_without_one() -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b""))

    async with server(reply) as (url, seen), BoundedClient() as client:
        await client.post(f"{url}/upload", content=b"raw")
    assert "content-type" not in dict(headers_of(seen.requests[0]))
    assert seen.requests[0].endswith(b"\r\n\r\nraw")


async def test_a_cookie_httpx_forgot_is_not_sent() -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b"", "Set-Cookie: session=abc; Path=/"))

    async with server(reply) as (url, seen), BoundedClient() as client:
        base = url.replace("127.0.0.1", "localhost")  # a name: cookie jars refuse cookies from an address
        await client.get(f"{base}/sign-in")
        client.cookies.clear()  # as signing out does
        await client.get(f"{base}/next")
    assert "cookie" not in dict(headers_of(seen.requests[1]))


async def test_waiting_for_a_free_connection_too_long_says_nothing_was_sent() -> None:
    async with server(never_answer) as (url, seen), BoundedClient(
            timeout=httpx.Timeout(5, pool=0.3), limits=httpx.Limits(max_connections=1)) as client:
        http = Http(client, service="CRM", base_url=url)
        busy = asyncio.ensure_future(http.send("GET", "/slow"))
        await until(lambda: len(seen.requests) == 1, what="the first request to hold the connection")
        with pytest.raises(Unavailable, match=r"took too long to answer\.$") as raised:
            await http.send("POST", "/api/activities", json={"Note": "Called"})
        busy.cancel()
    assert not raised.value.sent
    assert len(seen.requests) == 1


async def test_a_proxy_named_by_all_proxy_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    async def reply(request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(b"[]", "Content-Type: application/json"))

    async with server(reply) as (proxy_url, via_proxy):
        for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("ALL_PROXY", proxy_url.replace("http://", "http://who:pw@"))
        async with BoundedClient() as client:
            await Http(client, service="CRM", base_url="http://crm.example").send("GET", "/api/x")
    assert via_proxy.requests[0].startswith(b"GET http://crm.example/api/x HTTP/1.1\r\n")
    assert dict(headers_of(via_proxy.requests[0]))["proxy-authorization"] == "Basic d2hvOnB3"


async def test_a_proxy_of_a_kind_not_supported_is_named_and_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALL_PROXY", "socks5://who:pw-secret@127.0.0.1:1080")
    async with BoundedClient() as client:
        http = Http(client, service="CRM", base_url="http://crm.example")
        with pytest.raises(Unavailable, match=r"Can't reach CRM \(crm\.example\): Proxies of the kind socks5:// "
                                              r"are not supported") as raised:
            await http.send("POST", "/api/activities", json={"Note": "Called"})
    assert not raised.value.sent
    assert "pw-secret" not in str(raised.value) and "socks5://127.0.0.1:1080" in str(raised.value)


async def test_a_certificate_nobody_vouches_for_is_named(tmp_path: Path) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*self_signed_certificate(tmp_path))
    listening = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0, ssl=context)
    port = listening.sockets[0].getsockname()[1]
    try:
        async with BoundedClient() as client:
            http = Http(client, service="CRM", base_url=f"https://127.0.0.1:{port}")
            trusted = r"Certificate problem with CRM .*isn't trusted \(self-signed"
            with pytest.raises(Unavailable, match=trusted) as raised:
                await http.send("GET", "/x")
    finally:
        listening.close()
    assert not raised.value.sent

