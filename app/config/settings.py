"""config.toml ⇄ pydantic. Reading writes only to upgrade an older file (the original is kept beside
it; see migrations.py); a broken file is reported (file, line, key; problems.py) and left exactly as it is.

The general sections live here; each account kind's model lives with its system
(app/crm/<system>/settings.py). `Account` is their union for the type checker; at run time an account
table is read by its kind's model alone, imported and built on first use (account_kinds.py)."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator

from app.config import account_kinds, migrations
from app.config.account_base import Section
from app.core.outcomes import DEFAULT_OUTCOMES
from app.crm.puzzel.settings import PuzzelDialerSettings
from app.errors import ConfigError

if TYPE_CHECKING:
    from app.crm.fixdigital.settings import FixDigitalAccount
    from app.crm.puzzel.settings import PuzzelAccount
    from app.crm.recruitwizard.settings import RecruitWizardAccount
    from app.crm.retailcrm.settings import RetailCrmAccount
    from app.crm.trackerrms.settings import TrackerRmsAccount

    Account = RecruitWizardAccount | TrackerRmsAccount | RetailCrmAccount | FixDigitalAccount | PuzzelAccount
else:
    Account = account_kinds.LAZY_ACCOUNT

SCHEMA_VERSION = migrations.CURRENT
log = logging.getLogger(__name__)


class GeneralSettings(Section):
    default_region: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] = "AU"  # for numbers without +
    auto_log: bool = False  # log each call at hangup with the note typed so far, no form
    pop_on: Literal["ring", "answer", "never"] = "ring"
    card_position: Literal["bottom-right", "top-right", "bottom-left", "top-left"] = "bottom-right"
    start_at_login: bool = False  # the packaging's autostart entry follows this
    # Only where no keyring is usable, and only after the user said yes: secrets in an owner-only file.
    store_secrets_in_file: bool = False
    # Calls and notes older than this many days are erased at start and daily; 0 keeps everything.
    keep_days: Annotated[int, Field(ge=0)] = 0
    # The note form's "How it went" choices, written at the top of the note as "Outcome: …".
    outcomes: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=lambda: list(DEFAULT_OUTCOMES))

    @field_validator("default_region")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class OutboxSettings(Section):
    # How the note outbox retries. Waits double from backoff_initial_s (with ±25 % jitter) up to
    # backoff_max_s; a CRM's Retry-After is honoured instead. A delivery not confirmed within
    # delivery_timeout_s is an unknown outcome (see README, "Notes are never lost").
    backoff_initial_s: Annotated[float, Field(gt=0, le=3600)] = 2.0
    backoff_max_s: Annotated[float, Field(gt=0, le=86400)] = 300.0
    delivery_timeout_s: Annotated[float, Field(gt=0, le=600)] = 20.0
    sign_in_retry_s: Annotated[float, Field(gt=0, le=86400)] = 900.0  # also retried at once on sign-in


class CacheSettings(Section):
    # Lookup cache: a repeat caller's card is painted from it at once, then refreshed from the CRM.
    enabled: bool = True
    found_ttl_hours: Annotated[float, Field(ge=0, le=24 * 365)] = 168.0  # 0: never show cached matches
    not_found_ttl_hours: Annotated[float, Field(ge=0, le=24 * 365)] = 1.0  # "no match" is kept shorter


class LimitsSettings(Section):
    # What Ringside takes from a CRM: answers longer than max_answer_kb are refused unread (that
    # account's section says so), a lookup shows at most max_records records ("and N more"), and
    # any one request (lookups, call events, uploads, notes) ends after request_deadline_s.
    max_answer_kb: Annotated[int, Field(ge=16, le=64 * 1024)] = 1024
    max_records: Annotated[int, Field(ge=1, le=1000)] = 50
    request_deadline_s: Annotated[float, Field(gt=0, le=600)] = 20.0


class SimulatorSettings(Section):
    # Numbers offered under tray → Simulate call, as "Label = number" pairs.
    callers: dict[str, str] = Field(default_factory=dict)


def split_address(address: str) -> tuple[str, int]:
    """'127.0.0.1:4444' or '[::1]:4444' → (host, port); ValueError says what is wrong."""
    match = re.fullmatch(r"\[(?P<v6>[^\]]+)\]:(?P<p6>\d{1,5})|(?P<host>[^:\s\[\]]+):(?P<port>\d{1,5})",
                         address.strip())
    if not match:
        raise ValueError(f"'{address}' is not host:port (e.g. 127.0.0.1:4444)")
    port = int(match.group("p6") or match.group("port"))
    if not 1 <= port <= 65535:
        raise ValueError(f"port {port} is not between 1 and 65535")
    return match.group("v6") or match.group("host"), port


def _host_port(value: str) -> str:
    split_address(value)
    return value.strip()


class BaresipSourceSettings(Section):
    kind: Literal["baresip"]
    address: str = "127.0.0.1:4444"  # baresip's ctrl_tcp_listen (needs module_app menu.so and ctrl_tcp.so)
    # The folder baresip records calls into (its `snd_path`, with `module sndfile.so`): an answered
    # call's recording is then offered to the CRMs that take one (retailCRM's recordUrl). "" = off.
    recordings: str = ""

    _address = field_validator("address")(_host_port)


class WebhookSourceSettings(Section):
    kind: Literal["webhook"]
    listen: str = "127.0.0.1:47100"  # where the webhook listens; keep it on loopback

    _listen = field_validator("listen")(_host_port)


# Call sources besides `ringside event` and the simulator (app/telephony/sources.py builds them).
Source = Annotated[BaresipSourceSettings | WebhookSourceSettings, Field(discriminator="kind")]


_SIP_DOMAIN = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?)(?::(\d{1,5}))?$")


def _sip_domain(value: str) -> str:
    match = _SIP_DOMAIN.fullmatch(value.strip())
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 65535):
        raise ValueError(f"'{value}' is not host or host:port (e.g. sip.example.com or 127.0.0.1:5060)")
    return value.strip()


class BaresipDialerSettings(Section):
    kind: Literal["baresip"]
    domain: str  # where calls go: baresip dials sip:<E.164 number>@<domain> (your SIP provider or PBX)
    source: str = ""  # which [[sources]] baresip dials ("baresip", "baresip-2", …); "" = the first one

    _domain = field_validator("domain")(_sip_domain)


class SystemDialerSettings(Section):
    kind: Literal["system"]  # opens tel:<number> with the desktop's handler (Teams, Zoiper, MicroSIP, …)


# How Ringside places calls (tray → Dial…, Call back, `ringside dial`, tel: links); app/telephony/dialers.py.
Dialer = Annotated[BaresipDialerSettings | PuzzelDialerSettings | SystemDialerSettings,
                   Field(discriminator="kind")]


class CallbacksSettings(Section):
    # The one server CRMs call back (retailCRM's makeCallUrl / changeUserStatusUrl, FixDigital's
    # click-to-call and call list); it runs while a retailCRM or FixDigital account is configured.
    # Loopback by default: use a LAN address, or a relay in front, only where the CRM must reach it.
    listen: str = "127.0.0.1:47200"
    # Behind a relay: the public address the CRM calls (e.g. https://ringside.example.com); its host
    # is accepted in the Host header besides the listen address's.
    public_url: str = ""

    _listen = field_validator("listen")(_host_port)

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if value.strip() and (parts.scheme not in ("http", "https") or not parts.hostname or parts.query):
            raise ValueError(f"'{value}' is not an http(s) address (e.g. https://ringside.example.com)")
        return value.strip()


class Settings(Section):
    schema_version: int = SCHEMA_VERSION
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    accounts: list[Account] = Field(default_factory=list)
    simulator: SimulatorSettings = Field(default_factory=SimulatorSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)
    sources: list[Source] = Field(default_factory=list)
    dialer: Dialer | None = None  # [dialer]: none configured = Ringside can't place calls
    callbacks: CallbacksSettings = Field(default_factory=CallbacksSettings)

    @field_validator("accounts")
    @classmethod
    def _unique_ids(cls, accounts: list[Account]) -> list[Account]:
        seen: set[str] = set()
        for account in accounts:
            if account.id in seen:
                raise ValueError(f"account id '{account.id}' is used twice")
            seen.add(account.id)
        return accounts

    def account(self, account_id: str) -> Account:
        for account in self.accounts:
            if account.id == account_id:
                return account
        known = ", ".join(a.id for a in self.accounts) or "none configured"
        raise ConfigError(f"No account '{account_id}' in the configuration (accounts: {known}).")


def load(path: Path) -> Settings:
    """Settings from `path`; defaults when it does not exist. Raises ConfigError naming the problem."""
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc}).") from None
    data = _parse(path, text)
    try:
        upgraded, version = migrations.upgrade(data, path=path)
    except ConfigError as exc:
        raise ConfigError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    try:
        settings = Settings.model_validate(upgraded)
    except ValidationError as exc:
        from app.config.problems import describe  # only a broken file needs the words for it

        raise ConfigError(describe(path, text, upgraded, exc, keys=_vocabulary())) from None
    # An older file is rewritten only when valid and really changed, its original kept beside it.
    if version < migrations.CURRENT and migrations.changed(data, upgraded):
        try:
            kept = migrations.backup(path, text, version)
            save(path, settings)
        except OSError as exc:  # a read-only folder: run on the upgraded settings, upgrade next time
            log.warning("Could not upgrade %s in place (%s); using the upgraded settings for now", path, exc)
        else:
            log.info("Upgraded %s from schema version %s to %s; the original is in %s",
                     path, version, migrations.CURRENT, kept.name)
    return settings


# No real config nests past a handful of levels; the parser and the checks after it recurse.
MAX_DEPTH = 16


def _parse(path: Path, text: str) -> dict[str, object]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}.") from None
    except RecursionError:
        data = None
    if data is None or _depth(data) > MAX_DEPTH:
        raise ConfigError(f"{path}: not valid TOML for Ringside: tables or arrays nest more than "
                          f"{MAX_DEPTH} levels deep.") from None
    return data


def _depth(value: object) -> int:
    """How deeply tables and arrays nest (without recursion: that is what it guards against)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _vocabulary() -> set[str]:
    """Every key any table of the file may hold (the vocabulary for "did you mean")."""
    keys = _all_keys(Settings)
    for model in account_kinds.all_models():
        keys |= _all_keys(model)
    return keys


def _all_keys(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every key of `model`'s table and the tables under it."""
    seen = seen if seen is not None else set()
    seen.add(model)
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for sub in _models_in(field.annotation):
            if sub not in seen:
                keys |= _all_keys(sub, seen)
    return keys


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def dump(settings: Settings) -> str:
    import tomli_w  # writing is rare: not on the start path

    return tomli_w.dumps(settings.model_dump(mode="json", exclude_none=True))


def save(path: Path, settings: Settings) -> None:
    """Write atomically (a crash mid-write never leaves half a config)."""
    from app.config.paths import make_private_dir

    make_private_dir(path.parent)  # `account connect` may be the first to make the folder
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(dump(settings), encoding="utf-8")
    tmp.replace(path)
