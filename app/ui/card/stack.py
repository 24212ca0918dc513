"""How a stack of cards fits the screen's available height: the cards nearest the corner stay
unfolded, older ones fold to one line, and what doesn't fit even folded is left for "+N more"."""

from __future__ import annotations

from dataclasses import dataclass

from app.ui.card.placement import SCREEN_MARGIN

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
