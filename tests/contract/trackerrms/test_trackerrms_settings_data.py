"""getSettingsData as the Widget API v1.11 text shows it (swt83/php-tracker, docs/API Documentation.pdf,
"POST /api/widget/getSettingsData"): the emulator answers in the sample's shape, and the connector
takes the installation's record-type names from it, with the typed labels as the fallback.

The reference's answer has no list of activity types (its lists are lead statuses and sources,
opportunity statuses and work types, project statuses, resource statuses and sources, departments,
ticket types and user teams), so activities keep the type its createActivity sample shows,
"Telephone"; nothing here reads activity types."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from app.crm.trackerrms import wire
from app.crm.trackerrms.connector import TrackerRmsConnector
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.sandbox.demo_data import load_demo
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import TrackerRmsSandbox
from app.sandbox.trackerrms.store import RECRUITER, default_users
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from tests.contract.wire_shape import Like, differences
from tests.support import caller

PASSWORD = next(u.password for u in default_users() if u.username == RECRUITER)
ETHAN = load_demo().person("ethan-brooks")  # a candidate ("resource") in the TrackerRMS demo data
WIDGET = "/api/widget/"

# Widget API v1.11, getSettingsData, the sample response; "Response Arrays all contain 2 elements: Id
# (the Id of the status or type), Name (the Name of the status or type)" (the sample's are empty).
_ENTRY = {"Id": Like(1), "Name": Like("Open")}
SETTINGS_ANSWER = {
    "status": Like(0), "message": Like("success"), "count": Like(0), "accessRights": Like("CORPNTL"),
    "namingConventions": {"client": Like("Company"), "contact": Like("Contact"), "lead": Like("Lead"),
                          "opportunity": Like("Job"), "project": Like("Project"), "resource": Like("Candidate"),
                          "ticket": Like("Issue"), "resume": Like("Resume")},
    **{name: [_ENTRY] for name in ("leadStatuses", "leadSources", "opportunityStatuses", "opportunityWorkTypes",
                                   "projectStatuses", "resourceStatuses", "resourceSources", "departments",
                                   "ticketTypes", "userTeams")},
}
SAMPLE = {"status": 0, "message": "success", "count": 0, "accessRights": "CORPNTL",
          "namingConventions": {"client": "Company", "contact": "Contact", "lead": "Lead", "opportunity": "Job",
                                "project": "Project", "resource": "Candidate", "ticket": "Issue", "resume": "Resume"},
          "leadStatuses": [], "leadSources": [], "opportunityStatuses": [], "opportunityWorkTypes": [],
          "projectStatuses": [], "resourceStatuses": [], "resourceSources": [], "departments": [], "ticketTypes": [],
          "userTeams": []}


@pytest.fixture
def emulator() -> Iterator[tuple[TrackerRmsSandbox, SandboxServer]]:
    sandbox = TrackerRmsSandbox()
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as made:
        yield made


def _connector(server: SandboxServer, client: httpx.AsyncClient, **changes: object) -> TrackerRmsConnector:
    secrets = KeyringSecrets(backend=MemoryKeyring())
    secrets.set("tr", "password", PASSWORD)
    settings = {"kind": "trackerrms", "id": "tr", "api_url": server.url, "auth": "password", "username": RECRUITER,
                "labels": {"resource": "Talent"}, **changes}
    return TrackerRmsConnector(TrackerRmsAccount.model_validate(settings), client, secrets)


def test_the_sample_answer_is_read_for_its_naming_conventions() -> None:
    assert differences(SAMPLE, SETTINGS_ANSWER) == []
    assert wire.SettingsAnswer.model_validate(SAMPLE).names()["resource"] == "Candidate"
    assert not any("activit" in key.lower() for key in SAMPLE)  # no activity types in the reference


def test_the_emulator_answers_in_the_references_shape(emulator: tuple[TrackerRmsSandbox, SandboxServer]) -> None:
    _, server = emulator
    sent = {"trackerrms": {"getSettingsData": {"credentials": {"username": RECRUITER, "password": PASSWORD}}}}
    answer = httpx.post(f"{server.url}{WIDGET}getSettingsData", json=sent, timeout=5)
    assert answer.status_code == 200
    assert differences(answer.json(), SETTINGS_ANSWER) == []


async def test_the_installations_names_come_first_and_typed_labels_stand_in(
    emulator: tuple[TrackerRmsSandbox, SandboxServer], client: httpx.AsyncClient,
) -> None:
    sandbox, server = emulator
    connector = _connector(server, client)
    await connector.warm_up()
    assert (await connector.naming())["resource"] == "Candidate"
    [ethan] = await connector.lookup(caller(ETHAN.numbers[0]))
    assert ethan.display_type == "Candidate"  # the installation's name, over the typed "Talent"

    sandbox.settings_data = False  # a user who may not read the settings data (status 99)
    refused = _connector(server, client)
    await refused.warm_up()
    assert await refused.naming() == {}
    [ethan] = await refused.lookup(caller(ETHAN.numbers[0]))
    assert ethan.display_type == "Talent"

    asked = len(sandbox.journal.entries(WIDGET + "getSettingsData", "POST"))
    switched_off = _connector(server, client, settings_data=False)
    await switched_off.warm_up()
    [ethan] = await switched_off.lookup(caller(ETHAN.numbers[0]))
    assert ethan.display_type == "Talent"
    assert len(sandbox.journal.entries(WIDGET + "getSettingsData", "POST")) == asked  # not asked at all
