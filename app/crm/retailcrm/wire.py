"""retailCRM API v5, the wire side: answers as pydantic models, records for the card, and the bodies
of call events, call-history uploads, notes and the integration module. Pure; no I/O.

Contract (../shared/docs/api-contracts.md, seed 002): POST bodies are form-urlencoded with nested
objects as JSON strings in one field (`event=`, `calls=`, `note=`, `integrationModule=`); errors
are `{success: false, errorMsg, errors}`.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from app.core.models import CallNotice, Direction, NoteDraft, Record, RecordType
from app.core.phone import CallerNumber
from app.core.ports import FoundPerson
from app.crm.retailcrm.settings import RetailCrmAccount
from app.errors import Rejected

SERVICE = "retailCRM"
API_PREFIX = "/api/v5"
MAX_UPLOAD = 50  # calls per telephony/calls/upload request (the API's limit)
SEARCH_LIMIT = 20  # customers?limit= must be one of 20, 50, 100, 250
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
STATUS_WORDS = {"free": "Free", "busy": "Busy", "dinner": "At dinner", "break": "On a break"}
_MAX_ERROR = 200


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, alias_generator=to_camel, populate_by_name=True)


class Answer(_Model):
    success: bool = False
    error_msg: str | None = None
    errors: Any = None


class Manager(_Model):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    code: str | int | None = None

    @property
    def name(self) -> str:
        return _name(self.first_name, self.last_name) or self.email or f"User #{self.id}"


class Phone(_Model):
    number: str = ""


class Customer(_Model):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    patronymic: str | None = None
    email: str | None = None
    phones: list[Phone] = Field(default_factory=list)
    manager_id: int | None = None

    @property
    def name(self) -> str:
        return _name(self.first_name, self.patronymic, self.last_name) or self.email or f"Customer #{self.id}"


class Links(_Model):
    customer_link: str | None = None
    last_order_link: str | None = None
    new_order_link: str | None = None
    new_customer_link: str | None = None


class ManagerAnswer(Answer):
    manager: Manager | None = None
    customer: Customer | None = None
    links: Links | None = None


class CustomersAnswer(Answer):
    customers: list[Customer] = Field(default_factory=list)


class EventAnswer(Answer):
    not_exist_codes: list[str | int] = Field(default_factory=list)
    not_exist_users: list[str | int] = Field(default_factory=list)


class UploadAnswer(Answer):
    processed_calls_count: int = 0
    duplicate_calls: list[str] = Field(default_factory=list)


class CreatedAnswer(Answer):
    id: int | str | None = None


class ModuleAnswer(Answer):
    integration_module: dict[str, Any] | None = None


def _name(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def errors_text(errors: Any) -> str:
    """retailCRM's `errors` (a {field: message} map or a list of messages) in one line."""
    if isinstance(errors, dict):
        items = [f"{k}: {v}" for k, v in errors.items() if isinstance(v, str | int | float)]
    elif isinstance(errors, list):
        items = [str(e) for e in errors if isinstance(e, str | int | float)]
    else:
        items = []
    text = "; ".join(" ".join(item.split()) for item in items)
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 1] + "…"


def readable(answer: Answer, what: str) -> str:
    """A refusal in words: "retailCRM refused the call event: Errors in the input parameters (phone: …)"."""
    reason = (answer.error_msg or "").strip() or "no reason given"
    details = errors_text(answer.errors)
    return f"{SERVICE} refused {what}: {reason}" + (f" ({details})" if details else "")


# -- lookup ----------------------------------------------------------------------------------------


def web_url(account: RetailCrmAccount) -> str:
    return account.api_url.rstrip("/")


def search_text(caller: CallerNumber) -> str:
    """What customers?filter[name]= gets: the national significant number ("491570006"), which is a
    run of digits inside the number however the CRM stored it (+61 491…, 0491 …)."""
    return caller.national_number


def to_found(account: RetailCrmAccount, customer: Customer) -> FoundPerson | None:
    """A customer found by name, with the first number on file; None without one."""
    phone = next((p.number.strip() for p in customer.phones if p.number.strip()), "")
    if not phone:
        return None
    return FoundPerson(account_id=account.id, name=customer.name, kind="Customer", phone=phone)


def customer_record(account: RetailCrmAccount, customer: Customer, manager: Manager | None = None,
                    links: Links | None = None) -> Record:
    base = web_url(account)
    extra = [("Last order", links.last_order_link), ("New order", links.new_order_link)] if links else []
    return Record(
        account_id=account.id,
        type=RecordType.CUSTOMER,
        id=str(customer.id),
        name=customer.name,
        link=(links.customer_link if links else None) or f"{base}/customers/{customer.id}",
        note=f"Manager: {manager.name}" if manager is not None else "",
        extra_links=tuple((label, url) for label, url in extra if url),
    )


# -- call events and history -----------------------------------------------------------------------


def call_type(direction: Direction) -> str:
    return "in" if direction is Direction.INBOUND else "out"


def event_body(account: RetailCrmAccount, notice: CallNotice, *, hangup: bool) -> dict[str, Any]:
    """The `event=` JSON: `in`/`out` when the call starts, `hangup` with its status when it ends.
    Ringside hears only whether a call was answered, so a hang-up is `answered` or `no answered`."""
    body: dict[str, Any] = {"phone": notice.number.e164, "type": "hangup" if hangup else call_type(notice.direction)}
    if account.code:
        body["codes"] = [account.code]
    if account.user_id is not None:
        body["userIds"] = [account.user_id]
    if account.site:
        body["site"] = account.site
    if account.external_phone:
        body["externalPhone"] = account.external_phone
    if hangup:
        body["hangupStatus"] = "answered" if notice.answered else "no answered"
    body["callExternalId"] = notice.call_id
    return body


def zone(account: RetailCrmAccount) -> tzinfo | None:
    return ZoneInfo(account.time_zone) if account.time_zone else None


def call_date(moment: datetime, tz: tzinfo | None) -> str:
    """"Y-m-d H:i:s" in the account's zone (None: this computer's)."""
    return moment.astimezone(tz).strftime(DATE_FORMAT)


def manager_query(caller: CallerNumber) -> dict[str, str]:
    """`GET telephony/manager`: with the customer's details, and the responsible manager whatever their
    status (`ignoreStatus=1`; without it retailCRM names only a manager who is free)."""
    return {"phone": caller.e164 or "", "details": "1", "ignoreStatus": "1"}


def upload_body(account: RetailCrmAccount, notice: CallNotice, tz: tzinfo | None,
                record_url: str | None = None) -> dict[str, Any]:
    """One entry of `calls=`; `externalId` is Ringside's call id, so sending it again is harmless.
    `clientId` (the Call entity has one) names our integration; `recordUrl` is where retailCRM can
    fetch the call's recording, when there is one."""
    assert notice.call_id is not None
    body: dict[str, Any] = {
        "date": call_date(notice.started_at, tz),
        "type": call_type(notice.direction),
        "phone": notice.number.e164,
        "result": "answered" if notice.answered else "no answer",
        "duration": notice.talk_s,
        "durationWaiting": notice.waiting_s,
        "externalId": notice.call_id,
    }
    if account.code:
        body["code"] = account.code
    if account.user_id is not None:
        body["userId"] = account.user_id
    if account.external_phone:
        body["externalPhone"] = account.external_phone
    if account.site:
        body["site"] = account.site
    if account.client_id:
        body["clientId"] = account.client_id
    if record_url:
        body["recordUrl"] = record_url
    return body


# -- notes -----------------------------------------------------------------------------------------


def note_body(account: RetailCrmAccount, note: NoteDraft) -> dict[str, Any]:
    """The `note=` JSON. Raises Rejected, before anything is sent, for a record that is not a customer."""
    record = note.record
    if record.type is not RecordType.CUSTOMER or not record.id or not record.id.isdigit():
        raise Rejected(f"retailCRM keeps notes on customers; {record.name} is not a retailCRM customer.")
    body: dict[str, Any] = {"text": note.text, "customer": {"id": int(record.id)}}
    if account.user_id is not None:
        body["managerId"] = account.user_id
    return body


# -- the integration module ------------------------------------------------------------------------


def module_body(account: RetailCrmAccount, *, make_call_url: str, status_url: str, logo_url: str,
                account_url: str) -> dict[str, Any]:
    """What `ringside retailcrm register` sends to integration-modules/{code}/edit."""
    telephony: dict[str, Any] = {
        "makeCallUrl": make_call_url,
        "changeUserStatusUrl": status_url,
        "allowEdit": False,
        "inputEventSupported": True,
        "outputEventSupported": True,
        "hangupEventSupported": True,
        "additionalCodes": [{"userId": str(account.user_id), "code": account.code}],
        "externalPhones": ([{"siteCode": account.site, "externalPhone": account.external_phone}]
                           if account.site and account.external_phone else []),
    }
    module: dict[str, Any] = {"code": account.integration_code, "active": True, "name": "Ringside",
                              "logo": logo_url, "accountUrl": account_url, "integrations": {"telephony": telephony}}
    place_client_id(module, account.client_id, account.module_layout)
    return module


def place_client_id(module: dict[str, Any], client_id: str, layout: str) -> None:
    """Where the integration's clientId goes: the one choice no public reference settles for every account.

    "current": a top-level field of `integrationModule`, as retailCRM's current API clients model it
    (api-client-php IntegrationModule::$clientId, api-client-go IntegrationModule.ClientID; neither has
    it in the telephony configuration). "2017": inside `integrations.telephony`, as the 2017 API page
    shows it; only for an account whose `module_layout` setting asks for it."""
    if layout == "2017":
        module["integrations"]["telephony"]["clientId"] = client_id
    else:
        module["clientId"] = client_id


def module_client_id(module: dict[str, Any]) -> str | None:
    """The clientId of a module as retailCRM holds it, in either layout."""
    found = module.get("clientId") or module.get("integrations", {}).get("telephony", {}).get("clientId")
    return str(found) if found else None


def form_json(value: Any) -> str:
    """A nested object as retailCRM wants it in a form field: compact JSON, UTF-8 kept readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
