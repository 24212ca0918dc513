"""A `ringside dial` request as the instance door receives it (imported when the first one arrives)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str
    # False when the command runs in a terminal, which prints a refusal itself (no toast then).
    show_errors: bool = True
