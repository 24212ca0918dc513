"""Issue 14, point 8: every config problem names file, line and key, says what is allowed in plain
words, and suggests the right spelling of a misspelt key or kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import settings
from app.errors import ConfigError

GOOD = """\
[general]
default_region = "au"
auto_log = false

[[accounts]]
id = "rw"
kind = "recruitwizard"
api_url = "https://api.recruitwizard.com"
web_url = "https://app.recruitwizard.com"
client_id = "abc"
"""


@pytest.mark.parametrize(("change", "expected"), [
    (("auto_log = false", "auto_log = 3"), ":3: general.auto_log: must be true or false (found 3)"),
    (("auto_log", "auto_lgo"), ":3: general.auto_lgo: unknown key (misspelt?) — did you mean 'auto_log'?"),
    (('"recruitwizard"', '"recruitwizzard"'),
     "unknown kind 'recruitwizzard' — did you mean 'recruitwizard'? Kinds: recruitwizard, trackerrms, retailcrm"),
    (('"au"', '"Australia"'), ':2: general.default_region: must be a two-letter country code, like "AU" or "GB"'),
    (('id = "rw"', 'id = "r w"'), ':6: accounts[0].id: must be 1 to 40 letters, digits, dots, dashes or underscores'),
    (("[general]", '[general]\npop_on = "rnig"'), "general.pop_on: must be one of 'ring', 'answer' or 'never'"),
])
def test_messages_say_what_is_allowed(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        settings.load(path)
    text = str(caught.value)
    assert f"{path}:" in text and expected in text
    assert "Input should be" not in text and "^[" not in text  # no raw validation text, no bare regex
