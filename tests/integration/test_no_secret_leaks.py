"""No secret Ringside was given ever lands outside the keyring: a whole working day — signing in to
two CRMs from the terminal, calls, notes, a refresh the CRM refuses, the history command — then
every file Ringside wrote (config, data, log, database with its journal files) and everything it
printed or logged is searched for every password, client secret, code and token involved."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest

from app.config import paths, settings
from app.config.settings import Settings
from app.core.models import NoteStatus
from app.crm._shared.oauth_tokens import TokenSet
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.runtime.runtime import Runtime
from app.storage.secrets import KeyringSecrets
from tests.conftest import RwEnv
from tests.integration.conftest import TR_PASSWORD, TrSandbox
from tests.integration.test_call_flow import Recorder
from tests.integration.test_cli import RINGSIDE, ringside

PRIYA = "+61491570006"


@pytest.fixture
def log_file() -> Iterator[Path]:
    """Ringside's log file, at DEBUG for the test (`ringside` logs INFO), with the levels
    `cli.run.setup_logging` gives the HTTP libraries (the test's own browser uses httpx too)."""
    path = paths.resolve().log_file
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "aiohttp.access")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)
    handler.close()


async def sign_in_from_the_terminal(account_id: str, client_secret: str) -> tuple[str, str]:
    """`ringside account connect ID --no-browser`, with a browser following the address it prints."""
    proc = await asyncio.create_subprocess_exec(
        *RINGSIDE, "account", "connect", account_id, "--no-browser", stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    assert proc.stdin and proc.stdout
    proc.stdin.write(client_secret.encode() + b"\n")
    await proc.stdin.drain()
    printed: list[str] = []
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line, "ringside exited before printing the sign-in address"
        printed.append(line)
        if line.startswith("http"):
            break
    async with httpx.AsyncClient(follow_redirects=True) as browser:
        await browser.get(line.strip())
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return "".join(printed) + out.decode(), err.decode()


async def test_no_secret_reaches_any_file_output_or_log(
    rw_env: RwEnv, tr_sandbox: TrSandbox, log_file: Path, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    home = paths.resolve()
    tr_server = tr_sandbox[1]
    tr = TrackerRmsAccount(kind="trackerrms", id="tr", api_url=tr_server.url, auth="password",
                           username="alex.morgan@agency.example")
    config = Settings(general=rw_env.settings().general, accounts=[rw_env.account, tr])
    settings.save(home.config_file, config)
    printed: list[str] = []
    tokens: set[str] = set()

    # The keyring the `ringside` subprocesses use, read here too.
    store = KeyringSecrets(backend=keyring.core.load_keyring(os.environ["PYTHON_KEYRING_BACKEND"]))

    def remember_tokens() -> None:
        raw = store.get("rw", "tokens")
        if raw:
            held = TokenSet.model_validate_json(raw)
            tokens.update(t for t in (held.access_token, held.refresh_token) if t)

    # 1. Connect both accounts from the terminal.
    printed += await sign_in_from_the_terminal("rw", "s3cret-client-value")
    remember_tokens()
    code, out, err = await ringside("account", "connect", "tr", stdin=TR_PASSWORD + "\n")
    assert code == 0, err
    printed += [out, err]

    # 2. Calls and notes in the running app.
    recorder = Recorder()
    runtime = Runtime(paths=home, settings=config, listener=recorder, secrets=store)
    await runtime.start()
    try:
        runtime.controls.simulate_call(PRIYA)
        view = await recorder.view(lambda v: v.complete)
        assert {a.account_id for a in view.accounts if a.records} == {"rw", "tr"}
        runtime.controls.hang_up(view.call_id)
        ended = await recorder.view(lambda v: v.call_id == view.call_id and v.ended_at is not None)
        await runtime.controls.save_note(view.call_id, "Wants two backend engineers.", [r.key for r in ended.matches])
        await recorder.view(lambda v: len(v.notes) == 2 and all(n.status is NoteStatus.LOGGED for n in v.notes),
                            timeout=10)
        # 3. The refresh token is revoked at the CRM: the next call's refresh fails.
        rw_env.sandbox.expire_access_tokens()
        rw_env.sandbox.revoke_all()
        runtime.controls.simulate_call("+61491571266")
        failed = await recorder.view(lambda v: v.complete and v.call_id != view.call_id)
        assert next(a for a in failed.accounts if a.account_id == "rw").needs_sign_in
        remember_tokens()
    finally:
        await runtime.stop()
    code, out, err = await ringside("history", "--json")
    assert code == 0
    printed += [out, err]
    captured = capfd.readouterr()
    printed += [captured.out, captured.err]

    # Every secret given or made: the password, the client secret, every code and token issued.
    secrets = {TR_PASSWORD, "s3cret-client-value", *tokens, *rw_env.sandbox.journal._secrets,
               *tr_sandbox[0].journal._secrets}
    secrets = {s for s in secrets if len(s) >= 8}
    assert len(tokens) >= 2 and TR_PASSWORD in secrets

    written = [p for p in Path(home.config_dir).rglob("*") if p.is_file()]
    written += [p for p in Path(home.data_dir).rglob("*") if p.is_file() and p not in written]
    names = {p.name for p in written}
    assert {"config.toml", "ringside.log", "ringside.sqlite3"} <= names
    assert log_file.read_text(encoding="utf-8")  # the log did record the day
    leaks = [(p.name, s[:4]) for p in written for s in secrets if s.encode() in p.read_bytes()]
    texts = printed + [r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records]
    texts += [text for text, _ in recorder.messages] + [a.error or "" for v in recorder.views for a in v.accounts]
    leaks += [("output", s[:4]) for s in secrets for t in texts if s in t]
    assert leaks == []
