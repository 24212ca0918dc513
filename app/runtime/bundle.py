"""What a packaged Ringside must contain, derived from the code rather than kept by hand.

build.spec reads this for PyInstaller's hidden imports and data; `ringside --self-check` reads it to
check that a bundle (or a source install) really holds all of it. The connector and call-source
modules come from the kind → factory registries, so a new CRM or softphone kind is packaged and
checked with no change here.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app import resources

APP_NAME = "Ringside"  # what people see: menus, installers, the macOS bundle
EXE_NAME = "ringside"  # the command, the one-folder bundle's folder and executable
BUNDLE_ID = "com.ringside.Ringside"  # macOS bundle identifier and LaunchAgent label
URL_SCHEMES = ("tel", "callto")  # links every platform hands to Ringside (Linux also takes sip:)

# The keyring backend each platform's bundle needs, and the packages it needs. keyring finds its
# backends through entry points, which PyInstaller does not follow; a backend whose packages are
# missing imports fine and then reports itself unusable, so the self-check looks for them too.
NATIVE_KEYRING: dict[str, tuple[str, tuple[str, ...]]] = {
    "linux": ("keyring.backends.SecretService", ("secretstorage", "jeepney")),
    "win32": ("keyring.backends.Windows", ("win32ctypes",)),
    "darwin": ("keyring.backends.macOS", ()),
}

# Files under resources/ that the app cannot run without (the rest is looked up as needed).
REQUIRED_RESOURCES = (
    "styles/ringside.qss",
    *(f"icons/sized/{name}" for name in resources.sized_icon_files()),
    "demo/people.json",
)


def _app_modules(factory: Callable[..., Any]) -> set[str]:
    """The app modules a factory's body names: a factory is a small function that builds a class
    from its own module (`RecruitWizardConnector(...)`), so the names it uses lead to the modules."""
    modules = {factory.__module__}
    target = inspect.unwrap(factory)
    code = getattr(target, "__code__", None)
    scope = getattr(target, "__globals__", {})
    for name in code.co_names if code is not None else ():
        value = scope.get(name)
        module = getattr(value, "__module__", None)
        if isinstance(module, str) and module.split(".")[0] == "app":
            modules.add(module)
    return modules


def _by_kind(registry: Mapping[str, Callable[..., Any]]) -> dict[str, list[str]]:
    return {kind: sorted(_app_modules(factory)) for kind, factory in registry.items()}


def connector_modules() -> dict[str, list[str]]:
    """CRM kind → the app modules its connector is made of: its settings model, connector, check and
    OAuth settings, from its row in app/crm/registry.py (kinds without a connector are not CRMs)."""
    from app.crm import registry

    kinds: dict[str, list[str]] = {}
    for kind, row in registry.SYSTEMS.items():
        if row.connector is None:
            continue
        parts = [part for part in (row.connector, row.oauth, row.check) if part is not None]
        kinds[kind] = sorted({row.settings.__module__, *(m for part in parts for m in _app_modules(part))})
    return kinds


def source_modules() -> dict[str, list[str]]:
    """Call-source kind → the app modules it is made of (from app/telephony/sources.py)."""
    from app.telephony import sources

    return _by_kind(sources.FACTORIES)


def _installed(names: Iterable[str]) -> list[str]:
    return [name for name in names if importlib.util.find_spec(name) is not None]


def hidden_imports(collect_submodules: Callable[[str], list[str]], platform: str = sys.platform) -> list[str]:
    """Every module PyInstaller must bundle that plain import-following may miss: the registered
    connectors and sources, the demo's emulators, the UI (imported lazily by the composition root),
    and the keyring backends with what the platform's backend needs. `collect_submodules` is
    PyInstaller's (passed in by build.spec, so the app never imports PyInstaller)."""
    modules: set[str] = set()
    for registry in (connector_modules(), source_modules()):
        for names in registry.values():
            modules.update(names)
    modules.update(collect_submodules("app.sandbox"))
    modules.update(collect_submodules("app.demo"))
    modules.update(collect_submodules("app.cli"))
    modules.update(collect_submodules("app.ui"))
    modules.update(collect_submodules("keyring.backends"))
    _, needs = NATIVE_KEYRING.get(platform, ("", ()))
    for package in _installed(needs):
        modules.update(collect_submodules(package))
    return sorted(modules)


def metadata_packages(platform: str = sys.platform) -> list[str]:
    """Distributions whose metadata must travel with the bundle: keyring finds its backends through
    entry points, and `importlib.metadata.version()` callers need theirs."""
    _, needs = NATIVE_KEYRING.get(platform, ("", ()))
    dists = {"secretstorage": "SecretStorage", "jeepney": "jeepney", "win32ctypes": "pywin32-ctypes"}
    return ["keyring", *(dists[name] for name in _installed(needs) if name in dists)]
