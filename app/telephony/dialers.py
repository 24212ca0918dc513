"""Dialers (`[dialer]` in config.toml): how Ringside places a call it was asked to make.

    baresip   `dial sip:<E.164>@<domain>` over the baresip source's ctrl_tcp; baresip then reports
              the call like any other, and the switchboard pairs it with the card that popped
    puzzel    Puzzel's callout (app.crm.puzzel.client): Puzzel rings the recruiter's phone, then
              the number; nothing comes back, so the card's buttons record the call
    system    opens `tel:<E.164>` with the desktop's handler (Teams, Zoiper, MicroSIP…)

Each gets an already normalised number (the switchboard normalises with the default region and
refuses what isn't a number) and raises a RingsideError the recruiter can read.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

from app.config.settings import BaresipDialerSettings, Settings, SystemDialerSettings
from app.core.dialing import DIALER, Dialer
from app.core.phone import PhoneNumber
from app.crm.puzzel.client import PuzzelClient
from app.crm.puzzel.settings import PuzzelAccount, PuzzelDialerSettings
from app.errors import ConfigError, Rejected, Unavailable
from app.storage.secrets import SecretStore
from app.telephony.baresip import BaresipSource

__all__ = ["DIALER", "BaresipDialer", "Dialer", "DialerContext", "PuzzelDialer", "SystemDialer", "build_dialer",
           "open_with_desktop"]

Opener = Callable[[str], Awaitable[None]]
OPEN_TIMEOUT_S = 10.0


class BaresipDialer:
    def __init__(self, softphone: BaresipSource, domain: str) -> None:
        self.source = softphone.name  # baresip reports the call it places: paired with our card
        self._softphone = softphone
        self.domain = domain

    def uri(self, number: PhoneNumber) -> str:
        return f"sip:{number.e164}@{self.domain}"

    async def dial(self, number: PhoneNumber) -> None:
        await self._softphone.dial(self.uri(number))


class PuzzelDialer:
    source = DIALER

    def __init__(self, client: PuzzelClient) -> None:
        self.client = client

    async def dial(self, number: PhoneNumber) -> None:
        await self.client.call(number)


class SystemDialer:
    source = DIALER

    def __init__(self, opener: Opener | None = None) -> None:
        self._open = opener or open_with_desktop

    async def dial(self, number: PhoneNumber) -> None:
        await self._open(f"tel:{number.e164}")


async def open_with_desktop(url: str) -> None:
    """Hand `url` to the desktop's handler for its scheme (xdg-open, macOS `open`, Windows' shell).
    Raises Unavailable / Rejected when there is no opener or no program for the scheme."""
    if sys.platform == "win32":
        try:
            os.startfile(url)  # type: ignore[attr-defined]  # Windows only
        except OSError as exc:
            raise Rejected(f"Windows has no program for {url.split(':', 1)[0]}: links ({exc.strerror}).") from None
        return
    command = ["open", url] if sys.platform == "darwin" else ["xdg-open", url]
    await _run_opener(command)


async def _run_opener(command: Sequence[str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise Unavailable(f"Can't open {command[-1].split(':', 1)[0]}: links: '{command[0]}' is not installed "
                          "(on Linux it comes with xdg-utils).")
    scheme = command[-1].split(":", 1)[0]
    process = await asyncio.create_subprocess_exec(program, *command[1:], stdin=asyncio.subprocess.DEVNULL,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    try:
        code = await asyncio.wait_for(process.wait(), OPEN_TIMEOUT_S)
    except TimeoutError:
        return  # still running: it found a program and is waiting on it
    if code != 0:
        raise Rejected(f"No program is set up to open {scheme}: links on this computer "
                       f"({command[0]} exited with {code}). Choose one in your desktop's default applications.")


@dataclass(frozen=True)
class DialerContext:
    settings: Settings
    sources: Sequence[object]  # the running call sources (a baresip dialer uses one of them)
    secrets: SecretStore
    http_client: Callable[[str], httpx.AsyncClient]  # account id -> its pooled client
    opener: Opener | None = None  # for the system dialer; tests capture the URL


def build_dialer(ctx: DialerContext) -> Dialer | None:
    """The configured dialer, or None without a [dialer] section. Raises ConfigError naming the key
    at fault (a Puzzel account that doesn't exist, a baresip dialer with no baresip source)."""
    config = ctx.settings.dialer
    if config is None:
        return None
    if isinstance(config, BaresipDialerSettings):
        phones = [s for s in ctx.sources if isinstance(s, BaresipSource)]
        chosen = [s for s in phones if s.name == config.source] if config.source else phones[:1]
        if not chosen:
            named = ", ".join(s.name for s in phones) or "none configured"
            wanted = f"the baresip source '{config.source}'" if config.source else "a baresip source"
            raise ConfigError(f"[dialer] kind = \"baresip\" needs {wanted} in [[sources]] (baresip sources: {named}).")
        return BaresipDialer(chosen[0], config.domain)
    if isinstance(config, PuzzelDialerSettings):
        account = next((a for a in ctx.settings.accounts if a.id == config.account), None)
        if not isinstance(account, PuzzelAccount):
            puzzel = ", ".join(a.id for a in ctx.settings.accounts if isinstance(a, PuzzelAccount)) or "none"
            what = "is not a Puzzel account" if account is not None else "is not in config.toml"
            raise ConfigError(f"[dialer] account '{config.account}' {what} (Puzzel accounts: {puzzel}).")
        client = PuzzelClient(account, ctx.http_client(account.id), ctx.secrets, queue_key=config.queue_key,
                              access_point=config.access_point)
        return PuzzelDialer(client)
    assert isinstance(config, SystemDialerSettings)
    return SystemDialer(ctx.opener)
