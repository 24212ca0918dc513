"""Render Ringside's real widgets offscreen to PNGs, in the light and the dark theme.

    python tests/screenshots.py [outdir]      (default: resources/screenshots/)

The cards show what `ringside --demo` shows: the demo's emulators start on loopback (without their
latency), the real connectors look the demo's callers up through the real lookup service, and the
widgets render those results. Only what a screenshot has to freeze is set by hand: the call's
state and times, a pick, a note, and the one failing account (worded by the lookup service itself).
Nothing here is a test: it is for looking at. Each picture `name.png` has a `name-dark.png` twin.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import httpx  # noqa: E402
from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from screenshot_windows import (  # noqa: E402
    DemoSettingsControls,
    dialer,
    earlier,
    failed_note,
    history,
    missed_entry,
    settings_accounts,
    settings_general,
    with_text,
    wrapped_message,
)

from app.accounts.service import AccountService  # noqa: E402
from app.accounts.status import AccountStatus  # noqa: E402
from app.config import settings as settings_mod  # noqa: E402
from app.core.caller_place import caller_place  # noqa: E402
from app.core.lookup import Account, LookupService, describe  # noqa: E402
from app.core.models import AccountResult, Direction, LookupStatus, NoteStatus  # noqa: E402
from app.core.phone import CallerNumber, normalise  # noqa: E402
from app.core.ports import NewRecordKind  # noqa: E402
from app.core.records import creatable  # noqa: E402
from app.core.reminders import Reminder  # noqa: E402
from app.core.session import CallSession  # noqa: E402
from app.core.views import CallState, CallView, LastCall  # noqa: E402
from app.crm.registry import build_connector  # noqa: E402
from app.demo.demo import prepare_demo  # noqa: E402
from app.errors import InvalidNumber, NeedsSignIn  # noqa: E402
from app.sandbox.demo_data import UNKNOWN_NUMBER, demo_callers  # noqa: E402
from app.storage.secrets import SecretStore  # noqa: E402
from app.ui.card.card import CallCard  # noqa: E402
from app.ui.card.create_record import CreateRecordForm  # noqa: E402
from app.ui.common.style import Scheme, apply_style  # noqa: E402
from app.ui.note.form import NoteForm  # noqa: E402
from app.ui.tray.main_window import MainWindow  # noqa: E402
from app.ui.tray.menu import TrayMenu  # noqa: E402
from app.ui.tray.reminder import ReminderNotice  # noqa: E402
from tests.ui.helpers import FakeControls, with_notes  # noqa: E402

REGION = "AU"
PRIYA = "+61491570006"  # contact with open jobs, in both CRMs
HARBOURLINE = "+61370100200"  # an office line: two contacts in Recruit Wizard
ETHAN = "+61491571266"  # a candidate
SARAH = "+61255500187"  # a contact's landline
BACKDROP = {Scheme.LIGHT: "#e2e8f0", Scheme.DARK: "#0b1120"}


# -- what the demo's CRMs answer ---------------------------------------------------------------


@dataclass
class DemoAnswers:
    results: dict[str, tuple[AccountResult, ...]]  # E.164 -> each account's final answer
    accounts: list[Account]
    settings: settings_mod.Settings
    statuses: dict[str, AccountStatus]  # account id -> what the real account check said

    def of(self, number: str) -> tuple[AccountResult, ...]:
        return self.results[number]

    def failed(self, number: str, account_id: str, exc: BaseException) -> tuple[AccountResult, ...]:
        """`number`'s answers with one account failing as `exc`, in the lookup service's words."""
        account = next(a for a in self.accounts if a.id == account_id)
        out = []
        for result in self.results[number]:
            if result.account_id == account_id:
                result = AccountResult(
                    account_id=account.id,
                    account_label=account.label,
                    status=LookupStatus.ERROR,
                    error=describe(account, exc),
                    needs_sign_in=isinstance(exc, NeedsSignIn),
                    complete=True,
                )
            out.append(result)
        return tuple(out)


def ask_the_demo(numbers: list[str]) -> DemoAnswers:
    env = prepare_demo(latency={})
    try:
        return asyncio.run(_look_up(env.settings, env.secrets, numbers))
    finally:
        env.close()


async def _look_up(demo: settings_mod.Settings, secrets: SecretStore, numbers: list[str]) -> DemoAnswers:
    clients: list[httpx.AsyncClient] = []
    accounts: list[Account] = []
    for settings in demo.accounts:
        client = httpx.AsyncClient(timeout=10)
        clients.append(client)
        connector = build_connector(settings, client, secrets)
        if connector is not None:
            accounts.append(Account(connector, settings.timeout_s))
    service = LookupService(accounts)
    results: dict[str, tuple[AccountResult, ...]] = {}
    statuses: dict[str, AccountStatus] = {}
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            service_of_accounts = AccountService(secrets, client)
            for settings in demo.accounts:
                statuses[settings.id] = await service_of_accounts.status(settings)
        for number in numbers:
            latest: dict[str, AccountResult] = {}
            await service.run(CallerNumber.parse(number, REGION),
                              lambda result, seen=latest: seen.__setitem__(result.account_id, result))
            # Accounts with no lookup (FixDigital) answer nothing: they have no section on a card.
            results[number] = tuple(latest[a.id] for a in accounts if a.id in latest)
    finally:
        for account in accounts:
            await account.connector.aclose()
        for client in clients:
            await client.aclose()
    return DemoAnswers(results, accounts, demo, statuses)


# -- calls ---------------------------------------------------------------------------------------

AT_1402 = datetime.now().astimezone().replace(hour=14, minute=2, second=0, microsecond=0)


def view(
    number: str,
    accounts: tuple[AccountResult, ...],
    *,
    call_id: str,
    state: CallState = CallState.RINGING,
    direction: Direction = Direction.INBOUND,
    talked_s: int = 0,
    started_at: datetime = AT_1402,
    selected: dict[str, str] | None = None,
    can_answer: bool = True,
) -> CallView:
    """A call as the switchboard would publish it (numbers shown as the core formats them)."""
    try:
        phone = normalise(number, REGION)
        e164, shown, invalid = phone.e164, phone.display(REGION), None
    except InvalidNumber as exc:
        e164, shown, invalid = None, number, str(exc)
    answered = started_at + timedelta(seconds=6) if state in (CallState.ANSWERED, CallState.ENDED) else None
    ended = None
    if state is CallState.ENDED and answered is not None:
        ended = answered + timedelta(seconds=talked_s)
    elif state is CallState.MISSED:
        ended = started_at + timedelta(seconds=25)
    return CallView(
        call_id=call_id,
        number=number,
        number_display=shown,
        e164=e164,
        invalid_reason=invalid,
        direction=direction,
        state=state,
        started_at=started_at,
        answered_at=answered,
        ended_at=ended,
        accounts=accounts if invalid is None else (),
        selected=selected or {},
        can_answer=can_answer,
    )


def in_call_for(seconds: int) -> datetime:
    """started_at for a call answered `seconds` ago (answered 6 s after it rang)."""
    return datetime.now().astimezone() - timedelta(seconds=seconds + 6)


# -- pictures --------------------------------------------------------------------------------------


class Camera:
    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out
        self.controls = FakeControls(callers=demo_callers())

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()

    def save(self, picture: QPixmap, name: str, scheme: Scheme) -> None:
        path = self.out / (f"{name}.png" if scheme is Scheme.LIGHT else f"{name}-dark.png")
        picture.save(str(path))
        print(f"{path}  {picture.width()}×{picture.height()}")

    def shoot(self, name: str, build: Callable[[FakeControls], QWidget], *, keep_focus: bool = False) -> None:
        """Build the widget afresh in each theme (rich text takes its colours when built)."""
        for scheme in Scheme:
            apply_style(self.app, scheme)
            widget = build(self.controls)
            widget.show()
            self.settle()
            focused = self.app.focusWidget()
            if focused is not None and not keep_focus:
                focused.clearFocus()
            self.settle()
            self.save(widget.grab(), name, scheme)
            widget.hide()
            widget.deleteLater()
        self.settle()

    def menus(self, name: str) -> None:
        """The tray menu with its Simulate call submenu open beside it, on a plain backdrop."""
        for scheme in Scheme:
            apply_style(self.app, scheme)
            menu = TrayMenu(self.controls)
            menu.set_status("Ringside — Ready")
            menu.adjustSize()
            sub = menu.simulate_menu
            sub.adjustSize()
            main_px, sub_px = menu.grab(), sub.grab()
            top = menu.actionGeometry(menu.simulate_menu.menuAction()).top()
            pad = 16
            canvas = QPixmap(
                main_px.width() + sub_px.width() + 2 * pad - 4, max(main_px.height(), top + sub_px.height()) + 2 * pad
            )
            canvas.fill(QColor(BACKDROP[scheme]))
            painter = QPainter(canvas)
            painter.drawPixmap(QPoint(pad, pad), main_px)
            painter.drawPixmap(QPoint(pad + main_px.width() - 4, pad + top), sub_px)
            painter.end()
            self.save(canvas, name, scheme)
            menu.deleteLater()


def card(v: CallView) -> Callable[[FakeControls], QWidget]:
    return lambda controls: CallCard(controls, v)


def card_in_sydney(v: CallView) -> Callable[[FakeControls], QWidget]:
    """A card whose clock is the demo recruiter's (Sydney), so a caller's local time shows as it would."""
    def build(controls: FakeControls) -> QWidget:
        widget = CallCard(controls, v)
        widget.context.now = lambda: datetime.now(ZoneInfo("Australia/Sydney"))
        widget.render(v)
        return widget
    return build


def create_form(v: CallView, typed: dict[str, str]) -> Callable[[FakeControls], QWidget]:
    """The Create contact form as the recruiter types into it (typing shows the checks)."""

    def build(controls: FakeControls) -> QWidget:
        form = CreateRecordForm(controls, v, "tr", NewRecordKind.CONTACT)
        for name, text in typed.items():
            QTest.keyClicks(form.fields[name], text)
        return form

    return build


def note_form(v: CallView, text: str = "") -> Callable[[FakeControls], QWidget]:
    def build(controls: FakeControls) -> QWidget:
        form = NoteForm(controls, v, draft=v.draft)
        if text:
            form.editor.setPlainText(text)
        form.editor.setFocus()
        return form

    return build


def note_form_how_it_went(v: CallView, outcome: str, job: str, text: str) -> Callable[[FakeControls], QWidget]:
    """The note form with an outcome, an open job and "Tomorrow 9:00" chosen."""
    def build(controls: FakeControls) -> QWidget:
        form = note_form(v, text)(controls)
        assert isinstance(form, NoteForm)
        form.how.outcome_combo.setCurrentIndex(form.how.outcome_combo.findData(outcome))
        form.how.job_combo.setCurrentIndex(max(0, form.how.job_combo.findData(job)))
        form.how.call_back_combo.setCurrentIndex(2)
        return form

    return build


def priya_number(v: CallView) -> str:
    return v.number_display or v.number


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE.parent / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(argv[:1])
    assert isinstance(app, QApplication)
    demo = ask_the_demo([PRIYA, HARBOURLINE, ETHAN, SARAH, UNKNOWN_NUMBER])
    camera = Camera(app, out)

    priya = demo.of(PRIYA)
    camera.shoot(
        "card-one-match-with-jobs",
        card(view(PRIYA, priya, call_id="c1", state=CallState.ANSWERED, started_at=in_call_for(134))),
    )

    # The ringing card's first paint, before any CRM answers: Ringside's own last call with the caller
    # and, for a caller abroad, their country and time.
    abroad = "+44 20 7946 0321"
    waiting = tuple(AccountResult(account_id=r.account_id, account_label=r.account_label,
                                  status=LookupStatus.PENDING) for r in priya)
    camera.shoot("card-last-time-abroad", card_in_sydney(replace(
        view(abroad, waiting, call_id="c1l"),
        last_call=LastCall(call_id="p1", started_at=AT_1402 - timedelta(days=3, hours=4), direction=Direction.INBOUND,
                           state=CallState.ENDED, duration_s=247, note="Sending Ethan's CV Friday", earlier=3),
        place=caller_place(CallerNumber.read(abroad, REGION), REGION))))

    office = demo.of(HARBOURLINE)
    mei_lin = next(r for r in office[0].records if r.name == "Mei Lin Chen")
    camera.shoot(
        "card-several-matches",
        card(view(HARBOURLINE, office, call_id="c2", selected={office[0].account_id: mei_lin.key})),
    )

    camera.shoot("card-not-found", card(view(UNKNOWN_NUMBER, demo.of(UNKNOWN_NUMBER), call_id="c3")))

    # An account that can create records (TrackerRMS) offers to, for an unknown caller.
    unknown = replace(view(UNKNOWN_NUMBER, demo.of(UNKNOWN_NUMBER), call_id="c3c"), creatable=creatable(demo.accounts))
    camera.shoot("card-unknown-caller-create", card(unknown))
    camera.shoot(
        "create-contact-form",
        create_form(unknown, {"first_name": "Jane", "last_name": "Selby", "job_title": "Head of Talent",
                              "company": "Wonderful Java Inc", "email": "jane.selby@wonderful"}),
    )

    camera.shoot(
        "card-account-failing",
        card(view(ETHAN, demo.failed(ETHAN, "tr", TimeoutError()), call_id="c4")),
    )

    sarah = demo.failed(SARAH, "tr", NeedsSignIn("TrackerRMS needs you to sign in again."))
    looking = (
        AccountResult(
            account_id=sarah[0].account_id, account_label=sarah[0].account_label, status=LookupStatus.PENDING
        ),
        *sarah[1:],
    )
    camera.shoot(
        "card-looking-up",
        card(view(SARAH, looking, call_id="c5", direction=Direction.OUTBOUND, can_answer=False)),
    )

    camera.shoot("card-invalid-number", card(view("abc", (), call_id="c6", can_answer=False)))

    ended = view(PRIYA, priya, call_id="c7", state=CallState.ENDED, talked_s=252)
    camera.shoot("card-note-logged", card(with_notes(ended, NoteStatus.LOGGED)))

    camera.shoot(
        "note-form",
        note_form(
            ended,
            "Priya needs the Senior Backend Engineer filled by April; Platform Engineer contract can wait. "
            "Sending Ethan Brooks's CV today; follow up Friday.",
        ),
        keep_focus=True,
    )
    camera.shoot("note-form-outcome-and-job", note_form_how_it_went(
        ended, "Interested", "Senior Backend Engineer (Python)",
        "Wants two backend engineers by April. Sending Ethan Brooks's CV today."), keep_focus=True)
    camera.shoot("reminder-notice", lambda controls: ReminderNotice(controls, Reminder(
        1, "c7", priya_number(ended), "Priya Raman", AT_1402 + timedelta(hours=1), fired=True)))
    camera.shoot(
        "note-form-several-matches",
        note_form(view(HARBOURLINE, office, call_id="c8", state=CallState.ENDED, talked_s=95)),
        keep_focus=True,
    )
    # The shared line: Mei Lin Chen picked in Recruit Wizard's section is carried to TrackerRMS, whose
    # lookup described only Daniel ("1 of 2"); the note form ticks Mei in both (core.same_person).
    shared = CallSession(call_id="c8b", number=CallerNumber.parse(HARBOURLINE, REGION), direction=Direction.INBOUND,
                         source="demo", started_at=AT_1402, answered_at=AT_1402 + timedelta(seconds=6),
                         ended_at=AT_1402 + timedelta(seconds=101), home_region=REGION,
                         results={a.account_id: a for a in office},
                         by_name=frozenset(a.account_id for a in office if a.account_id == "tr"))
    shared.select(office[0].account_id, mei_lin.key)
    camera.shoot("note-form-shared-line-carried", note_form(shared.view()), keep_focus=True)
    # Notes typed on the card during the call, carried into the note form at hang-up.
    camera.shoot("card-notes-during-call", card(replace(
        view(PRIYA, priya, call_id="c1n", state=CallState.ANSWERED, started_at=in_call_for(312)),
        draft="Open to the Platform Engineer contract from May; wants remote Fridays.")))
    camera.shoot(
        "note-form-no-match",
        note_form(view(UNKNOWN_NUMBER, demo.of(UNKNOWN_NUMBER), call_id="c9", state=CallState.ENDED, talked_s=48)),
        keep_focus=True,
    )

    camera.controls.recent = [
        with_notes(ended, NoteStatus.LOGGED),
        view(
            UNKNOWN_NUMBER,
            demo.of(UNKNOWN_NUMBER),
            call_id="c10",
            state=CallState.MISSED,
            started_at=AT_1402.replace(hour=13, minute=41),
        ),
    ]
    camera.menus("tray-menu")

    def window(controls: FakeControls) -> QWidget:
        main_window = MainWindow(TrayMenu(controls))
        main_window.set_state("ringing", f"{normalise(PRIYA, REGION).display(REGION)} · Priya Raman")
        main_window.show_message(
            f"{describe(demo.accounts[1], TimeoutError())} Showing the other accounts.", error=True
        )
        main_window.adjustSize()
        return main_window

    camera.shoot("fallback-window", window)

    # The windows: History (with the callback list), Dial (recent calls to pick from), Settings.
    ethan = view(ETHAN, demo.of(ETHAN), call_id="h2", state=CallState.ENDED, direction=Direction.OUTBOUND,
                 talked_s=71)
    # TrackerRMS's words for an HTTP 500 (app/crm/_shared/http.py).
    ethan = with_text(failed_note(ethan, "tr", "TrackerRMS had a problem answering (HTTP 500). Try again shortly."),
                      "Called Ethan about the Senior Engineer role at Kestrel: keen, notice period four weeks, "
                      "expects 165k + super. Sending the JD tonight; interview Thursday 10:00.")
    missed_unknown = view(UNKNOWN_NUMBER, demo.of(UNKNOWN_NUMBER), call_id="h3", state=CallState.MISSED)
    missed_sarah = view(SARAH, demo.of(SARAH), call_id="h4", state=CallState.MISSED)
    calls = [
        with_notes(earlier(ended, at=(14, 2)), NoteStatus.LOGGED),
        earlier(missed_unknown, at=(13, 41)),
        earlier(ethan, at=(11, 15)),
        earlier(missed_sarah, days=1, at=(16, 20)),
        earlier(with_text(with_notes(view(HARBOURLINE, office, call_id="h5", state=CallState.ENDED, talked_s=95,
                                          selected={office[0].account_id: mei_lin.key}), NoteStatus.LOGGED),
                          "Mei Lin: two forklift drivers for the Port Melbourne depot from Monday; rates agreed."),
                days=1, at=(10, 5)),
    ]
    missed = [missed_entry(calls[1], 1), missed_entry(calls[3], 2)]
    camera.shoot("history-window", history(calls, missed, select="h2"))
    camera.shoot("history-search", history(calls, missed, select="h5", search="forklift"))
    failure = (f"{describe(demo.accounts[1], TimeoutError())} Showing the other accounts; the note for "
               "Ethan Brooks waits in the outbox and is sent when TrackerRMS answers again.")
    camera.shoot("history-messages", history(calls, missed, select="h2", messages=[
        ("Ringside is already running — it lives in the tray.", False), (failure, True)]))
    camera.shoot("message-wrapped", wrapped_message(
        "TrackerRMS refused the note for Ethan Brooks at https://evoapi.tracker-rms.com/api/widget/"
        "createActivity (HTTP 403): the API user may not write activities. Ask your TrackerRMS admin; "
        "the note waits in History → Retry."))

    camera.controls.recent = calls
    camera.shoot("dial-window", dialer(), keep_focus=True)
    camera.shoot("dial-search", dialer("kestrel"), keep_focus=True)

    accounts = DemoSettingsControls(demo.settings, demo.statuses)
    camera.shoot("settings-accounts", settings_accounts(accounts, "tr", {"timeout_s": "0"}))
    camera.shoot("settings-general", settings_general(accounts))
    return 0


def shoot_busy_desk(out: Path) -> None:
    """Five overlapping calls need a real X server, window manager and panel (Xvfb, openbox, tint2):
    the desktop test that checks the stack takes that picture when asked to."""
    import shutil
    import subprocess

    if not all(shutil.which(tool) for tool in ("Xvfb", "openbox", "tint2")):
        print("busy-desk-five-calls.png not retaken: Xvfb, openbox and tint2 are needed", file=sys.stderr)
        return
    test = "tests/desktop/test_stack_on_panel_edges.py"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                          cwd=HERE.parent, env={**os.environ, "RINGSIDE_SHOOT_DESKTOP": "1"}, check=False)
    picture = HERE.parent / "resources" / "screenshots" / "busy-desk-five-calls.png"
    if done.returncode != 0:
        print(f"busy-desk-five-calls.png not retaken: {test} failed", file=sys.stderr)
    elif out.resolve() != picture.parent.resolve():
        shutil.copyfile(picture, out / picture.name)


if __name__ == "__main__":
    done = main(sys.argv)
    shoot_busy_desk(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "resources" / "screenshots")
    raise SystemExit(done)
