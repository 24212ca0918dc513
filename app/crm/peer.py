"""The telephony side Ringside plays for the CRMs that expect one (retailCRM, FixDigital): the callback
server they call, and the durable queue of calls waiting to go into retailCRM's call history.

The runtime builds one `TelephonyPeer`, hands it each new set of connectors (`attach`) and starts
and stops it with the app. The server runs only while a retailCRM or FixDigital account is enabled.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from app.config.settings import Settings
from app.core.ports import Connector
from app.crm.callbacks import CallbackContext, CallbackError, CallbackServer
from app.crm.fixdigital import callbacks as fixdigital_callbacks
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.retailcrm import callbacks as retailcrm_callbacks
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.retailcrm.upload_queue import UploadQueue
from app.storage.call_list import CallList
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

PEER_KINDS = (RetailCrmAccount, FixDigitalAccount)


class TelephonyPeer:
    def __init__(
        self,
        *,
        database: Path,
        settings: Callable[[], Settings],
        secrets: SecretStore,
        set_presence: Callable[[str, str | None], None],
        dial: Callable[[str], Awaitable[object]],
        default_region: Callable[[], str | None],
        report: Callable[..., None],
    ) -> None:
        self._settings = settings
        self._report = report  # the listener's `message(text, error=…)`
        self.queue = UploadQueue(database)
        self.call_list = CallList(database)

        context = CallbackContext(accounts=lambda: settings().accounts, dial=dial, set_presence=set_presence,
                                  secrets=secrets, call_list=self.call_list, default_region=default_region)
        self.server = CallbackServer(settings().callbacks.listen, context,
                                     [retailcrm_callbacks.mount, fixdigital_callbacks.mount],
                                     public_url=settings().callbacks.public_url)

    def attach(self, connectors: Mapping[str, Connector]) -> None:
        """Give retailCRM connectors the durable upload queue (they start with one in memory)."""
        for connector in connectors.values():
            if isinstance(connector, RetailCrmConnector):
                connector.use_upload_queue(self.queue)

    @property
    def wanted(self) -> bool:
        return any(isinstance(a, PEER_KINDS) and a.enabled for a in self._settings().accounts)

    async def start(self) -> None:
        """Start the callback server if an account needs it (call again after accounts changed). A port
        that is taken is reported; Ringside runs on without the callbacks."""
        if self.wanted and not self.server.running:
            try:
                await self.server.start()
            except CallbackError as exc:
                self._report(str(exc), error=True)

    async def stop(self) -> None:
        await self.server.stop()
        self.queue.close()
        self.call_list.close()
