"""Locate files under resources/ whether running from a checkout, an installed wheel or a
PyInstaller bundle; and name the icons drawn ahead for the app (packaging/make_icons.py --sized)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def root() -> Path:
    here = Path(__file__).resolve().parent
    candidates = [
        here / "_resources",  # installed wheel (force-included by pyproject)
        here.parent / "resources",  # source checkout / editable install
    ]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Ringside's resources folder is missing from this installation.")


def path(*parts: str) -> Path:
    return root().joinpath(*parts)


# The app icon's sizes (windows, task switchers, installers) and the tray's (20, 40 and 44 are 16-,
# 20- and 22-pixel slots on 1.25x and 2x screens), each a PNG in icons/sized/.
APP_ICON_SIZES = (16, 22, 24, 32, 44, 48, 64, 128, 256)
TRAY_ICON_SIZES = (16, 20, 22, 24, 32, 40, 44, 48, 64, 128)
TRAY_ICON_STATES = ("idle", "ringing", "in_call", "attention", "offline")  # TrayState's values (a test checks)
CHECK_MARKS = ("check.png", "check@2x.png")  # check boxes and checked menu items, at 1x and 2x


def sized_icon(name: str, size: int) -> str:
    """The file name of `name`'s picture at `size` pixels under icons/sized/."""
    return f"{name}-{size}.png"


def sized_icon_files() -> list[str]:
    """Every picture under icons/sized/ the app may load."""
    return [*(sized_icon("ringside", size) for size in APP_ICON_SIZES),
            *(sized_icon(f"tray-{state}", size) for state in TRAY_ICON_STATES for size in TRAY_ICON_SIZES),
            *CHECK_MARKS]
