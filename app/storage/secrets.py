"""Secrets (client secrets, tokens) live only in the OS keyring, one entry per account and name.

`keyring` honours PYTHON_KEYRING_BACKEND, so tests and the demo choose their own backend. With no
usable backend we say so and how to fix it; we never fall back to a plain file on our own.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.core.stores import SecretStore
from app.errors import SecretStoreError

__all__ = ["NO_BACKEND_HELP", "SERVICE", "KeyringSecrets", "MemoryKeyring", "SecretStore", "keyring_problem"]

SERVICE = "ringside"

NO_BACKEND_HELP = (
    "No usable keyring was found, so Ringside cannot store sign-in secrets safely. "
    "On Linux, install and unlock a Secret Service provider (GNOME Keyring or KWallet), or set "
    "PYTHON_KEYRING_BACKEND to a backend you trust. If you accept the risk, Ringside can instead keep "
    "them in a file only you can read: tick \"Store secrets in a file\" in Settings → General, or add "
    "--store-secrets-in-file to `ringside account connect`."
)


def keyring_problem(backend: KeyringBackend | None = None) -> str | None:
    """Why secrets can't go in the keyring (NO_BACKEND_HELP), or None when a usable one is there."""
    ring = backend or keyring.get_keyring()
    return NO_BACKEND_HELP if type(ring).__module__.startswith("keyring.backends.fail") else None


class KeyringSecrets:
    """SecretStore over the `keyring` library; entries are `ringside` / `<account>:<name>`."""

    def __init__(self, service: str = SERVICE, backend: KeyringBackend | None = None) -> None:
        self._service = service
        self._backend = backend

    def problem(self) -> str | None:
        """NO_BACKEND_HELP when this store has no usable keyring behind it, else None."""
        return keyring_problem(self._backend)

    def _ring(self) -> KeyringBackend:
        backend = self._backend or keyring.get_keyring()
        # The "fail" backend's priority is 0: it exists only to say there is none.
        if type(backend).__module__.startswith("keyring.backends.fail"):
            raise SecretStoreError(NO_BACKEND_HELP)
        return backend

    def get(self, account_id: str, name: str) -> str | None:
        try:
            return self._ring().get_password(self._service, f"{account_id}:{name}")
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to read a secret: {exc}") from None

    def set(self, account_id: str, name: str, value: str) -> None:
        try:
            self._ring().set_password(self._service, f"{account_id}:{name}", value)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to store a secret: {exc}") from None

    def delete(self, account_id: str, name: str) -> None:
        try:
            self._ring().delete_password(self._service, f"{account_id}:{name}")
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to delete a secret: {exc}") from None


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
