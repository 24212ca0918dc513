"""JSON from outside, parsed with its nesting bounded: `loads_bounded(text)`.

Python's json module recurses once per level, so `[[[[…]]]]` a few thousand deep raises
RecursionError (and code walking the result, pydantic included, may recurse again). The depth is
measured first, outside strings, with a regular expression (C speed even on a megabyte), and a
document deeper than `max_depth` is refused as `TooDeep` — a ValueError, like any other JSON that
can't be used, so callers answer it with a 400 or a "bad answer" as they do for broken JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64  # a call event is 1 level, a CRM answer rarely over 10

_STRINGS = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class TooDeep(ValueError):
    """The document nests deeper than allowed."""


def depth(raw: bytes) -> int:
    """How deep the arrays and objects in `raw` nest (brackets inside strings don't count)."""
    deepest = level = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def loads_bounded(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads`, refusing documents nested deeper than `max_depth` with TooDeep (a ValueError).
    Raises ValueError (json.JSONDecodeError, UnicodeDecodeError) for anything that isn't JSON."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if depth(data) > max_depth:
        raise TooDeep(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(data)
    except RecursionError:  # a lower recursion limit than usual: still a refusal, not a crash
        raise TooDeep(f"JSON nested deeper than this interpreter can read (limit {max_depth})") from None


class NotAnObject(ValueError):
    """Valid JSON, but not the object a request body must be."""


def loads_object(raw: bytes | str, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """A request body that must be a JSON object: TooDeep, NotAnObject, or ValueError (not JSON)."""
    data = loads_bounded(raw, max_depth)
    if not isinstance(data, dict):
        raise NotAnObject("not a JSON object")
    return data
