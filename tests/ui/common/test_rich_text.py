"""Rich text: what a CRM sends (names with &, <, quotes) shows as typed, and reads back the same."""

from __future__ import annotations

import html

import pytest

from app.ui.common.rich_text import escape, plain

TEXTS = ["Smith & Jones <Recruitment>", 'O\'Brien "Bob"', "a&amp;b", "plain", "<script>x</script>", "&nbsp;"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("quote", [True, False])
def test_escape_is_the_standard_librarys(text: str, quote: bool) -> None:
    assert escape(text, quote=quote) == html.escape(text, quote=quote)


@pytest.mark.parametrize("text", TEXTS)
def test_escaped_text_in_tags_reads_back_as_typed(text: str) -> None:
    rich = (f'Last time: <a href="history:{escape(text)}">{escape(text)}</a>&nbsp;'
            f"<span>{escape(text, quote=False)}</span>")
    assert plain(rich) == f"Last time: {text}\u00a0{text}"
