"""The demo's forgetful keyring is only ever used where it is passed in: importing Ringside must not
make `keyring` choose (or chain) it, or secrets would silently vanish at exit where no real keyring
is usable. And a Ringside that uses no secret never loads `keyring` at all. Checked in a fresh
interpreter, since keyring picks its backend once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import keyring, keyring.core
import app.storage.secrets, app.storage.memory_keyring, app.demo.demo  # all that defines or uses MemoryKeyring
from app.storage.secrets import MemoryKeyring
if sys.argv[1] == "headless":
    # A machine with no keyring service: of the backends, only keyring's own stand-ins remain.
    keyring.core.init_backend(lambda ring: type(ring).__module__ in
                              {"keyring.backends.fail", "keyring.backends.chainer",
                               "app.storage.memory_keyring"})
chosen = keyring.get_keyring()
chain = [type(b) for b in getattr(chosen, "backends", [chosen])]
print(type(chosen).__module__, MemoryKeyring in chain)
"""


def probe(mode: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    result = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=environ,
                            timeout=60, check=True)
    return result.stdout.split()


def test_importing_ringside_never_chains_the_memory_keyring() -> None:
    module, chained = probe("as-is")
    assert module != "app.storage.secrets" and chained == "False"


def test_with_no_keyring_service_keyring_says_so_instead_of_forgetting() -> None:
    assert probe("headless") == ["keyring.backends.fail", "False"]


LAZY_PROBE = """
import sys
from pathlib import Path
from app.config.paths import Paths
from app.config.settings import Settings
from app.storage.secret_file import open_secrets
secrets = open_secrets(Paths(Path(sys.argv[1]), Path(sys.argv[1])), Settings())
before = "keyring" in sys.modules
secrets.get("rw", "tokens")
print(type(secrets).__name__, before, "keyring" in sys.modules)
"""


def test_keyring_is_loaded_only_when_a_secret_is_used(tmp_path: Path) -> None:
    environ = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    result = subprocess.run([sys.executable, "-c", LAZY_PROBE, str(tmp_path)], capture_output=True, text=True,
                            env=environ, timeout=60, check=True)
    assert result.stdout.split() == ["KeyringSecrets", "False", "True"]
