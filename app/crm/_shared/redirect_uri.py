"""The OAuth redirect URI an account registers with its CRM, and what the sign-in listener makes of it.

OAuth servers such as Recruit Wizard's (IdentityServer) match `redirect_uri` exactly against the URIs
registered for the client, so the URI must be fixed: a random loopback port could never be registered.
The default port, 47615, is below the dynamic range Windows and macOS hand out at random (49152 and
up); Linux's range (32768-60999) includes it, but only a connection on the loopback interface could
hold it there, and only for a moment. When it is taken, the listener says so and the admin sets
another `redirect_uri` on the account and registers that one instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_REDIRECT_URI = "http://127.0.0.1:47615/callback"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Listener:
    """Where the sign-in listener binds for a redirect URI."""

    host: str
    port: int
    path: str


def listener_for(uri: str) -> Listener:
    """The loopback host, port and path of `uri`. Raises ValueError, in words for the user, for a URI
    the listener cannot serve (not http, not this machine, no fixed port)."""
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"'{uri}' is not a valid URL.") from None
    if parts.scheme != "http":
        raise ValueError("The redirect URI must start with http:// (the reply comes to this computer).")
    host = parts.hostname or ""
    if host not in _LOOPBACK_HOSTS:
        raise ValueError("The redirect URI must point at this computer (127.0.0.1), "
                         "so the sign-in code never leaves it.")
    if port is None or port == 0:
        raise ValueError("The redirect URI needs a fixed port, e.g. http://127.0.0.1:47615/callback, "
                         "as the CRM only accepts the exact URI registered with it.")
    if parts.query or parts.fragment:
        raise ValueError("The redirect URI must not carry a query or fragment.")
    return Listener(host=host, port=port, path=parts.path or "/")


def valid_redirect_uri(uri: str) -> str:
    """A pydantic validator: `uri` stripped, if the sign-in listener can serve it."""
    listener_for(uri)
    return uri.strip()
