"""Ringside uses no pydantic plugins, and says so before pydantic first builds a validator.

PYDANTIC_DISABLE_PLUGINS stops pydantic looking for plugins, but its plugin loader
(`pydantic.plugin._loader`) still imports importlib.metadata as it loads: 30 modules, ~1.3 MB of
memory kept for the life of the process and ~15 ms of start-up, to find nothing. `no_plugins()`
puts a stand-in loader in its place whose `get_plugins()` finds none, which is all pydantic 2.x
asks of it; anything else asked of it (a later pydantic) loads the real loader and answers from it.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Any

LOADER = "pydantic.plugin._loader"


def no_plugins() -> bool:
    """Switch pydantic's plugins off and install the stand-in loader; True if installed. Left alone when
    the environment names plugins to leave out (someone debugging with plugins of their own)."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in ("__all__", "1", "true") or LOADER in sys.modules:
        return False
    stand_in = types.ModuleType(LOADER, "Stand-in for pydantic's plugin loader: Ringside uses no plugins.")
    stand_in.get_plugins = tuple  # type: ignore[attr-defined]  # no plugins: ()
    stand_in.__getattr__ = _from_real_loader  # type: ignore[method-assign]  # PEP 562: asked for a name it lacks
    sys.modules[LOADER] = stand_in
    return True


def _from_real_loader(name: str) -> Any:
    if name.startswith("__"):  # import machinery and introspection probing: not pydantic asking
        raise AttributeError(name)
    del sys.modules[LOADER]
    return getattr(importlib.import_module(LOADER), name)
