"""Secrets (client secrets, tokens) live only in the OS keyring, one entry per account and name.

`keyring` honours PYTHON_KEYRING_BACKEND, so tests and the demo choose their own backend. With no
usable backend we say so and how to fix it; we never fall back to a plain file on our own.

The `keyring` library (and the backend it picks) is imported only when a secret is really read,
written or deleted, or the keyring is asked whether it is usable: a Ringside with no accounts, or none
with secrets, never loads it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from app.core.stores import SecretStore
from app.errors import SecretStoreError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from app.storage.memory_keyring import MemoryKeyring

__all__ = ["LOCKED_HELP", "NO_BACKEND_HELP", "SERVICE", "KeyringSecrets", "MemoryKeyring", "SecretStore",
           "keyring_problem"]

SERVICE = "ringside"

NO_BACKEND_HELP = (
    "No usable keyring was found, so Ringside cannot store sign-in secrets safely. "
    "On Linux, install and unlock a Secret Service provider (GNOME Keyring or KWallet), or set "
    "PYTHON_KEYRING_BACKEND to a backend you trust. If you accept the risk, Ringside can instead keep "
    "them in a file only you can read: tick \"Store secrets in a file\" in Settings → General, or add "
    "--store-secrets-in-file to `ringside account connect`."
)


LOCKED_HELP = (
    "The keyring is locked, so Ringside can't read or store sign-in secrets. Unlock it (log in to your "
    "desktop again, or unlock the \"Login\" keyring in Passwords and Keys) and try again."
)


def _chosen_backend(backend: KeyringBackend | None) -> KeyringBackend:
    """The backend to use, or SecretStoreError(NO_BACKEND_HELP) when there is none worth using: the
    "fail" backend, a Secret Service that is neither running nor activatable (keyring raises while
    choosing), or a plain-text file backend keyring picked on its own (one the user named in
    PYTHON_KEYRING_BACKEND is their choice)."""
    import keyring

    try:
        ring = backend or keyring.get_keyring()
    except Exception as exc:  # keyring raises RuntimeError when the named backend can't run at all
        raise SecretStoreError(f"The keyring can't be reached ({exc}). {NO_BACKEND_HELP}") from None
    module = type(ring).__module__
    if module.startswith("keyring.backends.fail"):  # priority 0: it exists only to say there is none
        raise SecretStoreError(NO_BACKEND_HELP)
    if backend is None and module.startswith("keyrings.alt") and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        raise SecretStoreError(NO_BACKEND_HELP)  # never a plain-text file without the user's say-so
    return ring


def keyring_problem(backend: KeyringBackend | None = None) -> str | None:
    """Why secrets can't go in the keyring (NO_BACKEND_HELP), or None when a usable one is there."""
    try:
        _chosen_backend(backend)
    except SecretStoreError as exc:
        return str(exc)
    return None


class KeyringSecrets:
    """SecretStore over the `keyring` library; entries are `ringside` / `<account>:<name>`. Every
    failure is a SecretStoreError that says what to do: no keyring, a locked one, or a refusal."""

    def __init__(self, service: str = SERVICE, backend: KeyringBackend | None = None) -> None:
        self._service = service
        self._backend = backend

    def problem(self) -> str | None:
        """NO_BACKEND_HELP when this store has no usable keyring behind it, else None."""
        return keyring_problem(self._backend)

    def _ring(self) -> KeyringBackend:
        return _chosen_backend(self._backend)

    def get(self, account_id: str, name: str) -> str | None:
        import keyring.errors

        try:
            return self._ring().get_password(self._service, f"{account_id}:{name}")
        except keyring.errors.KeyringLocked:
            raise SecretStoreError(LOCKED_HELP) from None
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to read a secret: {exc}") from None

    def set(self, account_id: str, name: str, value: str) -> None:
        import keyring.errors

        try:
            self._ring().set_password(self._service, f"{account_id}:{name}", value)
        except keyring.errors.KeyringLocked:
            raise SecretStoreError(LOCKED_HELP) from None
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to store a secret: {exc}") from None

    def delete(self, account_id: str, name: str) -> None:
        import keyring.errors

        try:
            self._ring().delete_password(self._service, f"{account_id}:{name}")
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringLocked:
            raise SecretStoreError(LOCKED_HELP) from None
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to delete a secret: {exc}") from None


def __getattr__(name: str) -> object:
    """MemoryKeyring, still importable from here, defined where importing it loads `keyring`."""
    if name == "MemoryKeyring":
        from app.storage.memory_keyring import MemoryKeyring

        return MemoryKeyring
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
