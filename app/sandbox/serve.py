"""`ringside sandbox`: serve the emulators on loopback until Ctrl+C, for trying connectors by hand."""

from __future__ import annotations

import contextlib
import threading

from app.sandbox.recruitwizard import RecruitWizardSandbox
from app.sandbox.runner import SandboxServer


def serve(port: int = 0, latency: float = 0.0) -> int:
    sandbox = RecruitWizardSandbox()
    sandbox.faults.set_latency(latency, "/api/")
    with SandboxServer(sandbox.make_app, port=port) as server:
        print(f"Recruit Wizard emulator: {server.url}  (client_id ringside-demo, "
              "client secret demo-client-secret)", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
