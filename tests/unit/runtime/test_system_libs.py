"""Issue 14, point 8: what Qt needs from the system is named before Qt aborts on its own."""

from __future__ import annotations

from app.runtime import selfcheck
from app.runtime.system_libs import XCB_CURSOR_PACKAGE, qt_platform, qt_system_problem


def missing(_name: str) -> None:
    return None


def test_xcb_without_libxcb_cursor_names_the_package() -> None:
    problem = qt_system_problem({"DISPLAY": ":0"}, "linux", missing)
    assert problem is not None and f"sudo apt install {XCB_CURSOR_PACKAGE}" in problem


def test_nothing_to_say_when_present_or_not_xcb() -> None:
    assert qt_system_problem({"DISPLAY": ":0"}, "linux", lambda _n: "libxcb-cursor.so.0") is None
    assert qt_system_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", missing) is None
    assert qt_system_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", missing) is None
    assert qt_system_problem({}, "win32", missing) is None
    assert qt_platform({"QT_QPA_PLATFORM": "xcb;wayland"}) == "xcb"


def test_the_self_check_reports_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.runtime.system_libs.qt_system_problem", lambda: "needs libxcb-cursor0")
    (finding,) = selfcheck.check_system_libs()
    assert finding.status is selfcheck.Status.FAIL and "libxcb-cursor0" in finding.detail
