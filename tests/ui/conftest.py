"""Fixtures for the widget tests: the recruiter's intents recorded by FakeControls, the bridge the core
talks through, and a started UiShell on them (ended cards close at once). A test module defining a
fixture of the same name uses its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.ui.bridge import Bridge
from app.ui.shell import UiShell
from tests.ui.helpers import FakeControls


@pytest.fixture
def controls() -> FakeControls:
    return FakeControls()


@pytest.fixture
def bridge() -> Bridge:
    return Bridge()


@pytest.fixture
def shell(qtbot: QtBot, controls: FakeControls, bridge: Bridge) -> Iterator[UiShell]:
    ui = UiShell(controls, bridge, settled_close_ms=0)
    ui.start()
    yield ui
    ui.shutdown()
