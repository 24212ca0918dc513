"""The retailCRM emulator's data: users (managers), the demo integration module, customers made from
the shared demo people, and how retailCRM matches phone numbers and search text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.sandbox.demo_data import DemoPerson

DEMO_CLIENT_ID = "ringside-demo-7f3a"  # the demo integration's clientId
DEMO_MODULE = "ringside"
DEMO_SITE = "agency-shop"
RECRUITER_ID, RECRUITER_CODE = 12, "101"
COLLEAGUE_ID, COLLEAGUE_CODE = 14, "102"
INACTIVE_ID = 15
LAST_ORDERS = {2101: 31001, 2107: 31007, 2120: 31020}  # customer id -> their last order
_OTHER_MANAGER = {"tom-nguyen"}  # customers looked after by the colleague (who has no extension code)


@dataclass
class User:
    id: int
    first_name: str
    last_name: str
    email: str
    active: bool = True
    status: str = "free"

    def json(self) -> dict[str, Any]:
        return {"id": self.id, "firstName": self.first_name, "lastName": self.last_name, "email": self.email,
                "active": self.active, "status": self.status}


def default_users() -> list[User]:
    return [User(RECRUITER_ID, "Alex", "Morgan", "alex.morgan@agency.example"),
            User(COLLEAGUE_ID, "Sam", "Lee", "sam.lee@agency.example"),
            User(INACTIVE_ID, "Former", "User", "former.user@agency.example", active=False)]


def demo_module(client_id: str = DEMO_CLIENT_ID, layout: str = "current") -> dict[str, Any]:
    """The telephony integration as installed before Ringside registers itself: the recruiter's code;
    its clientId where the account's layout keeps it (top-level now, in telephony in the 2017 layout)."""
    module: dict[str, Any] = {
        "code": DEMO_MODULE, "active": True, "name": "Ringside", "logo": "http://127.0.0.1/ringside.svg",
        "integrations": {"telephony": {"allowEdit": False, "inputEventSupported": True,
                                       "outputEventSupported": True, "hangupEventSupported": True,
                                       "additionalCodes": [{"userId": str(RECRUITER_ID), "code": RECRUITER_CODE}],
                                       "externalPhones": []}}}
    if layout == "2017":
        module["integrations"]["telephony"]["clientId"] = client_id
    else:
        module["clientId"] = client_id
    return module


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def same_phone(a: str, b: str) -> bool:
    """retailCRM matches numbers however they were written: same digits, or the same last nine."""
    da, db = digits(a), digits(b)
    return bool(da) and (da == db or (min(len(da), len(db)) >= 9 and da[-9:] == db[-9:]))


def customer_json(person: DemoPerson) -> dict[str, Any]:
    manager = COLLEAGUE_ID if person.key in _OTHER_MANAGER else RECRUITER_ID
    first, last = (person.first_name, person.last_name) if person.kind != "client" else (person.company, "")
    return {"id": person.retailcrm_id, "firstName": first, "lastName": last, "email": person.email,
            "phones": [{"number": n} for n in person.numbers], "managerId": manager,
            "site": DEMO_SITE, "type": "customer"}


def matches(person: DemoPerson, text: str) -> bool:
    """filter[name]: part of the name or e-mail, or (five digits or more) part of a phone number."""
    folded = text.casefold()
    if folded in person.full_name.casefold() or (person.email and folded in person.email.casefold()):
        return True
    wanted = digits(text)
    return len(wanted) >= 5 and re.fullmatch(r"[\d\s()+-]+", text) is not None and any(
        wanted in digits(n) for n in person.numbers)
