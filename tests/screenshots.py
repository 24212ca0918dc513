"""Render Ringside's real widgets offscreen with realistic calls, to PNGs.

    python tests/screenshots.py [outdir]      (default: resources/screenshots/)

Nothing here is a test: it is for looking at. The views are hand-built (tests/ui/helpers.py), so
no switchboard, CRM or network is involved.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE / "ui")]

from helpers import (  # noqa: E402
    JA,
    PRIYA,
    PRIYA_JOBS,
    RW,
    SAMS,
    FakeControls,
    call,
    error,
    found,
    not_found,
    pending,
)
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.core.models import Direction, Job  # noqa: E402
from app.core.views import CallState, CallView  # noqa: E402
from app.ui.card import CallCard  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.menu import TrayMenu  # noqa: E402
from app.ui.note_form import NoteForm  # noqa: E402
from app.ui.style import apply_style, use_light_palette  # noqa: E402

MORE_JOBS = (
    *PRIYA_JOBS,
    Job(
        id="J-330",
        title="Product Designer, Confluence",
        employer="Atlassian",
        location="Sydney, NSW",
        link="https://app.recruitwizard.com/jobs/330",
    ),
    Job(
        id="J-334",
        title="Data Engineer",
        employer="Atlassian",
        location="Remote, AU",
        link="https://app.recruitwizard.com/jobs/334",
    ),
    Job(
        id="J-341",
        title="Graduate Software Engineer",
        employer="Atlassian",
        location="Sydney, NSW",
        link="https://app.recruitwizard.com/jobs/341",
    ),
    Job(
        id="J-342",
        title="Security Engineer",
        employer="Atlassian",
        location="Sydney, NSW",
        link="https://app.recruitwizard.com/jobs/342",
    ),
)


def _in_call_for(seconds: int) -> datetime:
    """started_at for a call answered `seconds` ago (helpers answer 6 s after ringing)."""
    return datetime.now().astimezone() - timedelta(seconds=seconds + 6)


def _settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def _save(widget: QWidget, out: Path, name: str, app: QApplication) -> Path:
    _settle(app)
    focused = app.focusWidget()
    if focused is not None and not isinstance(widget, NoteForm):
        focused.clearFocus()
    _settle(app)
    path = out / name
    widget.grab().save(str(path))
    print(f"{path}  {widget.width()}×{widget.height()}")
    return path


def _card(app: QApplication, controls: FakeControls, view: CallView, out: Path, name: str) -> None:
    card = CallCard(controls, view)
    use_light_palette(card)
    card.show()
    _save(card, out, name, app)
    card.close()
    card.deleteLater()


def _menu_picture(app: QApplication, controls: FakeControls, out: Path) -> None:
    """The tray menu with its Simulate call submenu open beside it, on a neutral backdrop."""
    menu = TrayMenu(controls)
    menu.set_status("Ringside — Ready")
    menu.adjustSize()
    sub = menu.simulate_menu
    sub.adjustSize()
    main_px = menu.grab()
    sub_px = sub.grab()
    top = menu.actionGeometry(menu.simulate_menu.menuAction()).top()
    pad = 16
    width = main_px.width() + sub_px.width() + 2 * pad - 4
    height = max(main_px.height(), top + sub_px.height()) + 2 * pad
    canvas = QPixmap(width, height)
    canvas.fill(QColor("#e2e8f0"))
    painter = QPainter(canvas)
    painter.drawPixmap(QPoint(pad, pad), main_px)
    painter.drawPixmap(QPoint(pad + main_px.width() - 4, pad + top), sub_px)
    painter.end()
    path = out / "tray-menu.png"
    canvas.save(str(path))
    print(f"{path}  {canvas.width()}×{canvas.height()}")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE.parent / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(argv[:1])
    assert isinstance(app, QApplication)
    apply_style(app)
    controls = FakeControls()
    now = datetime.now().astimezone()

    _card(
        app,
        controls,
        call(
            found(RW, PRIYA, jobs={PRIYA.key: MORE_JOBS}),
            not_found(JA),
            state=CallState.ANSWERED,
            started_at=_in_call_for(134),
            can_answer=True,
        ),
        out,
        "card-one-match-with-jobs.png",
    )

    _card(
        app,
        controls,
        call(
            found(JA, *SAMS),
            pending(RW),
            call_id="c2",
            number="+61298765432",
            number_display="(02) 9876 5432",
            selected={"ja": SAMS[0].key},
            can_answer=True,
            started_at=now,
        ),
        out,
        "card-several-matches.png",
    )

    _card(
        app,
        controls,
        call(
            not_found(RW),
            not_found(JA),
            call_id="c3",
            number="+442079460958",
            number_display="+44 20 7946 0958",
            started_at=now,
        ),
        out,
        "card-not-found.png",
    )

    _card(
        app,
        controls,
        call(
            found(JA, SAMS[2]),
            error(RW, "Recruit Wizard didn't answer in 3 s"),
            call_id="c4",
            number="+61412998877",
            number_display="+61 412 998 877",
            started_at=now,
            can_answer=True,
        ),
        out,
        "card-account-failing.png",
    )

    _card(
        app,
        controls,
        call(
            pending(RW),
            error(JA, "Your JobAdder sign-in has expired.", needs_sign_in=True),
            call_id="c5",
            direction=Direction.OUTBOUND,
            started_at=now,
        ),
        out,
        "card-looking-up.png",
    )

    _card(
        app,
        controls,
        call(
            call_id="c6",
            number="abc",
            number_display="abc",
            invalid_reason="'abc' is not a phone number.",
            started_at=now,
        ),
        out,
        "card-invalid-number.png",
    )

    ended = call(
        found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}),
        found(JA, *SAMS),
        state=CallState.ENDED,
        duration_s=252,
        call_id="c7",
    )
    form = NoteForm(controls, ended)
    use_light_palette(form)
    form.editor.setPlainText(
        "Priya needs two more senior Java devs for the Jira Cloud team by April. "
        "Sending Sam's and Wei's CVs today; follow up Friday."
    )
    form.show()
    form.editor.setFocus()
    _save(form, out, "note-form.png", app)
    form.hide()

    lonely = replace(ended, accounts=(not_found(RW), not_found(JA)), call_id="c8")
    form2 = NoteForm(controls, lonely)
    use_light_palette(form2)
    form2.show()
    _save(form2, out, "note-form-no-match.png", app)
    form2.hide()

    controls.recent = [
        replace(ended, started_at=now.replace(hour=14, minute=2)),
        call(not_found(RW), state=CallState.MISSED, call_id="c9", started_at=now.replace(hour=13, minute=41)),
    ]
    _menu_picture(app, controls, out)

    window = MainWindow(TrayMenu(controls))
    window.set_state("ringing", "0412 345 678 · Priya Raman")
    window.show_message("Recruit Wizard didn't answer in 3 s — showing the other accounts.", error=True)
    window.show()
    window.adjustSize()
    _save(window, out, "fallback-window.png", app)
    window.hide()
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
