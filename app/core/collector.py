"""Python's cyclic garbage collector: run on the loop's thread only, and between calls rather than
during one.

The collector starts on its own whenever enough objects have been allocated, in whichever thread
allocated them: the database's writer thread, say. Widgets caught in a reference cycle are then
destroyed off the thread that owns them, and Qt may go on to deliver a timer event to one of them
after it is freed, which crashes the process. While `Collector.run` runs, automatic collection is
off and the loop's thread collects instead, as much as the collector would have collected on its
own, up to ten times a second.

Where it lands matters too: the youngest generation costs a fraction of a millisecond, but every
tenth run takes the middle one too (1–7 ms with the card's widgets alive), and a full run walks
everything start-up built (40–100 ms). So young collections wait while a call is being looked up
(unless garbage piles up far past the usual threshold), and the first time a call's lookups are
all in, `Collector` collects the young generations and freezes what is alive then (start-up's
modules, widgets and caches, there for the life of the process), so no later run walks it again;
after each later call it runs a full collection, which then costs only what the calls since left
behind (a few ms, between calls) and resets the counts that would otherwise start one in the
middle of the next card.
"""

from __future__ import annotations

import asyncio
import gc

# After the last answer's paint: the collection must not hold up the card it completes.
AFTER_S = 0.05
# How often the loop's thread looks at the collector's counts while automatic collection is off:
# every TICK_S while there is garbage to collect, backing off to IDLE_TICK_S while there is none (an
# idle Ringside wakes once a second for it, not ten times).
TICK_S = 0.1
IDLE_TICK_S = 1.0
# While a call is looked up, young garbage may grow to this many times the usual threshold.
BUSY_SLACK = 10


def due_generation(busy: bool) -> int | None:
    """The oldest generation the collector would collect now on its own (None: none is due),
    from its counts and thresholds; `busy` raises the youngest generation's threshold."""
    (count0, count1, count2), (limit0, limit1, limit2) = gc.get_count(), gc.get_threshold()
    if count0 < limit0 * (BUSY_SLACK if busy else 1) or limit0 == 0:
        return None
    if count1 < limit1:
        return 0
    return 2 if count2 >= limit2 else 1


class Collector:
    """Counts calls being looked up; a moment after the last of them is done, collects."""

    _frozen = False  # per process: the collector is the process's

    def __init__(self, after_s: float = AFTER_S) -> None:
        self._after_s = after_s
        self._busy = 0
        self._rings = 0
        self._owns_collection = False

    @property
    def busy(self) -> bool:
        return self._busy > 0

    async def run(self, tick_s: float = TICK_S) -> None:
        """Until cancelled, collect on this (the loop's) thread only: automatic collection is off
        and turned back on when this ends. If something else turned it off (a test, a profiler),
        it is left to that."""
        if not gc.isenabled():
            return
        gc.disable()
        self._owns_collection = True
        try:
            tick = tick_s
            while True:
                await asyncio.sleep(tick)
                generation = due_generation(self.busy)
                if generation is None:
                    tick = min(tick * 2, max(tick_s, IDLE_TICK_S))
                else:
                    gc.collect(generation)
                    tick = tick_s
        finally:
            self._owns_collection = False
            gc.enable()

    def looking_up(self) -> None:
        self._busy += 1
        self._rings += 1

    def looked_up(self) -> None:
        self._busy = max(0, self._busy - 1)
        if self._busy == 0:
            asyncio.get_running_loop().call_later(self._after_s, self.collect, self._rings)

    def collect(self, rings: int) -> None:
        """Collect, unless a call rang after the `rings`th (it would pay for this) or collection is off."""
        if self._busy or rings != self._rings or not (gc.isenabled() or self._owns_collection):
            return
        if Collector._frozen:
            # Everything but what the calls since left behind is frozen: a full run is cheap, and it
            # resets the count that would otherwise start one on its own in the middle of a card.
            gc.collect()
        else:
            gc.collect(1)
            Collector._frozen = True
            gc.freeze()
