"""A configuration file's validation errors in words: file, line and dotted key for each problem."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError


def describe(path: Path, text: str, data: dict[str, Any], exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        loc = _clean_loc(error["loc"], data)
        key = _dotted(loc)
        line = _line_of(text, loc)
        where = f"{path}:{line}" if line else str(path)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key (misspelt?)"
        elif error["type"] == "missing":
            message = "required key is missing"
        elif error["type"] == "union_tag_invalid":
            message = f"unknown kind {error['input'].get('kind')!r}" if isinstance(
                error.get("input"), dict) else message
        problems.append(f"{where}: {key}: {message}")
    return "Problem in the configuration file:\n  " + "\n  ".join(problems)


def _clean_loc(loc: tuple[int | str, ...], data: dict[str, Any]) -> tuple[int | str, ...]:
    """Drop the discriminator tag pydantic inserts ('accounts', 0, 'recruitwizard', 'client_id')."""
    out: list[int | str] = []
    node: Any = data
    for part in loc:
        if isinstance(node, dict) and part not in node and part == node.get("kind"):
            continue
        out.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line number of a key path in a TOML file (tables, arrays of tables, keys)."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    path: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if isinstance(part, str) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = int(loc[i + 1])
            header = re.compile(rf"^\s*\[\[\s*{re.escape('.'.join([*path, part]))}\s*\]\]")
            hits = [n for n in range(start, end) if header.match(lines[n])]
            if index >= len(hits):
                return None
            start = hits[index]
            nxt = [n for n in range(start + 1, end) if re.match(r"^\s*\[", lines[n])]
            end = nxt[0] if nxt else end
            path = []
            i += 2
            continue
        if isinstance(part, str):
            table = re.compile(rf"^\s*\[\s*{re.escape('.'.join([*path, part]))}\s*\]")
            hits = [n for n in range(start, end) if table.match(lines[n])]
            if hits and i + 1 < len(loc):
                start = hits[0]
                nxt = [n for n in range(start + 1, len(lines)) if re.match(r"^\s*\[", lines[n])]
                end = nxt[0] if nxt else len(lines)
                path = []
                i += 1
                continue
            key = re.compile(rf"^\s*[\"']?{re.escape(part)}[\"']?\s*=")
            for n in range(start, end):
                if key.match(lines[n]):
                    return n + 1
            if hits:
                return hits[0] + 1
            path.append(part)
        i += 1
    return start + 1 if start else None
