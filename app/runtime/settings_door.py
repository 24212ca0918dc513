"""The Settings window's backend, built the first time the window asks for more than the settings.

`SettingsBackend` brings the account service, browser sign-in and every system's check (aiohttp,
httpx) with it; the tray needs none of that to show, so the app hands the UI this stand-in, which
answers `current()` itself and builds the real backend on the first other call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.accounts.backend import Done, SettingsBackend
    from app.accounts.hooks import AppHooks
    from app.accounts.identity import Identity
    from app.config.settings import Account, Settings


class LazySettingsControls:
    """`SettingsControls` over `SettingsBackend(hooks())`, made on first use."""

    def __init__(self, hooks: Callable[[], AppHooks], settings: Callable[[], Settings]) -> None:
        self._hooks = hooks
        self._settings = settings
        self._backend: SettingsBackend | None = None

    @property
    def backend(self) -> SettingsBackend:
        if self._backend is None:
            from app.accounts.backend import SettingsBackend

            self._backend = SettingsBackend(self._hooks())
        return self._backend

    def current(self) -> Settings:
        return self._settings()

    def keyring_problem(self) -> str | None:
        return self.backend.keyring_problem()

    def secrets_in_file(self) -> bool:
        return self.backend.secrets_in_file()

    def missing(self, account: Account) -> str | None:
        return self.backend.missing(account)

    def save(self, settings: Settings, done: Done) -> None:
        self.backend.save(settings, done)

    def status(self, account: Account, done: Done) -> None:
        self.backend.status(account, done)

    def test(self, account: Account, secret: str | None, done: Done) -> None:
        self.backend.test(account, secret, done)

    def connect(self, account: Account, secret: str | None, done: Done) -> None:
        self.backend.connect(account, secret, done)

    def disconnect(self, account: Account, done: Done) -> None:
        self.backend.disconnect(account, done)

    def account_identity(self, account: Account, done: Callable[[Identity | None], None]) -> None:
        self.backend.account_identity(account, done)

    def autostart_available(self) -> bool:
        return self.backend.autostart_available()
