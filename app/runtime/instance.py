"""The running instance's local door: `ringside event …`, a second `ringside`, and `account connect`
reach the running app through it.

One JSON line asked and one answered per connection (door_wire.py says the wire and where it listens:
a unix socket in a folder only the user can enter; TCP loopback with a token on Windows). No Qt here,
and nothing beyond the standard library at import, so the CLI can use the client half without
starting a GUI, and the app opens its door before its HTTP and validation libraries are loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.crm._shared.json_limits import MAX_DEPTH, TooDeep, loads_object
from app.errors import InvalidNumber, NotStored, RingsideError
from app.runtime import door_wire
from app.runtime.door_wire import MAX_BODY, MAX_CONNECTIONS, MAX_LINE, READ_TIMEOUT_S, answer, refusal

if TYPE_CHECKING:
    from app.core.models import CallEvent

__all__ = ["MAX_BODY", "Handlers", "InstanceClient", "InstanceServer", "NoInstance"]

NOT_RUNNING = "Ringside is not running (start it with `ringside`)."


class NoInstance(RingsideError):
    pass


@dataclass(frozen=True)
class Handlers:
    event: Callable[[CallEvent], Awaitable[str | None]]  # the switchboard's `handle`, once committed
    show: Callable[[], None]
    accounts_changed: Callable[[str | None], Awaitable[None]]
    default_region: Callable[[], str | None]
    # `ringside dial` / tel: links: place the call (the flag: also show a refusal on screen);
    # returns the call id, raises RingsideError.
    dial: Callable[[str, bool], Awaitable[str]] | None = None


class InstanceServer:
    """The door. It can open before the app behind it is built (`handlers=None`): it answers a ping at
    once, and every other request waits until `attach(handlers)`."""

    def __init__(self, instance_file: Path, handlers: Handlers | None = None, *,
                 use_unix: bool = door_wire.USE_UNIX) -> None:
        self._file = instance_file
        self._handlers_set: Handlers | None = None
        self._attached = asyncio.Event()
        if handlers is not None:
            self.attach(handlers)
        self._use_unix = use_unix
        self._token = "" if use_unix else secrets.token_urlsafe(24)
        self._server: asyncio.Server | None = None
        self._socket: Path | None = None
        self._temporary_folder = False
        self._open = 0
        self._ops: dict[str, Callable[[Any], Awaitable[bytes]]] = {
            "ping": self._ping, "events": self._event, "show": self._show,
            "accounts-changed": self._accounts_changed, "dial": self._dial}

    def attach(self, handlers: Handlers) -> None:
        """What the door's requests are for; requests that came before this are answered now."""
        self._handlers_set = handlers
        self._attached.set()

    async def _handlers(self) -> Handlers:
        if self._handlers_set is None:
            await self._attached.wait()
        assert self._handlers_set is not None
        return self._handlers_set

    @property
    def port(self) -> int:
        """The TCP port (0 on a unix socket)."""
        if self._server is None or self._use_unix:
            return 0
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def connections(self) -> int:
        """Requests being served now (those waiting for `attach` among them)."""
        return self._open

    @property
    def listening(self) -> bool:
        return self._server is not None

    @property
    def address(self) -> str:
        """Where the door listens: the socket's path, or 127.0.0.1:port."""
        return str(self._socket) if self._use_unix else f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        if self._use_unix:
            folder, self._temporary_folder = door_wire.socket_folder(self._file.parent)
            self._socket = folder / "ringside.sock"
            self._socket.unlink(missing_ok=True)  # a killed run's: the instance lock says none other runs
            self._server = await asyncio.start_unix_server(self._serve, path=str(self._socket), limit=MAX_LINE)
            self._socket.chmod(0o600)
            door_wire.write_info(self._file, {"socket": str(self._socket)})
        else:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MAX_LINE)
            door_wire.write_info(self._file, {"port": self.port, "token": self._token})

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self._socket is not None:
            self._socket.unlink(missing_ok=True)
            if self._temporary_folder:
                shutil.rmtree(self._socket.parent, ignore_errors=True)
        try:
            if json.loads(self._file.read_text()).get("pid") == os.getpid():
                self._file.unlink()
        except (OSError, ValueError, AttributeError):
            pass

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._open += 1
        try:
            if self._open > MAX_CONNECTIONS:  # idle connections can't use up the process's descriptors
                writer.write(refusal(503, "too many connections"))
            else:
                writer.write(await self._one_request(reader))
            await writer.drain()
        except (ConnectionError, TimeoutError):
            pass
        finally:
            self._open -= 1
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _one_request(self, reader: asyncio.StreamReader) -> bytes:
        try:
            line = await asyncio.wait_for(reader.readuntil(b"\n"), READ_TIMEOUT_S)
        except asyncio.LimitOverrunError:
            return refusal(413, f"request over {MAX_BODY // 1024} KB")
        except asyncio.IncompleteReadError as exc:
            line = exc.partial  # the client closed its side after the request: fine
        except TimeoutError:
            return refusal(408, f"no complete request within {READ_TIMEOUT_S:g} s")
        try:
            request = loads_object(line)
        except TooDeep:
            return refusal(400, f"body: JSON nested deeper than {MAX_DEPTH} levels")
        except ValueError:  # not JSON, or not an object
            return refusal(400, "request: not a JSON object")
        if not self._use_unix and not _same_secret(str(request.get("token", "")), self._token):
            return refusal(401, "missing or wrong token")
        op = self._ops.get(str(request.get("op", "")))
        if op is None:
            return refusal(404, f"no such request: {str(request.get('op'))[:40]!r}")
        return await op(request.get("body", {}))

    async def _ping(self, _body: Any) -> bytes:
        return answer(200, pid=os.getpid())

    async def _event(self, body: Any) -> bytes:
        from app.telephony.event_request import BadEvent, parse_event

        handlers = await self._handlers()
        try:
            event = parse_event(body, handlers.default_region(), source="cli")
        except BadEvent as exc:
            return refusal(400, str(exc))
        try:
            call_id = await handlers.event(event)
        except NotStored as exc:  # the card showed, but "ok" would claim it was saved
            return refusal(503, str(exc))
        return answer(200, call_id=call_id)

    async def _show(self, _body: Any) -> bytes:
        (await self._handlers()).show()
        return answer(200)

    async def _accounts_changed(self, body: Any) -> bytes:
        await (await self._handlers()).accounts_changed(body.get("account_id") if isinstance(body, dict) else None)
        return answer(200)

    async def _dial(self, data: Any) -> bytes:
        from pydantic import ValidationError

        from app.runtime.dial_request import DialRequest
        from app.telephony.event_request import validation_message

        try:
            body = DialRequest.model_validate(data)
        except ValidationError as exc:
            return refusal(400, validation_message(exc))
        dial = (await self._handlers()).dial
        if dial is None:
            return refusal(409, "This Ringside can't place calls.")
        try:
            call_id = await dial(body.number, body.show_errors)
        except InvalidNumber as exc:
            return refusal(400, f"number: {exc}")
        except RingsideError as exc:  # no dialer, Puzzel status, softphone down…: said in words
            return refusal(409, str(exc))
        return answer(200, call_id=call_id)


def _same_secret(offered: str, expected: str) -> bool:
    import hashlib
    import hmac

    def digest(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()
    return hmac.compare_digest(digest(offered), digest(expected))


class InstanceClient:
    """Used by short-lived CLI invocations to reach the running instance."""

    def __init__(self, instance_file: Path, timeout: float = 5.0) -> None:
        try:
            info = json.loads(instance_file.read_text())
            if "socket" in info:
                self._address: str | tuple[str, int] = str(info["socket"])
                self._token = ""
            else:
                self._address = ("127.0.0.1", int(info["port"]))
                self._token = str(info["token"])
        except (OSError, ValueError, KeyError, TypeError):
            raise NoInstance(NOT_RUNNING) from None
        self._timeout = timeout

    def request(self, op: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request's answer (its "status" is HTTP's); NoInstance when nobody answers."""
        message: dict[str, Any] = {"op": op, "body": body or {}}
        if self._token:
            message["token"] = self._token
        family = socket.AF_INET if isinstance(self._address, tuple) else socket.AF_UNIX
        try:
            with socket.socket(family, socket.SOCK_STREAM) as conn:
                conn.settimeout(self._timeout)
                conn.connect(self._address)
                conn.sendall(json.dumps(message).encode() + b"\n")
                received = b""
                while not received.endswith(b"\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    received += chunk
        except OSError:  # refused, no such socket, timed out: nobody there
            raise NoInstance(NOT_RUNNING) from None
        try:
            data = json.loads(received)
        except ValueError:
            raise NoInstance(NOT_RUNNING) from None
        return data if isinstance(data, dict) else {}

    def _post(self, op: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = self.request(op, body)
        status = data.get("status")
        if status == 400 and str(data.get("error", "")).startswith("number: "):
            raise InvalidNumber(str(data["error"]).removeprefix("number: "))  # the caller's mistake: exit 2
        if status != 200:
            raise RingsideError(data.get("error") or f"Ringside refused the request ({status}).")
        return data

    def alive(self) -> bool:
        try:
            return self.request("ping").get("status") == 200
        except NoInstance:
            return False

    def send_event(self, type_: str, number: str, direction: str, call_id: str | None) -> str | None:
        data = self._post("events", {"type": type_, "number": number, "direction": direction, "call_id": call_id})
        return data.get("call_id")

    def show(self) -> None:
        self._post("show")

    def dial(self, number: str, *, show_errors: bool = True) -> str | None:
        """Place a call from the running instance; returns its call id. RingsideError says why not
        (and, with `show_errors`, the running app shows it too)."""
        return self._post("dial", {"number": number, "show_errors": show_errors}).get("call_id")

    def accounts_changed(self, account_id: str | None) -> None:
        self._post("accounts-changed", {"account_id": account_id})
