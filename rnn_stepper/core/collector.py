"""Python's cyclic garbage collector: paused around work that makes many objects and no cycles, and held off while
a window is open, which then collects from its event loop (ui/collection.py).

Both switch the one process-wide collector, from several threads at once (the window's and its workers'), so they
count their holds here: the collector is back to what it was only when the last hold is released, whichever thread
releases it."""

from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_holds = {"work": 0, "window": 0}
_enabled_before = False  # the collector's state when the first hold began


def hold(reason: str = "work") -> None:
    """No automatic collection until the matching `release(reason)`. Holds nest, and may come from any thread."""
    global _enabled_before
    with _lock:
        if not any(_holds.values()):
            _enabled_before = gc.isenabled()
            gc.disable()
        _holds[reason] += 1


def release(reason: str = "work") -> None:
    with _lock:
        _holds[reason] -= 1
        if not any(_holds.values()) and _enabled_before:
            gc.enable()


def work_in_progress() -> bool:
    """A `paused` block runs somewhere: its objects make no cycles, and walking them would only cost time."""
    return _holds["work"] > 0


@contextlib.contextmanager
def paused():
    """No cyclic collection inside the block; the collector is left as it was found afterwards.

    The collector runs every few hundred allocations and, every so often, walks every live object: with torch
    loaded that is ~200,000 of them and ~70 ms. Importing torch (~200,000 new objects) or a 10,000-step hand
    pass (40,000 tensor views) would set it off again and again, and neither leaves cycles for it to find."""
    hold("work")
    try:
        yield
    finally:
        release("work")
