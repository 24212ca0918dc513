"""The errors Ringside shows a recruiter. Every message is written to be read on a card.

    RingsideError
    ├── InvalidNumber          the text is not a phone number we can use
    ├── ConfigError            config.toml is broken (names file, line and key)
    ├── SecretStoreError       no usable keyring, or it refused
    ├── NotStored              shown, but the database could not commit it (disk full, read-only)
    └── ConnectorError         something went wrong talking to a CRM or dialer
        ├── NeedsSignIn        token missing/expired and refresh failed: run the sign-in again
        ├── RateLimited        the CRM asked us to slow down (retry_after seconds, if it said)
        ├── Unavailable        could not reach it, it timed out, or it answered 5xx
        ├── BadResponse        it answered something we cannot read (HTML, malformed JSON, wrong shape)
        └── Rejected           it understood and refused (4xx with its own message): not worth retrying
            ├── AlreadyExists  creating a record it already has and will not overwrite
            └── NotResolved    a matched record has no id the CRM can log against (pick or create one)

Messages never include tokens, passwords or request bodies.
"""

from __future__ import annotations


class RingsideError(Exception):
    """Base of every error Ringside raises on purpose."""


class InvalidNumber(RingsideError, ValueError):
    pass


class ConfigError(RingsideError):
    pass


class SecretStoreError(RingsideError):
    pass


class NotStored(RingsideError):
    """A write could not be committed (disk full, read-only file…): what it carried is not saved."""


class ConnectorError(RingsideError):
    retryable: bool = False


class NeedsSignIn(ConnectorError):
    pass


class RateLimited(ConnectorError):
    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(ConnectorError):
    retryable = True

    def __init__(self, message: str, *, sent: bool = False) -> None:
        super().__init__(message)
        # True when the request may have reached the CRM (a read timeout after sending): the
        # outcome is unknown, so a non-idempotent write must not be blindly repeated.
        self.sent = sent


class BadResponse(ConnectorError):
    pass


class Rejected(ConnectorError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AlreadyExists(Rejected):
    """The CRM already has the record being created and will not overwrite it."""


class NotResolved(Rejected):
    """The CRM named a record but gave no id, and no single record could be found by that name: the
    note form offers to pick or create the record rather than log an unlinked activity."""

    def __init__(self, message: str, found: int) -> None:
        super().__init__(message)
        self.found = found
