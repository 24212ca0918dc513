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


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_reads_the_documented_example(tmp_path: Path) -> None:
    loaded = settings.load(write(tmp_path, GOOD))
    assert loaded.general.default_region == "AU"
    assert loaded.account("rw").client_id == "abc"


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert settings.load(tmp_path / "absent.toml").accounts == []


def test_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    settings.save(path, settings.load(path))
    assert settings.load(path) == settings.load(write(tmp_path, GOOD))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace('client_id = "abc"\n', ""), ":5: accounts[0].client_id: required key is missing"),
        (GOOD.replace("auto_log = false", "auto_log = maybe"), "not valid TOML"),
        (GOOD.replace("auto_log", "auto_lgo"), ':3: general.auto_lgo: unknown key'),
        (GOOD.replace('api_url = "https://api.recruitwizard.com"', 'api_url = "ftp://x"'),
         ":8: accounts[0].api_url: Value error, must be an http(s):// URL"),
        (GOOD.replace('kind = "recruitwizard"', 'kind = "salesforce"'), "accounts[0]"),
        (GOOD.replace('"au"', '"Australia"'), ":2: general.default_region"),
    ],
)
def test_broken_file_is_named_with_line_and_key_and_left_untouched(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        settings.load(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)
    assert path.read_text() == text


def test_limits_default_and_read(tmp_path: Path) -> None:
    assert settings.Settings().limits == settings.LimitsSettings(max_answer_kb=1024, max_records=50,
                                                                 request_deadline_s=20.0)
    loaded = settings.load(write(tmp_path, "[limits]\nmax_answer_kb = 256\nmax_records = 20\n"))
    assert (loaded.limits.max_answer_kb, loaded.limits.max_records) == (256, 20)
    with pytest.raises(ConfigError, match=r"limits\.max_records"):
        settings.load(write(tmp_path, "[limits]\nmax_records = 0\n"))


@pytest.mark.parametrize("text", [
    "a = " + "[" * 100_000 + "]" * 100_000,  # past the parser's recursion
    "a = " + "[" * 17 + "]" * 17,  # parses, but deeper than any config
    "a = " + "{b = " * 3000 + "1" + "}" * 3000,
])
def test_deep_nesting_is_a_config_error_not_a_traceback(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=r"config\.toml: .*nest more than 16 levels deep"):
        settings.load(path)
    assert path.read_text() == text  # left as it is
