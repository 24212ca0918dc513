"""FixDigital's answers to a call notice: any JSON object with `"success": true` is success; anything
else is an error naming the account, in words."""

from __future__ import annotations

import httpx
import pytest

from app.crm.fixdigital.connector import check_answer
from app.errors import BadResponse, Rejected

HOST = "crm.fixdigital.example"


def answer(body: str | bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(200, content=body.encode() if isinstance(body, str) else body,
                          headers={"Content-Type": content_type})


@pytest.mark.parametrize("body", [
    '{"success":true,"result":[]}', '{"success": true}', '{"success":true,"result":{"id":"12x3"}}',
    '{"result":[],"success":true,"extra":"ignored"}',
])
def test_any_json_answer_with_success_true_is_success(body: str) -> None:
    check_answer(answer(body), "fd", HOST)


@pytest.mark.parametrize(("body", "reason"), [
    ('{"success":false,"error":{"code":"ACCESS_DENIED","message":"ClientId is missing or wrong."}}',
     "ClientId is missing or wrong."),
    ('{"success":false,"error":"Extension   777 is offline"}', "Extension 777 is offline"),
    ('{"success":false}', "no reason given"),
])
def test_success_false_is_a_refusal_with_fixdigitals_reason(body: str, reason: str) -> None:
    with pytest.raises(Rejected) as caught:
        check_answer(answer(body), "fd", HOST)
    assert str(caught.value) == f"FixDigital (account 'fd', {HOST}) refused Ringside's call notice: {reason}"


def test_a_web_page_says_the_address_is_wrong() -> None:
    with pytest.raises(BadResponse, match=r"FixDigital \(account 'fd', crm.fixdigital.example\) answered with a "
                                          r"web page.*Check the account's API address"):
        check_answer(answer("  <!DOCTYPE html><html><body>Login</body></html>", "text/html"), "fd", HOST)


@pytest.mark.parametrize("body", ['{"success": tr', "OK", b"\xff\xfe"])
def test_something_that_is_not_json_is_said_so(body: str | bytes) -> None:
    with pytest.raises(BadResponse, match=r"FixDigital \(account 'fd', [^)]+\) answered a call notice with "
                                          "something that is not JSON"):
        check_answer(answer(body), "fd", HOST)


@pytest.mark.parametrize("body", ['{"success":"true"}', '{"success":1}', '{"result":[]}', "[]", "true", "null"])
def test_json_without_success_true_is_an_error(body: str) -> None:
    with pytest.raises(BadResponse, match='without "success": true'):
        check_answer(answer(body), "fd", HOST)
