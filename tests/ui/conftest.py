"""Fixtures for the widget tests: the recruiter's intents recorded by FakeControls, the bridge the core
talks through, and a started UiShell on them (ended cards close at once). A test module defining a
fixture of the same name uses its own."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.ui.bridge import Bridge
from app.ui.shell import UiShell
from tests.ui.helpers import FakeControls


@pytest.fixture(autouse=True)
def qt_garbage_collected_here() -> Iterator[None]:
    """After each widget test, its cyclic garbage (widgets, timers, a test's own event loop) is collected
    on the main thread. Left to the collector, it could be collected in a thread some later test runs
    (an emulator's), and a QObject destroyed off its thread leaves Qt a timer pointing at freed memory:
    the suite crashed in Qt's timer delivery (QApplicationPrivate::notify_helper) now and then."""
    yield
    gc.collect()


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
