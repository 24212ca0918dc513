"""What the Recruit Wizard emulator accepts in a request body: the activity a call note becomes, and
the entity codes its records carry (1 client, 2 contact, 3 candidate)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

ENTITY_CLIENT, ENTITY_CONTACT, ENTITY_CANDIDATE = 1, 2, 3
ENTITY_OF_KIND = {"client": ENTITY_CLIENT, "contact": ENTITY_CONTACT, "candidate": ENTITY_CANDIDATE}
ENTITY_NAME = {ENTITY_CLIENT: "Client", ENTITY_CONTACT: "Contact", ENTITY_CANDIDATE: "Candidate"}

_ISO_WITH_ZONE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})")


class LinkedPlayer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    EntityID: StrictInt
    PlayerID: StrictInt


class ActivityIn(BaseModel):
    """What POST /api/activities must carry. Extra keys are ignored (as ASP.NET model binding
    would); the required ones are strict: no "2" for 2, no dates without a zone."""

    model_config = ConfigDict(extra="ignore")
    StatusID: StrictInt
    Notes: StrictStr
    TypeId: StrictInt
    ActivityDate: StrictStr
    LinkedPlayers: list[LinkedPlayer] = Field(min_length=1)

    @field_validator("ActivityDate")
    @classmethod
    def _zoned_iso(cls, value: str) -> str:
        if not _ISO_WITH_ZONE.fullmatch(value):
            raise ValueError("must be ISO-8601 with a time zone, e.g. 2020-11-29T22:10:20.721Z")
        datetime.fromisoformat(value)  # rejects impossible dates like month 13
        return value
