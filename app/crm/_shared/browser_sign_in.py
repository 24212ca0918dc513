"""The browser half of an OAuth2 authorisation-code sign-in: the authorisation URL (with `state` and,
where the CRM takes it, a PKCE challenge), a one-shot loopback listener for the redirect, and the
checks on what comes back. The code exchange itself is the account's `OAuthClient` (oauth_tokens.py).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import inspect
import secrets as _random
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import quote, urlencode

from aiohttp import web

from app.crm._shared.loopback import LoopbackServer
from app.crm._shared.oauth_tokens import OAuthClient, OAuthConfig, SignInFailed, TokenSet

OpenUrl = Callable[[str], Awaitable[None] | None]
_MAX_BODY = 1024

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Ringside</title>
<style>body{{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}}</style></head>
<body><h1>{title}</h1><p>{detail}</p><p>You can close this tab.</p></body></html>"""


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636."""
    verifier = _random.token_urlsafe(64)  # 86 characters from the unreserved set
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(config: OAuthConfig, redirect_uri: str, state: str, code_challenge: str | None) -> str:
    params = {
        "client_id": config.client_id,
        "redirect_uri": redirect_uri,
        "scope": config.scope,
        "response_type": "code",
        "state": state,
    }
    if code_challenge is not None:
        params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
    separator = "&" if "?" in config.authorize_url else "?"
    return config.authorize_url + separator + urlencode(params, quote_via=quote)


async def authorize(
    oauth: OAuthClient,
    open_url: OpenUrl,
    *,
    timeout_s: float = 300.0,
    port: int = 0,
    path: str = "/callback",
) -> TokenSet:
    """Sign in through the browser and store the tokens.

    Listens once on http://127.0.0.1:<port><path> (a random port unless given), passes the
    authorisation URL to `open_url` (print it, open a browser…), waits up to `timeout_s` for the
    redirect, checks `state`, exchanges the code (with the PKCE verifier) and stores the TokenSet.
    Raises SignInFailed when the user refuses, the reply cannot be trusted or nothing arrives.
    """
    config = oauth.config
    state = _random.token_urlsafe(24)
    verifier, challenge = pkce_pair() if config.use_pkce else (None, None)
    loop = asyncio.get_running_loop()
    reply: asyncio.Future[Mapping[str, str]] = loop.create_future()

    async def callback(request: web.Request) -> web.Response:
        if reply.done():
            return _page(410, "This sign-in link was already used", "Start the sign-in again from Ringside.")
        query = {key: request.query[key] for key in request.query}
        reply.set_result(query)
        problem = _problem(query, state, config.service)
        if problem is not None:
            return _page(400, f"{config.service} sign-in failed", problem)
        return _page(200, f"{config.service} is connected", "Ringside has what it needs.")

    async def refuse(request: web.Request) -> web.Response:
        return _page(404 if not reply.done() else 410, "Nothing here", "This address only takes one sign-in.")

    app = web.Application(client_max_size=_MAX_BODY)
    app.router.add_get(path, callback)
    app.router.add_route("*", "/{tail:.*}", refuse)
    # The code must not leave this machine: 127.0.0.1 only, and the listener limits every Ringside
    # listener has (the redirect is a GET; nothing needs a body).
    server = LoopbackServer("127.0.0.1", port, name="sign-in listener", max_body=_MAX_BODY, shutdown_timeout_s=1.0,
                            refusal=lambda status, text: _page(status, "Not accepted", text))
    try:
        bound_port = await server.start(app)
    except OSError as exc:
        raise SignInFailed(
            f"Ringside could not listen on 127.0.0.1:{port} for the sign-in reply ({exc.strerror})."
        ) from None
    try:
        redirect_uri = f"http://127.0.0.1:{bound_port}{path}"
        url = authorize_url(config, redirect_uri, state, challenge)
        opened = open_url(url)
        if inspect.isawaitable(opened):
            await opened
        try:
            query = await asyncio.wait_for(asyncio.shield(reply), timeout_s)
        except TimeoutError:
            raise SignInFailed(
                f"No answer from the browser within {_duration(timeout_s)}; the {config.service} "
                "sign-in was not completed. Try again."
            ) from None
    finally:
        await server.stop()
    problem = _problem(query, state, config.service)
    if problem is not None:
        raise SignInFailed(problem)
    return await oauth.exchange_code(query["code"], redirect_uri, verifier)


def _problem(query: Mapping[str, str], state: str, service: str) -> str | None:
    """Why a redirect cannot be used, in words for the user; None when it can."""
    error = query.get("error")
    # A reply carrying someone else's state is ignored whatever it says; some servers omit
    # state on error replies, so those are reported as they are.
    matches = _random.compare_digest(query.get("state", "").encode(), state.encode())
    if ("state" in query or not error) and not matches:
        return "The sign-in reply did not match this sign-in attempt, so it was ignored. Try again."
    if error == "access_denied":
        return f"Access was denied, so Ringside is not connected to {service}."
    if error:
        detail = query.get("error_description") or error
        return f"{service} refused the sign-in: {' '.join(detail.split())[:200]}"
    if not query.get("code"):
        return f"{service} sent no authorisation code. Try again."
    return None


def _page(status: int, title: str, detail: str) -> web.Response:
    body = _PAGE.format(title=html.escape(title), detail=html.escape(detail))
    return web.Response(status=status, text=body, content_type="text/html")


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds:g} seconds"
