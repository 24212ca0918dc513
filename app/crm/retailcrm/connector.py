"""retailCRM (API v5): Ringside as the CRM's telephony peer.

- Lookup: `GET telephony/manager?phone=&details=1&ignoreStatus=1` (customer, responsible manager, links), and when no
  customer comes back `GET customers?filter[name]=<number>&limit=20`.
- Calls: `POST telephony/call/event` — `in`/`out` when a call starts (retailCRM pops its own call card),
  `hangup` with its status when it ends; then the call goes into retailCRM's history with
  `POST telephony/calls/upload` (`externalId` = Ringside's call id, so a resend is harmless). Calls
  are queued durably first and sent in batches of at most 50 while retailCRM can't take them.
- Notes: `POST customers/notes/create` against the matched customer.
- `register()`: the integration module (`integration-modules/{code}/edit`) with our callback URLs.

The API key (`X-API-KEY`) is read from the keyring (`<id>:apikey`) on every request, so a new key
works without a restart. Requests are paced to retailCRM's limits and backed off when throttled
(app.crm.retailcrm.http). A call the softphone recorded is uploaded with a `recordUrl` on Ringside's
callback server (`public_url`), behind a token of its own (app.crm.retailcrm.recordings).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Any, TypeVar

import httpx

from app.core.models import CallEvent, CallNotice, EventType, Job, NoteDraft, Receipt, Record
from app.core.phone import CallerNumber
from app.core.ports import Capabilities, ConnectorBase, FoundPerson
from app.crm._shared.call_steps import CallSteps
from app.crm.retailcrm import check as retailcrm_check
from app.crm.retailcrm import wire
from app.crm.retailcrm.http import RetailHttp
from app.crm.retailcrm.recordings import SHELF, Recordings, record_url
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.retailcrm.upload_queue import QueuedCall, UploadQueue
from app.errors import ConnectorError, NeedsSignIn, RateLimited, Rejected
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

A = TypeVar("A", bound=wire.Answer)

MAX_RETRY_S = 300.0


class _KeyringKey:
    """`X-API-KEY` from the keyring, read before every request. A refused key cannot be refreshed."""

    def __init__(self, account: RetailCrmAccount, secrets: SecretStore) -> None:
        self._account = account
        self._secrets = secrets

    async def headers(self) -> dict[str, str]:
        return {"X-API-KEY": retailcrm_check.api_key(self._account, self._secrets)}

    async def refresh(self, failed: Mapping[str, str]) -> None:
        raise NeedsSignIn(f"retailCRM refused the API key of account '{self._account.id}'.")


class RetailCrmConnector(ConnectorBase):
    def __init__(
        self,
        account: RetailCrmAccount,
        client: httpx.AsyncClient,
        secrets: SecretStore,
        *,
        queue: UploadQueue | None = None,
        tz: tzinfo | None = None,
        recordings: Recordings = SHELF,
    ) -> None:
        self.account = account
        self.account_id = account.id
        self.label = account.display_name
        self.capabilities = Capabilities(lookup=True, log_call=True, notify=True, search_people=True)
        self._tz = tz or wire.zone(account)
        self._http = RetailHttp(client, base_url=account.api_url + wire.API_PREFIX,
                                auth=_KeyringKey(account, secrets), headers={"Accept": "application/json"})
        self._recordings = recordings
        self.queue = queue or UploadQueue()
        self._own_queue = queue is None  # the in-memory one: ours to close
        self._steps = CallSteps()
        self._announced: dict[str, None] = {}  # call ids whose in/out event went out (insertion-ordered)
        self._flush_lock = asyncio.Lock()
        self._retry: asyncio.Task[None] | None = None
        self._failures = 0

    def use_upload_queue(self, queue: UploadQueue) -> None:
        """The durable queue (Ringside's database) instead of the in-memory one it starts with."""
        if self._own_queue:
            self.queue.close()
        self.queue, self._own_queue = queue, False

    # -- one request -----------------------------------------------------------------------------

    async def _call(self, method: str, path: str, shape: type[A], what: str, *,
                    params: Mapping[str, str] | None = None, form: Mapping[str, str] | None = None) -> A:
        """Send (paced, backed off when throttled); turn `success: false` and a refused key into words."""
        try:
            response = await self._http.send(method, path, params=params, data=form)
        except Rejected as exc:
            if exc.status == 403 and "apikey" in str(exc).lower():
                raise NeedsSignIn(f"retailCRM refused the API key of account '{self.account_id}'. Enter the "
                                  f"right one: `ringside account connect {self.account_id}`.") from None
            # Name what was refused ("the note"), not "the request".
            raise Rejected(str(exc).replace("refused the request", f"refused {what}", 1), exc.status) from None
        answer = self._http.parse(self._http.decode(response), shape, what)
        if not answer.success:
            raise Rejected(wire.readable(answer, what), response.status_code)
        return answer

    # -- lookup ------------------------------------------------------------------------------------

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        answer = await self._call("GET", "/telephony/manager", wire.ManagerAnswer, "the customer for a number",
                                  params=wire.manager_query(caller))
        if answer.customer is not None:
            return [wire.customer_record(self.account, answer.customer, answer.manager, answer.links)]
        found = await self._call("GET", "/customers", wire.CustomersAnswer, "a customer search",
                                 params={"filter[name]": wire.search_text(caller), "limit": str(wire.SEARCH_LIMIT)})
        return [wire.customer_record(self.account, c) for c in found.customers]

    async def search_people(self, text: str) -> list[FoundPerson]:
        """Customers by name: the same `customers?filter[name]=` search, with the typed words."""
        found = await self._call("GET", "/customers", wire.CustomersAnswer, "a customer search",
                                 params={"filter[name]": text.strip(), "limit": str(wire.SEARCH_LIMIT)})
        people = (wire.to_found(self.account, c) for c in found.customers)
        return [p for p in people if p is not None]

    async def open_jobs(self, record: Record) -> list[Job]:
        return []  # retailCRM has orders, not jobs: the card links to them instead

    # -- notes ---------------------------------------------------------------------------------------

    async def log_call(self, note: NoteDraft) -> Receipt:
        form = {"note": wire.form_json(wire.note_body(self.account, note))}
        if self.account.site:
            form["site"] = self.account.site
        answer = await self._call("POST", "/customers/notes/create", wire.CreatedAnswer, "the note", form=form)
        remote = str(answer.id) if answer.id not in (None, "") else None
        return Receipt(account_id=self.account_id, remote_id=remote, detail=f"Logged in {self.label}")

    # -- call events -----------------------------------------------------------------------------------

    async def notify(self, event: CallEvent) -> None:
        """`in`/`out` when a call starts, `hangup` and the call's upload when it ends. Raises what went
        wrong with the event (the switchboard says it once); upload problems only delay the upload."""
        if not isinstance(event, CallNotice) or event.call_id is None or not event.number.is_number:
            log.debug("%s: a call event without Ringside's call details is not sent", self.account_id)
            return
        async with self._steps.step(event.call_id):
            if event.type is EventType.HANGUP:
                await self._ended(event)
            elif event.call_id not in self._announced:  # a ring, or an answer we never heard ring
                await self._event(event, hangup=False)
                self._announced[event.call_id] = None
                while len(self._announced) > 256:
                    self._announced.pop(next(iter(self._announced)))
        if event.type is EventType.HANGUP:
            self._steps.forget(event.call_id)

    async def _ended(self, notice: CallNotice) -> None:
        assert notice.call_id is not None
        self._announced.pop(notice.call_id, None)
        # Stored before anything is sent: a failure or a crash only delays the call's upload.
        body = wire.upload_body(self.account, notice, self._tz, self._record_url(notice))
        self.queue.add(self.account_id, notice.call_id, body)
        try:
            await self._event(notice, hangup=True)
        finally:
            await self.flush_uploads()

    def _record_url(self, notice: CallNotice) -> str | None:
        """Where retailCRM can fetch the call's recording: only when there is one and a public address."""
        if not notice.recording or not self.account.public_url:
            return None
        path = Path(notice.recording)
        if not path.is_file():
            log.info("%s: call %s has no recording file at hang-up", self.account_id, notice.call_id)
            return None
        return record_url(self.account.public_url, self._recordings.offer(path))

    async def _event(self, notice: CallNotice, *, hangup: bool) -> None:
        # Only the documented `event=` field: the CallEvent entity has no clientId.
        form = {"event": wire.form_json(wire.event_body(self.account, notice, hangup=hangup))}
        answer = await self._call("POST", "/telephony/call/event", wire.EventAnswer, "the call event", form=form)
        if answer.not_exist_codes or answer.not_exist_users:
            unknown = [f"extension code {c}" for c in answer.not_exist_codes]
            unknown += [f"user {u}" for u in answer.not_exist_users]
            raise Rejected(f"retailCRM doesn't know {' or '.join(unknown)}, so nobody sees the call there. Check "
                           f"`code` and `user_id` of account '{self.account_id}', then run "
                           f"`ringside retailcrm register {self.account_id} --public-url …`.")

    # -- call history uploads -----------------------------------------------------------------------------

    async def flush_uploads(self) -> int:
        """Send queued calls, at most 50 per request, until none is left or retailCRM can't take them
        (then a retry is scheduled). Returns how many retailCRM has now. Never raises a CRM problem."""
        sent = 0
        async with self._flush_lock:
            while batch := self.queue.pending(self.account_id, wire.MAX_UPLOAD):
                try:
                    sent += await self._upload(batch)
                except ConnectorError as exc:
                    ids = [c.external_id for c in batch]
                    self.queue.failed(self.account_id, ids, str(exc))
                    self._schedule_retry(exc)
                    log.info("%s: %d call(s) wait for upload: %s", self.account_id, len(batch), exc)
                    break
            else:
                self._failures = 0
        return sent

    async def _upload(self, batch: list[QueuedCall]) -> int:
        try:
            answer = await self._post_calls([c.body for c in batch])
        except Rejected as exc:
            if len(batch) == 1:  # this very call is refused: keep it for inspection, never resend
                self.queue.refused(self.account_id, batch[0].external_id, str(exc))
                log.warning("%s: retailCRM refused call %s: %s", self.account_id, batch[0].external_id, exc)
                return 0
            # One bad call must not hold the others back: send them one by one to find it.
            return sum([await self._upload([call]) for call in batch])
        ids = [c.external_id for c in batch]
        self.queue.done(self.account_id, ids)
        return answer.processed_calls_count + len(answer.duplicate_calls)

    async def _post_calls(self, calls: list[dict[str, Any]]) -> wire.UploadAnswer:
        form = {"calls": wire.form_json(calls)}  # clientId rides in each call entry (wire.upload_body)
        return await self._call("POST", "/telephony/calls/upload", wire.UploadAnswer, "the call history", form=form)

    def _schedule_retry(self, exc: ConnectorError) -> None:
        self._failures += 1
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            delay = exc.retry_after
        else:
            delay = min(2.0 * 2 ** self._failures, MAX_RETRY_S) * random.uniform(0.75, 1.25)
        if self._retry is None or self._retry.done():
            self._retry = asyncio.get_running_loop().create_task(self._retry_after(delay))

    async def _retry_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._retry = None  # so that a failure now schedules the next try
        try:
            await self.flush_uploads()
        except Exception:  # a bug must not leave the task's error unseen
            log.exception("%s: retrying call uploads failed", self.account_id)

    async def warm_up(self) -> None:
        """At start: send calls left over from the last run."""
        await self.flush_uploads()

    # -- the integration module --------------------------------------------------------------------------

    async def register(self, *, make_call_url: str, status_url: str, logo_url: str,
                       account_url: str) -> dict[str, Any]:
        """Create or update the integration module; returns it as retailCRM now has it."""
        problems = [name for name, value in (("client_id", self.account.client_id), ("code", self.account.code),
                                             ("user_id", self.account.user_id)) if value in ("", None)]
        if problems:
            raise Rejected(f"Account '{self.account_id}' needs {', '.join(problems)} in config.toml before the "
                           "integration can be registered.")
        module = wire.module_body(self.account, make_call_url=make_call_url, status_url=status_url,
                                  logo_url=logo_url, account_url=account_url)
        code = self.account.integration_code
        await self._call("POST", f"/integration-modules/{code}/edit", wire.Answer, "the integration module",
                         form={"integrationModule": wire.form_json(module)})
        answer = await self._call("GET", f"/integration-modules/{code}", wire.ModuleAnswer, "the integration module")
        return answer.integration_module or module

    async def aclose(self) -> None:
        """Stop a pending retry (a durable queue keeps its calls); the injected client is closed by its owner."""
        retry, self._retry = self._retry, None
        if retry is not None and not retry.done():
            retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await retry
        if self._own_queue:
            self.queue.close()
