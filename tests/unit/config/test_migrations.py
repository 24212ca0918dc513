"""config.toml from an older Ringside: upgraded in place, the original kept beside it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.config import migrations, settings
from app.errors import ConfigError

V0 = """\
# written by hand for an early build
[general]
region = "nz"
autolog = true

[[accounts]]
id = "tr"
type = "trackerrms"
base_url = "https://evoapi.tracker-rms.com"
auth = "password"
username = "alex@agency.example"
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "config"
    path.mkdir()
    return path


def write(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_v0_file_is_upgraded_and_the_original_kept_beside_it(folder: Path) -> None:
    path = write(folder, V0)

    loaded = settings.load(path)

    assert loaded.general.default_region == "NZ"
    assert loaded.general.auto_log is True
    account = loaded.account("tr")
    assert account.kind == "trackerrms" and account.api_url == "https://evoapi.tracker-rms.com"
    backup = folder / "config.toml.v0.bak"
    assert backup.read_text(encoding="utf-8") == V0  # word for word, comments included
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600 or os.name != "posix"
    upgraded = path.read_text(encoding="utf-8")
    assert "schema_version = 1" in upgraded
    assert "base_url" not in upgraded and "region =" not in upgraded.replace("default_region", "")
    # Reading it again is a plain read: nothing more is written.
    assert settings.load(path) == loaded
    assert sorted(p.name for p in folder.iterdir()) == ["config.toml", "config.toml.v0.bak"]


def test_a_second_upgrade_keeps_the_first_backup(folder: Path) -> None:
    path = write(folder, V0)
    settings.load(path)
    write(folder, V0.replace('"nz"', '"gb"'))
    assert settings.load(path).general.default_region == "GB"
    assert (folder / "config.toml.v0.bak").read_text(encoding="utf-8") == V0
    assert '"gb"' in (folder / "config.toml.v0.2.bak").read_text(encoding="utf-8")


def test_an_unversioned_file_with_nothing_to_rename_is_left_as_written(folder: Path) -> None:
    text = '[general]\ndefault_region = "AU"  # my comment\n'
    path = write(folder, text)
    assert settings.load(path).general.default_region == "AU"
    assert path.read_text(encoding="utf-8") == text
    assert not list(folder.glob("*.bak"))


def test_a_broken_old_file_is_reported_and_not_touched(folder: Path) -> None:
    text = V0 + 'colour = "blue"\n'
    path = write(folder, text)
    with pytest.raises(ConfigError, match=r"accounts\[0\]\.colour: unknown key"):
        settings.load(path)
    assert path.read_text(encoding="utf-8") == text
    assert not list(folder.glob("*.bak"))


def test_a_new_name_set_on_purpose_wins_over_the_old_one(folder: Path) -> None:
    path = write(folder, '[general]\nregion = "nz"\ndefault_region = "GB"\n')
    assert settings.load(path).general.default_region == "GB"


def test_a_file_from_a_newer_ringside_is_refused(folder: Path) -> None:
    path = write(folder, f"schema_version = {migrations.CURRENT + 1}\n")
    with pytest.raises(ConfigError, match="newer than this Ringside understands"):
        settings.load(path)


@pytest.mark.parametrize("value", ['"one"', "-1", "true"])
def test_a_nonsense_version_is_named(folder: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="schema_version must be a whole number"):
        settings.load(write(folder, f"schema_version = {value}\n"))


def test_saved_files_carry_the_current_version(folder: Path) -> None:
    path = folder / "config.toml"
    settings.save(path, settings.Settings())
    assert f"schema_version = {migrations.CURRENT}" in path.read_text(encoding="utf-8")
