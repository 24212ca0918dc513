"""Configured call sources (`[[sources]]` in config.toml) → running objects.

A plain kind → factory dict, as for connectors; build.spec can read it for hidden imports.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from app.config.settings import BaresipSourceSettings, Source, WebhookSourceSettings
from app.core.models import CallEvent
from app.telephony.baresip import BaresipSource
from app.telephony.webhook import WebhookServer, load_or_create_token


class CallSource(Protocol):
    name: str

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass(frozen=True)
class SourceContext:
    emit: Callable[[CallEvent], str | None]  # the switchboard's `handle`
    # The same, for a source that answers someone: returns once the call is committed (NotStored if not).
    emit_stored: Callable[[CallEvent], Awaitable[str | None]]
    notify: Callable[..., None]  # the listener's `message(text, error=…)`
    default_region: Callable[[], str | None]
    data_dir: Path  # where the webhook token is kept
    # A softphone connected (True) or went away (False): (source name, connected, what it is) for the tray.
    softphone_status: Callable[[str, bool, str], None] = lambda _name, _up, _what: None
    name: str = ""  # set per source by build_sources: what the switchboard knows its calls by


def _baresip(config: Source, ctx: SourceContext) -> CallSource:
    assert isinstance(config, BaresipSourceSettings)
    def status(up: bool) -> None:
        ctx.softphone_status(ctx.name, up, source.description)

    recordings = Path(config.recordings).expanduser() if config.recordings else None
    source = BaresipSource(config.address, ctx.emit, name=ctx.name, notify=ctx.notify, on_status=status,
                           default_region=ctx.default_region, recordings=recordings)
    return source


def _webhook(config: Source, ctx: SourceContext) -> CallSource:
    assert isinstance(config, WebhookSourceSettings)
    return WebhookServer(config.listen, lambda: load_or_create_token(ctx.data_dir), ctx.emit_stored,
                         ctx.default_region, name=ctx.name)


FACTORIES: dict[str, Callable[[Source, SourceContext], CallSource]] = {
    "baresip": _baresip,
    "webhook": _webhook,
}


def build_sources(configs: list[Source], ctx: SourceContext) -> list[CallSource]:
    """One object per configured source, named "baresip", "webhook", then "baresip-2", … for repeats."""
    built: list[CallSource] = []
    seen: dict[str, int] = {}
    for config in configs:
        seen[config.kind] = seen.get(config.kind, 0) + 1
        count = seen[config.kind]
        name = config.kind if count == 1 else f"{config.kind}-{count}"
        built.append(FACTORIES[config.kind](config, replace(ctx, name=name)))
    return built
