"""How the shell's stack of cards fits the screen's available height: the cards nearest the corner stay
unfolded, older ones fold to one line, and what doesn't fit even folded is left for "+N more"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QSize

from app.ui.card.card import CARD_WIDTH, CallCard
from app.ui.card.collapsed import MoreCalls
from app.ui.card.placement import SCREEN_MARGIN, available_area, corner_position

CARD_GAP = 8

MORE_LINE = 40  # room kept for the "+N more" line


@dataclass(frozen=True)
class StackPlan:
    slots: tuple[bool | None, ...]  # per card, nearest the corner first: False unfolded, True folded, None hidden

    @property
    def hidden(self) -> int:
        return sum(slot is None for slot in self.slots)


def fit_stack(heights: list[tuple[int, int]], available: int, gap: int) -> StackPlan:
    """`heights`: (unfolded, folded) per card, nearest the corner first. The nearest card always
    shows unfolded; then as many unfolded as fit with the rest folded; then folded lines until the
    height runs out, keeping room for the "+N more" line."""
    room = available - 2 * SCREEN_MARGIN
    count = len(heights)
    if not count:
        return StackPlan(())
    unfolded = 1
    for unfolded in range(count, 0, -1):
        total = sum(h for h, _ in heights[:unfolded]) + sum(f for _, f in heights[unfolded:]) + gap * (count - 1)
        if total <= room or unfolded == 1:
            break
    slots: list[bool | None] = [*([False] * unfolded), *([True] * (count - unfolded))]
    used = sum(h for h, _ in heights[:unfolded]) + gap * (unfolded - 1)
    for index in range(unfolded, count):
        need = heights[index][1] + gap
        rest = count - index - 1
        if used + need + (MORE_LINE + gap if rest else 0) > room:
            for hidden in range(index, count):
                slots[hidden] = None
            break
        used += need
    return StackPlan(tuple(slots))


class CardStack:
    """Places the shell's cards: `restack(cards, corner)` with the cards nearest the corner first;
    `more` is the "+N more" line, `hidden` the call ids it counts (nearest first)."""

    def __init__(self) -> None:
        self.more = MoreCalls()
        self.more.bar.setFixedWidth(CARD_WIDTH)
        self.hidden: list[str] = []
        self._busy = False
        self._again = False

    def restack(self, cards: Sequence[CallCard], corner: str) -> None:
        if self._busy:  # folding a card resizes it, which asks for a restack: placed again once done
            self._again = True
            return
        self._busy = True
        try:
            for _round in range(3):  # a card that grew while being placed (text wrapping) moves the rest
                self._again = False
                self.hidden = self._place(cards, corner)
                if not self._again:
                    break
        finally:
            self._busy = False
        if self.hidden:
            self.more.set_count(len(self.hidden))
        else:
            self.more.hide()

    def _place(self, cards: Sequence[CallCard], corner: str) -> list[str]:
        heights = [c.heights() for c in cards]
        area = available_area()
        plan = fit_stack(heights, area.height(), CARD_GAP)
        offset = 0
        hidden: list[str] = []
        for card, slot, (unfolded, folded) in zip(cards, plan.slots, heights, strict=True):
            if slot is None:
                card.hide()
                hidden.append(card.call_id)
                continue
            card.set_collapsed(slot)
            # The planned height, not card.height(): under a real window manager a resize is
            # confirmed later, and a stale height would overlap the cards or push one off screen.
            height = folded if slot else unfolded
            if card.height() != height:  # a card just folded or unfolded can keep its old height
                card.resize(card.width(), height)
            card.move(corner_position(area, QSize(card.width(), height), offset, corner))
            if not card.isVisible():
                card.show()
            offset += height + CARD_GAP
        if hidden:
            self.more.move(self._corner_of(offset, corner))
            self.more.show()
        return hidden

    def _corner_of(self, offset: int, corner: str) -> QPoint:
        return corner_position(available_area(), self.more.size(), offset, corner)
