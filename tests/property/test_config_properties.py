"""The config loader takes any TOML text: it gives Settings or the documented ConfigError with a
message naming the file, never another exception (nor a traceback for deep nesting)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config.settings import Settings, load
from app.errors import ConfigError

CHECKS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = st.sampled_from([
    "schema_version", "general", "default_region", "region", "auto_log", "autolog", "pop_on", "popup_on",
    "accounts", "id", "kind", "type", "api_url", "web_url", "client_id", "timeout_s", "enabled", "label",
    "cache", "enabled", "found_ttl_hours", "limits", "max_answer_kb", "max_records", "request_deadline_s",
    "outbox", "backoff_initial_s", "sources", "listen", "address", "dialer", "domain", "callbacks",
    "simulator", "callers", "recruitwizard", "trackerrms", "retailcrm", "fixdigital", "puzzel", "webhook",
    "baresip", "x",
])
SCALARS = st.one_of(
    st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["recruitwizard", "trackerrms", "retailcrm", "fixdigital", "puzzel", "webhook", "baresip",
                     "system", "https://api.example.test", "127.0.0.1:4444", "AU", "ring", "oauth", "rw"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=8)


def load_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(text, encoding="utf-8")
        problem = None
        try:
            assert isinstance(load(path), Settings)
        except ConfigError as exc:
            problem = str(exc)
        assert problem is None or str(path) in problem  # a problem's message names the file


@CHECKS
@given(DOCUMENTS)
def test_any_toml_document_loads_or_says_what_is_wrong(document: dict[str, Any]) -> None:
    load_text(tomli_w.dumps(document))


@CHECKS
@given(st.text(max_size=300))
def test_any_text_loads_or_says_what_is_wrong(text: str) -> None:
    load_text(text)


@CHECKS
@given(st.integers(min_value=1, max_value=50_000), st.sampled_from(["a = {}", "a = []", "[{}]"]))
def test_any_nesting_depth_loads_or_says_what_is_wrong(levels: int, shape: str) -> None:
    opener, closer = {"a = {}": ("a = {b = " , "}"), "a = []": ("a = [", "]"), "[{}]": ("a = [{b = ", "}]")}[shape]
    load_text(opener * 1 + (opener[4:] * (levels - 1)) + "1" + closer * levels)
