"""Ringside uses no pydantic plugins: looking for none must not load the package metadata machinery
(importlib.metadata and the email parser it brings: ~2 MB kept for the life of the process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CODE = """
import sys
from pathlib import Path
from app.config.pydantic_plugins import no_plugins
assert no_plugins() == (sys.argv[2] == "installs")
from app.config.settings import load
home = Path(sys.argv[1])
(home / "config.toml").write_text('[general]\\ndefault_region = "AU"\\n')
assert load(home / "config.toml").general.default_region == "AU"  # validators built and used
from pydantic.plugin._loader import get_plugins
print(sorted(m for m in sys.modules if m.startswith("importlib.metadata")), list(get_plugins()))
"""


def run(tmp_path: Path, code: str = CODE, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    installs = "PYDANTIC_DISABLE_PLUGINS" not in env
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path), "installs" if installs else "not"],
                          capture_output=True, text=True, cwd=ROOT, env={**environ, **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_settings_load_without_the_metadata_machinery(tmp_path: Path) -> None:
    assert run(tmp_path) == "[] []"


def test_plugins_named_in_the_environment_are_still_looked_for(tmp_path: Path) -> None:
    # Someone debugging with a plugin of their own keeps pydantic's loader.
    assert run(tmp_path, PYDANTIC_DISABLE_PLUGINS="some_plugin").startswith("['importlib.metadata'")


def test_anything_else_asked_of_the_loader_comes_from_the_real_one(tmp_path: Path) -> None:
    # A later pydantic may ask the loader for more than get_plugins: it gets the real answer, no ImportError.
    code = ("import sys\nfrom app.config.pydantic_plugins import no_plugins\nassert no_plugins()\n"
            "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP, get_plugins\n"
            "print(PYDANTIC_ENTRY_POINT_GROUP, list(get_plugins()))")
    assert run(tmp_path, code) == "pydantic []"
