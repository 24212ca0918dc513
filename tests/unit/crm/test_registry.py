"""The registry table: every kind the settings accept has one complete row, and the rows say what
each kind owns."""

from __future__ import annotations

import pytest

from app.config import account_kinds
from app.config.secret_names import API_KEY, CALLBACK_PASSWORD, CLIENT_SECRET, PASSWORD, TOKENS
from app.crm import registry
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.puzzel.settings import PuzzelAccount
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.errors import ConfigError


def test_every_account_kind_in_the_settings_has_one_row() -> None:
    union = account_kinds.all_models()  # what reads an [[accounts]] table, kind by kind
    assert {model.model_fields["kind"].annotation.__args__[0] for model in union} == set(registry.SYSTEMS)
    for kind, row in registry.SYSTEMS.items():
        assert row.kind == kind and row.name
        assert row.settings in union, kind
        assert row.settings.__module__ == f"app.crm.{kind}.settings", kind
        assert row.secrets, kind


def test_only_crms_have_connectors_and_only_browser_kinds_have_oauth() -> None:
    assert {k for k, row in registry.SYSTEMS.items() if row.connector is None} == {"puzzel"}
    assert {k for k, row in registry.SYSTEMS.items() if row.oauth is not None} == {"recruitwizard", "trackerrms"}


def test_disconnecting_deletes_every_secret_any_kind_owns() -> None:
    assert set(registry.all_secrets()) == {TOKENS, CLIENT_SECRET, PASSWORD, API_KEY, CALLBACK_PASSWORD}
    assert len(registry.all_secrets()) == len(set(registry.all_secrets()))


def test_a_row_refuses_another_kinds_account() -> None:
    account = RecruitWizardAccount(kind="recruitwizard", id="rw", client_id="c")
    assert registry.system("recruitwizard").own(account) is account
    with pytest.raises(ConfigError, match="'rw' is not a FixDigital account"):
        registry.system("fixdigital").own(account)
    with pytest.raises(ConfigError, match="'nope' is not an account kind"):
        registry.system("nope")


def test_oauth_settings_come_from_the_row() -> None:
    rw = RecruitWizardAccount(kind="recruitwizard", id="rw", client_id="c")
    config = registry.oauth_config_for(rw)
    assert config is not None and config.account_id == "rw" and config.client_id == "c"
    puzzel = PuzzelAccount(kind="puzzel", id="pz", customer_key="k", username="u")
    assert registry.oauth_config_for(puzzel) is None
    fd = FixDigitalAccount(kind="fixdigital", id="fd", api_url="https://crm.example", client_id="1", extension="2")
    assert registry.oauth_config_for(fd) is None
