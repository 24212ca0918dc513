"""JSON from outside with its nesting bounded: deep documents are a ValueError, never RecursionError."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.crm._shared.json_limits import MAX_DEPTH, TooDeep, depth, loads_bounded


def test_ordinary_json_reads_as_json_loads_does() -> None:
    text = '{"a": [1, {"b": "[[[{{{"}], "c": "\\"]"}'
    assert loads_bounded(text) == json.loads(text)
    assert depth(text.encode()) == 3  # brackets inside strings don't count


@pytest.mark.parametrize("opening", ["[", '{"a":'])
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 100_000])
def test_deep_documents_are_refused_as_a_value_error(opening: str, levels: int) -> None:
    closing = "]" if opening == "[" else "}"
    with pytest.raises(TooDeep) as raised:
        loads_bounded(opening * levels + "1" + closing * levels)
    assert isinstance(raised.value, ValueError)
    assert f"deeper than {MAX_DEPTH}" in str(raised.value)


def test_exactly_the_limit_is_read() -> None:
    assert loads_bounded("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_unclosed_brackets_and_strings_are_still_just_bad_json() -> None:
    for text in ("[" * 10_000, '"unterminated [[[', b"\xff\xfe", "{" * 10 + '"'):
        with pytest.raises(ValueError):
            loads_bounded(text)


@given(st.binary(max_size=2000))
def test_any_bytes_are_a_value_or_a_value_error(raw: bytes) -> None:
    with contextlib.suppress(ValueError):
        loads_bounded(raw)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=30))
def test_json_within_the_limit_round_trips(value: object) -> None:
    assert loads_bounded(json.dumps(value)) == value
