"""Everything the running app is made of, except the widgets: database, connectors, lookups,
outbox, switchboard, call sources and the instance door. Built and started on a running asyncio loop
(qasync in the app, the same in the UI tests)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.accounts.hooks import AppHooks
from app.config import settings as settings_mod
from app.config.paths import Paths
from app.config.settings import GeneralSettings, Settings
from app.core.assembly import build_core
from app.core.cache import CachePolicy, LookupCache
from app.core.calls import CallPolicy
from app.core.lookup import Account, LookupService
from app.core.models import CallEvent
from app.core.outbox import OutboxPolicy
from app.core.ports import Connector
from app.core.reminders import Reminder
from app.core.tasks import log_error
from app.core.views import SwitchboardListener, Windows
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.retailcrm.settings import RetailCrmAccount
from app.errors import NotStored, RingsideError
from app.runtime import asyncgen
from app.runtime.instance import Handlers, InstanceServer
from app.storage.cache_db import CacheStore
from app.storage.db import Database
from app.storage.secret_file import secrets_file
from app.storage.secrets import KeyringSecrets, SecretStore
from app.telephony.simulator import SOURCE as SIMULATOR
from app.telephony.simulator import Simulator

if TYPE_CHECKING:
    # What only accounts, call sources and a dialer bring (HTTP clients, listeners): imported when
    # the settings name one, so a Ringside with none starts without them.
    import httpx

    from app.crm._shared.oauth_tokens import OAuthClient
    from app.crm.peer import TelephonyPeer
    from app.telephony.sources import CallSource

log = logging.getLogger(__name__)

RETENTION_EVERY_S = 24 * 3600
SIGN_IN_CHECK_EVERY_S = 24 * 3600


@dataclass
class Runtime:
    paths: Paths
    settings: Settings
    listener: SwitchboardListener
    secrets: SecretStore = field(default_factory=KeyringSecrets)
    demo_callers: list[tuple[str, str]] = field(default_factory=list)
    # The windows a second `ringside` or "Sign in again" for a password account asks for (the UI's
    # bridge in the app; none when headless).
    windows: Windows = field(default_factory=lambda: NoWindows())
    # How a due call-back reminder is shown (the bridge's notice with Call back); None: a plain message.
    notify_reminder: Callable[[Reminder], None] | None = None
    # "Sign in again": how to open the sign-in address (the app passes Qt's opener; tests a pretend browser).
    open_url: Callable[[str], object] = lambda url: _system_browser(url)
    # How the system dialer opens tel: URLs (None: xdg-open / open / the Windows shell); tests capture it.
    open_tel: Callable[[str], Awaitable[None]] | None = None
    # Where errors of background tasks go (the app also shows them to the recruiter).
    on_error: Callable[[BaseException], None] = log_error
    # The app's clock (UTC): when a sign-in's end is near. Tests set it.
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    # The door the app opened before building the runtime (None: the runtime makes its own).
    door: InstanceServer | None = None

    def __post_init__(self) -> None:
        self.paths.ensure()
        self.db = Database(self.paths.database)
        # The one running instance (the lock says so): whatever is open was left by a kill. Queued
        # first on the writer thread, so it runs before any write of this run's calls.
        self.db.close_interrupted_calls().add_done_callback(_log_closed)
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.token_clients: dict[str, OAuthClient] = {}  # OAuth accounts' token clients, by account id
        self.connectors: dict[str, Connector] = self._build_connectors()
        self.warm_ups: list[asyncio.Task[Any]] = []  # started with the runtime, never awaited by it
        cache = self.settings.cache
        self.cache = LookupCache(CacheStore(self.db.connection, self.db.writer), CachePolicy(
            cache.enabled, cache.found_ttl_hours * 3600, cache.not_found_ttl_hours * 3600))
        self.lookup = LookupService(self._accounts(), self.cache)
        callers = self.demo_callers or list(self.settings.simulator.callers.items())
        self.core = build_core(
            lookup=self.lookup, connectors=self.connectors, store=self.db, notes_store=self.db, drafts_store=self.db,
            reminders_store=self.db, notify_reminder=self.notify_reminder,
            outbox_policy=OutboxPolicy(**self.settings.outbox.model_dump()), listener=self.listener,
            policy=_policy(self.settings.general), demo_callers=callers, sign_in=self.sign_in,
            on_error=self.on_error)
        self.outbox = self.core.outbox
        self.switchboard = self.core.switchboard  # calls: events and sessions
        self.controls = self.core.controls  # the recruiter's intents (what the UI is given)
        self.simulator = Simulator(self.switchboard.handle)
        self.switchboard.register_control(SIMULATOR, self.simulator)
        self.sources: list[CallSource] = self._build_sources()
        self._build_dialer()
        # The telephony side retailCRM and FixDigital expect (their callbacks, retailCRM's upload
        # queue): made when an account of theirs is configured.
        self._peer: TelephonyPeer | None = None
        self._restore_asyncgen_hooks: Callable[[], None] = lambda: None
        self._attach_peer()
        self.instance = self.door or InstanceServer(self.paths.instance_file)
        self.instance.attach(Handlers(
            event=self._handle_stored, show=self._show, accounts_changed=self.reload_accounts,
            default_region=lambda: self.switchboard.default_region,
            dial=self.switchboard.place_call,
        ))

    def _build_sources(self) -> list[CallSource]:
        if not self.settings.sources:
            return []
        from app.telephony.baresip import BaresipSource
        from app.telephony.sources import SourceContext, build_sources

        sources = build_sources(self.settings.sources, SourceContext(
            emit=self.switchboard.handle, emit_stored=self._handle_stored, notify=self.listener.message,
            data_dir=self.paths.data_dir,
            softphone_status=self.core.tray.softphone_status,
            default_region=lambda: self.switchboard.default_region))
        for source in sources:
            if isinstance(source, BaresipSource):  # a softphone answers and hangs up its own calls
                self.switchboard.register_control(source.name, source)
        return sources

    @property
    def peer(self) -> TelephonyPeer:
        if self._peer is None:
            self._peer = _new_peer(self)
        return self._peer

    def _attach_peer(self) -> None:
        if self._peer is not None or any(isinstance(a, (RetailCrmAccount, FixDigitalAccount)) and a.enabled
                                         for a in self.settings.accounts):
            self.peer.attach(self.connectors)

    def _build_connectors(self) -> dict[str, Connector]:
        connectors: dict[str, Connector] = {}
        self.token_clients = {}
        enabled = [account for account in self.settings.accounts if account.enabled]
        if not enabled:
            return connectors
        import httpx

        from app.crm.registry import build

        for account in enabled:
            client = self.clients.get(account.id)
            if client is None:
                client = self._new_client(httpx.Timeout(account.timeout_s + 2, connect=account.timeout_s),
                                          limits=httpx.Limits(max_keepalive_connections=4))
                self.clients[account.id] = client
            built = build(account, client, self.secrets)
            if built is not None:
                connectors[account.id] = built.connector
                if built.tokens is not None:
                    self.token_clients[account.id] = built.tokens
        return connectors


    def _build_dialer(self) -> None:
        """[dialer] → the switchboard's dialer; a broken section is what `dial` then says."""
        if self.settings.dialer is None:  # what build_dialer says of no [dialer], without importing it
            self.switchboard.set_dialer(None)
            return
        from app.telephony.dialers import DialerContext, build_dialer

        try:
            dialer = build_dialer(DialerContext(self.settings, self.sources, self.secrets, self._http_client,
                                                self.open_tel))
        except RingsideError as exc:
            self.switchboard.set_dialer(None, problem=str(exc))
            return
        self.switchboard.set_dialer(dialer)

    def _http_client(self, account_id: str) -> httpx.AsyncClient:
        client = self.clients.get(account_id)
        if client is None:
            import httpx

            client = self.clients[account_id] = self._new_client(httpx.Timeout(10.0, connect=5.0))
        return client

    def _new_client(self, timeout: httpx.Timeout, **options: object) -> httpx.AsyncClient:
        """A pooled client carrying [limits]: how much of an answer is read, how long a request lasts."""
        from app.crm._shared.answers import BoundedClient

        limits = self.settings.limits
        return BoundedClient(max_answer_bytes=limits.max_answer_kb * 1024, deadline_s=limits.request_deadline_s,
                             timeout=timeout, **options)

    def _accounts(self) -> list[Account]:
        timeouts = {a.id: a.timeout_s for a in self.settings.accounts}
        records = self.settings.limits.max_records
        return [Account(c, timeouts.get(c.account_id, 3.0), records) for c in self.connectors.values()]

    async def start(self) -> None:
        self._restore_asyncgen_hooks = asyncgen.close_in_tasks(asyncio.get_running_loop())
        if not self.instance.listening:  # the app opened it already, before its tray showed
            await self.instance.start()
        for source in self.sources:
            try:
                await source.start()
            except RingsideError as exc:  # e.g. the webhook's port is taken: say so, run without it
                self.listener.message(str(exc), error=True)
        if self._peer is not None:
            await self._peer.start()
        if self.db.moved_aside is not None:
            salvaged = (f" {self.db.salvaged} note(s) not yet sent were recovered from it and will be sent."
                        if self.db.salvaged else "")
            self.listener.message(f"Ringside's database could not be read, so it was moved aside to "
                                  f"{self.db.moved_aside} and a fresh one started.{salvaged}", error=True)
        self.cache.prune()
        self.core.tasks.spawn(self._keep_retention())
        self.warn_of_sign_in_ends()
        self.core.tasks.spawn(self._keep_warning_of_sign_in_ends())
        self.core.tasks.spawn(self.outbox.run())
        self.core.tasks.spawn(self.core.reminders.run())  # due ones (set before a restart) fire now
        self.core.tasks.spawn(self.core.switchboard.collect_garbage())
        self.core.tray.refresh()  # notes a past run left failed or unconfirmed need attention
        if self.sources:
            from app.telephony.baresip import BaresipSource  # loaded already, with the sources

            for source in self.sources:  # not connected yet (it tells when it is): the tray shows it
                if isinstance(source, BaresipSource) and not source.connected:
                    self.core.tray.softphone_status(source.name, False, source.description)
        # Warm each account's connection pool so the first ring doesn't pay for DNS + TLS.
        self.warm_ups = [self.core.tasks.spawn(connector.warm_up()) for connector in self.connectors.values()]

    async def _keep_retention(self) -> None:
        """[general] keep_days: older calls and notes are erased now and once a day."""
        while True:
            try:
                purged = await asyncio.wrap_future(self.db.purge_off_loop(self.settings.general.keep_days))
                if purged.calls or purged.notes:
                    log.info("Erased %d call(s) and %d note(s) older than %d days", purged.calls,
                             purged.notes, self.settings.general.keep_days)
            except RingsideError as exc:
                log.warning("Old calls could not be erased: %s", exc)
            await asyncio.sleep(RETENTION_EVERY_S)

    async def _keep_warning_of_sign_in_ends(self) -> None:
        """Once a day after the start's: a sign-in that ends within a week says so."""
        while True:
            await asyncio.sleep(SIGN_IN_CHECK_EVERY_S)
            self.warn_of_sign_in_ends()

    def warn_of_sign_in_ends(self) -> None:
        """A message for each sign-in that ends within its warning period (Recruit Wizard's lasts 60
        days from the browser sign-in, however often it is refreshed; a week's notice)."""
        if not self.token_clients:
            return
        from app.accounts.identity import ending_soon, warning

        now = self.clock()
        names = {a.id: a.display_name for a in self.settings.accounts}
        for account_id, tokens in self.token_clients.items():
            try:
                ends = ending_soon(tokens, now)
            except RingsideError as exc:  # the keyring can't be read: the next lookup says so
                log.info("%s: sign-in end unknown: %s", account_id, exc)
                continue
            if ends is not None:
                self.listener.message(warning(names.get(account_id, tokens.config.service), ends, now))

    async def stop(self) -> None:
        await self.instance.stop()
        for source in self.sources:
            await source.stop()
        await self.outbox.aclose()  # lets notes on the wire finish, so their outcome is known
        await self.core.tasks.aclose()
        for connector in self.connectors.values():
            await connector.aclose()
        if self._peer is not None:
            await self._peer.stop()
        for client in self.clients.values():
            await client.aclose()
        self.core.book.write_held()  # a ring of the last moment still reaches history
        self.db.close()
        self._restore_asyncgen_hooks()

    async def reload_accounts(self, account_id: str | None = None) -> None:
        """Settings or secrets changed in another process: rebuild connectors from config.toml."""
        try:
            self.settings = settings_mod.load(self.paths.config_file)
        except Exception as exc:
            self.listener.message(str(exc), error=True)
            return
        old = self.connectors
        self.connectors = self._build_connectors()
        self.lookup.replace_accounts(self._accounts())
        self.outbox.set_connectors(self.connectors)
        self._attach_peer()
        if self._peer is not None:
            await self._peer.start()  # the first retailCRM or FixDigital account starts the callbacks
        for connector in old.values():
            await connector.aclose()
        self.apply_general(self.settings.general)
        self._build_dialer()  # a Puzzel dialer's account (or [dialer] itself) may have changed
        self.core.tray.signed_in(account_id)
        log.info("Accounts reloaded (%s)", account_id or "all")

    def apply_general(self, general: GeneralSettings) -> None:
        """[general] takes effect at once, for the next call (the card position is the UI's)."""
        self.switchboard.set_policy(_policy(general))

    def sign_in(self, account_id: str) -> None:
        """Controls.sign_in: the browser sign-in for one account, run in the app."""
        from app.accounts.reconnect import sign_in_again

        self.core.tasks.spawn(sign_in_again(self.account_hooks(), account_id))

    def account_hooks(self) -> AppHooks:
        """What the in-app account operations (Settings, "Sign in again") may use of the app. The
        callables read the attributes when called, so what the app swaps in later is what they use."""
        return AppHooks(
            settings=lambda: self.settings, secrets=lambda: self.secrets, use_secrets=self._use_secrets,
            config_file=self.paths.config_file, secrets_file=secrets_file(self.paths),
            reload_accounts=self.reload_accounts, spawn=self.core.tasks.spawn, signed_in=self._signed_in,
            client=self.clients.get, open_url=lambda url: self.open_url(url), open_settings=self._open_settings,
            report=self.listener.message, now=self.clock)

    def _use_secrets(self, secrets: SecretStore) -> None:
        self.secrets = secrets

    def _signed_in(self, account_id: str) -> None:
        tokens = self.token_clients.get(account_id)
        if tokens is not None:
            tokens.reload()  # forget the cached tokens: the next request reads the new ones
        self.core.tray.signed_in(account_id)

    def _open_settings(self, account_id: str) -> bool:
        return self.windows.open_settings(account_id)

    async def _handle_stored(self, event: CallEvent) -> str | None:
        """The switchboard's `handle` for sources that answer someone: the card shows at once, the
        answer waits until the call is committed, and NotStored says when it could not be, so nobody
        is told "ok" about it."""
        call_id = self.switchboard.handle(event)
        reason = await self.core.book.stored(call_id) if call_id is not None else None
        if reason is not None:
            raise NotStored(f"shown, not stored: {reason}")
        return call_id

    def _show(self) -> None:
        self.windows.show_main()


def _new_peer(rt: Runtime) -> TelephonyPeer:
    from app.crm.peer import TelephonyPeer

    return TelephonyPeer(database=rt.paths.database, settings=lambda: rt.settings, secrets=rt.secrets,
                         set_presence=rt.core.tray.set_presence, dial=rt.switchboard.place_call,
                         default_region=lambda: rt.switchboard.default_region, report=rt.listener.message)


class NoWindows:
    """Windows of a headless run: nothing to show."""

    def show_main(self) -> None:
        pass

    def open_settings(self, account_id: str | None) -> bool:
        return False


def _policy(general: GeneralSettings) -> CallPolicy:
    return CallPolicy(default_region=general.default_region, auto_log=general.auto_log, pop_on=general.pop_on)


def _system_browser(url: str) -> bool:
    # Imported when used: the app passes Qt's opener, so only a headless runtime loads webbrowser.
    import webbrowser

    return webbrowser.open(url)


def _log_closed(done: Future[int]) -> None:
    exc = done.exception()
    if isinstance(exc, NotStored):  # a read-only or full database: calls still show, saving says it fails
        log.warning("Calls the last run left open could not be closed: %s", exc)
    elif exc is not None:
        log.error("Closing the calls the last run left open failed", exc_info=exc)
    elif done.result():
        log.info("Closed %d call(s) the last run left open", done.result())
