"""How far apart two computations' numbers are: in value, in units in the last place, and bit for bit."""

from __future__ import annotations

import numpy as np


def abs_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b|, with two NaNs at the same place counted as agreeing."""
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    both_nan = np.isnan(a) & np.isnan(b)
    same = (a == b)  # ±Inf against itself gives NaN above
    d[both_nan | same] = 0.0
    d[np.isnan(d)] = np.inf
    return d


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable floats apart a and b are: 0 when equal, inf when only one is NaN."""
    signed, unsigned = {4: (np.int32, np.uint32), 8: (np.int64, np.uint64)}[a.dtype.itemsize]
    smallest = np.iinfo(signed).min

    def line(v):  # sign-magnitude bit patterns laid out on one integer line, in float order
        i = np.ascontiguousarray(v).view(signed)
        return np.where(i < 0, smallest - i, i)

    ia, ib = line(a), line(b)
    # The true distance is below 2**bits, so unsigned wrap-around subtraction gives it exactly.
    d = np.where(ia >= ib, ia.astype(unsigned) - ib.astype(unsigned), ib.astype(unsigned) - ia.astype(unsigned))
    d = d.astype(np.float64)
    a_nan, b_nan = np.isnan(a), np.isnan(b)
    d[a_nan & b_nan] = 0.0
    d[a_nan ^ b_nan] = np.inf
    return d


def bits_differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where a and b have other bits; any NaN matches any NaN (payloads are not part of the arithmetic). Where
    they differ at 0 ulp (ulp_distance), the two are zeros of opposite sign: equal as numbers, not as bits."""
    signed = {4: np.int32, 8: np.int64}[a.dtype.itemsize]
    same_bits = np.ascontiguousarray(a).view(signed) == np.ascontiguousarray(b).view(signed)
    return ~(same_bits | (np.isnan(a) & np.isnan(b)))


def bits_equal(a: np.ndarray, b: np.ndarray) -> bool:
    """The same bits everywhere (bits_differ nowhere)."""
    return a.shape == b.shape and not bits_differ(a, b).any()


def rowwise_max(distance, a: np.ndarray, b: np.ndarray, rows: int = 1024) -> np.ndarray:
    """max of `distance(a, b)` over everything but the first axis, a block of rows at a time: the float64
    distances of a 10,000 × 1,024 trace would otherwise be 80 MB each, held only to take their maxima."""
    out = np.zeros(a.shape[0])
    if a.size == 0:
        return out
    for start in range(0, a.shape[0], rows):
        d = distance(a[start:start + rows], b[start:start + rows])
        out[start:start + rows] = d.reshape(d.shape[0], -1).max(axis=1)
    return out


def max_over(distance, pairs) -> float:
    """The largest distance between any of the (a, b) tensor pairs, row by row."""
    rows = [rowwise_max(distance, *(v.numpy().reshape(-1, v.shape[-1]) for v in pair)) for pair in pairs]
    return float(max([float(r.max()) if r.size else 0.0 for r in rows] or [0.0]))


def spectral_radius(W_hh, hidden_size: int) -> float:
    """ρ(W_hh) = max |λ|. Below 1 the recurrence forgets old inputs geometrically; above 1 it can amplify them
    until the nonlinearity saturates. A gated cell stacks one square block per gate: the largest of theirs."""
    W = W_hh.detach().double().numpy()
    if not np.isfinite(W).all() or W.shape[1] != hidden_size:
        return float("nan")  # an edited NaN or Inf weight has no spectrum; a projected LSTM's blocks aren't square
    blocks = W.reshape(-1, W.shape[1], W.shape[1])
    return float(max(np.abs(np.linalg.eigvals(block)).max() for block in blocks))
