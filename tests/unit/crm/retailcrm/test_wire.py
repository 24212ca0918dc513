"""retailCRM's wire mapping and the settings of the telephony-peer CRMs, without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.config import settings as settings_mod
from app.core.models import CallNotice, Direction, EventType
from app.crm.retailcrm import wire
from app.crm.retailcrm.settings import RetailCrmAccount
from app.errors import ConfigError
from tests.support import caller

START = datetime(2024, 12, 31, 22, 30, 5, tzinfo=UTC)


def account(**changes: object) -> RetailCrmAccount:
    return RetailCrmAccount.model_validate({"kind": "retailcrm", "id": "rc", "api_url": "https://a.retailcrm.ru",
                                            "user_id": 12, "code": "101", **changes})


def hangup(answered_after: int | None, talk: int) -> CallNotice:
    answered = START + timedelta(seconds=answered_after) if answered_after is not None else None
    ended = (answered or START + timedelta(seconds=30)) + timedelta(seconds=talk)
    return CallNotice(type=EventType.HANGUP, number=caller("+61491570006"), direction=Direction.OUTBOUND,
                      call_id="c9", at=ended, started_at=START, answered_at=answered, ended_at=ended)


def test_a_call_date_is_in_the_accounts_time_zone() -> None:
    assert wire.call_date(START, ZoneInfo("Europe/Moscow")) == "2025-01-01 01:30:05"
    assert wire.call_date(START, UTC) == "2024-12-31 22:30:05"


def test_the_upload_of_an_answered_and_a_missed_call() -> None:
    answered = wire.upload_body(account(), hangup(4, 125), UTC)
    assert answered == {"date": "2024-12-31 22:30:05", "type": "out", "phone": "+61491570006", "result": "answered",
                        "duration": 125, "durationWaiting": 4, "externalId": "c9", "code": "101", "userId": 12}
    missed = wire.upload_body(account(), hangup(None, 0), UTC)
    assert (missed["result"], missed["duration"], missed["durationWaiting"]) == ("no answer", 0, 30)


def test_events_name_only_what_is_configured() -> None:
    body = wire.event_body(account(code="", site=""), hangup(None, 0), hangup=True)
    assert body == {"phone": "+61491570006", "type": "hangup", "userIds": [12], "hangupStatus": "no answered",
                    "callExternalId": "c9"}


def test_errors_read_as_one_line() -> None:
    answer = wire.Answer.model_validate({"success": False, "errorMsg": "Errors in the input parameters",
                                         "errors": {"phone": "This value should not be blank."}})
    assert wire.readable(answer, "the call event") == (
        "retailCRM refused the call event: Errors in the input parameters (phone: This value should not be blank.)")
    assert wire.errors_text(["one", "two"]) == "one; two"
    assert wire.errors_text(None) == ""


def test_a_customer_without_a_name_is_named_by_email_or_id() -> None:
    nameless = wire.Customer.model_validate({"id": 7, "email": "x@shop.example"})
    assert wire.customer_record(account(), nameless).name == "x@shop.example"
    assert wire.customer_record(account(), wire.Customer(id=8)).name == "Customer #8"
    assert wire.customer_record(account(), wire.Customer(id=8)).link == "https://a.retailcrm.ru/customers/8"


def test_search_text_is_the_national_significant_number() -> None:
    assert wire.search_text(caller("+61491570006")) == "491570006"
    assert wire.search_text(caller("+79121234567")) == "9121234567"


def test_peer_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="not a time zone name"):
        account(time_zone="Mars/Olympus")
    assert account(time_zone="Europe/Moscow").time_zone == "Europe/Moscow"


def test_a_bad_allow_list_or_listen_address_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[callbacks]\nlisten = "everywhere"\n\n[[accounts]]\nid = "fd"\nkind = "fixdigital"\n'
                      'api_url = "https://crm.example"\nclient_id = "10"\nextension = "777"\n'
                      'allow_from = ["10.0.0.0/8", "the office"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        settings_mod.load(config)
    text = str(caught.value)
    assert "callbacks.listen" in text and "accounts[0].allow_from" in text and "'the office'" in text
