"""Where secrets go: the keyring; with none usable, an explanation — or, only after an opt-in, a file
readable by the user alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app.config import paths as paths_mod
from app.config.settings import GeneralSettings, Settings
from app.errors import SecretStoreError
from app.storage.secret_file import FileSecrets, open_secrets, secrets_file
from app.storage.secrets import NO_BACKEND_HELP, KeyringSecrets, MemoryKeyring

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture
def no_keyring() -> object:
    """As on a headless Linux box: keyring's "fail" backend is all there is."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@posix_only
def test_the_file_is_readable_by_the_user_alone_and_round_trips(tmp_path: Path) -> None:
    store = FileSecrets(tmp_path / "data" / "secrets.json")
    store.set("tr", "password", "pa55-word")
    store.set("rw", "tokens", '{"access_token": "x"}')
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.get("tr", "password") == "pa55-word"
    store.delete("tr", "password")
    store.delete("tr", "password")  # deleting what is gone is fine
    assert store.get("tr", "password") is None
    assert store.get("rw", "tokens") == '{"access_token": "x"}'
    assert not list(store.path.parent.glob("*.tmp"))


@posix_only
def test_a_file_others_could_read_is_tightened_before_use(tmp_path: Path) -> None:
    store = FileSecrets(tmp_path / "secrets.json")
    store.set("tr", "password", "pa55-word")
    store.path.chmod(0o644)
    assert store.get("tr", "password") == "pa55-word"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_a_damaged_file_is_named_without_showing_its_content(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text('{"tr:password": "pa55-word"', encoding="utf-8")
    with pytest.raises(SecretStoreError, match="could not be read") as caught:
        FileSecrets(path).get("tr", "password")
    assert "pa55" not in str(caught.value)


def test_without_a_keyring_nothing_is_stored_and_the_user_is_told_how_to_fix_it(
    tmp_path: Path, no_keyring: object
) -> None:
    paths = paths_mod.resolve(tmp_path / "home2")
    store = open_secrets(paths, Settings())
    with pytest.raises(SecretStoreError) as caught:
        store.set("tr", "password", "pa55-word")
    assert str(caught.value) == NO_BACKEND_HELP
    assert "GNOME Keyring" in NO_BACKEND_HELP and "--store-secrets-in-file" in NO_BACKEND_HELP
    assert not secrets_file(paths).exists()


def test_the_file_is_used_only_after_the_opt_in(tmp_path: Path, no_keyring: object) -> None:
    paths = paths_mod.resolve(tmp_path / "home2")
    opted_in = Settings(general=GeneralSettings(store_secrets_in_file=True))
    assert isinstance(open_secrets(paths, opted_in), FileSecrets)
    assert isinstance(open_secrets(paths, Settings(), allow_file=True), FileSecrets)


def test_a_usable_keyring_wins_even_with_the_opt_in(tmp_path: Path) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        opted_in = Settings(general=GeneralSettings(store_secrets_in_file=True))
        chosen = open_secrets(paths_mod.resolve(tmp_path), opted_in)
    finally:
        keyring.set_keyring(before)
    assert isinstance(chosen, KeyringSecrets)
