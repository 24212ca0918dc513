"""An `[[accounts]]` table is read by its kind's model alone: a config.toml with no accounts, or
accounts of one kind, imports and builds no other kind's model. Errors read as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.config import account_kinds, settings
from app.crm.puzzel.settings import PuzzelAccount
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.errors import ConfigError

PROBE = """
import sys
from pathlib import Path
from app.config import settings
from app.config.account_base import AccountBase
loaded = settings.load(Path(sys.argv[1]))
kinds = sorted(m.split(".")[2] for m in sys.modules if m.startswith("app.crm.") and m.endswith(".settings"))
built = sorted(m.__name__ for m in AccountBase.__subclasses__() if m.__pydantic_complete__)
print(len(loaded.accounts), ",".join(kinds) or "-", ",".join(built) or "-")
"""
RW = """\
[[accounts]]
kind = "recruitwizard"
id = "rw"
client_id = "abc"
"""


def probe(path: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True,
                            timeout=60, check=True)
    return result.stdout.split()


@pytest.mark.parametrize(("text", "expected"), [
    ("", ["0", "puzzel", "-"]),  # puzzel's module holds its dialer's settings; its account model stays unbuilt
    (RW, ["1", "puzzel,recruitwizard", "RecruitWizardAccount"]),
])
def test_only_the_kinds_in_the_file_are_imported_and_built(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    assert probe(path) == expected


def test_every_kind_has_its_model() -> None:
    for kind in account_kinds.KINDS:
        model = account_kinds.model_for(kind)
        assert model.model_fields["kind"].annotation.__args__ == (kind,)  # type: ignore[union-attr]
    with pytest.raises(KeyError):
        account_kinds.model_for("salesforce")


def test_an_account_model_is_taken_as_it_is() -> None:
    account = RecruitWizardAccount(kind="recruitwizard", id="rw", client_id="abc")
    assert settings.Settings(accounts=[account]).accounts[0] is account


def test_accounts_of_every_kind_round_trip(tmp_path: Path) -> None:
    made = settings.Settings(accounts=[RecruitWizardAccount(kind="recruitwizard", id="rw", client_id="abc"),
                                       PuzzelAccount(kind="puzzel", id="pz", customer_key="k", username="u")])
    path = tmp_path / "config.toml"
    settings.save(path, made)
    assert settings.load(path) == made


def test_an_account_that_is_not_a_table_says_so(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('accounts = ["rw"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r'accounts\[0\]: must be a table \(found "rw"\)'):
        settings.load(path)


@pytest.mark.parametrize(("table", "expected"), [
    ('id = "rw"', "accounts[0]: needs a `kind` line saying what it is"),
    ('kind = 3', "accounts[0]: unknown kind 3 Kinds: recruitwizard, trackerrms, retailcrm, fixdigital, puzzel."),
    ('kind = "zz"\nid = "t"', "accounts[0]: unknown kind 'zz' Kinds: recruitwizard, trackerrms"),
    ('kind = "trackerrms"\nid = "t"\nusrname = "a"', "accounts[0].usrname: unknown key (misspelt?) — did you "
                                                      "mean 'username'?"),
])
def test_kind_errors_read_as_the_union_s_did(tmp_path: Path, table: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[[accounts]]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        settings.load(path)
    assert expected in str(raised.value)
