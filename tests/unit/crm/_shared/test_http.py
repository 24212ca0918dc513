"""The shared HTTP layer's bounds: answer size, overall deadline, JSON depth, redirects, and a
large body parsed off the loop. Hostile answers come from the hostile emulator on loopback."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.crm._shared import answers, json_limits
from app.crm._shared.answers import BoundedClient
from app.crm._shared.http import Http
from app.errors import BadResponse, Rejected, Unavailable
from app.sandbox.hostile import HostileCrm, HostileSizes, Hostility
from app.sandbox.runner import SandboxServer


@pytest.fixture
def hostile() -> Iterator[tuple[HostileCrm, str]]:
    crm = HostileCrm(sizes=HostileSizes(huge_bytes=8 * 1024 * 1024, drip_interval_s=0.2))
    with SandboxServer(crm.make_app) as server:
        yield crm, server.url


@pytest.fixture
async def client() -> AsyncIterator[BoundedClient]:
    async with BoundedClient(max_answer_bytes=256 * 1024, deadline_s=1.0, timeout=5.0) as bounded:
        yield bounded


def mocked(handler: Any, **limits: Any) -> BoundedClient:
    return BoundedClient(transport=httpx.MockTransport(handler), **limits)


async def test_an_answer_over_the_limit_is_refused_without_reading_it_all(
        hostile: tuple[HostileCrm, str], client: BoundedClient) -> None:
    crm, url = hostile
    crm.mode = Hostility.HUGE
    http = Http(client, service="Hostile CRM", base_url=url)
    with pytest.raises(BadResponse, match=r"over 256 KB.*nothing of it was used"):
        await http.send("GET", "/lookup")


async def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    reads = []

    async def body() -> AsyncIterator[bytes]:
        reads.append(1)
        yield b"[" + b"0," * 100_000 + b"0]"

    async with mocked(lambda request: httpx.Response(200, headers={"Content-Length": "200001"}, content=body()),
                      max_answer_bytes=1024) as bounded:
        with pytest.raises(BadResponse, match="over 1 KB"):
            await Http(bounded, service="CRM", base_url="https://crm.test").send("GET", "/x")
    assert reads == []


async def test_the_default_limit_is_a_megabyte_for_any_client() -> None:
    async with httpx.AsyncClient() as plain:
        http = Http(plain, service="CRM", base_url="https://crm.test")
    assert (http.max_answer_bytes, http.deadline_s) == (1024 * 1024, answers.DEFAULT_DEADLINE_S)


async def test_an_oversized_error_page_is_dropped_and_its_status_speaks() -> None:
    async with mocked(lambda request: httpx.Response(500, content=b"x" * 5000), max_answer_bytes=1024) as bounded:
        with pytest.raises(Unavailable, match=r"HTTP 500"):
            await Http(bounded, service="CRM", base_url="https://crm.test").send("GET", "/x")


async def test_a_dripping_server_is_cut_off_at_the_overall_deadline(
        hostile: tuple[HostileCrm, str], client: BoundedClient) -> None:
    crm, url = hostile
    crm.mode = Hostility.DRIP
    http = Http(client, service="Hostile CRM", base_url=url)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="took too long") as caught:
        await http.send("POST", "/telephony/call/event", data={"event": "{}"})
    assert time.monotonic() - started < 3.0  # the deadline is 1 s; httpx's read timeout (5 s) never trips
    assert caught.value.sent is True and caught.value.retryable


async def test_a_hanging_server_is_cut_off_at_the_overall_deadline(
        hostile: tuple[HostileCrm, str], client: BoundedClient) -> None:
    crm, url = hostile
    crm.mode = Hostility.HANG
    with pytest.raises(Unavailable, match="took too long"):
        await Http(client, service="Hostile CRM", base_url=url).send("GET", "/lookup")


async def test_deeply_nested_json_is_a_bad_answer_not_a_recursion_error(
        hostile: tuple[HostileCrm, str], client: BoundedClient) -> None:
    crm, url = hostile
    crm.mode = Hostility.DEEP
    http = Http(client, service="Hostile CRM", base_url=url)
    response = await http.send("GET", "/lookup")
    with pytest.raises(BadResponse, match="nested too deeply"):
        http.decode(response)
    with pytest.raises(BadResponse, match="nested too deeply"):  # and again: the outcome is kept
        http.decode(response)


async def test_nesting_just_under_the_limit_is_read() -> None:
    levels = json_limits.MAX_DEPTH
    async with mocked(lambda request: httpx.Response(200, content=b"[" * levels + b"]" * levels)) as bounded:
        http = Http(bounded, service="CRM", base_url="https://crm.test")
        assert json_limits.depth(json.dumps(http.decode(await http.send("GET", "/x"))).encode()) == levels


async def test_a_deep_error_body_gives_the_status_not_a_crash() -> None:
    deep = b'{"Message": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    async with mocked(lambda request: httpx.Response(422, content=deep)) as bounded:
        with pytest.raises(Rejected, match=r"HTTP 422"):
            await Http(bounded, service="CRM", base_url="https://crm.test").send("GET", "/x")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_a_fault_to_retry_not_a_refusal(status: int) -> None:
    async with mocked(lambda request: httpx.Response(status, headers={"Location": "https://login.test/"})) as bounded:
        with pytest.raises(Unavailable, match=rf"redirect \(HTTP {status}\)") as caught:
            await Http(bounded, service="CRM", base_url="https://crm.test").send("POST", "/upload")
    assert caught.value.retryable and not isinstance(caught.value, Rejected)


async def test_the_hostile_redirect_is_not_followed(hostile: tuple[HostileCrm, str], client: BoundedClient) -> None:
    crm, url = hostile
    crm.mode = Hostility.REDIRECT
    with pytest.raises(Unavailable, match="redirect"):
        await Http(client, service="Hostile CRM", base_url=url).send("GET", "/lookup")
    assert crm.requests == ["GET /lookup"]


async def test_html_and_the_wrong_shape_are_bad_answers(hostile: tuple[HostileCrm, str], client: BoundedClient) -> None:
    crm, url = hostile
    http = Http(client, service="Hostile CRM", base_url=url)
    crm.mode = Hostility.HTML
    with pytest.raises(BadResponse, match="not JSON"):
        await http.fetch("GET", "/lookup", list[dict[str, Any]], "a list of matches")
    crm.mode = Hostility.WRONG_SHAPE
    with pytest.raises(BadResponse, match="unexpected shape"):
        await http.fetch("GET", "/lookup", list[dict[str, Any]], "a list of matches")


async def test_a_large_body_is_parsed_off_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [{"ID": n, "FullName": f"Person {n}"} for n in range(5000)]
    body = json.dumps(records).encode()
    assert len(body) > answers.OFF_LOOP_BYTES
    threads: list[object] = []
    real = asyncio.to_thread

    async def to_thread(func: Any, *args: Any) -> Any:
        threads.append(func)
        return await real(func, *args)

    monkeypatch.setattr(answers.asyncio, "to_thread", to_thread)
    async with mocked(lambda request: httpx.Response(200, content=body)) as bounded:
        http = Http(bounded, service="CRM", base_url="https://crm.test")
        assert http.decode(await http.send("GET", "/x")) == records
        assert len(threads) == 1
        http.decode(await http.send("GET", "/x", params={"small": "1"}))  # the same size again: off the loop
        assert len(threads) == 2


async def test_a_small_body_is_parsed_where_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers.asyncio, "to_thread", None)  # must not be used
    async with mocked(lambda request: httpx.Response(200, json=[{"ID": 1}])) as bounded:
        http = Http(bounded, service="CRM", base_url="https://crm.test")
        assert http.decode(await http.send("GET", "/x")) == [{"ID": 1}]


async def test_a_compressed_answer_is_counted_and_read_decompressed() -> None:
    plain = json.dumps([{"ID": n} for n in range(2000)]).encode()
    packed = gzip.compress(plain)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=packed)

    async with mocked(handler, max_answer_bytes=len(plain) + 10) as bounded:
        http = Http(bounded, service="CRM", base_url="https://crm.test")
        assert len(http.decode(await http.send("GET", "/x"))) == 2000
    async with mocked(handler, max_answer_bytes=len(packed) * 2) as bounded:  # a zip bomb counts unpacked
        with pytest.raises(BadResponse, match="more than Ringside reads"):
            await Http(bounded, service="CRM", base_url="https://crm.test").send("GET", "/x")


def test_depth_counts_lists_and_objects_without_recursion() -> None:
    assert json_limits.depth(b"1") == 0
    assert json_limits.depth(b"[]") == 1
    assert json_limits.depth(b'{"a": [{"b": [1]}], "c": "[[[["}') == 4  # brackets in strings don't count
    assert json_limits.depth(b"[" * 100_001 + b"]" * 100_001) == 100_001


def test_loads_refuses_what_the_parser_cannot_descend() -> None:
    with pytest.raises(json_limits.TooDeep):
        json_limits.loads_bounded(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(json_limits.TooDeep):
        json_limits.loads_bounded(b"[" * 65 + b"]" * 65)
    with pytest.raises(ValueError):
        json_limits.loads_bounded(b"<html>")
