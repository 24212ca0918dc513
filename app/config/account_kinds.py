"""Which settings model reads an `[[accounts]]` table: its `kind` picks one system's model, imported
and built only when a file has an account of that kind. A discriminated union would build every
kind's model as soon as config.toml is read; a file with no accounts, or one kind, pays for none or one.

Errors read as the union's would (`union_tag_invalid`, `union_tag_not_found`), and the chosen model's
own errors keep their place in the file (`accounts.0.client_id`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainValidator
from pydantic_core import PydanticKnownError

from app.config.account_base import AccountBase

# In the order messages list them ("Kinds: recruitwizard, trackerrms, …").
KINDS = ("recruitwizard", "trackerrms", "retailcrm", "fixdigital", "puzzel")
_EXPECTED = ", ".join(f"'{kind}'" for kind in KINDS)


def model_for(kind: str) -> type[AccountBase]:
    """The settings model of account kind `kind` (KeyError when there is none). Plain imports in the
    branches, so the packaged app's import discovery still sees every model."""
    if kind == "recruitwizard":
        from app.crm.recruitwizard.settings import RecruitWizardAccount
        return RecruitWizardAccount
    if kind == "trackerrms":
        from app.crm.trackerrms.settings import TrackerRmsAccount
        return TrackerRmsAccount
    if kind == "retailcrm":
        from app.crm.retailcrm.settings import RetailCrmAccount
        return RetailCrmAccount
    if kind == "fixdigital":
        from app.crm.fixdigital.settings import FixDigitalAccount
        return FixDigitalAccount
    if kind == "puzzel":
        from app.crm.puzzel.settings import PuzzelAccount
        return PuzzelAccount
    raise KeyError(kind)


def all_models() -> list[type[AccountBase]]:
    """Every kind's model (imports them all: for error messages' vocabulary, not for reading a file)."""
    return [model_for(kind) for kind in KINDS]


def validate_account(value: Any) -> AccountBase:
    """One `[[accounts]]` table (or an account model already made) as its kind's model."""
    kind = getattr(value, "kind", None) if isinstance(value, AccountBase) else None
    if kind in KINDS and isinstance(value, model_for(kind)):
        return value
    if not isinstance(value, dict):
        raise PydanticKnownError("model_attributes_type")
    if "kind" not in value:
        raise PydanticKnownError("union_tag_not_found", {"discriminator": "'kind'"})
    kind = value["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        raise PydanticKnownError("union_tag_invalid",
                                 {"discriminator": "'kind'", "tag": str(kind), "expected_tags": _EXPECTED})
    return model_for(kind).model_validate(value)


# The runtime form of settings.Account: any kind's model, validated by validate_account. Typed as
# Any for pydantic, so dumping a model writes that model's own fields.
LAZY_ACCOUNT = Annotated[Any, PlainValidator(validate_account)]
