"""The Recruit Wizard connector against its emulator on a real loopback socket."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from app.core.models import Direction, NoteDraft, Record, RecordType
from app.core.ports import Connector
from app.crm._shared.oauth_tokens import TokenSet
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.crm.registry import build_connector
from app.errors import BadResponse, ConnectorError, NeedsSignIn, RateLimited, Rejected, Unavailable
from app.sandbox.demo_data import UNKNOWN_NUMBER, load_demo
from app.sandbox.faults import FaultKind
from app.storage.secrets import KeyringSecrets
from tests.integration.conftest import RW_WEB, RwConnectorFactory, RwSandbox, closed_port, store_tokens
from tests.support import caller

DEMO = load_demo()
PRIYA = DEMO.person("priya-raman")  # contact with open jobs
ETHAN = DEMO.person("ethan-brooks")  # candidate
KESTREL = DEMO.person("kestrel-software")  # client
SHARED_OFFICE = "+61370100200"  # two contacts at one office number
LOOKUP = "/api/telephony/lookup/"
STARTED = datetime(2024, 3, 5, 23, 10, 20, 721_000, tzinfo=UTC)


def _record(person_id: int | None, record_type: RecordType, name: str = "Someone") -> Record:
    return Record(account_id="rw", type=record_type, id=str(person_id), name=name)


def _note(record: Record, direction: Direction, text: str = "Talked about the platform role.") -> NoteDraft:
    return NoteDraft(call_id="call-1", account_id="rw", record=record, direction=direction, text=text,
                     call_started_at=STARTED, duration_s=180)


def _stored(secrets: KeyringSecrets) -> TokenSet:
    raw = secrets.get("rw", "tokens")
    assert raw is not None
    return TokenSet.model_validate_json(raw)


# -- the happy paths -------------------------------------------------------------------------------


async def test_registry_builds_a_connector(
    rw_account: RecruitWizardAccount, rw_secrets: KeyringSecrets, rw_connector: RwConnectorFactory
) -> None:
    connector = rw_connector()
    built = build_connector(rw_account, connector._http._client, rw_secrets)
    assert isinstance(built, Connector)
    assert built.capabilities.log_call and built.capabilities.open_jobs and built.capabilities.sign_in
    assert built.label == "Recruit Wizard"


async def test_lookup_sends_digits_bearer_and_accept(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    records = await rw_connector().lookup(caller(PRIYA.numbers[0]))

    assert records == [
        Record(
            account_id="rw", type=RecordType.CONTACT, id=str(PRIYA.recruitwizard_id), name=PRIYA.full_name,
            job_title=PRIYA.job_title, company=PRIYA.company,
            link=f"{RW_WEB}/secure/contacts/details.aspx?ContactID={PRIYA.recruitwizard_id}",
        )
    ]
    [entry] = sandbox.journal.entries(LOOKUP)
    assert entry.path == LOOKUP + PRIYA.numbers[0].lstrip("+")
    assert entry.headers["accept"] == "application/json"
    assert entry.headers["authorization"] == "<redacted bearer>"
    assert entry.status == 200


async def test_lookup_of_candidates_clients_and_shared_numbers(rw_connector: RwConnectorFactory) -> None:
    connector = rw_connector()
    [candidate] = await connector.lookup(caller(ETHAN.numbers[0]))
    assert candidate.type is RecordType.CANDIDATE
    assert candidate.link == f"{RW_WEB}/secure/candidates/details.aspx?CandidateId={ETHAN.recruitwizard_id}"
    [client] = await connector.lookup(caller(KESTREL.numbers[0]))
    assert client.type is RecordType.CLIENT
    assert client.job_title == ""  # the API sends null for a client's job title
    assert client.link == f"{RW_WEB}/secure/clients/details.aspx?ClientID={KESTREL.recruitwizard_id}"
    shared = await connector.lookup(caller(SHARED_OFFICE))
    assert len(shared) == 2
    assert await connector.lookup(caller(UNKNOWN_NUMBER)) == []


async def test_open_jobs_of_a_contact(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    jobs = await connector.open_jobs(priya)

    expected = DEMO.jobs_of(PRIYA.key, open_only=True)
    assert [j.title for j in jobs] == [j.title for j in expected]
    first, demo_first = jobs[0], expected[0]
    assert first.id == str(demo_first.job_id)
    assert first.employer == demo_first.employer
    assert first.employment_type == demo_first.employment_type
    assert first.location == ", ".join(p for p in (demo_first.suburb, demo_first.state, demo_first.country) if p)
    assert first.link == f"{RW_WEB}/secure/jobs/details.aspx?JobID={demo_first.job_id}"
    [entry] = sandbox.journal.entries("/api/jobs/")
    assert entry.path == f"/api/jobs/contact/open/{PRIYA.recruitwizard_id}"
    assert entry.headers["accept"] == "application/json"


async def test_open_jobs_only_asks_for_contacts(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    assert await connector.open_jobs(_record(ETHAN.recruitwizard_id, RecordType.CANDIDATE)) == []
    assert await connector.open_jobs(_record(KESTREL.recruitwizard_id, RecordType.CLIENT)) == []
    assert sandbox.journal.entries("/api/jobs/") == []


async def test_inbound_call_logged_against_a_contact(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    receipt = await rw_connector().log_call(
        _note(_record(PRIYA.recruitwizard_id, RecordType.CONTACT), Direction.INBOUND)
    )

    assert sandbox.activities() == [
        {
            "StatusID": 2,
            "Notes": "Talked about the platform role.",
            "TypeId": 1,
            "ActivityDate": "2024-03-05T23:10:20.721Z",
            "LinkedPlayers": [{"EntityID": 2, "PlayerID": PRIYA.recruitwizard_id}],
        }
    ]
    assert receipt.account_id == "rw"
    assert receipt.remote_id is not None and receipt.remote_id.isdigit()
    [entry] = sandbox.journal.entries("/api/activities")
    assert entry.headers["content-type"] == "application/json"
    assert entry.headers["accept"] == "application/json"


async def test_outbound_call_logged_against_a_candidate(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory
) -> None:
    sandbox, _ = rw_sandbox
    await rw_connector().log_call(
        _note(_record(ETHAN.recruitwizard_id, RecordType.CANDIDATE), Direction.OUTBOUND, "Left a message.")
    )
    assert sandbox.activities() == [
        {
            "StatusID": 2,
            "Notes": "Left a message.",
            "TypeId": 4,
            "ActivityDate": "2024-03-05T23:10:20.721Z",
            "LinkedPlayers": [{"EntityID": 3, "PlayerID": ETHAN.recruitwizard_id}],
        }
    ]


async def test_a_client_cannot_be_logged_against(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    with pytest.raises(Rejected, match="only logs calls against contacts and candidates"):
        await rw_connector().log_call(_note(_record(KESTREL.recruitwizard_id, RecordType.CLIENT), Direction.INBOUND))
    assert sandbox.journal.entries("/api/activities") == []


async def test_an_activity_the_crm_refuses_carries_its_message(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory
) -> None:
    sandbox, _ = rw_sandbox
    # Ethan is a candidate: logging him as a contact is refused by the CRM with its own reason.
    with pytest.raises(Rejected) as caught:
        await rw_connector().log_call(_note(_record(ETHAN.recruitwizard_id, RecordType.CONTACT), Direction.INBOUND))
    assert caught.value.status == 400
    assert str(caught.value).startswith("Recruit Wizard refused the request: The request is invalid.")
    assert f"{ETHAN.recruitwizard_id} is a Candidate, not a Contact" in str(caught.value)
    assert sandbox.activities() == []


# -- tokens ----------------------------------------------------------------------------------------


async def test_401_refreshes_once_and_retries(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, rw_secrets: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    before = _stored(rw_secrets)
    sandbox.expire_access_tokens()

    assert len(await connector.lookup(caller(PRIYA.numbers[0]))) == 1

    assert sandbox.refresh_count == 1
    after = _stored(rw_secrets)
    assert after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token  # the rotated refresh token was stored
    statuses = [(e.path, e.status) for e in sandbox.journal.entries()]
    digits = PRIYA.numbers[0].lstrip("+")
    assert statuses == [(LOOKUP + digits, 401), ("/core/connect/token", 200), (LOOKUP + digits, 200)]
    [token_request] = sandbox.journal.entries("/core/connect/token")
    assert token_request.form is not None
    assert token_request.form["grant_type"] == "refresh_token"
    assert token_request.form["client_id"] == "ringside-it"
    assert token_request.headers["accept"] == "application/json"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    # …and the old refresh token was single-use: a second refresh must use the new one.
    sandbox.expire_access_tokens()
    assert len(await connector.lookup(caller(PRIYA.numbers[0]))) == 1
    assert sandbox.refresh_count == 2


async def test_ten_concurrent_401s_cause_one_refresh(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    sandbox.expire_access_tokens()

    results = await asyncio.gather(*(connector.lookup(caller(PRIYA.numbers[0])) for _ in range(10)))

    assert all(len(r) == 1 for r in results)
    assert sandbox.refresh_count == 1
    assert len(sandbox.journal.entries("/core/connect/token")) == 1


async def test_a_token_about_to_expire_is_refreshed_once_before_use(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, rw_secrets: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    store_tokens(rw_secrets, "rw", sandbox.issue_tokens(), expires_at=datetime.now(UTC) + timedelta(seconds=30))
    connector = rw_connector()

    results = await asyncio.gather(*(connector.lookup(caller(PRIYA.numbers[0])) for _ in range(10)))

    assert all(len(r) == 1 for r in results)
    assert sandbox.refresh_count == 1
    assert [e.status for e in sandbox.journal.entries(LOOKUP)] == [200] * 10  # no 401 on the way


async def test_a_failed_refresh_asks_for_sign_in(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    sandbox.revoke_all()
    with pytest.raises(NeedsSignIn, match="Recruit Wizard needs you to sign in again"):
        await connector.lookup(caller(PRIYA.numbers[0]))
    assert [e.status for e in sandbox.journal.entries("/core/connect/token")] == [400]


async def test_concurrent_callers_share_one_failed_refresh(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, rw_secrets: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    store_tokens(rw_secrets, "rw", sandbox.issue_tokens(), expires_at=datetime.now(UTC) - timedelta(seconds=1))
    connector = rw_connector()
    sandbox.faults.inject("/core/connect/token", FaultKind.STATUS, status=500)

    results = await asyncio.gather(*(connector.lookup(caller(PRIYA.numbers[0])) for _ in range(10)),
                                   return_exceptions=True)

    assert all(isinstance(r, Unavailable) for r in results), results
    assert len(sandbox.journal.entries("/core/connect/token")) == 1
    # The next call tries again (the fault is used up) and succeeds.
    assert await connector.lookup(caller(PRIYA.numbers[0]))
    assert sandbox.refresh_count == 1


async def test_a_refresh_outlives_a_cancelled_caller(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, rw_secrets: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    old = _stored(rw_secrets)
    sandbox.expire_access_tokens()
    sandbox.faults.inject("/core/connect/token", FaultKind.HANG)
    lookup = asyncio.ensure_future(connector.lookup(caller(PRIYA.numbers[0])))
    await asyncio.to_thread(sandbox.faults.wait_hanging, 1)
    lookup.cancel()  # as the lookup service's per-account timeout would
    with pytest.raises(asyncio.CancelledError):
        await lookup
    sandbox.faults.release_hangs()

    assert await connector.lookup(caller(PRIYA.numbers[0]))  # waits for the same refresh, no second one

    assert sandbox.refresh_count == 1
    assert _stored(rw_secrets).refresh_token != old.refresh_token


async def test_no_tokens_at_all_asks_for_sign_in(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    with pytest.raises(NeedsSignIn, match="ringside account connect rw"):
        await rw_connector(signed_in=False).lookup(caller(PRIYA.numbers[0]))
    assert sandbox.journal.entries() == []


async def test_tokens_from_another_sign_in_are_used_without_a_restart(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, rw_secrets: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    assert await connector.lookup(caller(PRIYA.numbers[0]))
    # The user signs in again from another process: old tokens die, new ones land in the keyring.
    sandbox.revoke_all()
    store_tokens(rw_secrets, "rw", sandbox.issue_tokens())

    assert await connector.lookup(caller(PRIYA.numbers[0]))
    assert sandbox.refresh_count == 0
    assert [e.status for e in sandbox.journal.entries(LOOKUP)] == [200, 401, 200]


async def test_reload_drops_cached_tokens(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, rw_secrets: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector()
    assert await connector.lookup(caller(PRIYA.numbers[0]))
    fresh = store_tokens(rw_secrets, "rw", sandbox.issue_tokens())
    connector.oauth.reload()
    assert await connector.oauth.access_token() == fresh.access_token


# -- faults ----------------------------------------------------------------------------------------


async def test_a_hanging_lookup_times_out(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject(LOOKUP, FaultKind.HANG)
    with pytest.raises(Unavailable, match="took too long to answer") as caught:
        await rw_connector(timeout=0.3).lookup(caller(PRIYA.numbers[0]))
    assert caught.value.sent  # the request went out; the answer never came


async def test_a_hanging_activity_may_have_been_logged(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory
) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject("/api/activities", FaultKind.HANG)
    with pytest.raises(Unavailable) as caught:
        await rw_connector(timeout=0.3).log_call(
            _note(_record(PRIYA.recruitwizard_id, RecordType.CONTACT), Direction.INBOUND)
        )
    assert caught.value.sent  # so the outbox must not blindly log it twice


async def test_a_dropped_connection_may_have_been_sent(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory
) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject(LOOKUP, FaultKind.RESET)
    with pytest.raises(Unavailable, match="broke off") as caught:
        await rw_connector().lookup(caller(PRIYA.numbers[0]))
    assert caught.value.sent


async def test_an_unreachable_host(rw_connector: RwConnectorFactory) -> None:
    port = closed_port()
    with pytest.raises(Unavailable, match=rf"Can't reach Recruit Wizard \(127\.0\.0\.1:{port}\)") as caught:
        await rw_connector(api_url=f"http://127.0.0.1:{port}").lookup(caller(PRIYA.numbers[0]))
    assert not caught.value.sent


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (FaultKind.HTML, "Recruit Wizard answered something that is not JSON."),
        (FaultKind.MALFORMED, "Recruit Wizard answered something that is not JSON."),
        (FaultKind.WRONG_SHAPE,
         "Recruit Wizard answered in an unexpected shape (expected a list of matching records)."),
    ],
)
async def test_unreadable_lookup_answers(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, kind: FaultKind, message: str
) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject(LOOKUP, kind)
    with pytest.raises(BadResponse) as caught:
        await rw_connector().lookup(caller(PRIYA.numbers[0]))
    assert str(caught.value) == message


async def test_wrong_shape_of_jobs(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject("/api/jobs/", FaultKind.WRONG_SHAPE)
    with pytest.raises(BadResponse, match=r"expected a list of jobs"):
        await rw_connector().open_jobs(_record(PRIYA.recruitwizard_id, RecordType.CONTACT))


async def test_server_error_is_unavailable(rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject(LOOKUP, FaultKind.STATUS, status=500)
    with pytest.raises(Unavailable, match=r"HTTP 500") as caught:
        await rw_connector().lookup(caller(PRIYA.numbers[0]))
    assert not caught.value.sent


@pytest.mark.parametrize("status", [429, 503])
async def test_rate_limits_carry_retry_after(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, status: int
) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject(LOOKUP, FaultKind.STATUS, status=status, retry_after=7)
    with pytest.raises(RateLimited, match="try again in 7 s") as caught:
        await rw_connector().lookup(caller(PRIYA.numbers[0]))
    assert caught.value.retry_after == 7.0
    assert caught.value.retryable


async def test_an_error_status_on_activities_is_logged_nowhere(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory
) -> None:
    sandbox, _ = rw_sandbox
    sandbox.faults.inject("/api/activities", FaultKind.STATUS, status=400)
    with pytest.raises(Rejected, match=r"Injected fault: HTTP 400") as caught:
        await rw_connector().log_call(_note(_record(PRIYA.recruitwizard_id, RecordType.CONTACT), Direction.INBOUND))
    assert caught.value.status == 400
    assert not caught.value.retryable


async def test_error_messages_carry_no_secrets(
    rw_sandbox: RwSandbox, rw_connector: RwConnectorFactory, rw_secrets: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    connector = rw_connector(timeout=0.3)
    tokens = _stored(rw_secrets)
    secrets = {tokens.access_token, tokens.refresh_token, rw_secrets.get("rw", "client_secret")}
    errors: list[ConnectorError] = []
    for kind in (FaultKind.HTML, FaultKind.HANG, FaultKind.RESET, FaultKind.STATUS):
        sandbox.faults.inject(LOOKUP, kind)
        with pytest.raises(ConnectorError) as caught:
            await connector.lookup(caller(PRIYA.numbers[0]))
        errors.append(caught.value)
    sandbox.revoke_all()
    sandbox.expire_access_tokens()
    with pytest.raises(NeedsSignIn) as signin:
        await connector.lookup(caller(PRIYA.numbers[0]))
    errors.append(signin.value)
    text = " ".join(f"{e!s} {e!r}" for e in errors)
    assert not any(secret and secret in text for secret in secrets)
    assert "Bearer" not in text
    assert json.dumps(tokens.model_dump(mode="json")) not in text
