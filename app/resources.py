"""Locate files under resources/ whether running from a checkout, an installed wheel or a
PyInstaller bundle."""

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
