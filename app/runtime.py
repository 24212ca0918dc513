"""Everything the running app is made of, except the widgets: database, connectors, lookups,
outbox, switchboard, call sources and the instance door. Built and started on a running asyncio loop
(qasync in the app, the same in the UI tests)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from app.connectors.base import Connector
from app.connectors.registry import build_connector
from app.core.errors import RingsideError
from app.core.lookup import Account, LookupService
from app.core.models import CallEvent
from app.core.outbox import Outbox
from app.core.switchboard import Switchboard
from app.core.views import SwitchboardListener
from app.instance import EventRequest, Handlers, InstanceServer
from app.storage import settings as settings_mod
from app.storage.db import Database
from app.storage.paths import Paths
from app.storage.secrets import KeyringSecrets, SecretStore
from app.storage.settings import Settings
from app.telephony.baresip import BaresipSource
from app.telephony.simulator import SOURCE as SIMULATOR
from app.telephony.simulator import Simulator
from app.telephony.sources import CallSource, SourceContext, build_sources

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    paths: Paths
    settings: Settings
    listener: SwitchboardListener
    secrets: SecretStore = field(default_factory=KeyringSecrets)
    demo_callers: list[tuple[str, str]] = field(default_factory=list)
    on_show: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.paths.ensure()
        self.db = Database(self.paths.database)
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.connectors: dict[str, Connector] = self._build_connectors()
        self.lookup = LookupService(self._accounts())
        self.outbox = Outbox(self.db, self.connectors, on_change=lambda row: self.switchboard.note_changed(row))
        general = self.settings.general
        callers = self.demo_callers or list(self.settings.simulator.callers.items())
        self.switchboard = Switchboard(
            lookup=self.lookup, outbox=self.outbox, store=self.db, listener=self.listener,
            default_region=general.default_region, auto_log=general.auto_log, pop_on=general.pop_on,
            demo_callers=callers,
        )
        self.simulator = Simulator(self.switchboard.handle)
        self.switchboard.register_control(SIMULATOR, self.simulator)
        self.sources: list[CallSource] = build_sources(self.settings.sources, SourceContext(
            emit=self.switchboard.handle, notify=self.listener.message, data_dir=self.paths.data_dir,
            default_region=lambda: self.switchboard.default_region))
        for source in self.sources:
            if isinstance(source, BaresipSource):  # a softphone answers and hangs up its own calls
                self.switchboard.register_control(source.name, source)
        self.instance = InstanceServer(self.paths.instance_file, Handlers(
            event=self._forwarded_event, show=self._show, accounts_changed=self.reload_accounts,
            default_region=lambda: self.switchboard.default_region,
        ))

    def _build_connectors(self) -> dict[str, Connector]:
        connectors: dict[str, Connector] = {}
        for account in self.settings.accounts:
            if not account.enabled:
                continue
            client = self.clients.get(account.id)
            if client is None:
                client = httpx.AsyncClient(timeout=httpx.Timeout(account.timeout_s + 2, connect=account.timeout_s),
                                           limits=httpx.Limits(max_keepalive_connections=4))
                self.clients[account.id] = client
            connector = build_connector(account, client, self.secrets)
            if connector is not None:
                connectors[account.id] = connector
        return connectors

    def _accounts(self) -> list[Account]:
        timeouts = {a.id: a.timeout_s for a in self.settings.accounts}
        return [Account(c, timeouts.get(c.account_id, 3.0)) for c in self.connectors.values()]

    async def start(self) -> None:
        await self.instance.start()
        for source in self.sources:
            try:
                await source.start()
            except RingsideError as exc:  # e.g. the webhook's port is taken: say so, run without it
                self.listener.message(str(exc), error=True)
        self.switchboard.spawn(self.outbox.run())
        # Warm each account's connection pool so the first ring doesn't pay for DNS + TLS.
        for connector in self.connectors.values():
            warm = getattr(connector, "warm_up", None)
            if warm is not None:
                self.switchboard.spawn(warm())

    async def stop(self) -> None:
        await self.instance.stop()
        for source in self.sources:
            await source.stop()
        await self.switchboard.aclose()
        for connector in self.connectors.values():
            await connector.aclose()
        for client in self.clients.values():
            await client.aclose()
        self.db.close()

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
        for connector in old.values():
            await connector.aclose()
        log.info("Accounts reloaded (%s)", account_id or "all")

    def _forwarded_event(self, request: EventRequest) -> str | None:
        event = CallEvent(type=request.type, number=request.number, direction=request.direction,
                          call_id=request.call_id, source="cli", at=datetime.now(UTC),
                          received_ns=time.perf_counter_ns())
        return self.switchboard.handle(event)

    def _show(self) -> None:
        for callback in self.on_show:
            callback()
