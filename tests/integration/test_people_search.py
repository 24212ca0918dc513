"""Finding people by name for the Dial window: the TrackerRMS and retailCRM connectors against their
emulators, and core asking every account that can search at once."""

from __future__ import annotations

from app.core.lookup import Account, LookupService
from app.core.people_search import PeopleFound, PeopleSearch
from app.core.ports import FoundPerson
from app.core.tasks import Tasks
from app.sandbox.faults import FaultKind
from tests.integration.conftest import RcConnectorFactory, RcSandbox, TrConnectorFactory, TrSandbox
from tests.support import until

WIDGET = "/api/widget/"


async def test_trackerrms_finds_contacts_and_candidates_by_name(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory
) -> None:
    sandbox, _ = tr_sandbox
    found = await tr_connector().search_people("  Mei Lin ")
    assert [(p.name, p.company, p.kind) for p in found] == [("Mei Lin Chen", "Harbourline Logistics", "Contact")]
    assert found[0].phone and found[0].account_id == "tr"
    requests = [e.json["trackerrms"]["getRecords"]["instructions"] for e in sandbox.journal.entries(WIDGET)]
    # The same request the id resolution sends: one type at a time, the first page (numbered from 0).
    assert requests == [
        {"recordtype": "N", "onlymyrecords": False, "searchtext": "Mei Lin", "numrecords": 25, "pagenum": 0},
        {"recordtype": "R", "onlymyrecords": False, "searchtext": "Mei Lin", "numrecords": 25, "pagenum": 0},
    ]
    [ethan] = await tr_connector().search_people("ethan")
    assert (ethan.name, ethan.kind) == ("Ethan Brooks", "Candidate")


async def test_retailcrm_finds_customers_by_name(rc_sandbox: RcSandbox, rc_connector: RcConnectorFactory) -> None:
    found = await rc_connector().search_people("Whitfield")
    assert found == [FoundPerson(account_id="rc", name="Sarah Whitfield", kind="Customer", phone=found[0].phone)]
    assert found[0].phone
    [search] = rc_sandbox[0].journal.entries("/api/v5/customers")
    assert search.query == {"filter[name]": "Whitfield", "limit": "20"}
    assert await rc_connector().search_people("Zanzibar") == []


async def test_every_account_is_asked_and_answers_as_it_comes(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, rc_connector: RcConnectorFactory
) -> None:
    lookup = LookupService([Account(tr_connector()), Account(rc_connector())])
    tasks = Tasks()
    search = PeopleSearch(lookup, tasks)
    assert search.sources() == [tr_connector().label, rc_connector().label]
    answers: list[PeopleFound] = []
    tr_sandbox[0].faults.inject(WIDGET, FaultKind.HTML, count=2)  # TrackerRMS fails: retailCRM's people come
    assert search.start("Priya", answers.append) == 2
    await until(lambda: len(answers) == 2)
    by_account = {a.account_id: a for a in answers}
    assert [p.name for p in by_account["rc"].people] == ["Priya Raman"] and not by_account["rc"].error
    assert by_account["tr"].people == () and by_account["tr"].error
    assert search.start("P", answers.append) == 0  # one letter asks no one
    await tasks.aclose()


async def test_a_new_search_cancels_the_one_before(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    tr_sandbox[0].faults.set_latency(0.3, WIDGET)  # the first search is still out when the next starts
    tasks = Tasks()
    search = PeopleSearch(LookupService([Account(tr_connector())]), tasks)
    answers: list[PeopleFound] = []
    search.start("Priya", answers.append)
    search.start("Ethan", answers.append)
    await until(lambda: answers)
    await tasks.aclose()
    assert [(a.query, [p.name for p in a.people]) for a in answers] == [("Ethan", ["Ethan Brooks"])]
