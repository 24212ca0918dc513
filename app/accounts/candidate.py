"""A secret store that puts a new secret in front of the real one, so it can be verified with the
real connector code before anything is kept (a wrong password never reaches the keyring)."""

from __future__ import annotations

from app.storage.secrets import SecretStore


class CandidateSecrets:
    """Reads `account_id:name` from `candidates` first, everything else from `base`. Writes made
    while verifying (a session the check opened) stay here until `commit()`."""

    def __init__(self, base: SecretStore, account_id: str, candidates: dict[str, str]) -> None:
        self._base = base
        self._account_id = account_id
        self._pending: dict[str, str | None] = dict(candidates)

    def get(self, account_id: str, name: str) -> str | None:
        if account_id == self._account_id and name in self._pending:
            return self._pending[name]
        return self._base.get(account_id, name)

    def set(self, account_id: str, name: str, value: str) -> None:
        if account_id == self._account_id:
            self._pending[name] = value
        else:
            self._base.set(account_id, name, value)

    def delete(self, account_id: str, name: str) -> None:
        if account_id == self._account_id:
            self._pending[name] = None
        else:
            self._base.delete(account_id, name)

    def commit(self) -> None:
        """The secret worked: keep it (and whatever the check stored) in the real store."""
        for name, value in self._pending.items():
            if value is None:
                self._base.delete(self._account_id, name)
            else:
                self._base.set(self._account_id, name, value)
