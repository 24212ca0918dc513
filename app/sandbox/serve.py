"""`ringside sandbox`: serve the emulators on loopback until Ctrl+C, for trying connectors by hand."""

from __future__ import annotations

import contextlib
import threading

from app.sandbox.recruitwizard import RecruitWizardSandbox
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms import DEMO_API_KEY, TrackerRmsSandbox
from app.sandbox.trackerrms_store import RECRUITER, default_users


def serve(port: int = 0, latency: float = 0.0) -> int:
    sandbox = RecruitWizardSandbox()
    sandbox.faults.set_latency(latency, "/api/")
    tracker = TrackerRmsSandbox()
    tracker.faults.set_latency(latency, "/api/")
    password = next(u.password for u in default_users() if u.username == RECRUITER)
    # TrackerRMS on the next port when one is given, so both addresses are predictable.
    with SandboxServer(sandbox.make_app, port=port) as server, \
            SandboxServer(tracker.make_app, port=port + 1 if port else 0) as tracker_server:
        print(f"Recruit Wizard emulator: {server.url}  (client_id ringside-demo, "
              "client secret demo-client-secret)", flush=True)
        print(f"TrackerRMS emulator:     {tracker_server.url}  (user {RECRUITER}, password {password}; "
              f"API key {DEMO_API_KEY}; OAuth client_id EvoApi_1.0, client secret demo-client-secret)", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
