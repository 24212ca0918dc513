"""What the account operations run inside the app (the Settings window's, the card's "Sign in again")
may use of the running app: exactly these, passed in by the composition root, never the whole of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from app.config.settings import Settings
from app.storage.secrets import SecretStore

if TYPE_CHECKING:
    import httpx


class Report(Protocol):
    def __call__(self, text: str, *, error: bool = False) -> None: ...


@dataclass(frozen=True)
class AppHooks:
    settings: Callable[[], Settings]  # the settings in use (a reload replaces them)
    secrets: Callable[[], SecretStore]  # the secret store in use
    use_secrets: Callable[[SecretStore], None]  # switch the app to another secret store (keyring ⇄ file)
    config_file: Path
    secrets_file: Path  # the owner-only file secrets go in where no keyring is usable
    reload_accounts: Callable[[], Awaitable[None]]  # config.toml changed: rebuild the connectors
    spawn: Callable[[Coroutine[Any, Any, None]], object]  # run a task the app owns (errors reported)
    signed_in: Callable[[str], None]  # an account signed in again: its connector uses the new sign-in
    client: Callable[[str], httpx.AsyncClient | None]  # an enabled account's pooled client
    open_url: Callable[[str], object]  # open the browser sign-in's address
    open_settings: Callable[[str], bool]  # open Settings at an account; False where there is no window
    report: Report  # a message for the recruiter
    now: Callable[[], datetime] = lambda: datetime.now(UTC)  # the app's clock (tests set it)
