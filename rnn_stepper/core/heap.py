"""Where the C heap puts the large blocks a hand pass allocates and frees at every step.

The backward pass allocates, at every step, a share of ∂L/∂W_hh and a new running sum: 4 MB each for an nn.RNN at
H = 1,024, 16 MB for an nn.LSTM, between many small tensors kept for Step back. glibc raises its mmap threshold to
the size of each large block freed, so after the first one these blocks come from the heap, where the small
tensors pin it and it only grows: an nn.LSTM's hand backward at H = 1,024 over 300 steps peaked at 8.7 GB, and an
nn.GRU's over 1,000 steps at 23.7 GB, against 0.46 GB with the threshold held at 1 MiB. Holding it there maps every
block of a mebibyte or more on its own and gives it back when it is freed. No number changes: where a block lives
is not what it holds, and torch aligns every block to 64 bytes either way.
"""

from __future__ import annotations

import ctypes
import platform

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE = 1 << 20  # bytes: a block this size or larger is mapped on its own, and unmapped when freed

_held = False


def large_blocks_mapped() -> bool:
    """Hold glibc's mmap threshold at LARGE for the rest of the process (it is process-wide, and only ever lowers
    the heap's growth). Returns whether it is held: False off glibc, where the allocator is another's."""
    global _held
    if _held:
        return True
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        _held = bool(ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE))
    except (OSError, AttributeError):
        return False
    return _held
