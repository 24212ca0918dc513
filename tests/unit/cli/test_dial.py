"""`ringside tel:…` is `ringside dial tel:…`."""

from __future__ import annotations

import pytest

from app.cli.dial import links_as_dial


@pytest.mark.parametrize(("argv", "expected"), [
    (["tel:+61491570006"], ["dial", "tel:+61491570006"]),
    (["--home", "/h", "callto:0491570006"], ["--home", "/h", "dial", "callto:0491570006"]),
    (["--home", "tel:dir", "history"], ["--home", "tel:dir", "history"]),  # a folder, not a link
    (["history", "tel:+61491570006"], ["history", "tel:+61491570006"]),  # only the command position
    (["--demo"], ["--demo"]),
    ([], []),
])
def test_a_link_in_the_command_position_dials(argv: list[str], expected: list[str]) -> None:
    assert links_as_dial(argv) == expected
