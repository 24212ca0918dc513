"""`ringside --self-check`: can this installation run here? Headless; it looks and does not set
anything up: no folder or database is made (an existing config.toml or database from an older
version is upgraded, as any start of Ringside would).

Checks the configuration, the database, the keyring, every registered connector and call source,
the demo's emulators, the resources, the system libraries Qt needs (libxcb-cursor0 on
Linux), and Qt (platform plugin, system tray, icons). Prints one
line per finding; exits 1 when anything would stop Ringside working, 0 otherwise (warnings
included: no tray, no keyring while no account needs one).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from app import __version__, resources
from app.config import settings as settings_mod
from app.config.paths import Paths
from app.errors import RingsideError
from app.runtime import bundle
from app.storage.secrets import NO_BACKEND_HELP


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    status: Status
    topic: str
    detail: str


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def check_config(paths: Paths) -> tuple[list[Finding], settings_mod.Settings | None]:
    file = paths.config_file
    try:
        settings = settings_mod.load(file)
    except RingsideError as exc:
        return [Finding(Status.FAIL, "config", str(exc))], None
    if not file.exists():
        return [Finding(Status.OK, "config", f"{file} does not exist yet: defaults, no accounts")], settings
    accounts = ", ".join(f"{a.id} ({a.kind})" for a in settings.accounts) or "none"
    sources = ", ".join(s.kind for s in settings.sources) or "none besides `ringside event`"
    return [Finding(Status.OK, "config", f"{file}: accounts {accounts}; call sources {sources}")], settings


def check_database(paths: Paths) -> list[Finding]:
    from app.storage.db import Database

    if not paths.database.exists():
        # Prove SQLite works here without making the user's database before Ringside first runs.
        with tempfile.TemporaryDirectory(prefix="ringside-check-") as tmp:
            try:
                Database(Path(tmp) / "check.sqlite3").close()
            except (sqlite3.Error, OSError) as exc:
                return [Finding(Status.FAIL, "database", f"SQLite does not work here: {_describe(exc)}")]
        return [Finding(Status.OK, "database",
                        f"{paths.database} not made yet (first run makes it); SQLite {sqlite3.sqlite_version} works")]
    # Read-only, beside a running Ringside (WAL lets readers in while it writes); the app's own
    # opening would repair or move a damaged file aside, which is not a check's business.
    try:
        conn = sqlite3.connect(f"{paths.database.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return [Finding(Status.FAIL, "database", f"{paths.database} cannot be opened: {_describe(exc)}")]
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            return [Finding(Status.FAIL, "database", f"{paths.database} is damaged: {verdict}")]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"calls", "notes"} <= tables:
            return [Finding(Status.OK, "database", f"{paths.database}: readable; its tables are made at next start")]
        calls = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
        pending = conn.execute("SELECT count(*) FROM notes WHERE status != 'logged'").fetchone()[0]
    except sqlite3.Error as exc:
        return [Finding(Status.FAIL, "database", f"{paths.database} cannot be read ({_describe(exc)}); Ringside "
                                                 "will move it aside and start a new one when it next starts")]
    finally:
        conn.close()
    return [Finding(Status.OK, "database", f"{paths.database}: {calls} calls, {pending} notes not logged yet")]


def check_keyring(settings: settings_mod.Settings | None) -> list[Finding]:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError as exc:
        return [Finding(Status.FAIL, "keyring", f"the keyring library is missing: {_describe(exc)}")]
    findings: list[Finding] = []
    native, needs = bundle.NATIVE_KEYRING.get(sys.platform, ("", ()))
    if native:
        missing = [name for name in needs if importlib.util.find_spec(name) is None]
        try:
            backend_class = importlib.import_module(native).Keyring
        except ImportError as exc:
            findings.append(Finding(Status.FAIL, "keyring", f"{native} is missing: {_describe(exc)}"))
        else:
            if missing:
                findings.append(Finding(Status.FAIL, "keyring",
                                        f"{native} needs {', '.join(missing)}, missing from this installation"))
            else:
                try:
                    backend_class.priority  # noqa: B018 - raises, saying why, where it cannot work
                    findings.append(Finding(Status.OK, "keyring", f"{native} is available"))
                except Exception as exc:  # any reason a backend gives for being unusable
                    findings.append(Finding(Status.WARN, "keyring", f"{native} is not available here: {exc}"))
    active = keyring.get_keyring()
    name = _backend_name(active)
    chain = getattr(active, "backends", None)  # the chainer tries several in turn
    first = chain[0] if chain else active
    if chain:
        name += f" ({', '.join(_backend_name(b) for b in chain)})"
    chosen = " (PYTHON_KEYRING_BACKEND)" if os.environ.get("PYTHON_KEYRING_BACKEND") else ""
    if isinstance(active, fail.Keyring):
        if settings and settings.general.store_secrets_in_file:
            findings.append(Finding(Status.WARN, "keyring", f"no usable keyring{chosen}: secrets are kept in an "
                                    "owner-only file, as chosen in the settings"))
        elif settings and settings.accounts:
            findings.append(Finding(Status.FAIL, "keyring",
                                    f"no usable keyring{chosen}, so your accounts cannot sign in. {NO_BACKEND_HELP}"))
        else:
            findings.append(Finding(Status.WARN, "keyring",
                                    f"no usable keyring{chosen} (no account needs one yet). {NO_BACKEND_HELP}"))
    elif "plaintext" in type(first).__name__.lower():
        findings.append(Finding(Status.WARN, "keyring", f"using {name}{chosen}, which keeps secrets in a plain file"))
    else:
        findings.append(Finding(Status.OK, "keyring", f"using {name}{chosen}"))
    return findings


def _backend_name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _check_kinds(topic: str, load: Callable[[], dict[str, list[str]]],
                 configured: Iterable[str], unregistered: Status, consequence: str) -> list[Finding]:
    try:
        kinds = load()
    except Exception as exc:  # an import failure anywhere in the registry
        return [Finding(Status.FAIL, topic, f"the {topic} registry cannot be loaded: {_describe(exc)}")]
    findings = []
    shared = set.intersection(*(set(m) for m in kinds.values())) if len(kinds) > 1 else set()
    for kind, modules in sorted(kinds.items()):
        try:
            for module in modules:
                importlib.import_module(module)
        except Exception as exc:
            findings.append(Finding(Status.FAIL, topic, f"{kind}: {_describe(exc)}"))
        else:
            own = [m for m in modules if m not in shared] or modules
            findings.append(Finding(Status.OK, topic, f"{kind} ({', '.join(own)})"))
    for kind in sorted(set(configured) - kinds.keys()):
        findings.append(Finding(unregistered, topic, f"{kind} is configured but has no {topic}: {consequence}"))
    return findings


def check_connectors(settings: settings_mod.Settings | None) -> list[Finding]:
    accounts = settings.accounts if settings else []
    return _check_kinds("connector", bundle.connector_modules, (a.kind for a in accounts), Status.WARN,
                        "its accounts are not looked up")


def check_sources(settings: settings_mod.Settings | None) -> list[Finding]:
    sources = settings.sources if settings else []
    return _check_kinds("source", bundle.source_modules, (s.kind for s in sources), Status.FAIL,
                        "Ringside cannot start it")


def check_demo() -> list[Finding]:
    try:
        importlib.import_module("app.demo.demo")
        importlib.import_module("app.cli.sandbox")
    except Exception as exc:
        return [Finding(Status.FAIL, "demo", f"the sandbox CRMs for --demo are missing: {_describe(exc)}")]
    return [Finding(Status.OK, "demo", "the sandbox CRMs for --demo are present")]


def check_resources() -> list[Finding]:
    try:
        root = resources.root()
    except FileNotFoundError as exc:
        return [Finding(Status.FAIL, "resources", str(exc))]
    wanted = list(bundle.REQUIRED_RESOURCES)
    missing = [name for name in wanted if not (root / name).is_file()]
    if missing:
        return [Finding(Status.FAIL, "resources", f"{root} lacks {', '.join(missing)}")]
    return [Finding(Status.OK, "resources", f"{root} ({len(set(wanted))} files checked)")]


def check_system_libs() -> list[Finding]:
    from app.runtime.system_libs import qt_system_problem

    problem = qt_system_problem()
    if problem:
        return [Finding(Status.FAIL, "system", problem)]
    return [Finding(Status.OK, "system", "the libraries Qt needs from the system are installed")]


def check_qt() -> list[Finding]:
    try:
        from app.ui.selfcheck_qt import probe
    except ImportError as exc:
        return [Finding(Status.FAIL, "qt", f"Qt (PySide6) cannot be loaded: {_describe(exc)}")]
    return [Finding(Status(status), "qt", detail) for status, detail in probe()]


def run(paths: Paths, out: TextIO | None = None) -> int:
    """Run every check, print the findings, return the exit code (1 if anything failed)."""
    stream = out or sys.stdout
    where = f"bundle at {Path(sys.executable).parent}" if getattr(sys, "frozen", False) else "from source"
    print(f"Ringside {__version__} self-check (Python {sys.version.split()[0]} on {sys.platform}, {where})",
          file=stream, flush=True)
    findings, settings = check_config(paths)
    findings += check_database(paths)
    findings += check_keyring(settings)
    findings += check_connectors(settings)
    findings += check_sources(settings)
    findings += check_demo()
    findings += check_resources()
    findings += check_system_libs()
    for finding in findings:
        _print(finding, stream)
    # Qt last: a platform plugin that cannot start at all may end the process, after the rest is out
    # (and not at all when its library is known to be missing: Qt would only abort).
    qt = check_qt() if not any(f.topic == "system" and f.status is Status.FAIL for f in findings) else []
    for finding in qt:
        _print(finding, stream)
    findings += qt
    failed = sum(f.status is Status.FAIL for f in findings)
    warned = sum(f.status is Status.WARN for f in findings)
    if failed:
        print(f"{failed} problem(s) found.", file=stream)
        return 1
    print("All checks passed" + (f" ({warned} warning(s))." if warned else "."), file=stream)
    return 0


def _print(finding: Finding, stream: TextIO) -> None:
    detail = finding.detail.replace("\n", "\n" + " " * 18)
    print(f"  {finding.status.value:<5} {finding.topic:<10} {detail}", file=stream, flush=True)
