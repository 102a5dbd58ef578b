"""Where time and batch sit in a session's tensors: the one place that knows `batch_first` and unbatched input.

A user hands torch.nn (B, T, I) when batch_first, (T, B, I) otherwise, or (T, I) for one unbatched sequence; a
state (h0, c0) is (L·D, B, ·), or (L·D, ·) when unbatched. The kernel, and so the trace, works time-major.
"""

from __future__ import annotations


def seq_len(shape, batch_first: bool) -> int:
    return shape[1 if len(shape) == 3 and batch_first else 0]


def batch_size(shape, batch_first: bool) -> int:
    return 1 if len(shape) == 2 else shape[0 if batch_first else 1]


def time_major(x, batch_first: bool):
    """The (T, B, I) input exactly as torch.nn hands it to its kernel: a batch dim added to unbatched input, and
    batch_first transposed as a view, not made contiguous (strides pick the GEMM)."""
    if x.dim() == 2:
        x = x.unsqueeze(0 if batch_first else 1)
    return x.transpose(0, 1) if batch_first else x


def from_time_major(y, batch_first: bool, batched: bool):
    """A (T, B, ·) result in the layout torch.nn returns it for this input."""
    if batch_first:
        y = y.transpose(0, 1)
    return y if batched else y.squeeze(0 if batch_first else 1)


def batch_major(x, batch_first: bool):
    """The input as (B, T, I) whatever its layout: the shape an editor shows, one table per batch row."""
    if x.dim() == 2:
        return x.unsqueeze(0)
    return x if batch_first else x.transpose(0, 1)


def from_batch_major(rows, batch_first: bool, batched: bool):
    """(B, T, I) rows laid out as a session with this layout lays its input out (a copy when transposed)."""
    if not batched:
        return rows[0]
    return rows if batch_first else rows.transpose(0, 1).contiguous()


def batched_state(state):
    """(L·D, B, ·) from a state given batched, or (L·D, ·) for an unbatched input."""
    return state if state.dim() == 3 else state.unsqueeze(1)
