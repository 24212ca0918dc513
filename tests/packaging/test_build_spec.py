"""build.spec as PyInstaller reads it, for each platform, with PyInstaller's build steps replaced by
recorders (the real build is .ci/run's job): hidden imports come from the registries, resources go
in as `resources`, and the names, schemes and ids agree with packaging/ and the autostart code."""

from __future__ import annotations

import plistlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app import __version__
from app.crm import registry
from app.desktop.autostart import RUN_VALUE, launch_agent, run_value
from app.runtime import bundle
from app.telephony import sources

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "packaging" / "windows" / "ringside.iss"


@dataclass
class Step:
    kind: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    # What the spec reads off an Analysis.
    scripts: list[str] = field(default_factory=list)
    pure: list[str] = field(default_factory=list)
    binaries: list[str] = field(default_factory=list)
    datas: list[str] = field(default_factory=list)


def read_spec(platform: str, tmp_path: Path) -> dict[str, list[Step]]:
    steps: dict[str, list[Step]] = {}

    def recorder(kind: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Step:
            step = Step(kind, args, kwargs)
            steps.setdefault(kind, []).append(step)
            return step
        return record

    dist = tmp_path / "dist"
    (dist / "ringside").mkdir(parents=True)
    scope = {"SPECPATH": str(ROOT), "DISTPATH": str(dist), "workpath": str(tmp_path / "work"),
             "__file__": str(ROOT / "build.spec"),
             **{kind: recorder(kind) for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "platform", platform)
        patch.setattr(sys, "path", list(sys.path))
        exec(compile((ROOT / "build.spec").read_text(encoding="utf-8"), "build.spec", "exec"), scope)
    return steps


def test_hidden_imports_hold_every_registered_connector_and_source(tmp_path: Path) -> None:
    [analysis] = read_spec("linux", tmp_path)["Analysis"]
    hidden = set(analysis.kwargs["hiddenimports"])
    for kind, row in registry.SYSTEMS.items():
        if row.connector is None:
            continue
        factory = row.connector
        modules = {getattr(factory.__globals__.get(n), "__module__", "") for n in factory.__code__.co_names}
        own = {m for m in modules if m.startswith("app.crm.") and m != "app.crm.registry"}
        assert own, f"{kind}: its factory names no module of its own"
        assert own <= hidden, kind
    for kind, factory in sources.FACTORIES.items():
        modules = {getattr(factory.__globals__.get(n), "__module__", "") for n in factory.__code__.co_names}
        assert {m for m in modules if m.startswith("app.telephony.") and m != "app.telephony.sources"} <= hidden, kind
    assert {"app.sandbox.recruitwizard.server", "app.sandbox.trackerrms.server", "app.cli.sandbox"} <= hidden
    assert {"keyring.backends.SecretService", "keyring.backends.kwallet", "keyring.backends.fail"} <= hidden
    assert {"app.ui.shell", "app.ui.selfcheck_qt"} <= hidden


def test_resources_go_in_as_resources_without_the_screenshots(tmp_path: Path) -> None:
    [analysis] = read_spec("linux", tmp_path)["Analysis"]
    placed = {Path(dest) / Path(src).name for src, dest in analysis.kwargs["datas"] if "resources" in dest}
    for name in bundle.REQUIRED_RESOURCES:
        assert Path("resources") / name in placed, name
    assert not [p for p in placed if "screenshots" in p.parts]
    assert any("keyring" in src and src.endswith(".dist-info") for src, _ in analysis.kwargs["datas"])


def test_linux_bundle_is_dist_ringside_with_its_installer_on_top(tmp_path: Path) -> None:
    steps = read_spec("linux", tmp_path)
    [exe] = steps["EXE"]
    [collect] = steps["COLLECT"]
    assert exe.kwargs["name"] == "ringside" and exe.kwargs["console"] is True
    assert collect.kwargs["name"] == "ringside"
    assert "BUNDLE" not in steps
    top = tmp_path / "dist" / "ringside"
    assert sorted(p.name for p in top.iterdir()) == ["install.sh", "ringside-autostart.desktop", "ringside.desktop"]
    assert (top / "install.sh").stat().st_mode & 0o111


def test_macos_app_takes_tel_and_callto_links_and_matches_the_login_item(tmp_path: Path) -> None:
    steps = read_spec("darwin", tmp_path)
    [exe] = steps["EXE"]
    [app] = steps["BUNDLE"]
    plist = app.kwargs["info_plist"]
    assert [t["CFBundleURLSchemes"] for t in plist["CFBundleURLTypes"]] == [["tel", "callto"]]
    assert plist["LSUIElement"] is True
    assert app.kwargs["version"] == __version__
    assert exe.kwargs["argv_emulation"] is True  # a link that starts the app arrives as an argument
    assert Path(app.kwargs["icon"]).read_bytes()[:4] == b"icns"
    # The shipped LaunchAgent starts the executable this bundle has.
    program = f"/Applications/{app.kwargs['name']}/Contents/MacOS/{exe.kwargs['name']}"
    shipped = (ROOT / "packaging" / "macos" / f"{app.kwargs['bundle_identifier']}.plist").read_bytes()
    assert plistlib.loads(shipped) == plistlib.loads(launch_agent([program]))


def test_windows_has_a_windowed_program_and_a_console_twin(tmp_path: Path) -> None:
    steps = read_spec("win32", tmp_path)
    exes = {step.kwargs["name"]: step.kwargs for step in steps["EXE"]}
    assert exes["ringside"]["console"] is False
    assert exes["ringside-cli"]["console"] is True
    assert Path(exes["ringside"]["icon"]).read_bytes()[:4] == b"\0\0\1\0"


# -- the Windows installer script --------------------------------------------------------------


def iss_registry() -> list[dict[str, str]]:
    """[Registry] lines of ringside.iss, with Inno's "" quoting undone and its #defines filled in."""
    text = ISS.read_text(encoding="utf-8")
    defines = dict(re.findall(r'^\s*#define (\w+) "([^"]*)"', text, flags=re.M))
    section = text.split("[Registry]", 1)[1].split("\n[", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        row = {}
        for part in re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line):
            key, value = part
            value = value.strip()
            if value.startswith('"'):
                value = value[1:-1].replace('""', '"')
            row[key] = re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], value)
        rows.append(row)
    return rows


def test_the_installer_registers_tel_and_callto_to_open_ringside() -> None:
    rows = iss_registry()
    opened = {r["Subkey"].split("\\")[2]: r["ValueData"] for r in rows
              if r["Subkey"].endswith(r"\shell\open\command")}
    exe = rf"{{app}}\{bundle.EXE_NAME}.exe"
    for scheme in bundle.URL_SCHEMES:
        assert opened[scheme] == f'"{exe}" "%1"', scheme
        assert any(r["Subkey"] == rf"Software\Classes\{scheme}" and r["ValueName"] == "URL Protocol" for r in rows)
        assert any(r["Subkey"].endswith(r"Capabilities\URLAssociations") and r["ValueName"] == scheme for r in rows)
    assert "sip" not in opened


def test_the_installers_run_value_is_the_one_start_at_login_writes() -> None:
    [run] = [r for r in iss_registry()
             if r["Subkey"].endswith(r"CurrentVersion\Run") and r.get("ValueType") == "string"]
    installed = r"C:\Users\Pat\AppData\Local\Programs\Ringside"
    assert (run["ValueName"], run["ValueData"].replace("{app}", installed)) == \
        run_value([rf"{installed}\{bundle.EXE_NAME}.exe"])
    assert run["ValueName"] == RUN_VALUE


def test_the_installer_packs_the_spec_output_and_this_version() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert rf'Source: "dist\{bundle.EXE_NAME}\*"' in text
    assert re.search(r'#define AppVersion "([^"]+)"', text).group(1) == __version__  # type: ignore[union-attr]
