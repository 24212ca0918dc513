"""baresip as a call source and call control, over its `ctrl_tcp` module (netstring JSON).

Events (`CALL_INCOMING`, `CALL_ESTABLISHED`, …) become CallEvents carrying baresip's call id; the
card's Answer / Hang up become commands. What baresip 1.0 (Debian's `baresip-core`) actually does,
found by experiment and relied on here:

- ctrl_tcp serves one client: a new connection closes the previous one.
- `accept` and `hangup` ignore their parameter and act on the *current* call, so we first make the
  call current with `callfind <id>`. That command exists only while there is a call, and answers
  `ok: true` with "call not found (id=…)" when the id is unknown — both mean the call is gone.
- There is no `CALL_OUTGOING` event (later versions have one): an outgoing call first shows up as
  `CALL_RINGING` / `CALL_PROGRESS` with direction "outgoing", so those ring an outbound call too
  (a repeated ring for the same call id is a no-op in the switchboard).
- `dial <uri>` answers before anything happens on the wire and carries no call id.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.config.settings import split_address
from app.core.models import CallEvent, Direction, EventType
from app.core.phone import CallerNumber, strip_uri
from app.errors import Rejected, Unavailable
from app.telephony.baresip_recordings import RecordingFinder
from app.telephony.netstring import DEFAULT_MAX_LENGTH, NetstringDecoder, NetstringError, encode

log = logging.getLogger(__name__)

SOURCE = "baresip"
BACKOFF_S = (0.5, 15.0)  # first and longest wait between reconnection attempts
STABLE_S = 10.0  # a connection that lasted this long resets the backoff
CONNECT_TIMEOUT_S = 3.0
COMMAND_TIMEOUT_S = 5.0
_URI_TEXT = re.compile(r"^[^\s\x00-\x1f\x7f]{1,256}$")


class BadMessage(ValueError):
    """A frame that is not a ctrl_tcp message we understand."""


class BaresipEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    event: bool
    class_: str = Field("", alias="class")
    type: str
    direction: str = ""
    peeruri: str = ""
    id: str | None = None
    param: str = ""


class BaresipResponse(BaseModel):
    model_config = ConfigDict(extra="ignore")
    response: bool
    ok: bool = False
    data: str = ""
    token: str | None = None


def parse_message(payload: bytes) -> BaresipEvent | BaresipResponse:
    """One netstring payload → an event or a command response. Raises BadMessage with a reason."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("not JSON") from None
    if not isinstance(data, dict):
        raise BadMessage("not a JSON object")
    try:
        if data.get("response") is True:
            return BaresipResponse.model_validate(data)
        if data.get("event") is True:
            return BaresipEvent.model_validate(data)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise BadMessage(f"unexpected value for {fields}") from None
    raise BadMessage("neither an event nor a response")


def peer_number(peeruri: str) -> str:
    """The user part of a peer URI, display name and parameters dropped:
    '"Priya" <sip:+61491570006@host;transport=udp>' → '+61491570006'."""
    inner = re.search(r"<([^>]*)>", peeruri)
    return strip_uri(inner.group(1) if inner else peeruri)


def to_call_event(event: BaresipEvent, *, source: str = SOURCE, region: str | None = None) -> CallEvent | None:
    """The CallEvent a baresip event means, or None for events that don't change a call's state.
    The peer's number is read here, with `region` for national numbers; a peer URI that holds no
    number still rings (an unreadable caller), as the recruiter's phone does."""
    if event.class_ != "call":
        return None
    outgoing = event.direction == "outgoing"
    if event.type == "CALL_INCOMING":
        type_, direction = EventType.RING, Direction.INBOUND
    elif event.type == "CALL_OUTGOING" or (event.type in ("CALL_RINGING", "CALL_PROGRESS") and outgoing):
        type_, direction = EventType.RING, Direction.OUTBOUND
    elif event.type == "CALL_ESTABLISHED":
        type_, direction = EventType.ANSWER, Direction.OUTBOUND if outgoing else Direction.INBOUND
    elif event.type == "CALL_CLOSED":
        type_, direction = EventType.HANGUP, Direction.OUTBOUND if outgoing else Direction.INBOUND
    else:
        return None
    return CallEvent(type=type_, number=CallerNumber.read(peer_number(event.peeruri), region), direction=direction,
                     call_id=event.id or None, source=source, at=datetime.now(UTC),
                     received_ns=time.perf_counter_ns())


def command_frame(command: str, params: str, token: str) -> bytes:
    return encode(json.dumps({"command": command, "params": params, "token": token}).encode())


@dataclass
class _OpenCall:
    number: CallerNumber
    direction: Direction
    started: datetime
    answered: datetime | None = None


class BaresipSource:
    """Keeps one ctrl_tcp connection to baresip alive (reconnecting with backoff) and implements
    the switchboard's CallControl for the calls it reported, plus `dial` for the dialer.

    `emit` receives every CallEvent (the switchboard's `handle`). `notify(text, error=…)` is told
    once when the softphone goes away and once when it is back; `connected` and the
    `on_status` (called with True/False) is for the tray. With `recordings` (baresip's `snd_path`),
    an answered call's hang-up waits for its recording and carries it (app.telephony.baresip_recordings)."""

    def __init__(
        self,
        address: str,
        emit: Callable[[CallEvent], object],
        *,
        name: str = SOURCE,
        notify: Callable[..., None] | None = None,
        on_status: Callable[[bool], None] | None = None,
        default_region: Callable[[], str | None] = lambda: None,
        backoff: tuple[float, float] = BACKOFF_S,
        stable_s: float = STABLE_S,
        command_timeout: float = COMMAND_TIMEOUT_S,
        max_frame: int = DEFAULT_MAX_LENGTH,
        recordings: Path | None = None,
    ) -> None:
        self.address = address
        self._host, self._port = split_address(address)
        self.name = name
        self._emit = emit
        self._notify = notify
        self._region = default_region
        self._backoff = backoff
        self._stable_s = stable_s
        self._command_timeout = command_timeout
        self._max_frame = max_frame
        self.connected = False
        self.attempts = 0  # connection attempts so far (diagnostics, tests)
        self._on_status = on_status
        self.description = f"baresip at {address}"  # how the tray and messages name it
        self._reported_down = False
        self._connected_event = asyncio.Event()
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, asyncio.Future[BaresipResponse]] = {}
        self._tokens = itertools.count(1)
        self._control_lock = asyncio.Lock()
        self._open: dict[str, _OpenCall] = {}
        self._task: asyncio.Task[None] | None = None
        self._finder = RecordingFinder(recordings) if recordings is not None else None
        self._hangups: set[asyncio.Task[None]] = set()  # hang-ups waiting for their recording

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"{self.name} source")

    async def stop(self) -> None:
        task, self._task = self._task, None
        tasks = [*self._hangups, *([task] if task is not None else [])]
        for each in tasks:
            each.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def wait_connected(self) -> None:
        """Return once connected (callers bound the wait with their own timeout)."""
        await self._connected_event.wait()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        delay = self._backoff[0]
        while True:
            started = loop.time()
            reason = await self._connect_once()
            if loop.time() - started >= self._stable_s:
                delay = self._backoff[0]
            self._went_down(reason)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    async def _connect_once(self) -> str:
        """One connection's life; returns why it ended. Never raises (except cancellation)."""
        self.attempts += 1
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                reader, writer = await asyncio.open_connection(self._host, self._port)
        except TimeoutError:
            return "no answer"
        except OSError as exc:
            return _reason(exc)
        self._writer = writer
        try:
            self._came_up()
            await self._read(reader)
            return "baresip closed the connection"
        except NetstringError as exc:
            log.warning("baresip at %s sent unreadable data (%s); reconnecting", self.address, exc)
            return "it sent unreadable data"
        except OSError as exc:
            return _reason(exc)
        except Exception:  # a bug here must not kill the source: log it and reconnect
            log.exception("baresip source failed; reconnecting")
            return "an internal error"
        finally:
            self._writer = None
            writer.close()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(Unavailable(self._down_message()))
            self._pending.clear()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        decoder = NetstringDecoder(self._max_frame)
        while data := await reader.read(65536):
            for payload in decoder.feed(data):
                self._dispatch(payload)
            if decoder.skipped:
                log.warning("Skipped %d bytes of unframed data from baresip at %s", decoder.skipped, self.address)
                decoder.skipped = 0

    def _dispatch(self, payload: bytes) -> None:
        try:
            message = parse_message(payload)
        except BadMessage as exc:
            log.warning("Ignored a message from baresip (%s): %.80r", exc, payload)
            return
        if isinstance(message, BaresipResponse):
            future = self._pending.get(message.token or "")
            if future is not None and not future.done():
                future.set_result(message)
            return
        event = to_call_event(message, source=self.name, region=self._region())
        if event is None:
            return
        if event.call_id is not None:
            if event.type is EventType.HANGUP:
                call = self._open.pop(event.call_id, None)
                if self._finder is not None and call is not None and call.answered is not None:
                    task = asyncio.get_running_loop().create_task(self._recorded(event, call))
                    self._hangups.add(task)
                    task.add_done_callback(self._hangups.discard)
                    return
            else:
                call = self._open.setdefault(event.call_id, _OpenCall(event.number, event.direction, event.at))
                call.number, call.direction = event.number, event.direction
                if event.type is EventType.ANSWER:
                    call.answered = event.at
        self._send(event)

    async def _recorded(self, hangup: CallEvent, call: _OpenCall) -> None:
        """Send the hang-up of an answered call with its recording (found in a worker thread)."""
        assert self._finder is not None and hangup.call_id is not None and call.answered is not None
        try:
            path = await asyncio.to_thread(self._finder.recording, hangup.call_id, call.started, call.answered)
        except Exception:  # the hang-up must reach the switchboard even when the recording can't be had
            log.exception("Finding the recording of call %s failed", hangup.call_id)
            path = None
        self._send(hangup.model_copy(update={"recording": str(path) if path else None}))

    def _send(self, event: CallEvent) -> None:
        try:
            self._emit(event)
        except Exception:  # the switchboard failing on one event must not drop the connection
            log.exception("Handling a baresip event failed")

    def _came_up(self) -> None:
        self.connected = True
        self._connected_event.set()
        log.info("Connected to baresip at %s", self.address)
        if self._reported_down:
            self._reported_down = False
            self._tell(f"The softphone (baresip at {self.address}) is connected again.", error=False)
        self._status(True)

    def _went_down(self, reason: str) -> None:
        was_up = self.connected
        self.connected = False
        self._connected_event.clear()
        # baresip drops its calls when it restarts, and if it still runs we can't see them any more:
        # end them here rather than leave cards ringing forever.
        for call_id, call in list(self._open.items()):
            self._send(CallEvent(type=EventType.HANGUP, number=call.number, direction=call.direction,
                                 call_id=call_id, source=self.name, at=datetime.now(UTC),
                                 received_ns=time.perf_counter_ns()))
        self._open.clear()
        if not self._reported_down:
            self._reported_down = True
            log.warning("baresip at %s is not connected: %s", self.address, reason)
            self._tell(f"The softphone (baresip at {self.address}) is not connected: {reason}. "
                       "Ringside keeps trying.", error=True)
        if was_up:
            self._status(False)

    def _tell(self, text: str, *, error: bool) -> None:
        if self._notify is not None:
            try:
                self._notify(text, error=error)
            except Exception:
                log.exception("Could not show a softphone status message")

    def _status(self, up: bool) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(up)
        except Exception:
            log.exception("A softphone status listener failed")

    def _down_message(self) -> str:
        return f"The softphone (baresip at {self.address}) is not connected."

    # -- commands ---------------------------------------------------------------------------

    async def command(self, command: str, params: str = "") -> BaresipResponse:
        """Send one ctrl_tcp command and wait for its response (matched by token)."""
        writer = self._writer
        if writer is None or not self.connected:
            raise Unavailable(self._down_message())
        token = f"ringside-{next(self._tokens)}"
        future: asyncio.Future[BaresipResponse] = asyncio.get_running_loop().create_future()
        self._pending[token] = future
        try:
            writer.write(command_frame(command, params, token))
            await writer.drain()
            async with asyncio.timeout(self._command_timeout):
                return await future
        except TimeoutError:
            raise Unavailable(f"baresip didn't answer '{command}' within {self._command_timeout:g} s.") from None
        except OSError:
            raise Unavailable(self._down_message()) from None
        finally:
            self._pending.pop(token, None)

    async def answer(self, call_id: str) -> None:
        await self._on_call(call_id, "accept", "answer")

    async def hang_up(self, call_id: str) -> None:
        await self._on_call(call_id, "hangup", "hang up")

    async def dial(self, uri: str) -> None:
        """Place a call (`dial sip:+61…@domain`). The call then arrives as events like any other."""
        uri = uri.strip()
        if not _URI_TEXT.match(uri):
            raise Rejected("That is not something baresip can dial (empty, too long or contains spaces).")
        response = await self.command("dial", uri)
        if not response.ok:
            raise Rejected(f"baresip could not dial {uri}: {_said(response)}")

    async def _on_call(self, call_id: str, command: str, verb: str) -> None:
        # callfind + the command must not interleave with another pair, or we'd act on the wrong call.
        async with self._control_lock:
            found = await self.command("callfind", call_id)
            if not found.ok or "not found" in found.data:
                raise Rejected(f"Could not {verb}: that call is no longer on the softphone.")
            response = await self.command(command, call_id)
            if not response.ok:
                raise Rejected(f"baresip could not {verb} the call: {_said(response)}")


def _reason(exc: OSError) -> str:
    # asyncio's strerror is "Connect call failed (...)"; the errno's own text reads better.
    return os.strerror(exc.errno) if exc.errno else str(exc) or exc.__class__.__name__


def _said(response: BaresipResponse) -> str:
    return response.data.strip() or "no reason given"
