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
from app.cli.main import _no_pydantic_plugins
_no_pydantic_plugins()
from app.config.settings import load
home = Path(sys.argv[1])
(home / "config.toml").write_text('[general]\\ndefault_region = "AU"\\n')
assert load(home / "config.toml").general.default_region == "AU"  # validators built and used
from pydantic.plugin._loader import get_plugins
print(sorted(m for m in sys.modules if m.startswith("importlib.metadata")), list(get_plugins()))
"""


def run(tmp_path: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", CODE, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, env={**environ, **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_settings_load_without_the_metadata_machinery(tmp_path: Path) -> None:
    assert run(tmp_path) == "[] []"


def test_plugins_named_in_the_environment_are_still_looked_for(tmp_path: Path) -> None:
    # Someone debugging with a plugin of their own keeps pydantic's loader.
    assert run(tmp_path, PYDANTIC_DISABLE_PLUGINS="some_plugin").startswith("['importlib.metadata'")
