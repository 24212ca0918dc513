"""Real baresip instances for the end-to-end tests: started on loopback with their own config folder
and free ports, no registrar, no sound card; plus a raw ctrl_tcp client to drive and watch them.

What baresip 1.0 (Debian `baresip-core`) needs, found by experiment:
- `ausine` only produces 48 kHz audio, so the only codec loaded is opus (48 kHz); with g711 (8 kHz)
  answering fails with "ausine: supports only 48kHz samplerate" and the call is rejected (486).
- `sip_listen 127.0.0.1:P` also opens TLS on P+1, so each instance needs two free ports.
- `net_interface 127.0.0.1` keeps SDP/RTP on loopback (`lo` by name is not found by 1.0).
- No audio player module is loaded: baresip plays nothing and carries on.
- ctrl_tcp needs `module_app menu.so` for the dial/accept/hangup commands.
- `module sndfile.so` with `snd_path <folder>` records each call's two sides as WAV files there
  (app.telephony.baresip_recordings says how they are named).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from app.telephony.baresip import BadMessage, BaresipEvent, BaresipResponse, command_frame, parse_message
from app.telephony.netstring import NetstringDecoder
from tests.support import until

WAIT = 15.0

CONFIG = """\
sip_listen\t\t127.0.0.1:{sip_port}
net_interface\t\t127.0.0.1
audio_source\t\tausine,440
module_path\t\t{modules}
module\t\t\topus.so
module\t\t\tausine.so
module_tmp\t\taccount.so
module_app\t\tmenu.so
module_app\t\tctrl_tcp.so
ctrl_tcp_listen\t\t127.0.0.1:{ctrl_port}
"""
RECORDING = "module\t\t\tsndfile.so\nsnd_path\t\t{folder}\n"


def baresip_binary() -> str:
    """The baresip executable. Missing is a failure, not a skip: CI (.ci/run) installs baresip-core."""
    found = shutil.which("baresip")
    assert found, "baresip is not installed: `apt-get install baresip-core` (.ci/run does this)"
    return found


def modules_dir() -> str:
    candidates = [os.environ.get("BARESIP_MODULES", ""), "/usr/lib/baresip/modules",
                  *glob.glob("/usr/lib/*/baresip/modules"), "/usr/local/lib/baresip/modules"]
    for candidate in candidates:
        if candidate and Path(candidate, "ctrl_tcp.so").exists():
            return candidate
    raise AssertionError("baresip's modules (ctrl_tcp.so) were not found; set BARESIP_MODULES")


def _free(port: int, kinds: tuple[int, ...]) -> list[socket.socket]:
    """Bind `port` for each socket kind; return the held sockets (empty list if any bind fails)."""
    held: list[socket.socket] = []
    try:
        for kind in kinds:
            sock = socket.socket(socket.AF_INET, kind)
            held.append(sock)
            sock.bind(("127.0.0.1", port))
    except OSError:
        for sock in held:
            sock.close()
        return []
    return held


def free_ports(count: int) -> list[tuple[int, int]]:
    """`count` (SIP port, ctrl port) pairs; each SIP port P has P+1 free as well (for TLS). All are
    held until every pair is chosen, so the pairs don't overlap."""
    held: list[socket.socket] = []
    pairs: list[tuple[int, int]] = []
    try:
        while len(pairs) < count:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                base = probe.getsockname()[1]
            sip = _free(base, (socket.SOCK_STREAM, socket.SOCK_DGRAM))
            tls = _free(base + 1, (socket.SOCK_STREAM,)) if sip else []
            if not tls:
                for sock in sip:
                    sock.close()
                continue
            ctrl = _free(0, (socket.SOCK_STREAM,))
            held += [*sip, *tls, *ctrl]
            pairs.append((base, ctrl[0].getsockname()[1]))
    finally:
        for sock in held:
            sock.close()
    return pairs


@dataclass
class Softphone:
    """One baresip with one account, `<sip:NUMBER@127.0.0.1:PORT>;regint=0`."""

    folder: Path
    number: str
    sip_port: int
    ctrl_port: int
    recordings: Path | None = None  # where it records calls (sndfile's snd_path); None = it doesn't
    proc: asyncio.subprocess.Process | None = None
    started_once: bool = False
    log: Path = field(init=False)
    _log_from: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.log = self.folder / "baresip.log"

    @property
    def uri(self) -> str:
        return f"sip:{self.number}@127.0.0.1:{self.sip_port}"

    def write_config(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        config = CONFIG.format(sip_port=self.sip_port, ctrl_port=self.ctrl_port, modules=modules_dir())
        if self.recordings is not None:
            self.recordings.mkdir(parents=True, exist_ok=True)
            config += RECORDING.format(folder=self.recordings)
        (self.folder / "config").write_text(config)
        (self.folder / "accounts").write_text(f"<{self.uri}>;regint=0\n")

    async def start(self) -> None:
        """Start baresip. On its first start only, a port taken between `free_ports` choosing it and
        baresip binding it (another process won the race) is retried on fresh ports; a restart keeps
        its ports, since Ringside is already configured with them."""
        attempts = 1 if self.started_once else 3
        for attempt in range(attempts):
            try:
                await self._start_once()
                self.started_once = True
                return
            except AssertionError:
                if attempt + 1 == attempts or "Address already in use" not in self.log_tail():
                    raise
                self.log.write_text("")
                ((self.sip_port, self.ctrl_port),) = free_ports(1)

    async def _start_once(self) -> None:
        self.write_config()
        self._log_from = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                baresip_binary(), "-f", str(self.folder), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT)
        try:
            await until(self._ready, WAIT, f"baresip {self.number} to start")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.returncode is not None:
            raise AssertionError(f"baresip {self.number} exited ({self.proc.returncode}):\n{self.log_tail()}")
        with self.log.open("rb") as log:  # only this start's lines: a restart's log holds the last "ready"
            log.seek(self._log_from)
            return b"baresip is ready" in log.read()

    async def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.returncode is not None:
            return
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), WAIT)
        except TimeoutError:
            proc.kill()
            await proc.wait()

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


class CtrlClient:
    """A bare ctrl_tcp client: every event goes to `events`, responses are matched by token."""

    def __init__(self, phone: Softphone) -> None:
        self.phone = phone
        self.events: asyncio.Queue[BaresipEvent] = asyncio.Queue()
        self._pending: dict[str, asyncio.Future[BaresipResponse]] = {}
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._tokens = 0

    async def connect(self) -> None:
        reader, self._writer = await asyncio.open_connection("127.0.0.1", self.phone.ctrl_port)
        self._task = asyncio.get_running_loop().create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        decoder = NetstringDecoder()
        while data := await reader.read(65536):
            for payload in decoder.feed(data):
                with contextlib.suppress(BadMessage):
                    message = parse_message(payload)
                    if isinstance(message, BaresipEvent):
                        self.events.put_nowait(message)
                    elif (future := self._pending.pop(message.token or "", None)) is not None:
                        future.set_result(message)

    async def command(self, command: str, params: str = "") -> BaresipResponse:
        assert self._writer is not None
        self._tokens += 1
        token = f"test-{self._tokens}"
        future: asyncio.Future[BaresipResponse] = asyncio.get_running_loop().create_future()
        self._pending[token] = future
        self._writer.write(command_frame(command, params, token))
        return await asyncio.wait_for(future, WAIT)

    async def event(self, type_: str) -> BaresipEvent:
        """The next call event of this type (others are passed over)."""
        async with asyncio.timeout(WAIT):
            while True:
                event = await self.events.get()
                if event.class_ == "call" and event.type == type_:
                    return event

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


@contextlib.asynccontextmanager
async def two_phones(folder: Path, recruiter_number: str, other_number: str, *,
                     recordings: Path | None = None) -> AsyncIterator[tuple[Softphone, Softphone]]:
    """The recruiter's softphone (recording calls into `recordings` when given) and the other party's,
    both started; stopped on the way out."""
    baresip_binary()  # fails (not skips) when baresip is missing
    (r_sip, r_ctrl), (o_sip, o_ctrl) = free_ports(2)
    recruiter = Softphone(folder / "recruiter", recruiter_number, r_sip, r_ctrl, recordings=recordings)
    other = Softphone(folder / "other", other_number, o_sip, o_ctrl)
    try:
        await recruiter.start()
        await other.start()
        yield recruiter, other
    finally:
        await other.stop()
        await recruiter.stop()
