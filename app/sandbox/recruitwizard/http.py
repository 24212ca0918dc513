"""How the Recruit Wizard emulator reads an Accept header and words an API error, shared by its
OAuth endpoints and its API routes."""

from __future__ import annotations

from aiohttp import web


def accepts_json(header: str | None, *, loose: bool) -> bool:
    """Whether an Accept header admits JSON. `loose` (token endpoint): no header, */* and
    application/* do. Strict (API): the header must name application/json itself."""
    if header is None:
        return loose
    for media_range in header.split(","):
        media, *params = (part.strip() for part in media_range.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        media = media.lower()
        if media == "application/json" or (loose and media in {"*/*", "application/*"}):
            return True
    return False


def message(status: int, text: str) -> web.StreamResponse:
    """An ASP.NET Web API error: `{"Message": …}` with the status."""
    return web.json_response({"Message": text}, status=status)
