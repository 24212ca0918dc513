"""The registered redirect URI and where the sign-in listener binds for it."""

from __future__ import annotations

import pytest

from app.crm._shared.redirect_uri import DEFAULT_REDIRECT_URI, Listener, listener_for, valid_redirect_uri


def test_the_default_is_a_fixed_loopback_port() -> None:
    assert DEFAULT_REDIRECT_URI == "http://127.0.0.1:47615/callback"
    assert listener_for(DEFAULT_REDIRECT_URI) == Listener("127.0.0.1", 47615, "/callback")
    assert listener_for("http://localhost:8123") == Listener("localhost", 8123, "/")


@pytest.mark.parametrize(
    ("uri", "why"),
    [("https://127.0.0.1:47615/callback", "must start with http://"),
     ("http://example.com:47615/callback", "must point at this computer"),
     ("http://127.0.0.1/callback", "needs a fixed port"),
     ("http://127.0.0.1:0/callback", "needs a fixed port"),
     ("http://127.0.0.1:47615/callback?x=1", "query or fragment"),
     ("http://127.0.0.1:99999/callback", "not a valid URL")],
)
def test_uris_the_listener_cannot_serve_are_refused(uri: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        valid_redirect_uri(uri)
