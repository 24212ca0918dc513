"""Upgrading an older config.toml to the current schema, keeping the original beside it.

Each step is a pure function from the data of version N to version N + 1 (`STEPS[N]`), so a file of
any older version goes through every step in order. A file without `schema_version` is version 0,
the pre-release format. `upgrade()` changes dicts only; `settings.load()` decides whether to write:
only when a step really changed something and the result is valid, and always after copying the
original to `config.toml.v<N>.bak` (never overwriting an earlier backup).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.errors import ConfigError

Data = dict[str, Any]
Step = Callable[[Data], Data]

# Version 0 (no schema_version) named some keys differently.
_V0_GENERAL = {"region": "default_region", "popup_on": "pop_on", "autolog": "auto_log"}
_V0_ACCOUNT = {"base_url": "api_url", "type": "kind", "name": "label"}


def _rename(table: Any, names: dict[str, str]) -> None:
    """Rename keys in place; a key already present under its new name wins (it was set on purpose)."""
    if not isinstance(table, dict):
        return
    for old, new in names.items():
        if old in table:
            value = table.pop(old)
            table.setdefault(new, value)


def _v0_to_v1(data: Data) -> Data:
    _rename(data.get("general"), _V0_GENERAL)
    accounts = data.get("accounts")
    for account in accounts if isinstance(accounts, list) else []:
        _rename(account, _V0_ACCOUNT)
    return data


STEPS: dict[int, Step] = {0: _v0_to_v1}
CURRENT = max(STEPS) + 1


def version_of(data: Data) -> int:
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ConfigError(f"schema_version must be a whole number, not {version!r}.")
    return version


def upgrade(data: Data, *, path: Path | None = None) -> tuple[Data, int]:
    """(data at the current version, the version it was read at). The input is not modified.
    Raises ConfigError for a file written by a newer Ringside (we can't know what it means)."""
    found = version_of(data)
    where = f"{path}: " if path is not None else ""
    if found > CURRENT:
        raise ConfigError(
            f"{where}schema_version {found} is newer than this Ringside understands ({CURRENT}). "
            "Update Ringside, or restore the backup an older version kept beside the file.")
    if found == CURRENT:
        return data, found
    out = copy.deepcopy(data)
    for version in range(found, CURRENT):
        out = STEPS[version](out)
    out["schema_version"] = CURRENT
    return out, found


def changed(before: Data, after: Data) -> bool:
    """Whether an upgrade changed more than adding the version number (then the file is rewritten;
    a hand-written file with nothing to rename keeps its comments)."""
    stripped = {k: v for k, v in after.items() if k != "schema_version" or "schema_version" in before}
    return stripped != before


def backup(path: Path, text: str, version: int) -> Path:
    """Write `text` (the file as it was) to `config.toml.v<version>.bak` beside it, owner-only;
    a numbered name when that backup already exists. Returns where it went."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.v{version}.{n}.bak")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return target
