"""Puzzel emulator: the request bodies it accepts, exactly the seed's keys and types (seed 004)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr, field_validator

_DESTINATION = re.compile(r"\+?\d{3,20}")
_COUNTRY_CODE = re.compile(r"\+?\d{1,4}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LogInIn(_Strict):
    customerKey: StrictStr
    userName: StrictStr
    password: StrictStr
    clientName: StrictStr
    clientVersion: StrictStr


class GetAccessTokenIn(_Strict):
    customerKey: StrictStr
    sessionId: StrictStr


class ServiceSystemVariable(_Strict):
    name: StrictStr
    resolve: StrictBool
    type: StrictStr
    value: StrictStr


class CalloutIn(_Strict):
    destination: StrictStr
    alternateSource: StrictStr | None = None
    userPhoneType: StrictStr | None = None
    accessPoint: StrictStr | None = None
    countryCode: StrictStr | None = None
    queueKey: StrictStr | None = None
    maxAttempts: StrictInt | None = None
    secondsBetweenAttempts: StrictInt | None = None
    listName: StrictStr | None = None
    listValue: StrictStr | None = None
    serviceSystemVariables: ServiceSystemVariable | None = None
    ciqType: StrictStr | None = None
    maxOneRequestForPreferredAgent: StrictBool | None = None
    preferredAgentWaitTimeSeconds: StrictInt | None = None
    reservedAgentWaitTimeSeconds: StrictInt | None = None
    vipScore: StrictInt | None = None
    agentId: StrictInt | None = None
    scheduledDateTime: StrictStr | None = None
    reservedUserId: StrictInt | None = None
    disableReserved: StrictBool | None = None
    requestCategory: StrictStr | None = None
    requestDescription: StrictStr | None = None

    @field_validator("destination")
    @classmethod
    def _digits(cls, value: str) -> str:
        if not _DESTINATION.fullmatch(value):
            raise ValueError("must be a phone number: digits, optionally starting with '+'")
        return value

    @field_validator("countryCode")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and not _COUNTRY_CODE.fullmatch(value):
            raise ValueError("must be a country calling code, e.g. 47")
        return value

    @field_validator("maxAttempts", "secondsBetweenAttempts")
    @classmethod
    def _not_negative(cls, value: int | None) -> int | None:
        if value is not None and value < 0:
            raise ValueError("must not be negative")
        return value
