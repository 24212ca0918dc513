"""`ringside --demo`: the real app against the sandbox CRMs, with nothing to set up.

A throwaway home (the user's own config and data untouched), an in-memory keyring (the user's
keyring untouched), the emulators on loopback, and a real OAuth sign-in through the emulator's
authorise page, followed by a pretend browser.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.config import paths as paths_mod
from app.config import settings as settings_mod
from app.config.paths import Paths
from app.config.secret_names import CLIENT_SECRET, PASSWORD
from app.config.settings import GeneralSettings, Settings
from app.crm._shared.answers import BoundedClient
from app.crm._shared.browser_sign_in import authorize
from app.crm._shared.oauth_tokens import OAuthClient
from app.crm.puzzel.settings import PuzzelAccount, PuzzelDialerSettings
from app.crm.recruitwizard.connector import oauth_config
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.demo.peer import start_peer_demo
from app.sandbox.demo_data import demo_callers
from app.sandbox.puzzel.server import DEMO_CUSTOMER_KEY, DEMO_PASSWORD, DEMO_USER, PuzzelSandbox
from app.sandbox.recruitwizard.server import RecruitWizardSandbox
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import TrackerRmsSandbox
from app.sandbox.trackerrms.store import RECRUITER, default_users
from app.storage.secrets import KeyringSecrets, MemoryKeyring, SecretStore

DEMO_CLIENT_ID = "ringside-demo"
DEMO_CLIENT_SECRET = "demo-client-secret"  # the emulator's own, not a real credential
DEMO_LATENCY_S = {"rw": 0.12, "tr": 0.25, "rc": 0.18}
# TrackerRMS signs in with a password in the demo (the emulator's demo user; kept in the in-memory keyring).
DEMO_TR_USER = RECRUITER
DEMO_TR_PASSWORD = next(u.password for u in default_users() if u.username == RECRUITER)
DEMO_TR_PHONE = next(u.phone for u in default_users() if u.username == RECRUITER)


@dataclass
class DemoEnv:
    paths: Paths
    settings: Settings
    secrets: KeyringSecrets
    callers: list[tuple[str, str]]
    servers: list[SandboxServer] = field(default_factory=list)
    home: Path | None = None
    more: list[str] = field(default_factory=list)  # more lines for the instructions (retailCRM, FixDigital)

    @property
    def instructions(self) -> str:
        number = self.callers[0][1] if self.callers else "+61412345678"
        return "\n".join([
            "Ringside demo: running against built-in sandbox CRMs on this machine.",
            f"  Recruit Wizard emulator: {self.servers[0].url}" if self.servers else "",
            f"  TrackerRMS emulator:     {self.servers[1].url}" if len(self.servers) > 1 else "",
            f"  Puzzel emulator:         {self.servers[2].url}  (calls go out as Puzzel callouts)"
            if len(self.servers) > 2 else "",
            *self.more,
            "  Simulate a call: tray icon (or the Ringside window) → Simulate call → pick a caller.",
            "  Or from another terminal:",
            f"    ringside --home {self.paths.config_dir} event ring --number {number}",
            f"    ringside --home {self.paths.config_dir} event answer --number {number}",
            f"    ringside --home {self.paths.config_dir} event hangup --number {number}",
            f"  Dial out: tray → Dial…, a card's Call back, or  ringside --home {self.paths.config_dir} dial {number}",
            "  Quit from the tray menu (or Ctrl+C here). Demo data is thrown away on exit.",
        ])

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)


def prepare_demo(home: Path | None = None, latency: dict[str, float] | None = None) -> DemoEnv:
    """Start the emulators and sign in; returns what `run_app` needs."""
    root = home or Path(tempfile.mkdtemp(prefix="ringside-demo-"))
    paths = paths_mod.resolve(root)
    paths.ensure()
    secrets = KeyringSecrets(backend=MemoryKeyring())
    delays = DEMO_LATENCY_S if latency is None else latency

    sandbox = RecruitWizardSandbox(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    sandbox.faults.set_latency(delays.get("rw", 0.0), "/api/")
    server = SandboxServer(sandbox.make_app).start()
    env = DemoEnv(paths=paths, settings=Settings(), secrets=secrets, callers=demo_callers(),
                  servers=[server], home=None if home else root)
    try:
        tracker = TrackerRmsSandbox(client_secret=DEMO_CLIENT_SECRET)
        tracker.faults.set_latency(delays.get("tr", 0.0), "/api/")
        env.servers.append(SandboxServer(tracker.make_app).start())
        # Calls go out through the Puzzel emulator (its journal keeps each callout).
        env.servers.append(SandboxServer(PuzzelSandbox().make_app).start())
        pz_account = PuzzelAccount(kind="puzzel", id="pz", label="Puzzel", auth_url=env.servers[2].url,
                                   api_url=env.servers[2].url, customer_key=DEMO_CUSTOMER_KEY, username=DEMO_USER)
        # The demo registers a redirect URI of its own with its emulator, on a port free right now, so
        # a demo never fights a real sign-in (or another demo) for the default port.
        redirect_uri = _free_redirect_uri()
        sandbox.register_redirect_uri(redirect_uri)
        account = RecruitWizardAccount(kind="recruitwizard", id="rw", label="Recruit Wizard",
                                       api_url=server.url, web_url=server.url, client_id=DEMO_CLIENT_ID,
                                       redirect_uri=redirect_uri)
        tr_account = TrackerRmsAccount(
            kind="trackerrms", id="tr", label="TrackerRMS", api_url=env.servers[1].url, auth="password",
            web_url=env.servers[1].url,
            username=DEMO_TR_USER, notify_inbound=True, destination=DEMO_TR_PHONE,
            labels={"resource": "Candidate", "opportunity": "Job"},
        )
        # retailCRM (a customer beside the recruitment CRMs, call events and history) and FixDigital.
        peer = start_peer_demo(env.servers, secrets, DEMO_TR_PHONE, delays.get("rc", 0.0))
        env.more = peer.lines
        env.settings = Settings(general=GeneralSettings(default_region="AU"),
                                accounts=[account, tr_account, pz_account, *peer.accounts],
                                dialer=PuzzelDialerSettings(kind="puzzel", account=pz_account.id),
                                callbacks=peer.callbacks)
        settings_mod.save(paths.config_file, env.settings)
        secrets.set(account.id, CLIENT_SECRET, DEMO_CLIENT_SECRET)
        secrets.set(tr_account.id, PASSWORD, DEMO_TR_PASSWORD)
        secrets.set(pz_account.id, PASSWORD, DEMO_PASSWORD)
        asyncio.run(sign_in_with_pretend_browser(account, secrets))
    except BaseException:
        env.close()
        raise
    return env


def _free_redirect_uri() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/callback"


async def sign_in_with_pretend_browser(account: RecruitWizardAccount, secrets: SecretStore) -> None:
    """The real authorisation-code flow; a pretend browser follows the URL and the redirect."""
    async with BoundedClient(timeout=10) as client, httpx.AsyncClient(
        follow_redirects=True, timeout=10
    ) as browser:
        oauth = OAuthClient(oauth_config(account), client, secrets)
        visits: list[asyncio.Task[httpx.Response]] = []

        def open_url(url: str) -> None:
            visits.append(asyncio.get_running_loop().create_task(browser.get(url)))

        await authorize(oauth, open_url, timeout_s=30)
        await asyncio.gather(*visits)
