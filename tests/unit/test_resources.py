"""resources: every picture the app may load is in the folder, one for each tray state."""

from __future__ import annotations

from app import resources
from app.core.tray_enums import TrayState


def test_there_is_a_tray_icon_for_every_tray_state() -> None:
    assert set(resources.TRAY_ICON_STATES) == {state.value for state in TrayState}


def test_every_icon_the_app_may_load_is_there() -> None:
    missing = [name for name in resources.sized_icon_files()
               if not resources.path("icons", "sized", name).is_file()]
    assert missing == []
