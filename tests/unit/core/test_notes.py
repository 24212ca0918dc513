"""NoteTaker: a note is shown as saved only once committed; one the disk refuses keeps its text."""

from __future__ import annotations

from app.core.models import NoteDraft, NoteStatus
from app.errors import NotStored
from tests.unit.core.fakes import PRIYA_RECORD, build
from tests.unit.core.test_controls import ended_call


async def test_a_refused_note_keeps_its_text_as_the_draft_and_says_why() -> None:
    world = build()
    call_id = await ended_call(world)
    session = world.core.book.get(call_id)
    assert session is not None

    def full(draft: NoteDraft) -> int:
        raise NotStored("the disk is full")

    world.notes.enqueue_note = full  # type: ignore[method-assign]
    saved: list[bool] = []
    assert not await world.core.controls.save_note(call_id, "Wants two Java devs.", [PRIYA_RECORD.key], saved.append)
    assert saved == [False]
    assert world.listener.messages == [("Could not store the note: the disk is full", True)]
    assert session.draft == "Wants two Java devs."
    assert (draft := world.core.drafts.get(call_id)) is not None and draft.text == "Wants two Java devs."
    [note] = world.listener.latest(call_id).notes
    assert note.status is NoteStatus.FAILED and note.message == "Could not store the note: the disk is full"
    assert world.notes.rows == {}

    del world.notes.enqueue_note  # room again: saved, and the draft is done with
    assert await world.core.controls.save_note(call_id, "Wants two Java devs.", [PRIYA_RECORD.key], saved.append)
    assert saved == [False, True]
    assert session.draft == "" and world.core.drafts.get(call_id) is None
    assert [r.draft.text for r in world.notes.rows.values()] == ["Wants two Java devs."]


async def test_the_card_shows_a_note_only_once_it_is_committed() -> None:
    world = build()
    call_id = await ended_call(world)
    shown = len(world.listener.views)
    saving = world.core.controls.save_note(call_id, "Keen.", [PRIYA_RECORD.key])
    assert all(not v.notes for v in world.listener.views[shown:])  # nothing said before the write ran
    assert await saving
    assert [n.status for n in world.listener.latest(call_id).notes] == [NoteStatus.PENDING]
