"""A configuration file's validation errors in words: file, line and dotted key for each problem,
what the key allows in plain words, and a suggestion for a misspelt key or kind."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

# Patterns in the settings models, said as a person would (a bare regex helps nobody).
_PATTERNS = {
    r"^[A-Za-z]{2}$": "must be a two-letter country code, like \"AU\" or \"GB\"",
    r"^[A-Za-z0-9_.-]{1,40}$": "must be 1 to 40 letters, digits, dots, dashes or underscores",
    r"^[A-Za-z0-9_-]{1,60}$": "must be 1 to 60 letters, digits, dashes or underscores",
}
_TYPES = {
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number", "float_parsing": "must be a number",
    "string_type": "must be text in quotes", "list_type": "must be a list, like [\"a\", \"b\"]",
    "dict_type": "must be a table", "model_type": "must be a table", "model_attributes_type": "must be a table",
    "missing": "required key is missing",
}


def describe(path: Path, text: str, data: dict[str, Any], exc: ValidationError,
             keys: Iterable[str] = ()) -> str:
    """`keys`: every key the file may hold, for suggestions when one is misspelt."""
    known = sorted(set(keys))
    problems = []
    for error in exc.errors():
        loc = _clean_loc(error["loc"], data)
        key = _dotted(loc)
        line = _line_of(text, loc)
        where = f"{path}:{line}" if line else str(path)
        problems.append(f"{where}: {key}: {_plain(error, loc, known)}")
    return "Problem in the configuration file:\n  " + "\n  ".join(problems)


def _plain(error: Any, loc: tuple[int | str, ...], known: list[str]) -> str:
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        return "unknown key (misspelt?)" + _did_you_mean(name, known)
    if kind == "union_tag_invalid":
        tag = given.get("kind") if isinstance(given, dict) else ctx.get("tag")
        kinds = [k.strip("'\" ") for k in str(ctx.get("expected_tags", "")).split(",") if k.strip()]
        return f"unknown kind {tag!r}{_did_you_mean(str(tag), kinds)} Kinds: {', '.join(kinds)}."
    if kind == "union_tag_not_found":
        return "needs a `kind` line saying what it is"
    if kind in _TYPES:
        found = "" if kind == "missing" else f" (found {_toml(given)})"
        return _TYPES[kind] + found
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')} (found {_toml(given)})"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "is not in the form this key takes") + f" (found {_toml(given)})"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
                 "less_than_equal": "at most"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"must be {words} {limit} (found {_toml(given)})"
    return str(error["msg"]).removeprefix("Value error, ")


def _toml(value: Any) -> str:
    """A value as it reads in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | int | float) else "a table or list"


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.7)
    return f" — did you mean {close[0]!r}?" if close else ""


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
