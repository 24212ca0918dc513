"""The demo's forgetful keyring is only ever used where it is passed in: importing Ringside must not
make `keyring` choose (or chain) it, or secrets would silently vanish at exit where no real keyring
is usable. Checked in a fresh interpreter, since keyring picks its backend once per process."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
import keyring, keyring.core
import app.storage.secrets, app.demo.demo  # everything that defines or uses MemoryKeyring
from app.storage.secrets import MemoryKeyring
if sys.argv[1] == "headless":
    # A machine with no keyring service: of the backends, only keyring's own stand-ins remain.
    keyring.core.init_backend(lambda ring: type(ring).__module__ in
                              {"keyring.backends.fail", "keyring.backends.chainer", "app.storage.secrets"})
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
