"""The demo's CRMs that expect a telephony peer: the retailCRM and FixDigital emulators, their accounts
and secrets, and the callback server they can reach (a free loopback port). Used by app/demo/demo.py."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from urllib.parse import urlencode

from app.config.secret_names import API_KEY, CALLBACK_PASSWORD
from app.config.settings import CallbacksSettings
from app.crm.callbacks import FIXDIGITAL_CALLS, FIXDIGITAL_CLICK_TO_CALL, RETAILCRM_MAKE_CALL
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.retailcrm.settings import RetailCrmAccount
from app.sandbox.fixdigital.server import DEMO_CLIENT_ID as FD_CLIENT_ID
from app.sandbox.fixdigital.server import DEMO_EXTENSION, FixDigitalSandbox
from app.sandbox.retailcrm.server import DEMO_API_KEY, RetailCrmSandbox
from app.sandbox.retailcrm.store import DEMO_CLIENT_ID, DEMO_SITE, RECRUITER_CODE, RECRUITER_ID
from app.sandbox.runner import SandboxServer
from app.storage.secrets import SecretStore

FD_USER = "fixdigital"
FD_PASSWORD = "fd-demo-callback-pass"  # the demo's own, kept in the in-memory keyring


@dataclass
class PeerDemo:
    accounts: list[RetailCrmAccount | FixDigitalAccount]
    callbacks: CallbacksSettings
    lines: list[str] = field(default_factory=list)  # for the demo's instructions


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start_peer_demo(servers: list[SandboxServer], secrets: SecretStore, own_number: str,
                    latency_s: float = 0.0) -> PeerDemo:
    """Start both emulators (added to `servers`, which the caller stops) and make their accounts."""
    retail = RetailCrmSandbox()
    retail.faults.set_latency(latency_s, "/api/")
    retail_server = SandboxServer(retail.make_app).start()
    servers.append(retail_server)
    fix_server = SandboxServer(FixDigitalSandbox().make_app).start()
    servers.append(fix_server)
    rc = RetailCrmAccount(kind="retailcrm", id="rc", label="retailCRM", api_url=retail_server.url, site=DEMO_SITE,
                          user_id=RECRUITER_ID, code=RECRUITER_CODE, client_id=DEMO_CLIENT_ID,
                          external_phone=own_number)
    fd = FixDigitalAccount(kind="fixdigital", id="fd", label="FixDigital", api_url=fix_server.url,
                           client_id=FD_CLIENT_ID, extension=DEMO_EXTENSION, callback_username=FD_USER)
    secrets.set(rc.id, API_KEY, DEMO_API_KEY)
    secrets.set(fd.id, CALLBACK_PASSWORD, FD_PASSWORD)
    callbacks = CallbacksSettings(listen=f"127.0.0.1:{free_port()}")
    base = f"http://{callbacks.listen}"
    click = urlencode({"clientId": DEMO_CLIENT_ID, "code": RECRUITER_CODE, "userId": RECRUITER_ID,
                       "phone": "+61491570006"})
    lines = [
        f"  retailCRM emulator:      {retail_server.url}  (API key {DEMO_API_KEY})",
        f"  FixDigital emulator:     {fix_server.url}  (told of each incoming call)",
        "  What the CRMs send back to Ringside (its callback server):",
        f"    curl '{base}{RETAILCRM_MAKE_CALL}?{click}'",
        f"    curl -u {FD_USER}:{FD_PASSWORD} '{base}{FIXDIGITAL_CLICK_TO_CALL}?sExt={DEMO_EXTENSION}"
        f"&sNumber=0491570006&ClientId={FD_CLIENT_ID}'",
        f"    curl -u {FD_USER}:{FD_PASSWORD} '{base}{FIXDIGITAL_CALLS}?sNumber=0491570006&ClientId={FD_CLIENT_ID}'",
    ]
    return PeerDemo(accounts=[rc, fd], callbacks=callbacks, lines=lines)
