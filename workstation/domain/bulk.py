"""Helpers for code that builds hundreds of thousands of small objects in one go."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk build (a queue refresh, a bulk load).

    Every 700 allocations the collector runs, and now and then it rescans the whole heap;
    with 100,000 accounts in memory those rescans cost as much as the work itself, and the
    tuples and records built here form no reference cycles. Reference counting still frees
    everything as usual; the collector resumes (if it was on) when the block ends, also on
    an exception. Nested use is fine: only the outermost block turns it back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_heap() -> None:
    """Collect once, then move every object still tracked out of the collector's reach for
    good (``gc.freeze``): for a process's long-lived heap, built once and kept.

    A full collection walks every tracked object, and a started process holds hundreds of
    thousands that live as long as it does (modules, classes, an app's routes and models,
    Qt's wrappers): a server worker's full pass took ~130 ms, the demo window's ~200 ms, each
    a stall for whatever was running. Frozen, a pass walks only what was built since; the
    collector still runs for that. Frozen objects are still freed by reference counting.
    """
    gc.collect()
    gc.freeze()
