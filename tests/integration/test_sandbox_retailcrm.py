"""The retailCRM emulator is at least as strict as the contract: key, form bodies, typed JSON fields,
the 50-call limit, `limit` values, idempotent uploads."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.sandbox.retailcrm.server import DEMO_API_KEY, RetailCrmSandbox
from app.sandbox.retailcrm.store import DEMO_CLIENT_ID, RECRUITER_CODE, RECRUITER_ID
from app.sandbox.runner import SandboxServer
from tests.integration.conftest import RcSandbox

KEY = {"X-API-KEY": DEMO_API_KEY}


def api(server_url: str) -> httpx.Client:
    return httpx.Client(base_url=server_url + "/api/v5", timeout=5)


def call(external_id: str | None = "c-1", **changes: Any) -> dict[str, Any]:
    body = {"date": "2024-05-01 14:03:00", "type": "in", "phone": "+61491570006", "code": RECRUITER_CODE,
            "userId": RECRUITER_ID, "result": "answered", "duration": 42, "externalId": external_id}
    return {k: v for k, v in (body | changes).items() if v is not None}


def upload(client: httpx.Client, calls: list[dict[str, Any]]) -> httpx.Response:
    return client.post("/telephony/calls/upload", data={"calls": json.dumps(calls)}, headers=KEY)


def event(client: httpx.Client, **fields: Any) -> httpx.Response:
    body = {"phone": "+61491570006", "type": "in", "codes": [RECRUITER_CODE]} | fields
    return client.post("/telephony/call/event", data={"event": json.dumps(body)}, headers=KEY)


@pytest.mark.parametrize("headers", [{}, {"X-API-KEY": "not-the-key"}])
def test_a_missing_or_wrong_key_is_refused(rc_sandbox: RcSandbox, headers: dict[str, str]) -> None:
    with api(rc_sandbox[1].url) as client:
        answer = client.get("/telephony/manager", params={"phone": "+61491570006"}, headers=headers)
    assert answer.status_code == 403
    body = answer.json()
    assert body["success"] is False and "apiKey" in body["errorMsg"]


def test_the_key_may_come_as_a_parameter_and_never_reaches_the_journal(rc_sandbox: RcSandbox) -> None:
    sandbox, server = rc_sandbox
    with api(server.url) as client:
        answer = client.get("/telephony/manager", params={"phone": "+61491570006", "apiKey": DEMO_API_KEY})
    assert answer.status_code == 200
    assert DEMO_API_KEY not in repr(sandbox.journal.entries())


def test_a_json_body_is_refused_where_a_form_is_required(rc_sandbox: RcSandbox) -> None:
    with api(rc_sandbox[1].url) as client:
        answer = client.post("/telephony/calls/upload", json={"calls": [call()]}, headers=KEY)
    assert answer.status_code == 400
    assert "x-www-form-urlencoded" in answer.json()["errorMsg"]
    assert rc_sandbox[0].calls() == []


def test_a_form_field_that_is_not_json_is_refused(rc_sandbox: RcSandbox) -> None:
    with api(rc_sandbox[1].url) as client:
        answer = client.post("/telephony/call/event", data={"event": "phone=+61491570006"}, headers=KEY)
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"event": "Parameter 'event' must be a JSON string."}


def test_at_most_fifty_calls_per_upload(rc_sandbox: RcSandbox) -> None:
    sandbox, server = rc_sandbox
    with api(server.url) as client:
        refused = upload(client, [call(f"c-{n}") for n in range(51)])
        accepted = upload(client, [call(f"c-{n}") for n in range(50)])
    assert refused.status_code == 400 and "At most 50" in refused.json()["errors"]["calls"]
    assert accepted.json() == {"success": True, "processedCallsCount": 50, "duplicateCalls": []}
    assert sandbox.upload_batches() == [50]


def test_an_upload_is_idempotent_on_external_id(rc_sandbox: RcSandbox) -> None:
    sandbox, server = rc_sandbox
    with api(server.url) as client:
        first = upload(client, [call("c-1"), call("c-2")])
        again = upload(client, [call("c-2", duration=99), call("c-3")])
    assert first.json()["processedCallsCount"] == 2
    assert again.json() == {"success": True, "processedCallsCount": 1, "duplicateCalls": ["c-2"]}
    assert [c["externalId"] for c in sandbox.calls()] == ["c-1", "c-2", "c-3"]
    assert sandbox.calls()[1]["duration"] == 42  # the duplicate did not overwrite the first


@pytest.mark.parametrize(("changes", "field"), [
    ({"date": "2024-05-01T14:03:00Z"}, "calls[0][date]"),  # ISO, not "Y-m-d H:i:s"
    ({"date": "2024-13-01 14:03:00"}, "calls[0][date]"),
    ({"result": "no answered"}, "calls[0][result]"),  # the hang-up status, not an upload result
    ({"userId": "12"}, "calls[0][userId]"),  # a string where a number is wanted
    ({"type": "hangup"}, "calls[0][type]"),
])
def test_each_call_is_typed_strictly(rc_sandbox: RcSandbox, changes: dict[str, Any], field: str) -> None:
    with api(rc_sandbox[1].url) as client:
        answer = upload(client, [call(**changes)])
    assert answer.status_code == 400
    body = answer.json()
    assert body["errorMsg"] == "Errors in the input parameters" and field in body["errors"]


def test_call_events_need_someone_to_show_them_to_and_a_hangup_status(rc_sandbox: RcSandbox) -> None:
    with api(rc_sandbox[1].url) as client:
        nobody = event(client, codes=[])
        no_status = event(client, type="hangup")
        codes_as_numbers = event(client, codes=[101])
        unknown = event(client, codes=["999"], userIds=[77])
    assert nobody.status_code == no_status.status_code == codes_as_numbers.status_code == 400
    assert "hangupStatus" in json.dumps(no_status.json()["errors"])
    assert unknown.json() == {"success": True, "notExistCodes": ["999"], "notExistUsers": [77]}


def test_telephony_needs_an_active_integration(rc_sandbox: RcSandbox) -> None:
    sandbox = RetailCrmSandbox(registered=False)
    from app.sandbox.runner import SandboxServer

    with SandboxServer(sandbox.make_app) as server, api(server.url) as client:
        answer = event(client)
    assert answer.status_code == 400 and "telephony integration" in answer.json()["errorMsg"]


@pytest.mark.parametrize("limit", ["10", "25", "500", "abc"])
def test_customer_search_limit_must_be_one_of_the_allowed_values(rc_sandbox: RcSandbox, limit: str) -> None:
    with api(rc_sandbox[1].url) as client:
        answer = client.get("/customers", params={"filter[name]": "Raman", "limit": limit}, headers=KEY)
    assert answer.status_code == 400 and "limit" in answer.json()["errors"]


def test_customer_search_finds_by_name_or_by_a_run_of_phone_digits(rc_sandbox: RcSandbox) -> None:
    with api(rc_sandbox[1].url) as client:
        by_name = client.get("/customers", params={"filter[name]": "raman", "limit": "20"}, headers=KEY).json()
        by_digits = client.get("/customers", params={"filter[name]": "491570006", "limit": "50"}, headers=KEY).json()
    assert [c["id"] for c in by_name["customers"]] == [2101]
    assert [c["id"] for c in by_digits["customers"]] == [2101]
    assert by_digits["pagination"]["limit"] == 50


def test_the_manager_method_gives_customer_manager_and_links(rc_sandbox: RcSandbox) -> None:
    sandbox, server = rc_sandbox
    with api(server.url) as client:
        answer = client.get("/telephony/manager", params={"phone": "+61491570006", "details": "1"}, headers=KEY)
        bare = client.get("/telephony/manager", params={"phone": "+61491570006"}, headers=KEY).json()
        sandbox.set_status(RECRUITER_ID, "dinner")
        busy = client.get("/telephony/manager", params={"phone": "+61491570006", "details": "1"}, headers=KEY)
        ignoring = client.get("/telephony/manager", headers=KEY,
                              params={"phone": "+61491570006", "details": "1", "ignoreStatus": "1"}).json()
    body = answer.json()
    assert body["customer"]["id"] == 2101 and body["manager"]["firstName"] == "Alex"
    assert set(body["links"]) == {"customerLink", "lastOrderLink", "newOrderLink"}
    assert "customer" not in bare and bare["manager"]["code"] == RECRUITER_CODE
    assert "manager" not in busy.json()  # only a free manager is returned (seed 002)
    assert ignoring["manager"]["id"] == RECRUITER_ID  # whatever their status, with ignoreStatus=1


def test_notes_need_a_customer_that_exists(rc_sandbox: RcSandbox) -> None:
    sandbox, server = rc_sandbox
    with api(server.url) as client:
        created = client.post("/customers/notes/create", headers=KEY, data={
            "note": json.dumps({"text": "Called back", "customer": {"id": 2101}, "managerId": RECRUITER_ID})})
        missing = client.post("/customers/notes/create", headers=KEY, data={
            "note": json.dumps({"text": "Called back", "customer": {"id": 9999}})})
    assert created.status_code == 201 and created.json()["success"] is True
    assert missing.status_code == 400 and "note[customer]" in missing.json()["errors"]
    assert [n["text"] for n in sandbox.notes()] == ["Called back"]


def test_an_integration_module_is_created_then_edited(rc_sandbox: RcSandbox) -> None:
    sandbox, server = rc_sandbox
    module = {"code": "other", "active": True, "name": "Other", "logo": "https://x.example/logo.svg",
              "clientId": "abc", "integrations": {"telephony": {"makeCallUrl": "https://x.example/call"}}}
    with api(server.url) as client:
        created = client.post("/integration-modules/other/edit", headers=KEY,
                              data={"integrationModule": json.dumps(module)})
        edited = client.post("/integration-modules/other/edit", headers=KEY,
                             data={"integrationModule": json.dumps(module)})
        wrong_code = client.post("/integration-modules/else/edit", headers=KEY,
                                 data={"integrationModule": json.dumps(module)})
        bad_url = client.post("/integration-modules/other/edit", headers=KEY, data={"integrationModule": json.dumps(
            module | {"integrations": {"telephony": {"makeCallUrl": "ftp://x"}}})})
        nested = {k: v for k, v in module.items() if k != "clientId"} | {
            "integrations": {"telephony": {"clientId": "abc", "makeCallUrl": "https://x.example/call"}}}
        old_layout = client.post("/integration-modules/other/edit", headers=KEY,
                                 data={"integrationModule": json.dumps(nested)})
        read = client.get("/integration-modules/other", headers=KEY).json()
    assert (created.status_code, edited.status_code) == (201, 200)
    assert wrong_code.status_code == bad_url.status_code == 400
    # The 2017 layout (clientId inside telephony) is refused unless the account is set to it.
    assert old_layout.status_code == 400 and "integrationModule[clientId]" in old_layout.json()["errors"]
    assert read["integrationModule"]["clientId"] == "abc"
    assert sandbox.module(code="ringside") is not None  # the demo's own stays
    assert sandbox.module()["clientId"] == DEMO_CLIENT_ID  # type: ignore[index]


def test_an_account_set_to_the_2017_layout_wants_clientid_inside_telephony() -> None:
    sandbox = RetailCrmSandbox(module_layout="2017")
    module = {"code": "other", "active": True, "name": "Other", "logo": "https://x.example/logo.svg",
              "integrations": {"telephony": {"clientId": "abc", "makeCallUrl": "https://x.example/call"}}}
    with SandboxServer(sandbox.make_app) as server, api(server.url) as client:
        nested = client.post("/integration-modules/other/edit", headers=KEY,
                             data={"integrationModule": json.dumps(module)})
        top = client.post("/integration-modules/other/edit", headers=KEY, data={"integrationModule": json.dumps(
            module | {"clientId": "abc", "integrations": {"telephony": {"makeCallUrl": "https://x.example/c"}}})})
    assert nested.status_code == 201
    assert top.status_code == 400 and "integrationModule[integrations][telephony][clientId]" in top.json()["errors"]
    assert sandbox.module()["integrations"]["telephony"]["clientId"] == DEMO_CLIENT_ID  # type: ignore[index]
