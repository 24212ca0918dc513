"""Issue 14, point 10: global options anywhere, a description, option help and an example for every
subcommand, a subcommand's own usage on a mistake, one exit code per kind of outcome, and a clicked
tel: link that starts Ringside first."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from app.cli import dial as dial_cli
from app.cli import main as cli
from app.errors import InvalidNumber
from app.runtime.instance import NoInstance


def every_subparser() -> list[tuple[str, argparse.ArgumentParser]]:
    return list(cli._subparsers(cli.build_parser()))


def test_global_options_go_anywhere_on_the_line() -> None:
    args = cli.parse(["event", "--home", "/x", "ring", "--number", "1"])
    assert (args.home, args.command, args.type) == ("/x", "event", "ring")
    assert cli.parse(["--home", "/y", "history", "--json"]).home == "/y"
    assert cli.parse(["history", "--from-desktop"]).from_desktop
    assert cli.parse(["account", "list", "--home=/z"]).home == "/z"
    assert cli.parse(["--from-desktop", "tel:+61491570006"]).command == "dial"


def test_every_subcommand_has_a_description_option_help_and_an_example() -> None:
    for name, parser in every_subparser():
        assert parser.description, name
        assert parser.epilog and "example" in parser.epilog, name
        for action in parser._actions:
            if action.option_strings and action.help != argparse.SUPPRESS:
                assert action.help, f"{name} {action.option_strings}"
    help_text = cli.build_parser().format_help()
    assert "exit codes:" in help_text and "2  usage mistake" in help_text
    history = dict(every_subparser())["history"].format_help()
    assert "(default: 20)" in history and "ringside history --limit 5" in history


def test_an_unknown_flag_prints_that_subcommands_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.parse(["history", "--bogus"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ringside history") and "unrecognized arguments: --bogus" in err


@pytest.mark.parametrize("number", [" ", "abc"])
def test_an_empty_number_and_a_non_number_are_both_usage_mistakes(number: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    class Door:
        def __init__(self, *_: object, **__: object) -> None: ...
        def alive(self) -> bool:
            return True

        def dial(self, text: str, *, show_errors: bool = True) -> str:
            raise InvalidNumber(f"'{text}' is not a phone number.")

    monkeypatch.setattr("app.runtime.instance.InstanceClient", Door)
    assert cli.main(["--home", str(tmp_path), "dial", number]) == cli.EXIT_USAGE


def test_a_dial_from_a_terminal_asks_the_app_not_to_show_its_refusal(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []

    class Door:
        def __init__(self, *_: object, **__: object) -> None: ...
        def alive(self) -> bool:
            return True

        def dial(self, text: str, *, show_errors: bool = True) -> str:
            asked.append(show_errors)
            return "c1"

    monkeypatch.setattr("app.runtime.instance.InstanceClient", Door)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert cli.main(["--home", str(tmp_path), "dial", "0491570006"]) == cli.EXIT_OK
    assert asked == [False]


def test_a_link_clicked_while_ringside_is_not_running_starts_it_and_dials(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    started: list[list[str]] = []
    running: list[bool] = []

    class Door:
        def __init__(self, *_: object, **__: object) -> None:
            if not running:
                raise NoInstance("Ringside is not running.")

        def alive(self) -> bool:
            return True

        def dial(self, text: str, *, show_errors: bool = True) -> str:
            return f"call to {text}"

    def popen(command: list[str], **_: object) -> None:
        started.append(command)
        running.append(True)  # the app opens its door

    monkeypatch.setattr("app.runtime.instance.InstanceClient", Door)
    monkeypatch.setattr("subprocess.Popen", popen)
    assert cli.main(["--home", str(tmp_path), "tel:+61491570006"]) == cli.EXIT_OK
    (command,) = started
    assert command[-3:] == ["--from-desktop", "--home", str(tmp_path)]
    assert "call to +61491570006" in capsys.readouterr().out
    # A plain `ringside dial` does not start anything: it says Ringside is not running.
    running.clear()
    assert cli.main(["--home", str(tmp_path), "dial", "0491570006"]) == cli.EXIT_FAIL
    assert len(started) == 1
    assert dial_cli.START_WAIT_S > 0
