"""Call events from the webhook and the instance door are checked in one place."""

from __future__ import annotations

import pytest

from app.core.models import Direction, EventType
from app.core.phone import NumberKind
from app.telephony.event_request import BadEvent, parse_event


def test_a_good_event_is_read_with_its_defaults() -> None:
    event = parse_event({"type": "ring", "number": "0412 345 678"}, "AU", source="webhook")
    assert event.type is EventType.RING and event.direction is Direction.INBOUND and event.call_id is None
    assert (event.number.e164, event.number.region, event.source) == ("+61412345678", "AU", "webhook")


@pytest.mark.parametrize(("number", "kind"), [("", NumberKind.WITHHELD), ("anonymous", NumberKind.WITHHELD),
                                              ("Restricted", NumberKind.WITHHELD), ("204", NumberKind.EXTENSION)])
def test_a_withheld_or_extension_caller_is_an_event_like_any_other(number: str, kind: NumberKind) -> None:
    event = parse_event({"type": "ring", "number": number}, "AU", source="webhook")
    assert event.number.kind is kind and event.number.e164 is None


@pytest.mark.parametrize(("body", "problem"), [
    ({"number": "0412345678"}, "type: Field required"),
    ({"type": "ring", "number": "0412345678", "extra": 1}, "extra: Extra inputs are not permitted"),
    ({"type": "ring", "number": "not a number"}, "number: "),
    ({"type": "ring", "number": "0412345678", "direction": "sideways"}, "direction: "),
])
def test_a_bad_event_names_the_field(body: dict[str, object], problem: str) -> None:
    with pytest.raises(BadEvent) as caught:
        parse_event(body, "AU", source="webhook")
    assert str(caught.value).startswith(problem)
