"""The demo's keyring: it forgets everything on exit. Apart from secrets.py because defining it
imports the `keyring` library, which a Ringside that uses no secrets never loads."""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything on exit: used by `ringside --demo`, so the demo's
    throwaway tokens never reach the user's real keyring."""

    # Below the "fail" backend's 0: keyring itself must never pick (or chain) a keyring that
    # forgets; it is used only where passed in explicitly.
    priority = -1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
