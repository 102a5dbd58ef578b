"""Pausing Python's cyclic garbage collector around work that makes many objects and no cycles."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """No cyclic collection inside the block; the collector is left as it was found afterwards.

    The collector runs every few hundred allocations and, every so often, walks every live object: with torch
    loaded that is ~200,000 of them and ~70 ms. Importing torch (~200,000 new objects) or a 10,000-step hand
    pass (40,000 tensor views) would set it off again and again, and neither leaves cycles for it to find."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
