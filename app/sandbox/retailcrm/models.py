"""What the retailCRM emulator accepts in its JSON-string form fields (`event=`, `calls=`, `note=`,
`integrationModule=`): strict pydantic models, and the API's error shape built from their errors.

Strict where the contract is: types are not coerced ("100" is not 100 where the API wants a number,
and the reverse), enumerations are closed, dates are "Y-m-d H:i:s", at most 50 calls per upload.
Unknown keys are ignored, as the real API does.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

MAX_CALLS = 50
SEARCH_LIMITS = (20, 50, 100, 250)
HANGUP_STATUSES = ("answered", "busy", "cancel", "failed", "no answered")
CALL_RESULTS = ("answered", "busy", "failed", "no answer", "not allowed", "unknown")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_URL = re.compile(r"https?://[^\s/]+\S*")
INPUT_ERRORS = "Errors in the input parameters"


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class EventIn(_In):
    phone: StrictStr = Field(min_length=1)
    type: Literal["in", "out", "hangup"]
    codes: list[StrictStr] = Field(default_factory=list)
    userIds: list[StrictInt] = Field(default_factory=list)
    site: StrictStr | None = None
    hangupStatus: Literal["answered", "busy", "cancel", "failed", "no answered"] | None = None
    externalPhone: StrictStr | None = None
    callExternalId: StrictStr | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EventIn:
        if not self.codes and not self.userIds:
            raise ValueError("codes or userIds: give the extension codes or users who should see the call")
        if self.type == "hangup" and self.hangupStatus is None:
            raise ValueError("hangupStatus: required for a hangup event")
        if self.type != "hangup" and self.hangupStatus is not None:
            raise ValueError("hangupStatus: only for a hangup event")
        return self


class CallIn(_In):
    date: StrictStr
    type: Literal["in", "out"]
    phone: StrictStr = Field(min_length=1)
    code: StrictStr | None = None
    userId: StrictInt | None = None
    result: Literal["answered", "busy", "failed", "no answer", "not allowed", "unknown"]
    duration: StrictInt | None = Field(None, ge=0)
    durationWaiting: StrictInt | None = Field(None, ge=0)
    externalId: StrictStr | None = None
    recordUrl: StrictStr | None = None
    externalPhone: StrictStr | None = None
    site: StrictStr | None = None
    clientId: StrictStr | None = None  # names the telephony integration (the Call entity has it)

    @field_validator("recordUrl")
    @classmethod
    def _record_url(cls, value: str | None) -> str | None:
        if value is not None and not _URL.fullmatch(value):
            raise ValueError("must be an absolute http(s) URL")
        return value

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        try:
            if _DATE.fullmatch(value):
                datetime.strptime(value, "%Y-%m-%d %H:%M:%S")  # a real date (no month 13)
                return value
        except ValueError:
            pass
        raise ValueError('must be a date as "Y-m-d H:i:s", e.g. 2024-05-01 14:03:00')


class NoteCustomer(_In):
    id: StrictInt | None = None
    externalId: StrictStr | None = None

    @model_validator(mode="after")
    def _one(self) -> NoteCustomer:
        if self.id is None and self.externalId is None:
            raise ValueError("customer: needs id or externalId")
        return self


class NoteIn(_In):
    text: StrictStr = Field(min_length=1)
    customer: NoteCustomer
    managerId: StrictInt | None = None


class AdditionalCode(_In):
    userId: StrictStr | StrictInt  # the seed's example sends "1"
    code: StrictStr | StrictInt


class ExternalPhone(_In):
    siteCode: StrictStr
    externalPhone: StrictStr


class Telephony(_In):
    clientId: StrictStr | None = Field(None, min_length=1)  # the 2017 layout only (see ModuleIn)
    makeCallUrl: StrictStr | None = None
    changeUserStatusUrl: StrictStr | None = None
    allowEdit: StrictBool = True
    inputEventSupported: StrictBool = False
    outputEventSupported: StrictBool = False
    hangupEventSupported: StrictBool = False
    additionalCodes: list[AdditionalCode] = Field(default_factory=list)
    externalPhones: list[ExternalPhone] = Field(default_factory=list)

    @model_validator(mode="after")
    def _urls(self) -> Telephony:
        for name in ("makeCallUrl", "changeUserStatusUrl"):
            value = getattr(self, name)
            if value is not None and not _URL.fullmatch(value):
                raise ValueError(f"{name}: must be an absolute http(s) URL")
        return self


class Integrations(_In):
    telephony: Telephony


class ModuleIn(_In):
    """`clientId` is a top-level field (retailCRM's current clients: api-client-php IntegrationModule,
    api-client-go IntegrationModule); an account set to the 2017 layout wants it in the telephony part."""

    code: StrictStr = Field(min_length=1)
    clientId: StrictStr | None = Field(None, min_length=1)
    active: StrictBool = True
    name: StrictStr = Field(min_length=1)
    logo: StrictStr = Field(min_length=1)
    accountUrl: StrictStr | None = None
    integrations: Integrations


def layout_problems(module: ModuleIn, layout: str) -> dict[str, str]:
    """Where clientId must be, for the account's layout ("current" or "2017"), and must not be."""
    top, nested = module.clientId, module.integrations.telephony.clientId
    where, other = "integrationModule[clientId]", "integrationModule[integrations][telephony][clientId]"
    if layout == "2017":
        where, other, top, nested = other, where, nested, top
    if top is None:
        return {where: "Parameter 'clientId' is missing."}
    if nested is not None:
        return {other: "This field is not expected here."}
    return {}


def parse_calls(calls: list[Any]) -> list[CallIn] | dict[str, str]:
    """Every call of an upload, or the problems of each one that is wrong (`errors`)."""
    parsed: list[CallIn] = []
    errors: dict[str, str] = {}
    for index, call in enumerate(calls):
        try:
            parsed.append(CallIn.model_validate(call))
        except ValidationError as exc:
            errors.update(problems(exc, f"calls[{index}]"))
    return errors or parsed


def module_problems(module: ModuleIn, users: set[int], sites: set[str]) -> dict[str, str]:
    """What an integration module names that the account doesn't have (users, shops)."""
    where = "integrationModule[integrations][telephony]"
    telephony = module.integrations.telephony
    for index, item in enumerate(telephony.additionalCodes):
        if not str(item.userId).isdigit() or int(item.userId) not in users:
            return {f"{where}[additionalCodes][{index}][userId]": "User not found."}
    for index, phone in enumerate(telephony.externalPhones):
        if phone.siteCode not in sites:
            return {f"{where}[externalPhones][{index}][siteCode]": f"Unknown site '{phone.siteCode}'."}
    return {}


def problems(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    """pydantic's errors as retailCRM's `errors` map: {"event[phone]": "…"} (no input values echoed)."""
    found: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        where = "".join(f"[{part}]" for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        named = re.match(r"(\w+): (.*)", message)
        if not where and named:  # a check across fields names the field it is about
            where, message = f"[{named.group(1)}]", named.group(2)
        found[f"{prefix}{where}" or prefix or "body"] = message
    return found


def input_errors(errors: dict[str, str]) -> dict[str, Any]:
    return {"success": False, "errorMsg": INPUT_ERRORS, "errors": errors}
