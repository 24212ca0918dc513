"""Comparing what a connector sent (an emulator's journal entry) with a golden request transcribed from
a public reference: same field names and casing, same JSON types, exact values where the reference
fixes them (enums, constants), and formats (dates, numbers) where it shows one by example."""

from __future__ import annotations

import re
from typing import Any

# A golden value that stands for "any value of this shape", checked by its pattern.
ISO_UTC_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")  # 2020-11-29T22:10:20.721Z
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # 2023-01-01
CLOCK = re.compile(r"(0[1-9]|1[0-2]):[0-5]\d (AM|PM)")  # 11:34 AM
E164_DIGITS = re.compile(r"[1-9]\d{7,14}")  # 441234567890


class Like:
    """A golden leaf compared by type (and pattern), not by value: the reference's sample value is
    only an example (a name, an id, a note)."""

    def __init__(self, example: Any, pattern: re.Pattern[str] | None = None) -> None:
        self.example = example
        self.pattern = pattern

    def check(self, sent: Any, where: str) -> list[str]:
        if type(sent) is not type(self.example):
            return [f"{where}: {type(sent).__name__} where the reference has {type(self.example).__name__}"]
        if self.pattern is not None and not self.pattern.fullmatch(str(sent)):
            return [f"{where}: {sent!r} is not in the reference's format (e.g. {self.example!r})"]
        return []


def differences(sent: Any, golden: Any, where: str = "body", *, subset: bool = False) -> list[str]:
    """Where `sent` departs from `golden`. Objects must have the same keys, or (subset=True, for
    samples that list every optional field) no key the golden lacks; lists are compared item by item
    against the golden's first item; plain golden leaves must be equal."""
    if isinstance(golden, Like):
        return golden.check(sent, where)
    if isinstance(golden, dict):
        if not isinstance(sent, dict):
            return [f"{where}: {type(sent).__name__} where the reference has an object"]
        problems = [f"{where}.{k}: not in the reference" for k in sent if k not in golden]
        if not subset:
            problems += [f"{where}.{k}: missing" for k in golden if k not in sent]
        for key in sent.keys() & golden.keys():
            problems += differences(sent[key], golden[key], f"{where}.{key}", subset=subset)
        return problems
    if isinstance(golden, list):
        if not isinstance(sent, list):
            return [f"{where}: {type(sent).__name__} where the reference has an array"]
        return [p for i, item in enumerate(sent) for p in differences(item, golden[0], f"{where}[{i}]", subset=subset)]
    if sent != golden or type(sent) is not type(golden):
        return [f"{where}: {sent!r} where the reference has {golden!r}"]
    return []


def example(golden: Any) -> Any:
    """The golden as the reference printed it (every Like replaced by its example), to send as is."""
    if isinstance(golden, Like):
        return golden.example
    if isinstance(golden, dict):
        return {k: example(v) for k, v in golden.items()}
    if isinstance(golden, list):
        return [example(v) for v in golden]
    return golden
