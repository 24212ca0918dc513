"""The app's start in two steps, as a real `ringside` process (offscreen Qt) on the test's own home:
the tray and the door first, then config.toml and the rest. An event sent as soon as the tray shows
is handled and stored; a broken config.toml still stops the app with the reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.cli.exit_codes import EXIT_FAIL
from app.config import paths
from tests.integration.test_database_recovery import Instance, instances, ringside

__all__ = ["instances"]  # the fixture, shared


@pytest.mark.slow
def test_an_event_sent_as_the_tray_shows_is_handled_once_the_app_is_built(instances: list[Instance]) -> None:
    app = Instance()
    instances.append(app)
    assert app.proc.stdout is not None
    first = app.proc.stdout.readline()
    assert first.startswith("Ringside is starting"), first
    # Sent before "Ringside is ready": the door holds it until the switchboard is there.
    sent = ringside("event", "ring", "--number", "0491 570 006", "--call-id", "early")
    assert sent.returncode == 0, sent.stderr
    assert app.wait_ready().startswith("Ringside is ready")
    calls = json.loads(ringside("history", "--json").stdout)["calls"]
    assert [c["call_id"] for c in calls] == ["early"]


def test_a_broken_config_stops_the_app_with_the_reason() -> None:
    home = paths.resolve()
    home.ensure()
    home.config_file.write_text("[general]\nauto_log = 3\n")
    done = subprocess.run([sys.executable, "-m", "app"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == EXIT_FAIL
    assert "general.auto_log: must be true or false" in done.stderr and "Traceback" not in done.stderr
    assert "Ringside is ready" not in done.stdout
