"""The opt-in fallback for machines with no usable keyring: secrets in one owner-only file.

Never chosen on our own. `open_secrets()` picks it only when the keyring is unusable AND the user
said yes (`store_secrets_in_file = true` in config.toml, set from Settings after a confirmation, or
`ringside account connect --store-secrets-in-file`). The file is created 0600 and rewritten atomically;
a copy that became readable by others is tightened before use.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import SecretStoreError
from app.storage.secrets import KeyringSecrets, SecretStore, keyring_problem

if TYPE_CHECKING:
    from app.config.paths import Paths
    from app.config.settings import Settings

log = logging.getLogger(__name__)

FILE_NAME = "secrets.json"


class FileSecrets:
    """A SecretStore over a JSON file of `"<account>:<name>": value`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # the CLI and the app may share a process in tests

    def get(self, account_id: str, name: str) -> str | None:
        with self._lock:
            value = self._read().get(f"{account_id}:{name}")
        return value if isinstance(value, str) else None

    def set(self, account_id: str, name: str, value: str) -> None:
        with self._lock:
            data = self._read()
            data[f"{account_id}:{name}"] = value
            self._write(data)

    def delete(self, account_id: str, name: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(f"{account_id}:{name}", None) is not None:
                self._write(data)

    def _read(self) -> dict[str, object]:
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(f"Could not read the secrets file {self.path}: {exc.strerror}.") from None
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            log.warning("%s was readable by others; making it readable by you alone", self.path)
            self.path.chmod(0o600)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            # Never echo the content: it is the secrets.
            raise SecretStoreError(f"The secrets file {self.path} could not be read ({exc.__class__.__name__}). "
                                   "Delete it and sign in to your accounts again.") from None
        if not isinstance(data, dict):
            raise SecretStoreError(f"The secrets file {self.path} is damaged. Delete it and sign in again.")
        return data

    def _write(self, data: dict[str, object]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            if tmp.exists():
                tmp.unlink()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(self.path)
        except OSError as exc:
            raise SecretStoreError(f"Could not write the secrets file {self.path}: {exc.strerror}.") from None


def secrets_file(paths: Paths) -> Path:
    return paths.data_dir / FILE_NAME


def open_secrets(paths: Paths, settings: Settings, *, allow_file: bool = False) -> SecretStore:
    """The keyring when one is usable. Otherwise the file, if the user opted in (`allow_file` is the
    command-line opt-in); else the keyring store anyway, whose every use explains what to do. The
    keyring is only probed when the file is an option (probing it can take a desktop bus round trip)."""
    if not (allow_file or settings.general.store_secrets_in_file) or keyring_problem() is None:
        return KeyringSecrets()
    log.warning("No usable keyring; secrets are kept in %s as you chose", secrets_file(paths))
    return FileSecrets(secrets_file(paths))
