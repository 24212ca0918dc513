"""The parser assembly and the dispatch to each command group's module."""

from __future__ import annotations

import argparse

import pytest

from app.cli import main as cli
from app.config.paths import Paths


def test_every_command_group_is_listed_in_order() -> None:
    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == ["run", "event", "account", "history", "cache", "webhook-info", "retailcrm",
                                 "dial", "sandbox"]


@pytest.mark.parametrize(("argv", "command"), [
    ([], "run"), (["run"], "run"), (["--demo"], "run"), (["event", "ring", "--number", "1"], "event"),
    (["history", "--json"], "history"), (["cache", "clear"], "cache"), (["webhook-info"], "webhook-info"),
    (["tel:+61491570006"], "dial"), (["--home", "tel:x", "tel:+61491570006"], "dial"),
])
def test_main_hands_each_command_to_its_module(argv: list[str], command: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, argparse.Namespace]] = []

    def fake(name: str) -> cli.Command:
        return lambda paths, args: seen.append((name, args)) or 7  # type: ignore[func-returns-value]

    monkeypatch.setattr(cli, "_COMMANDS", {k: (add, fake(k)) for k, (add, _) in cli._COMMANDS.items()})
    assert cli.main(argv) == 7
    assert [name for name, _ in seen] == [command]


def test_a_ringside_error_is_one_line_on_stderr_and_exit_1(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from app.errors import RingsideError

    def refuse(paths: Paths, args: argparse.Namespace) -> int:
        raise RingsideError("no can do")

    monkeypatch.setitem(cli._COMMANDS, "history", (cli._COMMANDS["history"][0], refuse))
    assert cli.main(["history"]) == cli.EXIT_FAIL
    assert capsys.readouterr().err == "ringside: no can do\n"
