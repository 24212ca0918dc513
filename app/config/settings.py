"""config.toml ⇄ pydantic. Reading writes only to upgrade an older file (the original is kept beside
it; see migrations.py); a broken file is reported (file, line, key) and left exactly as it is."""

from __future__ import annotations

import ipaddress
import logging
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.config import migrations
from app.errors import ConfigError

SCHEMA_VERSION = migrations.CURRENT
log = logging.getLogger(__name__)


class _Section(BaseModel):
    # Unknown keys are an error, so a typo ("defualt_region") is reported rather than ignored.
    model_config = ConfigDict(extra="forbid")


def _zone_info(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{name}' is not a time zone name (e.g. Europe/Moscow)") from None


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("must be an http(s):// URL")
    return value.rstrip("/")


class AccountBase(_Section):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
    label: str = ""
    enabled: bool = True
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 3.0

    @property
    def display_name(self) -> str:
        return self.label or self.id


class RecruitWizardAccount(AccountBase):
    kind: Literal["recruitwizard"]
    api_url: str = "https://api.recruitwizard.com"  # API and OAuth host
    web_url: str = "https://app.recruitwizard.com"  # web app, for record links
    client_id: str

    _urls = field_validator("api_url", "web_url")(_http_url)

    @property
    def display_name(self) -> str:
        return self.label or "Recruit Wizard"


class TrackerRmsAccount(AccountBase):
    kind: Literal["trackerrms"]
    api_url: str = "https://evoapi.tracker-rms.com"  # regional: evoapius / evoapica / evoapi (UK, rest)
    auth: Literal["oauth", "password", "apikey"] = "oauth"
    username: str = ""  # the user's email, for auth = "password"
    client_id: str = "EvoApi_1.0"
    phone_format: Literal["national", "e164"] = "national"  # how numbers are stored in TrackerRMS
    notify_inbound: bool = False  # also trigger TrackerRMS's own screen pop on ring
    destination: str = ""  # the recruiter's own number, for notify_inbound
    labels: dict[str, str] = Field(default_factory=dict)  # renamed record types, e.g. resource = "Candidate"

    _urls = field_validator("api_url")(_http_url)

    @property
    def display_name(self) -> str:
        return self.label or "TrackerRMS"


class RetailCrmAccount(AccountBase):
    kind: Literal["retailcrm"]
    api_url: str  # https://{account}.retailcrm.ru
    site: str = ""  # the shop's symbolic code
    user_id: int | None = None  # the recruiter's retailCRM user id
    code: str = ""  # the recruiter's extension code in the telephony integration
    client_id: str = ""  # the integration's clientId (identifies retailCRM's callbacks)
    external_phone: str = ""  # the number callers dial (call events' externalPhone; the shop's line)
    integration_code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")] = "ringside"  # the module's code
    time_zone: str = ""  # IANA zone of the retailCRM account for call-history dates; "" = this computer's

    _urls = field_validator("api_url")(_http_url)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value:
            _zone_info(value)
        return value

    @property
    def display_name(self) -> str:
        return self.label or "retailCRM"


class FixDigitalAccount(AccountBase):
    kind: Literal["fixdigital"]
    api_url: str  # the CRM base that serves webservice.php
    client_id: str  # FixDigital's ClientId
    extension: str  # the recruiter's extension (sExt)
    # FixDigital's requests to us (click-to-call, call list) sign in with this username and the
    # password in the keyring (`<id>:callback_password`), and must come from these addresses/networks.
    callback_username: str = ""
    allow_from: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])

    _urls = field_validator("api_url")(_http_url)

    @field_validator("allow_from")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError:
                raise ValueError(f"'{item}' is not an IP address or network (e.g. 203.0.113.7 or 10.0.0.0/8)") from None
        return [item.strip() for item in value]

    @property
    def display_name(self) -> str:
        return self.label or "FixDigital"


class PuzzelAccount(AccountBase):
    kind: Literal["puzzel"]
    auth_url: str = "https://auth.puzzel.com"
    api_url: str = "https://api.puzzel.com"
    customer_key: str
    username: str

    _urls = field_validator("auth_url", "api_url")(_http_url)

    @property
    def display_name(self) -> str:
        return self.label or "Puzzel"


Account = Annotated[
    RecruitWizardAccount | TrackerRmsAccount | RetailCrmAccount | FixDigitalAccount | PuzzelAccount,
    Field(discriminator="kind"),
]


class GeneralSettings(_Section):
    default_region: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] = "AU"  # for numbers without +
    auto_log: bool = False  # log each call at hangup with the note typed so far, no form
    pop_on: Literal["ring", "answer", "never"] = "ring"
    card_position: Literal["bottom-right", "top-right", "bottom-left", "top-left"] = "bottom-right"
    start_at_login: bool = False  # the packaging's autostart entry follows this
    # Only where no keyring is usable, and only after the user said yes: secrets in an owner-only file.
    store_secrets_in_file: bool = False

    @field_validator("default_region")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class OutboxSettings(_Section):
    # How the note outbox retries. Waits double from backoff_initial_s (with ±25 % jitter) up to
    # backoff_max_s; a CRM's Retry-After is honoured instead. A delivery not confirmed within
    # delivery_timeout_s is an unknown outcome (see README, "Notes are never lost").
    backoff_initial_s: Annotated[float, Field(gt=0, le=3600)] = 2.0
    backoff_max_s: Annotated[float, Field(gt=0, le=86400)] = 300.0
    delivery_timeout_s: Annotated[float, Field(gt=0, le=600)] = 20.0
    sign_in_retry_s: Annotated[float, Field(gt=0, le=86400)] = 900.0  # also retried at once on sign-in


class CacheSettings(_Section):
    # Lookup cache: a repeat caller's card is painted from it at once, then refreshed from the CRM.
    enabled: bool = True
    found_ttl_hours: Annotated[float, Field(ge=0, le=24 * 365)] = 168.0  # 0: never show cached matches
    not_found_ttl_hours: Annotated[float, Field(ge=0, le=24 * 365)] = 1.0  # "no match" is kept shorter


class SimulatorSettings(_Section):
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


class BaresipSourceSettings(_Section):
    kind: Literal["baresip"]
    address: str = "127.0.0.1:4444"  # baresip's ctrl_tcp_listen (needs module_app menu.so and ctrl_tcp.so)

    _address = field_validator("address")(_host_port)


class WebhookSourceSettings(_Section):
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


class BaresipDialerSettings(_Section):
    kind: Literal["baresip"]
    domain: str  # where calls go: baresip dials sip:<E.164 number>@<domain> (your SIP provider or PBX)
    source: str = ""  # which [[sources]] baresip dials ("baresip", "baresip-2", …); "" = the first one

    _domain = field_validator("domain")(_sip_domain)


class PuzzelDialerSettings(_Section):
    kind: Literal["puzzel"]
    account: str  # the id of a kind = "puzzel" account (its password is in the keyring)
    queue_key: str = ""  # optional callout queueKey (Puzzel's queue for the call); "" = Puzzel's default
    access_point: str = ""  # optional callout accessPoint (the number the callee sees); "" = Puzzel's default


class SystemDialerSettings(_Section):
    kind: Literal["system"]  # opens tel:<number> with the desktop's handler (Teams, Zoiper, MicroSIP, …)


# How Ringside places calls (tray → Dial…, Call back, `ringside dial`, tel: links); app/telephony/dialers.py.
Dialer = Annotated[BaresipDialerSettings | PuzzelDialerSettings | SystemDialerSettings,
                   Field(discriminator="kind")]


class CallbacksSettings(_Section):
    # The one server CRMs call back (retailCRM's makeCallUrl / changeUserStatusUrl, FixDigital's
    # click-to-call and call list); it runs while a retailCRM or FixDigital account is configured.
    # Loopback by default: use a LAN address, or a relay in front, only where the CRM must reach it.
    listen: str = "127.0.0.1:47200"

    _listen = field_validator("listen")(_host_port)


class Settings(_Section):
    schema_version: int = SCHEMA_VERSION
    general: GeneralSettings = Field(default_factory=GeneralSettings)
    accounts: list[Account] = Field(default_factory=list)
    simulator: SimulatorSettings = Field(default_factory=SimulatorSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}.") from None
    upgraded, version = migrations.upgrade(data, path=path)
    try:
        settings = Settings.model_validate(upgraded)
    except ValidationError as exc:
        raise ConfigError(_describe(path, text, upgraded, exc)) from None
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


def dump(settings: Settings) -> str:
    return tomli_w.dumps(settings.model_dump(mode="json", exclude_none=True))


def save(path: Path, settings: Settings) -> None:
    """Write atomically (a crash mid-write never leaves half a config)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(dump(settings), encoding="utf-8")
    tmp.replace(path)


def _describe(path: Path, text: str, data: dict[str, Any], exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        loc = _clean_loc(error["loc"], data)
        key = _dotted(loc)
        line = _line_of(text, loc)
        where = f"{path}:{line}" if line else str(path)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key (misspelt?)"
        elif error["type"] == "missing":
            message = "required key is missing"
        elif error["type"] == "union_tag_invalid":
            message = f"unknown kind {error['input'].get('kind')!r}" if isinstance(
                error.get("input"), dict) else message
        problems.append(f"{where}: {key}: {message}")
    return "Problem in the configuration file:\n  " + "\n  ".join(problems)


def _clean_loc(loc: tuple[int | str, ...], data: dict[str, Any]) -> tuple[int | str, ...]:
    """Drop the discriminator tag pydantic inserts ('accounts', 0, 'recruitwizard', 'client_id')."""
    out: list[int | str] = []
    node: Any = data
    for part in loc:
        if isinstance(node, dict) and part not in node and part == node.get("kind"):
            continue
        out.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line number of a key path in a TOML file (tables, arrays of tables, keys)."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    path: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if isinstance(part, str) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = int(loc[i + 1])
            header = re.compile(rf"^\s*\[\[\s*{re.escape('.'.join([*path, part]))}\s*\]\]")
            hits = [n for n in range(start, end) if header.match(lines[n])]
            if index >= len(hits):
                return None
            start = hits[index]
            nxt = [n for n in range(start + 1, end) if re.match(r"^\s*\[", lines[n])]
            end = nxt[0] if nxt else end
            path = []
            i += 2
            continue
        if isinstance(part, str):
            table = re.compile(rf"^\s*\[\s*{re.escape('.'.join([*path, part]))}\s*\]")
            hits = [n for n in range(start, end) if table.match(lines[n])]
            if hits and i + 1 < len(loc):
                start = hits[0]
                nxt = [n for n in range(start + 1, len(lines)) if re.match(r"^\s*\[", lines[n])]
                end = nxt[0] if nxt else len(lines)
                path = []
                i += 1
                continue
            key = re.compile(rf"^\s*[\"']?{re.escape(part)}[\"']?\s*=")
            for n in range(start, end):
                if key.match(lines[n]):
                    return n + 1
            if hits:
                return hits[0] + 1
            path.append(part)
        i += 1
    return start + 1 if start else None
