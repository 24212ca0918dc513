"""The instance door's wire: one JSON line asked, one JSON line answered, per connection.

    → {"op": "events", "body": {...}}            (+ "token": "…" where the door is on TCP)
    ← {"ok": true, "status": 200, "call_id": "…"} or {"ok": false, "status": 400, "error": "…"}

The statuses are HTTP's (400 a bad request, 401 a wrong token, 409 refused, 413 too long, 503 busy
or not stored), so a refusal reads the same whatever the transport.

Where it listens: on POSIX a unix socket in a folder of the data folder that only the user can enter
(other local users can't even connect, so no token is needed); on Windows, where asyncio serves no
unix sockets, 127.0.0.1 on a random port with a random token. `instance.json` (the user's alone)
says which, and the pid of the app that wrote it. Only the standard library here: the CLI's client
half starts fast.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

MAX_BODY = 16 * 1024
MAX_LINE = MAX_BODY + 1024  # the body and its envelope (op, token)
READ_TIMEOUT_S = 10.0  # a connection that sends no complete line within this is closed
MAX_CONNECTIONS = 64
# sun_path holds 108 bytes on Linux, 104 on the BSDs and macOS: a longer data folder's socket goes in
# a private temporary folder instead (its path is in instance.json either way).
MAX_SOCKET_PATH = 100

USE_UNIX = os.name != "nt"


def socket_folder(data_dir: Path) -> tuple[Path, bool]:
    """The folder for the door's socket, made 0700, and whether it is a temporary one (removed on stop)."""
    folder = data_dir / "door"
    if len(str(folder / "ringside.sock")) > MAX_SOCKET_PATH:
        return Path(tempfile.mkdtemp(prefix="ringside-")), True  # mkdtemp makes it 0700
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)  # whatever an older folder's mode was
    return folder, False


def write_info(instance_file: Path, info: dict[str, Any]) -> None:
    """instance.json, written whole (a reader never sees half of it) and readable by the user alone."""
    tmp = instance_file.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps({**info, "pid": os.getpid()}))
    tmp.replace(instance_file)


def answer(status: int, **fields: Any) -> bytes:
    return json.dumps({"ok": status == 200, "status": status, **fields}).encode() + b"\n"


def refusal(status: int, message: str) -> bytes:
    return answer(status, error=message)
