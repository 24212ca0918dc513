"""What the Settings window may ask of the running app (no Qt here): the settings to edit, saving
them so they apply at once, each account's connect / test / disconnect, and who it is signed in as.

Every operation that talks to a CRM runs as a task the switchboard owns and ends in exactly one
`done(Outcome)` call, success or not, so no button in the window is left waiting after an error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from app.accounts.candidate import CandidateSecrets
from app.accounts.hooks import AppHooks
from app.accounts.identity import Identity, identity_of
from app.accounts.kinds import SignIn, secret_for, sign_in_method
from app.accounts.service import AccountService, missing
from app.accounts.status import AccountState, AccountStatus, status_of
from app.config import settings as settings_mod
from app.config.settings import Account, Settings
from app.crm._shared.answers import BoundedClient
from app.crm.registry import check
from app.errors import RingsideError, SecretStoreError
from app.storage.secret_file import FileSecrets
from app.storage.secrets import KeyringSecrets, keyring_problem

log = logging.getLogger(__name__)

TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str  # in words, for the window; never a secret
    state: AccountState | None = None  # for account operations: the state it leaves the account in

    @classmethod
    def of(cls, status: AccountStatus) -> Outcome:
        return cls(status.ok, status.detail, status.state)


Done = Callable[[Outcome], None]


class SettingsControls(Protocol):
    def current(self) -> Settings: ...
    def keyring_problem(self) -> str | None:
        """Why secrets can't be kept safely here (no usable keyring), or None."""

    def secrets_in_file(self) -> bool:
        """Secrets are kept in the owner-only file (the user opted in)."""

    def missing(self, account: Account) -> str | None:
        """What the account still needs before it works (no network), or None."""

    def save(self, settings: Settings, done: Done) -> None:
        """Write config.toml and apply it now; accounts removed are signed out and their secrets deleted."""

    def status(self, account: Account, done: Done) -> None: ...
    def test(self, account: Account, secret: str | None, done: Done) -> None:
        """Test connection; `secret` (a password / API key just typed) is tried, not kept."""

    def connect(self, account: Account, secret: str | None, done: Done) -> None:
        """Sign in: the browser for OAuth (`secret` = a new client secret), else check and keep `secret`."""

    def disconnect(self, account: Account, done: Done) -> None: ...
    def account_identity(self, account: Account, done: Callable[[Identity | None], None]) -> None:
        """Who an OAuth account is signed in as and when that ends (None: it doesn't sign in that way)."""

    def autostart_available(self) -> bool: ...


class SettingsBackend:
    """`SettingsControls` over the running app's parts it is handed."""

    def __init__(self, app: AppHooks) -> None:
        self._app = app
        self.pending = 0  # operations still talking to a CRM (they outlive a closed window)

    # -- reading -----------------------------------------------------------------------------------

    def current(self) -> Settings:
        return self._app.settings()

    def keyring_problem(self) -> str | None:
        secrets = self._app.secrets()
        return secrets.problem() if isinstance(secrets, KeyringSecrets) else keyring_problem()

    def secrets_in_file(self) -> bool:
        return isinstance(self._app.secrets(), FileSecrets)

    def missing(self, account: Account) -> str | None:
        try:
            return missing(account, self._app.secrets())
        except SecretStoreError as exc:
            return str(exc)

    def autostart_available(self) -> bool:
        try:
            from app.desktop import autostart  # noqa: F401  (the packaging's; absent in some builds)
        except ImportError:
            return False
        return True

    # -- doing ---------------------------------------------------------------------------------------

    def save(self, settings: Settings, done: Done) -> None:
        self._run(self._save(settings), done)

    def status(self, account: Account, done: Done) -> None:
        self._run(self._with_service(lambda s: s.status(account)), done)

    def test(self, account: Account, secret: str | None, done: Done) -> None:
        wanted = secret_for(account)
        if secret and wanted is not None:
            async def trial(service: AccountService) -> AccountStatus:
                try:
                    trial_secrets = CandidateSecrets(service.secrets, account.id, {wanted.name: secret.strip()})
                    async with BoundedClient(timeout=TIMEOUT_S) as client:
                        detail = await check(account, client, trial_secrets)
                except (RingsideError, httpx.HTTPError) as exc:
                    return status_of(exc)
                return AccountStatus(AccountState.CONNECTED, detail + f" (the {wanted.label.lower()} you typed "
                                                                     "is not stored until you press Connect)")

            self._run(self._with_service(trial), done)
            return
        self._run(self._with_service(lambda s: s.test(account)), done)

    def connect(self, account: Account, secret: str | None, done: Done) -> None:
        self._run(self._connect(account, secret), done)

    def disconnect(self, account: Account, done: Done) -> None:
        async def work(service: AccountService) -> AccountStatus:
            return AccountStatus(AccountState.NOT_SET_UP, await service.disconnect(account))

        self._run(self._with_service(work), done)

    def account_identity(self, account: Account, done: Callable[[Identity | None], None]) -> None:
        async def work() -> None:
            try:
                async with BoundedClient(timeout=TIMEOUT_S) as client:
                    found = await identity_of(account, client, self._app.secrets(), self._app.now())
            except Exception as exc:  # never leave the lines saying "Checking…"
                log.error("Asking who is signed in failed", exc_info=exc)
                found = Identity(f"Could not tell who is signed in ({exc.__class__.__name__}).", ok=False)
            finally:
                self.pending -= 1
            done(found)

        self.pending += 1
        self._app.spawn(work())

    # -- internals -------------------------------------------------------------------------------------

    def _run(self, work: Awaitable[AccountStatus | Outcome], done: Done) -> None:
        async def wrapped() -> None:
            try:
                result = await work
                outcome = result if isinstance(result, Outcome) else Outcome.of(result)
            except RingsideError as exc:
                outcome = Outcome(False, str(exc), status_of(exc).state)
            except Exception as exc:  # never leave the window waiting
                log.error("Settings operation failed", exc_info=exc)
                outcome = Outcome(False, f"Something went wrong ({exc.__class__.__name__}).", AccountState.ERROR)
            finally:
                self.pending -= 1
            done(outcome)

        self.pending += 1
        self._app.spawn(wrapped())

    def _service(self, client: httpx.AsyncClient) -> AccountService:
        # A client per operation: settings are rare, and nothing is left open when the window closes.
        return AccountService(self._app.secrets(), client)

    async def _with_service(self, work: Callable[[AccountService], Awaitable[AccountStatus]]) -> AccountStatus:
        async with BoundedClient(timeout=TIMEOUT_S) as client:
            return await work(self._service(client))

    async def _connect(self, account: Account, secret: str | None) -> Outcome:
        app = self._app
        async with BoundedClient(timeout=TIMEOUT_S) as client:
            service = self._service(client)
            if sign_in_method(account) is SignIn.OAUTH:
                def open_url(url: str) -> None:
                    app.open_url(url)

                message = await service.sign_in(account, open_url, client_secret=secret or None)
            elif sign_in_method(account) is SignIn.NONE:
                return Outcome.of(await service.test(account))
            else:
                if not secret:
                    wanted = secret_for(account)
                    label = wanted.label.lower() if wanted is not None else "secret"
                    return Outcome(False, f"Type the {label} first.", AccountState.NOT_SET_UP)
                message = await service.store_secret(account, secret)
                message += " It is stored in the keyring." if not self.secrets_in_file() else " It is stored."
        app.signed_in(account.id)  # the running connector (if the account is saved) uses it at once
        return Outcome(True, message, AccountState.CONNECTED)

    async def _save(self, settings: Settings) -> Outcome:
        app = self._app
        before = app.settings()
        removed = [a for a in before.accounts if a.id not in {b.id for b in settings.accounts}]
        settings_mod.save(app.config_file, settings)
        notes: list[str] = []
        file = app.secrets_file
        if settings.general.store_secrets_in_file and self.keyring_problem() and not self.secrets_in_file():
            app.use_secrets(FileSecrets(file))
            notes.append(f"Secrets are kept in {file}, readable by you alone.")
        elif not settings.general.store_secrets_in_file and self.secrets_in_file():
            # Opting out leaves no plain copy behind; the accounts sign in again once a keyring works.
            app.use_secrets(KeyringSecrets())
            file.unlink(missing_ok=True)
            notes.append("The secrets file is deleted; connect your accounts again once a keyring is available.")
        async with BoundedClient(timeout=TIMEOUT_S) as client:
            service = self._service(client)
            for account in removed:
                try:
                    await service.disconnect(account)
                except RingsideError as exc:
                    notes.append(f"{account.display_name}: {exc}")
        await app.reload_accounts()
        if settings.general.start_at_login != before.general.start_at_login:
            notes.append(_autostart(settings.general.start_at_login))
        return Outcome(True, " ".join(["Saved; in use now.", *[n for n in notes if n]]))


def _autostart(on: bool) -> str:
    try:
        from app.desktop import autostart
    except ImportError:
        return "Start at login isn't available in this build."
    try:
        autostart.set_enabled(on)
    except RingsideError as exc:
        return str(exc)
    return "Ringside will start when you log in." if on else "Ringside won't start at login any more."
