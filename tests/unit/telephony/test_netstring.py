"""Netstring framing and baresip ctrl_tcp messages: whatever arrives, nothing crashes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.models import Direction, EventType
from app.telephony.baresip import BadMessage, BaresipEvent, BaresipResponse, parse_message, peer_number, to_call_event
from app.telephony.netstring import NetstringDecoder, NetstringError, encode


def frames(*payloads: bytes) -> bytes:
    return b"".join(encode(p) for p in payloads)


def test_encode() -> None:
    assert encode(b'{"a":1}') == b'7:{"a":1},'
    assert encode(b"") == b"0:,"


def test_a_frame_split_at_every_byte_comes_out_once_whole() -> None:
    data = frames(b'{"event":true}')
    decoder = NetstringDecoder()
    out: list[bytes] = []
    for i in range(len(data)):
        out += decoder.feed(data[i : i + 1])
    assert out == [b'{"event":true}']
    assert decoder.skipped == 0


def test_several_frames_in_one_read_and_a_partial_tail() -> None:
    decoder = NetstringDecoder()
    data = frames(b"one", b"two", b"three")
    assert decoder.feed(data + b"4:fo") == [b"one", b"two", b"three"]
    assert decoder.feed(b"ur,") == [b"four"]


def test_payloads_may_contain_colons_commas_and_digits() -> None:
    payload = b'{"data":"12:ab,3:x,"}'
    assert NetstringDecoder().feed(encode(payload)) == [payload]


def test_garbage_between_frames_is_skipped_and_counted() -> None:
    decoder = NetstringDecoder()
    out = decoder.feed(b"hello" + frames(b"a") + b"\r\n" + b"xx:yy" + frames(b"b"))
    assert out == [b"a", b"b"]
    assert decoder.skipped == len(b"hello") + len(b"xx:yy")  # the newline is not counted as garbage


def test_digits_not_followed_by_a_colon_are_skipped() -> None:
    decoder = NetstringDecoder()
    assert decoder.feed(b"12x" + frames(b"ok")) == [b"ok"]
    assert decoder.skipped == 3


def test_a_frame_with_a_wrong_length_is_dropped_and_the_next_one_found() -> None:
    decoder = NetstringDecoder()
    # "5:abc," claims 5 bytes but the trailer is not where it should be.
    assert decoder.feed(b"5:abc," + frames(b"next")) == [b"next"]
    assert decoder.skipped > 0


def test_oversized_length_raises_so_the_caller_reconnects() -> None:
    decoder = NetstringDecoder(max_length=100)
    with pytest.raises(NetstringError, match="over the 100-byte limit"):
        decoder.feed(b"101:")
    # after the error the decoder starts clean
    assert decoder.feed(frames(b"fine")) == [b"fine"]


def test_an_endless_length_prefix_is_refused_before_the_colon_arrives() -> None:
    decoder = NetstringDecoder(max_length=100)
    with pytest.raises(NetstringError):
        decoder.feed(b"9" * 50)


def test_the_buffer_waits_for_a_large_but_allowed_frame() -> None:
    decoder = NetstringDecoder(max_length=1000)
    assert decoder.feed(b"1000:" + b"x" * 999) == []
    assert decoder.feed(b"x,") == [b"x" * 1000]


# -- ctrl_tcp messages --------------------------------------------------------------------

INCOMING = (b'{"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:me@127.0.0.1",'
            b'"direction":"incoming","peeruri":"sip:+61491570006@127.0.0.1:5072","id":"c0ffee","param":""}')


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"hello": 1}', "neither an event nor a response"),
        (b'{"event": true, "type": 5}', "type"),
        (b'{"response": true, "ok": "maybe"}', "ok"),
    ],
)
def test_unreadable_messages_raise_bad_message_with_a_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(BadMessage, match=reason):
        parse_message(payload)


def test_a_response_is_parsed() -> None:
    message = parse_message(b'{"response":true,"ok":true,"data":"done","token":"t1"}')
    assert message == BaresipResponse(response=True, ok=True, data="done", token="t1")


def test_call_incoming_is_an_inbound_ring_with_baresips_call_id_and_the_peers_number() -> None:
    message = parse_message(INCOMING)
    assert isinstance(message, BaresipEvent)
    event = to_call_event(message)
    assert event is not None
    assert (event.type, event.direction, event.number.e164, event.call_id, event.source) == (
        EventType.RING, Direction.INBOUND, "+61491570006", "c0ffee", "baresip")


def _event(type_: str, direction: str = "incoming", class_: str = "call") -> BaresipEvent:
    return BaresipEvent.model_validate({"event": True, "class": class_, "type": type_, "direction": direction,
                                        "peeruri": "sip:0412345678@pbx.example", "id": "x1"})


@pytest.mark.parametrize(
    ("type_", "direction", "expected"),
    [
        ("CALL_INCOMING", "incoming", (EventType.RING, Direction.INBOUND)),
        ("CALL_OUTGOING", "outgoing", (EventType.RING, Direction.OUTBOUND)),
        ("CALL_RINGING", "outgoing", (EventType.RING, Direction.OUTBOUND)),  # baresip 1.0 has no CALL_OUTGOING
        ("CALL_PROGRESS", "outgoing", (EventType.RING, Direction.OUTBOUND)),
        ("CALL_ESTABLISHED", "incoming", (EventType.ANSWER, Direction.INBOUND)),
        ("CALL_ESTABLISHED", "outgoing", (EventType.ANSWER, Direction.OUTBOUND)),
        ("CALL_CLOSED", "incoming", (EventType.HANGUP, Direction.INBOUND)),
        ("CALL_CLOSED", "outgoing", (EventType.HANGUP, Direction.OUTBOUND)),
        ("CALL_RTCP", "incoming", None),
        ("CALL_LOCAL_SDP", "outgoing", None),
    ],
)
def test_event_mapping(type_: str, direction: str, expected: tuple[EventType, Direction] | None) -> None:
    event = to_call_event(_event(type_, direction))
    assert (None if event is None else (event.type, event.direction)) == expected


def test_events_of_other_classes_are_ignored() -> None:
    assert to_call_event(_event("CALL_INCOMING", class_="other")) is None


@pytest.mark.parametrize(
    ("peeruri", "number"),
    [
        ("sip:+61491570006@127.0.0.1:5072", "+61491570006"),
        ("sips:0412345678@pbx.example;transport=tls", "0412345678"),
        ('"Priya Raman" <sip:+61491570006@pbx.example>', "+61491570006"),
        ("<tel:+61491570006>", "+61491570006"),
        ("", ""),
    ],
)
def test_the_number_is_the_user_part_of_the_peer_uri(peeruri: str, number: str) -> None:
    assert peer_number(peeruri) == number


# -- whatever arrives: frames, or the one documented error -------------------------------------

@given(st.lists(st.binary(max_size=64), max_size=20), st.integers(min_value=1, max_value=4096))
def test_any_bytes_give_frames_or_a_netstring_error(chunks: list[bytes], max_length: int) -> None:
    decoder = NetstringDecoder(max_length=max_length)
    for chunk in chunks:
        try:
            for payload in decoder.feed(chunk):
                assert len(payload) <= max_length
        except NetstringError:
            decoder.reset()


@given(st.lists(st.binary(max_size=300), max_size=10), st.binary(max_size=40), st.integers(1, 50))
def test_frames_after_any_rubbish_split_anywhere_come_out_whole(payloads: list[bytes], rubbish: bytes,
                                                               step: int) -> None:
    rubbish = bytes(b for b in rubbish if not 0x30 <= b <= 0x39)  # digits could start a false frame
    data = rubbish + frames(*payloads)
    decoder = NetstringDecoder()
    out: list[bytes] = []
    for i in range(0, len(data), step):
        out += decoder.feed(data[i : i + step])
    assert out == payloads
