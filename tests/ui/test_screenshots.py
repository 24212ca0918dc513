"""tests/screenshots.py keeps working: every picture README shows comes out, in both themes."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.ui.common.style import apply_style

ROOT = Path(__file__).resolve().parents[2]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ringside_screenshots", ROOT / "tests" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def qapp_restyled(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    apply_style(qapp)  # the script pins each theme in turn; follow the system again


@pytest.mark.slow
def test_every_readme_picture_is_rendered_light_and_dark(qapp_restyled: QApplication, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"resources/screenshots/([\w.-]+\.png)", readme))
    assert linked, "README shows no screenshots"

    assert load_script().main(["screenshots.py", str(tmp_path)]) == 0

    made = {p.name for p in tmp_path.glob("*.png")}
    windows = {"history-window", "dial-window", "settings-accounts", "settings-general"}  # each window, not just cards
    assert windows <= {n.removesuffix(".png") for n in made}, "a window's picture is missing"
    assert windows <= {n.removesuffix(".png") for n in linked}, "README does not show every window"
    # The whole-desktop picture comes from the real-desktop test (tests/desktop), one theme only.
    desktop = {"busy-desk-five-calls.png"}
    assert all((ROOT / "resources" / "screenshots" / name).is_file() for name in desktop & linked)
    for name in {n.removesuffix("-dark.png").removesuffix(".png") for n in linked - desktop}:
        assert {f"{name}.png", f"{name}-dark.png"} <= made, name
    for name in made:
        image = QImage(str(tmp_path / name))
        assert not image.isNull() and image.width() >= 300 and image.height() >= 100, name
