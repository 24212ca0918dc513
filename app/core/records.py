"""Records created from a call's card, and whether a note's record can be linked.

Creating (the Create contact / candidate / lead forms, a CV dropped on the card): the connector call
runs as an owned task, while `CallView.creations` says "Creating…" and then how it went,
in the recruiter's words (the CRM already having the person — TrackerRMS's status 3 — is explained,
not shown as a fault). After a success the lookup cache forgets the number and the account is asked
about it again, so the card shows the new record; the id the CRM gave is filled into it (TrackerRMS's
checkPerson gives none), and a new record the CRM does not yet find by the number (a CV carries no
number) is added to the card all the same, saying so — so the call's note can be logged against it.

Linking (decided here): a record without an id, from an account whose capabilities say `resolve_ids`
(TrackerRMS), is resolved through its connector's `resolve` when the note form opens, and again when
the recruiter picks another record for an ended call. A record that cannot be resolved goes into
`CallView.unlinked` with the reason; the note form unticks it and offers to pick another match or
create the record. Delivery checks once more (the connector raises NotResolved, and the note fails
with that reason), so a note is never logged against nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from pathlib import Path
from typing import Any, Literal

import phonenumbers

from app.core.calls import CallBook
from app.core.lookup import Account, LookupService
from app.core.models import AccountResult, LookupStatus, Record, RecordType
from app.core.ports import Connector, CreatedRecord, NewPerson, NewRecordKind
from app.core.session import CallSession
from app.core.tasks import Tasks
from app.core.tray_state import TrayStatus
from app.core.views import Creatable, CreateStatus, Creation, SwitchboardListener
from app.errors import AlreadyExists, ConnectorError, Rejected, Unavailable

log = logging.getLogger(__name__)

CREATE_TIMEOUT_S = 30.0  # a CV upload to a slow CRM takes a while; longer than any lookup
RESOLVE_TIMEOUT_S = 10.0
RESUME_SUFFIXES = (".pdf", ".doc", ".docx")
KINDS = (NewRecordKind.CONTACT, NewRecordKind.CANDIDATE, NewRecordKind.LEAD)
# The record type each kind becomes on the card (a lead's id is the lead's, not its person's).
KIND_TYPES = {NewRecordKind.CONTACT: RecordType.CONTACT, NewRecordKind.CANDIDATE: RecordType.CANDIDATE}
# Connectors that rename record types answer `label_for(key)` with TrackerRMS's keys ("" otherwise).
_LABEL_KEYS = {NewRecordKind.CONTACT: "contact", NewRecordKind.CANDIDATE: "resource", NewRecordKind.LEAD: "lead"}

Adjust = Callable[[AccountResult], AccountResult]


def phone_kind(e164: str) -> Literal["mobile", "work"]:
    """Which phone field a caller's number belongs in: mobile numbers in the mobile field, the rest
    (office lines, and numbers that could be either) as work numbers."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return "work"
    return "mobile" if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE else "work"


def split_name(name: str) -> tuple[str, str]:
    """"Mei Lin Chen" → ("Mei Lin", "Chen"): a form's first guess, which the recruiter can correct."""
    words = name.split()
    if len(words) < 2:
        return (words[0] if words else "", "")
    return " ".join(words[:-1]), words[-1]


def with_created(result: AccountResult, created: CreatedRecord, company: str, note: str) -> AccountResult:
    """The account's fresh answer after a create: the new record's id filled in where the CRM gave
    none, or — when the CRM doesn't find the new record by this number — the record added, with `note`."""
    record_type = KIND_TYPES.get(created.kind)
    if created.id is None or record_type is None or result.status is LookupStatus.ERROR:
        return result
    name = _folded(created.name)

    def same(record: Record) -> bool:
        return (record.type is record_type and _folded(record.name) == name
                and (not company or not record.company or _folded(record.company) == _folded(company)))

    if any(same(r) and r.id == created.id for r in result.records):
        return result
    if any(same(r) and r.id is None for r in result.records):
        records = tuple(r.model_copy(update={"id": created.id}) if same(r) and r.id is None else r
                        for r in result.records)
        return result.model_copy(update={"records": records})
    new = Record(account_id=result.account_id, type=record_type, id=created.id, name=created.name, company=company)
    return result.model_copy(update={"status": LookupStatus.FOUND, "records": (*result.records, new),
                                      "error": note, "complete": True})


def creatable(accounts: Iterable[Account]) -> dict[str, Creatable]:
    """Account id → what a card may create there, each kind in the account's own words."""
    out: dict[str, Creatable] = {}
    for account in accounts:
        connector = account.connector
        caps = connector.capabilities
        if not (caps.create_record or caps.create_from_resume):
            continue
        kinds = tuple((kind, _kind_label(connector, kind)) for kind in KINDS) if caps.create_record else ()
        out[account.id] = Creatable(kinds=kinds, from_resume=caps.create_from_resume)
    return out


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


class RecordDesk:
    """Carries out the create intents and checks note links."""

    def __init__(self, book: CallBook, lookup: LookupService, tasks: Tasks, tray: TrayStatus,
                 listener: SwitchboardListener) -> None:
        self._book = book
        self._lookup = lookup
        self._tasks = tasks
        self._tray = tray
        self._listener = listener
        self._seq = itertools.count(1)

    # -- what each account can create ----------------------------------------------------------

    def creatable(self) -> dict[str, Creatable]:
        return creatable(self._lookup.accounts)

    # -- intents --------------------------------------------------------------------------------

    def create_record(self, call_id: str, account_id: str, kind: NewRecordKind, person: NewPerson) -> None:
        target = self._target(call_id, account_id, resume=False)
        if target is None:
            return
        session, connector = target
        creation = self._start(session, connector, kind, person.full_name, from_resume=False)
        if creation is not None:
            self._tasks.spawn(self._create(session.call_id, connector, creation,
                                           lambda: connector.create_record(kind, person), person.company))

    def create_from_resume(self, call_id: str, account_id: str, path: Path) -> None:
        target = self._target(call_id, account_id, resume=True)
        if target is None:
            return
        session, connector = target
        if path.suffix.lower() not in RESUME_SUFFIXES:
            self._fail_now(session, account_id, path.name,
                           f"{path.name} is not a CV {connector.label} can read: send a PDF, DOC or DOCX file.")
            return
        creation = self._start(session, connector, NewRecordKind.CANDIDATE, path.name, from_resume=True)
        if creation is not None:
            self._tasks.spawn(self._create(session.call_id, connector, creation,
                                           lambda: connector.create_from_resume(path), ""))

    def _target(self, call_id: str, account_id: str, *, resume: bool) -> tuple[CallSession, Connector] | None:
        session = self._book.get(call_id)
        if session is None:
            self._listener.message("That call is no longer open; nothing was created.", error=True)
            return None
        account = next((a for a in self._lookup.accounts if a.id == account_id), None)
        connector = account.connector if account is not None else None
        able = connector is not None and (connector.capabilities.create_from_resume if resume
                                          else connector.capabilities.create_record)
        if connector is None or not able:
            what = "candidates from CVs" if resume else "records"
            self._listener.message(f"Account '{account_id}' can't create {what} from Ringside.", error=True)
            return None
        return session, connector

    def _start(self, session: CallSession, connector: Connector, kind: NewRecordKind, subject: str,
               *, from_resume: bool) -> Creation | None:
        busy = session.creations.get(connector.account_id)
        if busy is not None and busy.status is CreateStatus.WORKING:
            self._listener.message(f"Still creating {busy.subject} in {connector.label}; wait for it to finish.")
            return None
        source = f" from {subject}" if from_resume else ""
        creation = Creation(connector.account_id, kind, subject, CreateStatus.WORKING,
                            f"Creating {'a candidate' if from_resume else subject} in {connector.label}{source}…",
                            seq=next(self._seq), from_resume=from_resume)
        self._show(session.call_id, creation)
        return creation

    def _fail_now(self, session: CallSession, account_id: str, subject: str, message: str) -> None:
        self._show(session.call_id, Creation(account_id, NewRecordKind.CANDIDATE, subject, CreateStatus.FAILED,
                                             message, seq=next(self._seq), from_resume=True))

    def _show(self, call_id: str, creation: Creation) -> None:
        session = self._book.get(call_id)
        if session is None:  # the call was dropped from memory meanwhile: say it where it can be seen
            self._listener.message(creation.message, error=creation.status is CreateStatus.FAILED)
            return
        session.creations[creation.account_id] = creation
        self._book.show(call_id)

    async def _create(self, call_id: str, connector: Connector, creation: Creation,
                      make: Callable[[], Awaitable[CreatedRecord]], company: str) -> None:
        label, subject = connector.label, creation.subject
        try:
            async with asyncio.timeout(CREATE_TIMEOUT_S):
                created = await make()
        except AlreadyExists:
            who = "this person" if creation.from_resume else subject
            self._failed(call_id, creation, f"{label} already has {who} and won't overwrite them — open the "
                         f"existing record in {label}.", exists=True)
            return
        except TimeoutError:
            self._failed(call_id, creation, f"{label} didn't answer within {CREATE_TIMEOUT_S:g} s; {subject} may "
                         f"or may not have been created. Check {label} before trying again.")
            return
        except Unavailable as exc:
            unsure = f" Check {label} for {subject} before trying again." if exc.sent else ""
            self._failed(call_id, creation, f"{exc}{unsure}")
            return
        except ConnectorError as exc:
            self._failed(call_id, creation, str(exc))
            return
        except Exception as exc:  # a bug must leave no spinner spinning
            log.exception("Creating a record in %s failed unexpectedly", connector.account_id)
            self._failed(call_id, creation, f"Unexpected problem creating {subject} in {label} "
                         f"({exc.__class__.__name__}).")
            return
        session = self._book.get(call_id)
        named = session.creatable.get(connector.account_id) if session is not None else None
        kind = named.label(created.kind) if named is not None else created.kind.value.capitalize()
        done = f"{created.detail or f'Created in {label}'}: {created.name} ({kind.lower()})."
        self._show(call_id, _replace(creation, CreateStatus.DONE, done))
        self._refresh(call_id, connector, created, company, creation.from_resume)

    def _failed(self, call_id: str, creation: Creation, message: str, *, exists: bool = False) -> None:
        self._show(call_id, _replace(creation, CreateStatus.FAILED, message, exists=exists))

    def _refresh(self, call_id: str, connector: Connector, created: CreatedRecord, company: str,
                 from_resume: bool) -> None:
        """Forget the cached answer for the number, then ask the account again."""
        session = self._book.get(call_id)
        if session is None or session.e164 is None:
            return
        self._lookup.invalidate(account_id=connector.account_id, e164=session.e164)
        note = (f"Created from the CV: {connector.label} doesn't have this number on the record yet."
                if from_resume else f"Just created: {connector.label} doesn't find them by this number yet.")
        task = self.look_up_again(call_id, [connector.account_id],
                                         lambda result: with_created(result, created, company, note))
        if task is not None:
            task.add_done_callback(lambda _: self.links_changed(call_id))

    def look_up_again(self, call_id: str, account_ids: Collection[str],
                      adjust: Adjust | None = None) -> asyncio.Task[Any] | None:
        """Ask some accounts about a call's number again (a record was just created there); `adjust`
        amends each answer before the card shows it. None when the call is gone or has no number."""
        session = self._book.get(call_id)
        if session is None or session.e164 is None:
            return None
        accounts = [a for a in self._lookup.accounts if a.id in account_ids]

        def publish(result: AccountResult) -> None:
            session.results[result.account_id] = adjust(result) if adjust is not None else result
            self._book.publish(session)

        tasks = [self._tasks.own(t) for t in LookupService(accounts, self._lookup.cache).start(session.number,
                                                                                            publish)]
        return self._tasks.spawn(self._looked_up(session, tasks))

    async def _looked_up(self, session: CallSession, tasks: list[asyncio.Task[Any]]) -> None:
        await asyncio.gather(*tasks, return_exceptions=True)
        self._book.persist(session)
        self._tray.refresh()

    # -- note links -------------------------------------------------------------------------------

    def links_changed(self, call_id: str) -> None:
        """An ended call's chosen records may have changed: check the new ones can be linked."""
        session = self._book.get(call_id)
        if session is not None and not session.open:
            self.check_links(session)

    def check_links(self, session: CallSession) -> None:
        """Resolve each chosen record that has no id, once per record (the connector caches ids)."""
        for record in session.view().chosen():
            if record.id or record.key in session.links_checked:
                continue
            account = next((a for a in self._lookup.accounts if a.id == record.account_id), None)
            if account is None or not account.connector.capabilities.resolve_ids:
                continue
            session.links_checked.add(record.key)
            self._tasks.spawn(self._resolve(session.call_id, record, account.connector.resolve))

    async def _resolve(self, call_id: str, record: Record, resolve: Callable[[Record], Awaitable[Record]]) -> None:
        try:
            async with asyncio.timeout(RESOLVE_TIMEOUT_S):
                await resolve(record)
        except Rejected as exc:  # no single record by that name (NotResolved), or a user
            session = self._book.get(call_id)
            if session is not None:
                session.unlinked[record.key] = str(exc)
                self._book.show(call_id)
        except (TimeoutError, ConnectorError) as exc:
            # Unreachable for now: delivery resolves again and retries, so the form is not bothered.
            log.info("Could not check %s's id before the note (%s)", record.name, exc)
            session = self._book.get(call_id)
            if session is not None:
                session.links_checked.discard(record.key)


def _kind_label(connector: Connector, kind: NewRecordKind) -> str:
    return connector.label_for(_LABEL_KEYS[kind]).strip() or kind.value.capitalize()


def _replace(creation: Creation, status: CreateStatus, message: str, *, exists: bool = False) -> Creation:
    return Creation(creation.account_id, creation.kind, creation.subject, status, message, seq=creation.seq,
                    exists=exists, from_resume=creation.from_resume)
