"""`ringside sandbox`: serve the emulators on loopback until Ctrl+C, for trying connectors by hand."""

from __future__ import annotations

import contextlib
import threading

from app.sandbox.fixdigital.server import DEMO_CLIENT_ID as FD_CLIENT_ID
from app.sandbox.fixdigital.server import DEMO_EXTENSION, FixDigitalSandbox
from app.sandbox.puzzel.server import DEMO_CUSTOMER_KEY, DEMO_PASSWORD, DEMO_USER, TWO_FACTOR_USER, PuzzelSandbox
from app.sandbox.recruitwizard.server import RecruitWizardSandbox
from app.sandbox.retailcrm.server import DEMO_API_KEY as RC_API_KEY
from app.sandbox.retailcrm.server import RetailCrmSandbox
from app.sandbox.retailcrm.store import DEMO_CLIENT_ID, RECRUITER_CODE, RECRUITER_ID
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import DEMO_API_KEY, TrackerRmsSandbox
from app.sandbox.trackerrms.store import RECRUITER, default_users


def serve(port: int = 0, latency: float = 0.0) -> int:
    sandbox = RecruitWizardSandbox()
    sandbox.faults.set_latency(latency, "/api/")
    tracker = TrackerRmsSandbox()
    tracker.faults.set_latency(latency, "/api/")
    password = next(u.password for u in default_users() if u.username == RECRUITER)
    puzzel = PuzzelSandbox()
    puzzel.faults.set_latency(latency, "/ContactCentre5/")
    # The others on the next ports when one is given, so every address is predictable.
    with SandboxServer(sandbox.make_app, port=port) as server, \
            SandboxServer(tracker.make_app, port=port + 1 if port else 0) as tracker_server, \
            SandboxServer(puzzel.make_app, port=port + 2 if port else 0) as puzzel_server, \
            SandboxServer(RetailCrmSandbox().make_app, port=port + 3 if port else 0) as retail_server, \
            SandboxServer(FixDigitalSandbox().make_app, port=port + 4 if port else 0) as fix_server:
        print(f"Recruit Wizard emulator: {server.url}  (client_id ringside-demo, "
              "client secret demo-client-secret)", flush=True)
        print(f"TrackerRMS emulator:     {tracker_server.url}  (user {RECRUITER}, password {password}; "
              f"API key {DEMO_API_KEY}; OAuth client_id EvoApi_1.0, client secret demo-client-secret)", flush=True)
        print(f"Puzzel emulator:         {puzzel_server.url}  (auth_url and api_url; customer_key "
              f"{DEMO_CUSTOMER_KEY}, user {DEMO_USER}, password {DEMO_PASSWORD}; {TWO_FACTOR_USER} asks for "
              "two-factor sign-in)", flush=True)
        print(f"retailCRM emulator:      {retail_server.url}  (API key {RC_API_KEY}; integration clientId "
              f"{DEMO_CLIENT_ID}, user_id {RECRUITER_ID}, code {RECRUITER_CODE})", flush=True)
        print(f"FixDigital emulator:     {fix_server.url}  (ClientId {FD_CLIENT_ID}, extension {DEMO_EXTENSION})",
              flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
