"""What every account's settings model shares, kept apart from config/settings.py so each system's
own settings module (app/crm/<system>/settings.py) can build on it without importing the root."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    # Unknown keys are an error, so a typo ("defualt_region") is reported rather than ignored.
    # Validators are built on first use, not at import: reading config.toml builds only the models
    # the file needs (an account kind's model only when the file has such an account).
    model_config = ConfigDict(extra="forbid", defer_build=True)


def http_url(value: str) -> str:
    """A field validator: an http(s):// URL, kept without its trailing slash."""
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("must be an http(s):// URL")
    return value.rstrip("/")


class AccountBase(Section):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
    label: str = ""
    enabled: bool = True
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 3.0

    @property
    def display_name(self) -> str:
        return self.label or self.id
