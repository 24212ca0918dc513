"""Python's cyclic garbage collector, run between calls rather than during one.

The collector starts on its own whenever enough objects have been allocated: the youngest
generation costs a fraction of a millisecond, but every tenth run takes the middle one too (1–7 ms
with the card's widgets alive), and a full run walks everything start-up built (40–100 ms),
wherever the loop happens to be: between a CRM's answer and its section's paint, say, or in the
middle of a burst of calls. The first time a call's lookups are all in, `Collector` collects the
young generations and freezes what is alive then (start-up's modules, widgets and caches, there for
the life of the process), so no later run walks it again; after each later call it runs a full
collection, which then costs only what the calls since left behind (a few ms, between calls) and
resets the counts that would otherwise start one in the middle of the next card.
"""

from __future__ import annotations

import asyncio
import gc

# After the last answer's paint: the collection must not hold up the card it completes.
AFTER_S = 0.05


class Collector:
    """Counts calls being looked up; a moment after the last of them is done, collects."""

    _frozen = False  # per process: the collector is the process's

    def __init__(self, after_s: float = AFTER_S) -> None:
        self._after_s = after_s
        self._busy = 0
        self._rings = 0

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def looking_up(self) -> None:
        self._busy += 1
        self._rings += 1

    def looked_up(self) -> None:
        self._busy = max(0, self._busy - 1)
        if self._busy == 0:
            asyncio.get_running_loop().call_later(self._after_s, self.collect, self._rings)

    def collect(self, rings: int) -> None:
        """Collect, unless a call rang after the `rings`th (it would pay for this) or collection is off."""
        if self._busy or rings != self._rings or not gc.isenabled():
            return
        if Collector._frozen:
            # Everything but what the calls since left behind is frozen: a full run is cheap, and it
            # resets the count that would otherwise start one on its own in the middle of a card.
            gc.collect()
        else:
            gc.collect(1)
            Collector._frozen = True
            gc.freeze()
