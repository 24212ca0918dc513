"""Issue 14, point 8: a broken config.toml is written to ringside.log, and shown in a dialog only when
Ringside was started from its desktop entry (never from a terminal or in tests)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.cli import main as cli


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """The start-up path sets up the app's log: undo it for the tests after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def broken_home(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text("[general]\nauto_log = 3\n")
    return tmp_path


def run(home: Path, *flags: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    shown: list[str] = []
    monkeypatch.setattr("app.main.show_startup_error", shown.append)

    def run_app(_paths: Path, load_settings: Callable[[], object], **_: object) -> int:
        load_settings()  # what the app does while its tray shows "Starting…"
        pytest.fail("must not start with a broken config.toml")

    monkeypatch.setattr("app.main.run_app", run_app)
    code = cli.main(["--home", str(home), *flags])
    return code, shown


def test_from_a_terminal_the_problem_is_printed_and_logged(broken_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = run(broken_home, monkeypatch=monkeypatch)
    assert code == cli.EXIT_FAIL and shown == []
    assert "general.auto_log: must be true or false" in capsys.readouterr().err
    log = next(broken_home.rglob("ringside.log")).read_text()
    assert "Ringside did not start" in log and "general.auto_log: must be true or false" in log


def test_from_the_desktop_entry_a_dialog_says_it(broken_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, shown = run(broken_home, "--from-desktop", monkeypatch=monkeypatch)
    assert code == cli.EXIT_FAIL
    (text,) = shown
    assert "general.auto_log: must be true or false" in text and "config.toml:2" in text


def test_a_missing_qt_library_stops_before_qt_and_names_the_package(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("app.runtime.system_libs.qt_system_problem", lambda: "sudo apt install libxcb-cursor0")
    code, shown = run(tmp_path, "--from-desktop", monkeypatch=monkeypatch)
    assert code == cli.EXIT_FAIL and "libxcb-cursor0" in shown[0]
    assert "libxcb-cursor0" in capsys.readouterr().err
