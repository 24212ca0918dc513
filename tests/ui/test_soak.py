"""Never crash: 3,000 complete calls through the real app and its widgets (offscreen), with
10,000 refused webhook requests arriving meanwhile, and the app still alive and answering at the end.

With PySide6 6.12.0 on CPython 3.11 the same run aborted ("Fatal Python error: none_dealloc"): its
timers and signals drop references to None and True (see tests/ui/test_qt_binding.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from app.config import paths
from app.config.settings import WebhookSourceSettings
from app.runtime.instance import InstanceClient
from app.telephony.webhook import load_or_create_token
from tests.conftest import RwEnv
from tests.integration.conftest import closed_port
from tests.soak import CALLERS, soak
from tests.support import RunningApp, run, running_app, until

CALLS = int(__import__("os").environ.get("RINGSIDE_SOAK_CALLS", "3000"))
REFUSED = int(__import__("os").environ.get("RINGSIDE_SOAK_REFUSED", "10000"))


@pytest.fixture
def app_with_webhook(qapp: QApplication, rw_env: RwEnv) -> Iterator[tuple[RunningApp, str]]:
    port = closed_port()
    settings = rw_env.settings().model_copy(update={
        "sources": [WebhookSourceSettings(kind="webhook", listen=f"127.0.0.1:{port}")]})
    with running_app(qapp, settings, rw_env.secrets) as app:
        yield app, f"http://127.0.0.1:{port}/v1/events"


def _logged(app: RunningApp) -> int:
    row = app.runtime.db.connection.execute("SELECT count(*) FROM notes WHERE status = 'logged'").fetchone()
    return int(row[0])


@pytest.mark.slow
def test_three_thousand_calls_and_ten_thousand_refused_requests_leave_the_app_alive(
        app_with_webhook: tuple[RunningApp, str], rw_env: RwEnv) -> None:
    app, webhook_url = app_with_webhook
    figures = run(app.loop, soak(app, calls=CALLS, logged=lambda: _logged(app), webhook_url=webhook_url,
                                 refused=REFUSED, sample_every=500), timeout=3_000)
    print(f"\nsoak: {figures.calls} calls and {figures.refused_requests} refused requests in "
          f"{figures.seconds:.0f} s; RSS MB per 500 calls {[round(m) for m in figures.rss_mb]}; "
          f"widgets {figures.live_widgets}; QObjects {figures.qt_objects}; tasks {figures.tasks}")
    assert figures.calls == CALLS
    assert figures.refused_requests == REFUSED
    assert len(rw_env.sandbox.activities()) == CALLS  # every note reached the CRM, once
    # Still alive and answering: the door takes an event from `ringside event`, and a call still pops.
    client = InstanceClient(paths.resolve().instance_file)
    call_id = run(app.loop, asyncio.to_thread(client.send_event, "ring", CALLERS[0], "inbound", None))
    assert call_id  # the id the running instance gave the forwarded ring
    run(app.loop, until(lambda: app.shell.card(call_id) is not None, 10, "the forwarded call's card"))
    assert load_or_create_token(paths.resolve().data_dir)  # the webhook's token file is intact
