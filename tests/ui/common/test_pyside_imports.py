"""PySide6's per-import check, made cheaper: the same answer, without keeping every later module's
source in memory."""

from __future__ import annotations

import importlib
import linecache
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import PySide6.QtCore  # noqa: F401  (installs the check this replaces)
import pytest

from app.ui.common import pyside_imports


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "plain_module_for_check.py").write_text("VALUE = 1\n")
    (tmp_path / "qt_module_for_check.py").write_text("from PySide6.QtCore import QObject\nVALUE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("plain_module_for_check", "qt_module_for_check"):
        sys.modules.pop(name, None)


def test_same_answer_as_pysides_own_check(modules: Path) -> None:
    feature = sys.modules[pyside_imports.FEATURE_MODULE]
    upstream = feature._mod_uses_pyside
    assert upstream is not pyside_imports.uses_pyside  # PySide6's own, to compare with
    for name, expected in (("plain_module_for_check", False), ("qt_module_for_check", True)):
        module = importlib.import_module(name)
        assert pyside_imports.uses_pyside(module) is upstream(module) is expected
    assert pyside_imports.uses_pyside(sys) is upstream(sys) is False  # built in: no source


def test_later_imports_leave_no_source_in_memory(modules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feature = sys.modules[pyside_imports.FEATURE_MODULE]
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)  # restored after the test
    assert pyside_imports.cheaper_module_check()
    __import__("plain_module_for_check")  # an import statement: through PySide6's import hook
    assert str(modules / "plain_module_for_check.py") not in linecache.cache
    assert feature.pyside_feature_dict["plain_module_for_check"] == -1  # "ignore": not a PySide6 user
    __import__("qt_module_for_check")
    assert feature.pyside_feature_dict["qt_module_for_check"] == 0


def test_what_pyside6_read_while_loading_is_dropped() -> None:
    # A fresh process: PySide6 reads enum's, types' and its own source while it loads, before the check
    # can be replaced.
    code = ("import linecache, PySide6.QtWidgets\n"
            "before = len(linecache.cache)\n"
            "from app.ui.common.pyside_imports import cheaper_module_check\n"
            "assert cheaper_module_check()\n"
            "print(before, sorted(linecache.cache))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parents[3], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.split(" ", 1)
    assert int(before) > 0  # PySide6 did read sources (else this test checks nothing)
    assert after.strip() == "[]"
