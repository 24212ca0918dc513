"""Call recordings offered to retailCRM: `recordUrl` on an uploaded call makes the recording playable
inside retailCRM, which then fetches that address from Ringside's callback server.

Each recording gets a token of its own (32 random bytes, URL-safe), so an address names one call and
can't be guessed; never the clientId, which retailCRM stores with the call where its users can read
it. The shelf lasts the process: a recording offered before a restart is no longer served after it.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

ROUTE = "/recordings/{token}"
KEEP = 10_000  # recordings offered at most; the oldest is forgotten first
CONTENT_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg",
                 ".opus": "audio/ogg", ".m4a": "audio/mp4", ".flac": "audio/flac", ".webm": "audio/webm"}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def record_url(public_url: str, token: str) -> str:
    return public_url.rstrip("/") + ROUTE.format(token=token)


class Recordings:
    def __init__(self, keep: int = KEEP) -> None:
        self._files: dict[str, Path] = {}
        self._keep = keep
        self._lock = threading.Lock()

    def offer(self, path: Path) -> str:
        """A new token under which `path` is served."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._files[token] = path
            while len(self._files) > self._keep:
                del self._files[next(iter(self._files))]
        return token

    def find(self, token: str) -> Path | None:
        """The recording's file, if the token is one we gave out and the file is still there."""
        with self._lock:
            path = self._files.get(token)
        return path if path is not None and path.is_file() else None


SHELF = Recordings()  # the process's: the connector offers, the callback server serves
