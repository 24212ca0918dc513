"""Optional /_sandbox/ routes any emulator can mount, so a test or demo running the app in another
process can read the journal and steer faults over HTTP. Loopback only, like the emulators; the
journal is already redacted, so nothing secret is served. These routes bypass latency and faults.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app.sandbox.faults import FaultKind, Faults
from app.sandbox.journal import CONTROL_PREFIX, Journal


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InjectCommand(_Strict):
    action: Literal["inject"]
    path_prefix: str
    kind: FaultKind
    count: int = Field(1, ge=1)
    status: int = Field(500, ge=400, le=599)
    retry_after: float | None = Field(None, ge=0)


class LatencyCommand(_Strict):
    action: Literal["latency"]
    seconds: float = Field(ge=0)
    path_prefix: str = ""


class ClearCommand(_Strict):
    action: Literal["clear"]


FaultCommand = Annotated[InjectCommand | LatencyCommand | ClearCommand, Field(discriminator="action")]
_COMMAND: TypeAdapter[InjectCommand | LatencyCommand | ClearCommand] = TypeAdapter(FaultCommand)


def mount_control(app: web.Application, journal: Journal, faults: Faults) -> None:
    """GET/DELETE {CONTROL_PREFIX}journal (?path_prefix=&method=) and POST {CONTROL_PREFIX}faults
    with one of InjectCommand, LatencyCommand or ClearCommand as JSON."""

    async def get_journal(request: web.Request) -> web.StreamResponse:
        entries = journal.entries(request.query.get("path_prefix"), request.query.get("method"))
        return web.json_response([dataclasses.asdict(e) for e in entries])

    async def clear_journal(_: web.Request) -> web.StreamResponse:
        journal.clear()
        return web.json_response({"cleared": True})

    async def post_faults(request: web.Request) -> web.StreamResponse:
        try:
            command = _COMMAND.validate_json(await request.read())
        except ValidationError as exc:
            return web.json_response(
                {"error": exc.errors(include_url=False, include_input=False, include_context=False)},
                status=400,
            )
        if isinstance(command, InjectCommand):
            faults.inject(
                command.path_prefix,
                command.kind,
                count=command.count,
                status=command.status,
                retry_after=command.retry_after,
            )
        elif isinstance(command, LatencyCommand):
            faults.set_latency(command.seconds, command.path_prefix)
        else:
            faults.clear()
        return web.json_response({"pending": len(faults.pending())})

    app.router.add_get(f"{CONTROL_PREFIX}journal", get_journal)
    app.router.add_delete(f"{CONTROL_PREFIX}journal", clear_journal)
    app.router.add_post(f"{CONTROL_PREFIX}faults", post_faults)
