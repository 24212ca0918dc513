"""A retailCRM customer on the card: the responsible manager and the links to the last and a new order
under the customer's name, reachable by keyboard like every link on the card."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.models import Record, RecordType
from app.ui.card.card import CallCard
from tests.ui.helpers import PRIYA, RW, FakeControls, call, found

RC = ("rc", "retailCRM")
BASE = "https://agency.retailcrm.ru"
CUSTOMER = Record(
    account_id="rc", type=RecordType.CUSTOMER, id="2101", name="Priya Raman", link=f"{BASE}/customers/2101",
    note="Manager: Alex Morgan",
    extra_links=(("Last order", f"{BASE}/orders/31001/edit"), ("New order", f"{BASE}/orders/add?customerId=2101")),
)


def test_a_customer_shows_the_manager_and_order_links(qtbot: QtBot) -> None:
    card = CallCard(FakeControls(), call(found(RC, CUSTOMER)))
    qtbot.addWidget(card)
    card.show()
    row = next(r for r in card.record_rows() if r.record.account_id == "rc")
    assert row.badge.text() == "Customer"
    assert f'href="{BASE}/customers/2101"' in row.name_label.text()
    assert row.note_label is not None and row.note_label.text() == "Manager: Alex Morgan"
    assert row.note_label.isVisibleTo(card)
    assert row.links_label is not None and row.links_label.isVisibleTo(card)
    links = row.links_label.text()
    assert f'href="{BASE}/orders/31001/edit"' in links and ">Last order</a>" in links
    assert f'href="{BASE}/orders/add?customerId=2101"' in links and ">New order</a>" in links
    assert row.links_label.openExternalLinks()
    assert row.links_label in row.focus_chain()


def test_records_without_more_to_say_show_no_empty_lines(qtbot: QtBot) -> None:
    card = CallCard(FakeControls(), call(found(RW, PRIYA)))
    qtbot.addWidget(card)
    [row] = card.record_rows()
    assert row.note_label is None and row.links_label is None
    assert not card.findChildren(QLabel, "recordLinks")


def test_merged_with_another_crm_the_customer_adds_its_manager_and_order_links(qtbot: QtBot) -> None:
    """Found in Recruit Wizard too, Priya gets one header; retailCRM's section holds only what it adds."""
    card = CallCard(FakeControls(), call(found(RW, PRIYA), found(RC, CUSTOMER)))
    qtbot.addWidget(card)
    card.show()
    [block] = card.people()
    assert card.section("rc") is None and card.section("rw") is None
    badge = block.badges[1]
    assert "retailCRM · Customer" in badge.text() and f'href="{BASE}/customers/2101"' in badge.text()
    title, note, links_label = block.source_labels["rc"]
    assert title.text() == "RETAILCRM" and note.text() == "Manager: Alex Morgan" and note.isVisibleTo(card)
    assert links_label.isVisibleTo(card) and links_label.openExternalLinks()
    links = links_label.text()
    assert f'href="{BASE}/orders/31001/edit"' in links and ">Last order</a>" in links
    assert f'href="{BASE}/orders/add?customerId=2101"' in links and ">New order</a>" in links
    assert links_label in card.focus_chain() and badge in card.focus_chain()
    assert "rw" not in block.source_labels  # Recruit Wizard adds nothing beyond the header
