"""PySide6 looks at every module imported after it to see whether that module uses PySide6 (for its
`__feature__` switches), by asking `inspect.getsource` for the module's whole source. That fills
`linecache` with the text of every module imported later — pydantic, httpx, aiohttp and ours: about
14 MB that stay for the life of the process, and a fifth of the time those imports take.

`cheaper_module_check()` gives PySide6 the same answer (does the module's source file mention
PySide6?) by reading the file's bytes once, keeping nothing. Modules without a .py file (built-in,
compiled, or in the bundle's archive) get False, as inspect's failure gives them upstream. Only
the private function PySide6 calls is replaced, and only when it is there (PySide6 is pinned). The
sources PySide6 read while it loaded itself, before the replacement could be made (enum, types,
__future__, PySide6's own: 0.3 MB), are dropped from linecache then; it reads them again if a
traceback ever needs them.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"


def cheaper_module_check() -> bool:
    """Replace PySide6's per-import source check; True if it was there to replace."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]  # a private hook, checked above
    linecache.clearcache()
    return True


def uses_pyside(module: ModuleType) -> bool:
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False
