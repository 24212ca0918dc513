"""Netstrings (`<length>:<payload>,`), the framing baresip's ctrl_tcp speaks.

The decoder takes bytes as they arrive off a socket — half a frame, several frames, or rubbish —
and hands back whole payloads. A softphone we don't control must never crash the app, so:

- bytes that cannot start a frame are skipped until something that can (`skipped` counts them);
- a frame whose trailing ',' is missing is dropped and decoding resumes just after its first byte;
- a length over `max_length` raises NetstringError: the stream can no longer be trusted, and the
  caller reconnects (reading megabytes to find the end of a rogue frame is worse than a new socket).
"""

from __future__ import annotations

from collections.abc import Iterator

DEFAULT_MAX_LENGTH = 256 * 1024  # a call event is ~400 bytes; `help` output ~2 KB


class NetstringError(ValueError):
    """The stream is beyond repair (oversized length); drop the connection and start afresh."""


def encode(payload: bytes) -> bytes:
    return b"%d:%s," % (len(payload), payload)


class NetstringDecoder:
    def __init__(self, max_length: int = DEFAULT_MAX_LENGTH) -> None:
        self.max_length = max_length
        self._max_digits = len(str(max_length))
        self._buffer = bytearray()
        self.skipped = 0  # bytes thrown away while resynchronising (for a log line)

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return every payload completed by them, oldest first."""
        self._buffer += data
        return list(self._frames())

    def reset(self) -> None:
        self._buffer.clear()

    def _frames(self) -> Iterator[bytes]:
        buf = self._buffer
        while buf:
            if not buf[:1].isdigit():
                self._skip(_next_digit(buf))
                continue
            digits = 0
            while digits < len(buf) and buf[digits : digits + 1].isdigit():
                digits += 1
            if digits > self._max_digits:
                self._raise_oversize(bytes(buf[:digits]))
            if digits == len(buf):
                return  # the length is still arriving
            if buf[digits] != ord(":"):
                self._skip(digits)  # "12x…": not a frame header
                continue
            length = int(buf[:digits])
            if length > self.max_length:
                self._raise_oversize(bytes(buf[:digits]))
            end = digits + 1 + length
            if len(buf) <= end:
                return  # payload or trailer still arriving
            if buf[end] != ord(","):
                self._skip(1)  # the length lied; look for a real frame inside what we have
                continue
            payload = bytes(buf[digits + 1 : end])
            del buf[: end + 1]
            yield payload

    def _skip(self, count: int) -> None:
        count = max(1, count)
        # Whitespace between frames is harmless (some peers add newlines); don't count it as garbage.
        self.skipped += len(bytes(self._buffer[:count]).strip())
        del self._buffer[:count]

    def _raise_oversize(self, digits: bytes) -> None:
        self._buffer.clear()
        shown = digits[:12].decode("ascii") + ("…" if len(digits) > 12 else "")
        raise NetstringError(f"frame length {shown} is over the {self.max_length}-byte limit")


def _next_digit(buf: bytearray) -> int:
    for index, byte in enumerate(buf):
        if 0x30 <= byte <= 0x39:
            return index
    return len(buf)
