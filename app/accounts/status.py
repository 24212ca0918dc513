"""An account's state as the recruiter sees it: in `ringside account list`, in Settings, on cards."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.errors import ConnectorError, NeedsSignIn, RingsideError, SecretStoreError


class AccountState(StrEnum):
    CONNECTED = "connected"
    NEEDS_SIGN_IN = "needs sign-in"
    ERROR = "error"
    NOT_SET_UP = "not set up"


@dataclass(frozen=True)
class AccountStatus:
    state: AccountState
    detail: str  # what worked or failed, in words; never a secret

    @property
    def ok(self) -> bool:
        return self.state is AccountState.CONNECTED

    def line(self) -> str:
        return f"{self.state.value}: {self.detail}" if self.detail else self.state.value


def status_of(exc: BaseException) -> AccountStatus:
    """The state an error puts an account in. A refused or missing sign-in needs the recruiter;
    anything else (host unreachable, certificate, a CRM fault) is an error with its reason."""
    if isinstance(exc, NeedsSignIn):
        return AccountStatus(AccountState.NEEDS_SIGN_IN, str(exc))
    if isinstance(exc, ConnectorError | SecretStoreError | RingsideError):
        return AccountStatus(AccountState.ERROR, str(exc))
    return AccountStatus(AccountState.ERROR, f"Unexpected problem ({exc.__class__.__name__}).")
