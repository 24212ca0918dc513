"""The Settings window's account forms, described from the pydantic models (no Qt): which fields
each kind has, how to label them, and each validation error in words next to its field.

The model stays the single source of truth: a form's values are validated by the very model
config.toml is read with, so what the window accepts the file accepts, and the other way round.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from app.accounts.kinds import KIND_NAMES
from app.config.settings import Account
from app.crm.registry import SYSTEMS

MODELS: dict[str, type[BaseModel]] = {kind: row.settings for kind, row in SYSTEMS.items()}
SHORT_IDS = {kind: row.short_id for kind, row in SYSTEMS.items()}
_ACCOUNT: TypeAdapter[Account] = TypeAdapter(Account)

FieldKind = Literal["text", "number", "choice", "bool", "list"]  # list: comma-separated in one field

_LABELS = {
    "id": "Account id",
    "label": "Name on cards",
    "enabled": "Look callers up in this account",
    "timeout_s": "Lookup time limit (seconds)",
    "api_url": "API address",
    "web_url": "Web app address",
    "client_id": "Client id",
    "auth": "Signs in with",
    "username": "Username",
    "phone_format": "Numbers are stored as",
    "notify_inbound": "Also pop TrackerRMS's own card on a ring",
    "destination": "Your number (for TrackerRMS's card)",
    "site": "Shop (site code)",
    "user_id": "Your user id",
    "code": "Your extension code",
    "extension": "Your extension",
    "auth_url": "Sign-in address",
    "customer_key": "Customer key",
    "callback_username": "Username FixDigital signs in with",
    "allow_from": "FixDigital calls from",
    "external_phone": "Line callers dial",
    "integration_code": "Integration module code",
    "time_zone": "Account's time zone",
}
_HELP = {
    "id": "Your name for this account; secrets are kept under it. Letters, digits, '.', '_' and '-'.",
    "timeout_s": "How long a lookup may take before the card says so.",
    "web_url": "For links from cards to records.",
    "client_id": "From the CRM's API settings (TrackerRMS: EvoApi_1.0 unless told otherwise).",
    "username": "Your login (for TrackerRMS, your e-mail address).",
    "destination": "Without a country code it is read in the caller's country.",
    "code": "Your extension code in retailCRM's telephony integration.",
    "client_id@retailcrm": "The integration's clientId: it identifies retailCRM's calls to Ringside.",
    "client_id@fixdigital": "FixDigital's ClientId for your company.",
    "allow_from": "Addresses or networks, separated by commas (e.g. 203.0.113.7, 10.0.0.0/8).",
    "time_zone": "An IANA name such as Europe/Moscow; empty: this computer's.",
}
_CHOICE_LABELS = {
    "oauth": "Browser sign-in (OAuth)",
    "password": "Username and password",
    "apikey": "API key",
    "national": "National (0491 570 006)",
    "e164": "International (+61491570006)",
}
# Fields a form shows only while another field has a given value.
_SHOWN_WHEN = {("trackerrms", "username"): ("auth", "password"), ("trackerrms", "client_id"): ("auth", "oauth")}
_HIDDEN = {"kind", "labels"}  # the kind is fixed per form; renamed record types stay as the file has them


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    kind: FieldKind
    required: bool
    optional_none: bool = False  # empty means "not set" (None), e.g. retailCRM's user id
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    help: str = ""
    shown_when: tuple[str, str] | None = None  # (other field, value)


def _literal_values(annotation: Any) -> tuple[str, ...]:
    if get_origin(annotation) is Literal:
        return tuple(str(v) for v in get_args(annotation))
    return ()


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(args) < len(get_args(annotation)):
            return args[0], True
    return annotation, False


def fields_for(kind: str) -> list[FieldSpec]:
    model = MODELS[kind]
    specs: list[FieldSpec] = []
    for key, info in model.model_fields.items():
        if key in _HIDDEN:
            continue
        annotation, optional = _unwrap_optional(info.annotation)
        values = _literal_values(annotation)
        field_kind: FieldKind
        if annotation is bool:
            field_kind = "bool"
        elif values:
            field_kind = "choice"
        elif annotation in (int, float):
            field_kind = "number"
        elif get_origin(annotation) is list:
            field_kind = "list"
        else:
            field_kind = "text"
        specs.append(FieldSpec(
            key=key, label=_LABELS.get(key, key.replace("_", " ").capitalize()), kind=field_kind,
            required=info.is_required(), optional_none=optional,
            choices=tuple((v, _CHOICE_LABELS.get(v, v)) for v in values),
            help=_HELP.get(f"{key}@{kind}", _HELP.get(key, "")), shown_when=_SHOWN_WHEN.get((kind, key)),
        ))
    return specs


def new_account_values(kind: str, taken: set[str]) -> dict[str, Any]:
    """Form values for a new account of `kind`: the model's defaults and a free id."""
    base = SHORT_IDS.get(kind, kind)
    account_id, n = base, 1
    while account_id in taken:
        n += 1
        account_id = f"{base}{n}"
    values: dict[str, Any] = {"kind": kind, "id": account_id}
    for key, info in MODELS[kind].model_fields.items():
        if key not in values and not info.is_required():
            values[key] = info.get_default(call_default_factory=True)
    return values


def values_of(account: Account) -> dict[str, Any]:
    return account.model_dump(mode="json")


def validate(values: dict[str, Any]) -> tuple[Account | None, dict[str, str]]:
    """(the account, {}) when `values` are valid, else (None, {field: what is wrong, in words})."""
    kind = str(values.get("kind", ""))
    data = {k: v for k, v in values.items()}
    for spec in fields_for(kind) if kind in MODELS else []:
        value = data.get(spec.key)
        if spec.kind == "list" and isinstance(value, str):
            data[spec.key] = [item.strip() for item in value.split(",") if item.strip()]
            continue
        if isinstance(value, str):
            value = value.strip()
            data[spec.key] = None if (value == "" and spec.optional_none) else value
        if spec.kind == "text" and spec.required and data.get(spec.key) == "":
            data.pop(spec.key)  # an empty required field reads as "required", not as an empty value
    errors = _form_rules(kind, data)
    try:
        account = _ACCOUNT.validate_python(data)
    except ValidationError as exc:
        for error in exc.errors():
            key = next((str(p) for p in error["loc"] if isinstance(p, str) and p not in MODELS), "")
            errors.setdefault(key or "kind", friendly(error))
        return None, errors
    return (None, errors) if errors else (account, {})


def _form_rules(kind: str, data: dict[str, Any]) -> dict[str, str]:
    """What the model leaves to the connector but a form can say at once."""
    if kind == "trackerrms" and data.get("auth") == "password" and not str(data.get("username") or "").strip():
        return {"username": "Required to sign in with a password."}
    return {}


def friendly(error: ErrorDetails) -> str:
    """A pydantic error as a short sentence for beside a field."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "Required."
    if kind == "string_pattern_mismatch":
        if "A-Za-z0-9_.-" in str(ctx.get("pattern", "")):
            return "Use letters, digits, '.', '_' or '-' (at most 40)."
        if "A-Za-z]{2}" in str(ctx.get("pattern", "")):
            return "A two-letter country code, e.g. AU."
        return "Not in the expected form."
    if kind == "value_error":
        text = re.sub(r"^Value error,\s*", "", error["msg"])
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
    if kind in ("float_parsing", "float_type"):
        return "Must be a number, e.g. 3.5."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Must be a whole number."
    if kind == "greater_than":
        return f"Must be more than {_number(ctx.get('gt'))}."
    if kind == "less_than_equal":
        return f"Must be {_number(ctx.get('le'))} or less."
    if kind == "literal_error":
        return "Pick one of the choices."
    return error["msg"][:1].upper() + error["msg"][1:] + "."


def _number(value: object) -> object:
    """0.0 reads as 0 to a person; 2.5 stays 2.5."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)
