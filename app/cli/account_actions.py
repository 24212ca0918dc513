"""`ringside account connect | list | disconnect`, done: the terminal side of AccountService.

Secrets are read from the terminal without echo, or from standard input when it is not a terminal
(scripts, tests). A browser sign-in prints the address on a line of its own and opens the browser
unless --no-browser. After a change, a running Ringside is told to pick it up.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
import webbrowser
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.accounts.kinds import KIND_NAMES, SignIn, needs_client_secret, secret_for, sign_in_method
from app.accounts.service import AccountService
from app.accounts.status import AccountState, AccountStatus
from app.cli.exit_codes import EXIT_FAIL, EXIT_OK
from app.config import settings as settings_mod
from app.config.paths import Paths
from app.config.secret_names import CLIENT_SECRET
from app.config.settings import Account, Settings
from app.crm._shared.answers import BoundedClient
from app.errors import RingsideError, SecretStoreError
from app.runtime.instance import InstanceClient, NoInstance
from app.storage.secret_file import open_secrets, secrets_file
from app.storage.secrets import SecretStore, keyring_problem

T = TypeVar("T")


def read_secret(prompt: str) -> str:
    value = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    if not value.strip():
        raise RingsideError(f"No value given for: {prompt.strip().rstrip(':')}.")
    return value.strip()


def secret_store(paths: Paths, settings: Settings, *, allow_file: bool) -> SecretStore:
    """The store to use; with no usable keyring, refuses up front (before asking for anything)
    unless the user opted in to the file, and remembers an opt-in made on the command line."""
    problem = keyring_problem()
    if problem is None:
        return open_secrets(paths, settings)
    if not (allow_file or settings.general.store_secrets_in_file):
        raise SecretStoreError(problem)
    if not settings.general.store_secrets_in_file:
        general = settings.general.model_copy(update={"store_secrets_in_file": True})
        settings_mod.save(paths.config_file, settings.model_copy(update={"general": general}))
        print(f"No usable keyring: as you asked, secrets go in {secrets_file(paths)} (readable by you alone).",
              flush=True)
    return open_secrets(paths, settings, allow_file=True)


def _run(work: Callable[[AccountService], Awaitable[T]], store: SecretStore) -> T:
    async def main() -> T:
        async with BoundedClient(timeout=15) as client:
            return await work(AccountService(store, client))

    return asyncio.run(main())


def _tell_running_instance(paths: Paths, account_id: str | None) -> None:
    try:
        InstanceClient(paths.instance_file).accounts_changed(account_id)
        print("The running Ringside uses this right away.", flush=True)
    except (NoInstance, RingsideError):
        pass


def connect(paths: Paths, settings: Settings, account: Account, *, open_browser: bool = True,
            timeout: float = 300.0, allow_file: bool = False) -> int:
    store = secret_store(paths, settings, allow_file=allow_file)
    method = sign_in_method(account)
    if method is SignIn.NONE:
        print(f"{account.display_name} ({account.id}) has nothing to sign in to; checking it answers…", flush=True)
        status = _run(lambda service: service.test(account), store)
        print(status.line())
        return EXIT_OK if status.ok else EXIT_FAIL
    if method is SignIn.OAUTH:
        client_secret = None
        if needs_client_secret(account) and not store.get(account.id, CLIENT_SECRET):
            client_secret = read_secret(f"Client secret for {account.display_name} ({account.id}): ")

        async def open_url(url: str) -> None:
            print("Open this address in your browser to sign in:", flush=True)
            print(url, flush=True)
            if open_browser:
                webbrowser.open(url)

        message = _run(lambda s: s.sign_in(account, open_url, client_secret=client_secret, timeout_s=timeout), store)
    else:
        secret = secret_for(account)
        assert secret is not None
        value = read_secret(secret.prompt)
        print(f"Checking with {KIND_NAMES.get(account.kind, account.kind)}…", flush=True)
        message = _run(lambda s: s.store_secret(account, value), store)
        message += f" The {secret.label.lower()} is stored."
    print(message, flush=True)
    _tell_running_instance(paths, account.id)
    return EXIT_OK


def list_accounts(paths: Paths, settings: Settings) -> int:
    """Every account with its state, checked live and at once; never a secret."""
    if not settings.accounts:
        print(f"No accounts are configured (add them in Settings, or in {paths.config_file}).")
        return EXIT_OK
    problem = keyring_problem()
    if problem is not None and not settings.general.store_secrets_in_file:
        print(problem, file=sys.stderr)
        for account in settings.accounts:
            print(f"{account.id}  {AccountState.ERROR.value}: no usable keyring (see above)")
        return EXIT_FAIL
    store = open_secrets(paths, settings)

    async def all_states(service: AccountService) -> list[AccountStatus]:
        return list(await asyncio.gather(*(service.status(a) for a in settings.accounts)))

    states = _run(all_states, store)
    width = max(len(a.id) for a in settings.accounts)
    for account, status in zip(settings.accounts, states, strict=True):
        kind = KIND_NAMES.get(account.kind, account.kind)
        print(f"{account.id:<{width}}  {kind:<14} {status.state.value:<13} {status.detail}")
    return EXIT_OK if all(s.state is not AccountState.ERROR for s in states) else EXIT_FAIL


def disconnect(paths: Paths, settings: Settings, account: Account) -> int:
    store = open_secrets(paths, settings)
    print(_run(lambda s: s.disconnect(account), store), flush=True)
    _tell_running_instance(paths, account.id)
    return EXIT_OK
