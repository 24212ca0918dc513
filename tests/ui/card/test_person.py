"""One person found by several CRMs: one header with a badge per CRM, jobs once with their CRMs, and
sections only for what a CRM adds; filled in as each CRM answers. Real widgets, offscreen."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from app.core.models import AccountResult, Job, Record, RecordType
from app.ui.card.card import CallCard
from app.ui.common.style import Scheme, stylesheet
from tests.ui.helpers import (
    HARBOURLINE,
    PRIYA,
    PRIYA_JOBS,
    RW,
    TR,
    TR_WEB,
    FakeControls,
    call,
    found,
    not_found,
    pending,
)

PRIYA_TR = PRIYA.model_copy(update={"account_id": "tr", "id": None, "link": f"{TR_WEB}/web/contacts/10412"})
TR_JOBS = tuple(j.model_copy(update={"id": f"4{j.id[-4:]}", "link": f"{TR_WEB}/web/opportunities/4{j.id[-4:]}",
                                     "location": j.location.removesuffix(", Australia"),
                                     "status": "Open · opened 19 Jan 2024"}) for j in PRIYA_JOBS)


def _rw(jobs: tuple[Job, ...] = PRIYA_JOBS) -> AccountResult:
    return found(RW, PRIYA, jobs={PRIYA.key: jobs})


def _tr(record: Record = PRIYA_TR, jobs: tuple[Job, ...] = TR_JOBS, *, complete: bool = True) -> AccountResult:
    return found(TR, record, jobs={record.key: jobs} if complete else None, complete=complete)


def _card(qtbot: QtBot, *accounts: AccountResult) -> CallCard:
    card = CallCard(FakeControls(), call(*accounts))
    qtbot.addWidget(card)
    card.show()
    qtbot.waitUntil(card.isVisible)
    return card


def test_one_header_with_a_badge_per_crm_linking_to_its_record(qtbot: QtBot) -> None:
    card = _card(qtbot, _rw(), _tr())
    [block] = card.people()
    assert card.sections() == [] and card.record_rows() == []
    assert "Priya Raman" in block.name_label.text()
    assert block.detail_label.text() == "Head of Engineering · Kestrel Software"
    assert len(card.findChildren(QLabel, "recordName")) == 1  # the name once, not once per CRM
    rw, tr = block.badges
    assert "Recruit Wizard · Contact" in rw.text() and f'href="{PRIYA.link}"' in rw.text()
    assert "TrackerRMS · Contact" in tr.text() and f'href="{PRIYA_TR.link}"' in tr.text()
    assert rw.openExternalLinks() and tr.openExternalLinks()
    assert rw.isVisibleTo(card) and tr.isVisibleTo(card)
    assert [rw, tr] == [w for w in card.focus_chain() if w in (rw, tr)]
    assert block.source_labels == {}  # neither CRM adds anything beyond the header


def test_jobs_in_both_crms_appear_once_labelled_with_both(qtbot: QtBot) -> None:
    card = _card(qtbot, _rw(), _tr())
    [block] = card.people()
    assert block.jobs_heading is not None
    assert block.jobs_heading.text() == "Open jobs (3) · in Recruit Wizard and TrackerRMS"
    assert len(block.job_labels) == 3
    first = block.job_labels[0]
    assert "Senior Backend Engineer (Python)" in first.text() and f'href="{PRIYA_JOBS[0].link}"' in first.text()
    assert "TrackerRMS: Open · opened 19 Jan 2024" in first.toolTip() and TR_JOBS[0].link in first.toolTip()


def test_a_job_only_one_crm_has_is_labelled_with_that_crm(qtbot: QtBot) -> None:
    extra = Job(id="40999", title="Data Engineer", employer="Kestrel Software",
                link=f"{TR_WEB}/web/opportunities/40999")
    card = _card(qtbot, _rw(), _tr(jobs=(*TR_JOBS, extra)))
    [block] = card.people()
    assert block.jobs_heading is not None and block.jobs_heading.text() == "Open jobs (4)"
    assert "in Recruit Wizard and TrackerRMS" in block.job_labels[0].text()
    assert "Data Engineer" in block.job_labels[3].text() and "in TrackerRMS<" in block.job_labels[3].text()


def test_two_crms_with_the_same_three_jobs_are_no_taller_than_one_crm_plus_a_line(qtbot: QtBot) -> None:
    """Measured with the real stylesheet (badge padding, fonts), set on the two cards only."""
    one = _card(qtbot, _rw())
    two = _card(qtbot, _rw(), _tr())
    for card in (one, two):
        card.setStyleSheet(stylesheet(Scheme.LIGHT))
        card.render(card.view)  # re-fit to the styled sizes
    line = QFontMetrics(one.font()).lineSpacing()
    one_high, two_high = one.sizeHint().height(), two.sizeHint().height()
    assert two_high <= one_high + line, (one_high, two_high, line)
    qtbot.waitUntil(lambda: two.height() == two_high)
    assert two.height() <= one.height() + line


def test_the_card_merges_as_each_crm_answers(qtbot: QtBot) -> None:
    card = _card(qtbot, pending(RW), pending(TR))
    assert card.people() == [] and len(card.sections()) == 2
    card.render(call(_rw(), pending(TR)))  # the first answer shows at once, never waiting on the other
    assert card.people() == [] and card.section("rw") is not None and len(card.record_rows()) == 1
    card.render(call(_rw(), _tr(complete=False)))
    [block] = card.people()
    assert card.sections() == [] and card.section("rw") is None
    assert [w.text() for w in block.source_labels["tr"]] == ["TRACKERRMS", "Loading open jobs…"]
    card.render(call(_rw(), _tr()))
    assert card.people() == [block] and block.source_labels == {}
    assert block.jobs_heading is not None and "in Recruit Wizard and TrackerRMS" in block.jobs_heading.text()
    rebuilds = block.rebuilds
    card.render(call(_rw(), _tr()))
    assert block.rebuilds == rebuilds  # nothing changed: nothing rebuilt


def test_a_shared_line_keeps_each_crms_section_and_its_pick(qtbot: QtBot) -> None:
    daniel_rw = HARBOURLINE[0].model_copy(update={"account_id": "rw", "id": "534120"})
    card = _card(qtbot, found(RW, daniel_rw), found(TR, *HARBOURLINE))
    assert card.people() == []
    tr = card.section("tr")
    assert tr is not None and len(tr.rows) == 2 and all(r.radio is not None for r in tr.rows)


def test_badges_wrap_within_the_card_and_other_accounts_keep_their_place(qtbot: QtBot) -> None:
    customer = Record(account_id="rc", type=RecordType.CUSTOMER, id="2101", name="Priya Raman",
                      link="https://agency.retailcrm.ru/customers/2101", note="Manager: Alex Morgan")
    card = _card(qtbot, _rw(), pending(("fd", "FixDigital")), _tr(), found(("rc", "retailCRM"), customer))
    card.setStyleSheet(stylesheet(Scheme.LIGHT))
    card.render(card.view)
    [block] = card.people()
    assert block.person is not None and block.person.account_ids == ("rw", "tr", "rc")
    qtbot.waitUntil(lambda: all(b.width() > 0 for b in block.badges))
    for badge in block.badges:  # nothing cut off: every badge whole, inside the block
        assert badge.isVisibleTo(card)
        assert badge.mapTo(block, badge.rect().bottomRight()).x() <= block.width()
        assert badge.width() >= badge.sizeHint().width()
    assert len({b.mapTo(block, b.rect().topLeft()).y() for b in block.badges}) == 2  # the third wraps
    pending_section = card.section("fd")
    assert pending_section is not None
    chain = card.focus_chain()
    assert chain.index(block.badges[0]) < chain.index(card.answer_button)
    assert block.y() < pending_section.y()  # the person at their first account's place, FixDigital after


def test_the_same_jobs_from_a_second_crm_retitle_the_jobs_in_place(qtbot: QtBot) -> None:
    card = _card(qtbot, _rw(), _tr(complete=False))
    [block] = card.people()
    shown = list(block.job_labels)
    assert block.jobs_heading is not None and block.jobs_heading.text().endswith("· in Recruit Wizard")
    card.render(call(_rw(), _tr()))
    assert block.job_labels == shown  # the same labels, not built again
    assert block.jobs_heading is not None and "in Recruit Wizard and TrackerRMS" in block.jobs_heading.text()
    assert all("TrackerRMS: " in label.toolTip() for label in block.job_labels)
    card.render(call(_rw(PRIYA_JOBS[:1]), _tr()))  # different jobs: the part is built again
    assert len(block.job_labels) == 3 and block.job_labels != shown


def test_a_section_merged_into_a_person_leaves_at_once_and_is_deleted_once_the_card_painted(qtbot: QtBot) -> None:
    card = _card(qtbot, _rw(), pending(TR))
    section = card.section("rw")
    assert section is not None and section.isVisibleTo(card)
    deleted: list[bool] = []
    section.destroyed.connect(lambda: deleted.append(True))
    card.render(call(_rw(), _tr(complete=False)))
    assert not section.isVisibleTo(card) and card.sections() == []
    [block] = card.people()
    assert block.isVisibleTo(card)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what deleteLater() alone would delete
    assert deleted == []  # not before the card's next paint…
    card.repaint()
    qtbot.waitUntil(lambda: deleted == [True])  # …but after it


def test_a_part_whose_block_was_deleted_before_the_paint_is_skipped_by_it(qtbot: QtBot) -> None:
    card = _card(qtbot, _rw(), _tr())
    [block] = card.people()
    old_jobs = block.job_labels[0]
    card.render(call(_rw(PRIYA_JOBS[:1]), _tr()))  # other jobs: the old part waits for the card's paint
    assert not old_jobs.isVisibleTo(card)
    card.hide()  # off screen: the block that leaves next is deleted at once, its old part with it
    card.render(call(_rw(), not_found(TR)))
    qtbot.waitUntil(lambda: not isValid(old_jobs))
    card.show()
    card.repaint()  # the paint's clean-up must not trip over the part already gone (pytest-qt reports it)
    assert [s.account_id for s in card.sections()] == ["rw", "tr"] and card.people() == []
    qtbot.waitUntil(lambda: not isValid(block))


def test_the_card_is_as_tall_as_its_content_after_each_update(qtbot: QtBot) -> None:
    """Each update sizes the card to what it now shows, shrinking too (the last CRM's loading line
    going once its jobs came left a gap above the notes until the next update)."""
    steps = [call(_rw(), pending(TR)), call(_rw(), _tr(complete=False)), call(_rw(), _tr())]
    card = _card(qtbot, *steps[0].accounts)
    for step in steps[1:]:
        card.render(step)
        fresh = _card(qtbot, *step.accounts)
        assert card.height() == fresh.height()
