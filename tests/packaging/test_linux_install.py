"""packaging/linux: the desktop entries pass desktop-file-validate, and install.sh really installs
Ringside for a user (into a throwaway HOME) with the real xdg tools, or without them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.desktop.autostart import xdg_entry
from tests.desktop_entries import exec_line, parse_exec

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
INSTALL = LINUX / "install.sh"
SCHEMES = ("x-scheme-handler/tel", "x-scheme-handler/callto", "x-scheme-handler/sip")
XDG_TOOLS = ("xdg-mime", "update-desktop-database", "gtk-update-icon-cache")

needs_validate = pytest.mark.skipif(shutil.which("desktop-file-validate") is None and not os.environ.get("CI"),
                                    reason="needs desktop-file-validate (Debian: desktop-file-utils)")


def validate(*files: Path) -> None:
    result = subprocess.run(["desktop-file-validate", *map(str, files)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def entry(file: Path) -> dict[str, str]:
    lines = file.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


@needs_validate
def test_the_shipped_desktop_entries_are_valid() -> None:
    validate(LINUX / "ringside.desktop", LINUX / "ringside-autostart.desktop")


def test_the_menu_entry_hands_phone_links_to_ringside() -> None:
    desktop = entry(LINUX / "ringside.desktop")
    assert desktop["Exec"] == "ringside --from-desktop %u"
    assert desktop["MimeType"] == "x-scheme-handler/tel;x-scheme-handler/callto;x-scheme-handler/sip;"
    assert desktop["Icon"] == "ringside"


def test_the_shipped_autostart_entry_is_the_one_the_settings_write() -> None:
    assert (LINUX / "ringside-autostart.desktop").read_text(encoding="utf-8") == xdg_entry(["ringside"])


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A stand-in for dist/ringside: an executable `ringside` and the resources' icons where the real
    bundle keeps them (install.sh copies it whole and never runs it)."""
    folder = tmp_path / "dist" / "ringside"
    shutil.copytree(ROOT / "resources" / "icons", folder / "_internal" / "resources" / "icons")
    exe = folder / "ringside"
    exe.write_text("#!/bin/sh\necho ringside \"$@\"\n", encoding="utf-8")
    exe.chmod(0o755)
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "user"
    folder.mkdir()
    return folder


def install(home: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "PATH": path or os.environ["PATH"]}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_DATA_DIRS", "XDG_CURRENT_DESKTOP"):
        env.pop(var, None)
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True, env=env, timeout=60,
                          check=False)


def test_install_puts_bundle_command_entry_and_icons_in_place(bundle: Path, home: Path) -> None:
    result = install(home, "--bundle", str(bundle))
    assert result.returncode == 0, result.stdout + result.stderr

    app_dir = home / ".local" / "lib" / "ringside"
    assert (app_dir / "ringside").is_file()
    assert os.readlink(home / ".local" / "bin" / "ringside") == str(app_dir / "ringside")
    assert subprocess.run([home / ".local" / "bin" / "ringside", "tel:+61491570006"], capture_output=True,
                          text=True, check=True).stdout.strip() == "ringside tel:+61491570006"
    desktop = home / ".local" / "share" / "applications" / "ringside.desktop"
    assert entry(desktop)["Exec"] == f'"{app_dir}/ringside" --from-desktop %u'  # works without ~/.local/bin on PATH
    assert entry(desktop)["TryExec"] == f"{app_dir}/ringside"
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "ringside.svg").read_bytes() == \
        (ROOT / "resources" / "icons" / "ringside.svg").read_bytes()
    assert (icons / "16x16" / "apps" / "ringside.svg").read_bytes() == \
        (ROOT / "resources" / "icons" / "ringside-16.svg").read_bytes()
    assert (icons / "22x22" / "apps" / "ringside.svg").is_file()
    assert not (home / ".config" / "autostart" / "ringside.desktop").exists()  # only when asked


@needs_validate
def test_the_installed_entries_are_valid(bundle: Path, home: Path) -> None:
    assert install(home, "--bundle", str(bundle), "--autostart").returncode == 0
    validate(home / ".local" / "share" / "applications" / "ringside.desktop",
             home / ".config" / "autostart" / "ringside.desktop")


@pytest.mark.skipif(shutil.which("xdg-mime") is None and not os.environ.get("CI"),
                    reason="needs xdg-mime (Debian: xdg-utils)")
def test_install_makes_ringside_the_default_for_phone_links(bundle: Path, home: Path) -> None:
    result = install(home, "--bundle", str(bundle))
    assert result.returncode == 0, result.stdout + result.stderr
    env = {**os.environ, "HOME": str(home)}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CURRENT_DESKTOP"):
        env.pop(var, None)
    for scheme in SCHEMES:
        answer = subprocess.run(["xdg-mime", "query", "default", scheme], capture_output=True, text=True, env=env,
                                check=True)
        assert answer.stdout.strip() == "ringside.desktop", scheme
    if shutil.which("update-desktop-database"):
        cache = (home / ".local" / "share" / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
        assert "x-scheme-handler/tel=ringside.desktop;" in cache


def test_install_without_desktop_tools_says_what_it_skipped(bundle: Path, home: Path, tmp_path: Path) -> None:
    # A PATH with every usual command except the desktop tools.
    bare = tmp_path / "bin"
    bare.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
        for tool in Path(folder).iterdir() if Path(folder).is_dir() else ():
            if tool.name not in XDG_TOOLS and not (bare / tool.name).exists():
                (bare / tool.name).symlink_to(tool)
    result = install(home, "--bundle", str(bundle), "--autostart", path=str(bare))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "xdg-mime not found (package xdg-utils)" in result.stdout
    assert "update-desktop-database not found (package desktop-file-utils)" in result.stdout
    assert (home / ".local" / "share" / "applications" / "ringside.desktop").is_file()
    assert (home / ".config" / "autostart" / "ringside.desktop").is_file()


def test_uninstall_removes_what_install_put_there(bundle: Path, home: Path) -> None:
    assert install(home, "--bundle", str(bundle), "--autostart").returncode == 0
    result = install(home, "--uninstall")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (home / ".local" / "lib" / "ringside").exists()
    assert not (home / ".local" / "bin" / "ringside").exists()
    assert not (home / ".local" / "share" / "applications" / "ringside.desktop").exists()
    assert not (home / ".config" / "autostart" / "ringside.desktop").exists()
    assert not list((home / ".local" / "share" / "icons").rglob("ringside.svg"))


def test_a_missing_bundle_is_refused_with_a_message(home: Path, tmp_path: Path) -> None:
    result = install(home, "--bundle", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "no Ringside bundle at" in result.stderr and "pyinstaller build.spec" in result.stderr
    assert not (home / ".local").exists()


@needs_validate
def test_an_awkward_install_folder_still_gives_a_valid_entry_that_runs_it(bundle: Path, home: Path) -> None:
    prefix = home / 'My "Apps" 100% $here'
    assert install(home, "--bundle", str(bundle), "--prefix", str(prefix)).returncode == 0
    desktop = home / ".local" / "share" / "applications" / "ringside.desktop"
    validate(desktop)
    assert parse_exec(exec_line(desktop.read_text(encoding="utf-8"))) == [str(prefix / "lib" / "ringside" / "ringside"),
                                                                          "--from-desktop", "%u"]
