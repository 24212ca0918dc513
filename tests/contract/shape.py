"""A golden request and how a captured request is compared with it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.sandbox.journal import JournalEntry

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Golden:
    name: str
    method: str
    path: str  # a regular expression over the request's path
    reference: str  # repository and file (or the seed) the golden is transcribed from
    query: dict[str, str] = field(default_factory=dict)  # every parameter the reference documents (sample values)
    fixed: frozenset[str] = frozenset()  # query parameters whose value the reference fixes
    form: dict[str, Any] = field(default_factory=dict)  # every form field; JSON-string fields decoded
    json_fields: frozenset[str] = frozenset()  # form fields that carry JSON
    enums: dict[str, frozenset[str]] = field(default_factory=dict)  # "calls[].result" -> allowed values
    dates: dict[str, str] = field(default_factory=dict)  # "calls[].date" -> regular expression
    headers: dict[str, str] = field(default_factory=dict)  # header -> regular expression for its value

    def wire_form(self) -> dict[str, str]:
        """The golden's form as it goes on the wire (JSON fields as compact JSON strings)."""
        return {k: json.dumps(v, separators=(",", ":")) if k in self.json_fields else str(v)
                for k, v in self.form.items()}


def _same_shape(ours: Any, golden: Any, where: str, golden_def: Golden, found: list[str]) -> None:
    if isinstance(golden, dict):
        if not isinstance(ours, dict):
            found.append(f"{where}: an object in the reference, {type(ours).__name__} here")
            return
        for key, value in ours.items():
            if key not in golden:
                found.append(f"{where}.{key}: not a field of the reference's entity")
            else:
                _same_shape(value, golden[key], f"{where}.{key}", golden_def, found)
        return
    if isinstance(golden, list):
        if not isinstance(ours, list):
            found.append(f"{where}: a list in the reference, {type(ours).__name__} here")
            return
        for item in ours:
            _same_shape(item, golden[0], f"{where}[]", golden_def, found)
        return
    if type(ours) is not type(golden):
        found.append(f"{where}: {type(golden).__name__} in the reference, {type(ours).__name__} here")
        return
    if where in golden_def.enums and ours not in golden_def.enums[where]:
        found.append(f"{where}: {ours!r} is not one of {sorted(golden_def.enums[where])}")
    if where in golden_def.dates and not re.fullmatch(golden_def.dates[where], str(ours)):
        found.append(f"{where}: {ours!r} is not in the reference's date format")


def problems(golden: Golden, entry: JournalEntry) -> list[str]:
    """How the captured request differs from the golden in anything the reference fixes ([] = none)."""
    found: list[str] = []
    if entry.method != golden.method or not re.fullmatch(golden.path, entry.path):
        found.append(f"{entry.method} {entry.path} is not {golden.method} {golden.path}")
    for name, pattern in golden.headers.items():
        if not re.fullmatch(pattern, entry.headers.get(name.lower(), "")):
            found.append(f"header {name}: {entry.headers.get(name.lower())!r} does not match {pattern}")
    found += [f"query {k}: not a parameter of the reference" for k in entry.query if k not in golden.query]
    found += [f"query {k}={entry.query[k]!r}: the reference sends {golden.query[k]!r}"
              for k in golden.fixed if entry.query.get(k) != golden.query[k]]
    if golden.method == "POST":
        if not entry.headers.get("content-type", "").startswith(FORM):
            found.append(f"body: {entry.headers.get('content-type')} where the reference posts a form")
        form = entry.form or {}
        found += [f"form {k}: not a field of the reference's request" for k in form if k not in golden.form]
        for name in golden.json_fields & set(form):
            _same_shape(json.loads(form[name]), golden.form[name], name, golden, found)
    return found
