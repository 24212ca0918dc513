"""RecentIds: the shell's and note queue's memory of finished calls stays bounded."""

from __future__ import annotations

from app.ui.common.recent import RecentIds


def test_keeps_the_last_ids_and_forgets_the_oldest() -> None:
    ids = RecentIds(size=3)
    for call_id in ("a", "b", "c", "d"):
        ids.add(call_id)
    assert "a" not in ids
    assert all(c in ids for c in ("b", "c", "d"))
    assert len(ids) == 3


def test_adding_again_makes_an_id_the_newest() -> None:
    ids = RecentIds(size=2)
    ids.add("a")
    ids.add("b")
    ids.add("a")
    ids.add("c")
    assert "a" in ids and "c" in ids and "b" not in ids


def test_discard_forgets_an_id() -> None:
    ids = RecentIds()
    ids.add("a")
    ids.discard("a")
    ids.discard("never added")
    assert "a" not in ids and len(ids) == 0


def test_many_calls_keep_the_size() -> None:
    ids = RecentIds(size=50)
    for n in range(10_000):
        ids.add(f"call-{n}")
    assert len(ids) == 50 and "call-9999" in ids and "call-9949" not in ids
