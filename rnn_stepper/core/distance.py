"""How far apart two computations' numbers are: in value, in units in the last place, and bit for bit.

Each function takes torch tensors or numpy arrays. A tensor reaches numpy through `numbers`, the one door: numpy has
float16 but no bfloat16, so a bfloat16 tensor crosses as float32 (see `numbers`), and its ulps are counted in
bfloat16's own steps (see BFLOAT16_STEP).
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import numpy as np

# bfloat16 is float32 with the low 16 bits of the significand cut off: the bfloat16 bit pattern p stands for exactly
# the float32 whose pattern is p followed by 16 zero bits (the same sign, exponent and leading 7 significand bits).
# So the float32 images of bfloat16 values lie on float32's sign-magnitude integer line at multiples of 2**16, in
# the same order, with every float32 between two neighbours not a bfloat16: n bfloat16 steps apart is exactly
# n * 2**16 float32 steps apart, and ulps in bfloat16 = (ulps of the float32 images) / 65536, exactly.
BFLOAT16_STEP = 1 << 16


def numbers(values) -> np.ndarray:
    """A tensor's values as a numpy array, exactly; an array as it is.

    In the tensor's own dtype, except bfloat16, which numpy has no dtype for: that crosses as the float32 array of
    the same values. Every bfloat16 is a float32 (BFLOAT16_STEP), so the image is exact for display, and two
    bfloat16 tensors have the same bits exactly where their images do (the map is one to one, NaN payloads too)."""
    if not hasattr(values, "detach"):  # an array, or numbers already
        return np.asarray(values)
    values = values.detach()
    if is_bfloat16(values):
        values = values.float()
    return values.numpy()


def numpy_dtype(dtype: str) -> np.dtype:
    """The numpy dtype that holds a dtype's numbers exactly, as `numbers` hands them over: its own, float32 for
    bfloat16."""
    return np.dtype("float32" if dtype == "bfloat16" else dtype)


def is_bfloat16(values) -> bool:
    return str(getattr(values, "dtype", "")) == "torch.bfloat16"


def exact_text(value, dtype: str) -> str:
    """The shortest digits that read back as the same number of `dtype` ("float16", …, "bfloat16"), as numpy
    prints a scalar of that dtype: the float32 nearest 1/3 is "0.33333334", the bfloat16 nearest it "0.334" (not the
    "0.33398438" its float32 image would print: digits it does not have)."""
    if dtype != "bfloat16":
        return str(np.dtype(dtype).type(value))
    image = np.float32(value)
    if not np.isfinite(image) or image == 0:
        return str(image)
    exact = Decimal(float(image))
    for digits in range(1, 5):  # 8 significant bits never need more than 4 digits (1 + ⌈8·log10 2⌉)
        step = Decimal(1).scaleb(exact.adjusted() - digits + 1)
        # the nearest decimal first; at a power of two the interval that rounds to it is twice as wide above
        for rounding in (ROUND_HALF_EVEN, ROUND_FLOOR, ROUND_CEILING):
            decimal = exact.quantize(step, rounding=rounding)
            if rounds_to_bfloat16(decimal, image):
                if 1e-4 <= abs(image) < 1e3:  # where numpy's str of a float16 scalar writes positional digits
                    return np.format_float_positional(float(decimal), unique=True, trim="0")
                return np.format_float_scientific(float(decimal), unique=True, trim="-")
    return str(image)


def array_text(values, dtype: str | None = None, **options) -> str:
    """A tensor or array as numpy prints it (np.array2string with `options`): each value's shortest digits in its
    own dtype, bfloat16's too (exact_text). `dtype` names the dtype an array's values stand for where numpy has
    none: "bfloat16" for the float32 image of one."""
    bfloat16 = is_bfloat16(values) or dtype == "bfloat16"
    formatter = {"float_kind": lambda v: exact_text(v, "bfloat16")} if bfloat16 else None
    return np.array2string(numbers(values), formatter=formatter, **options)


def spacing(value, dtype: str) -> float:
    """The gap from |value| to the next number of `dtype` away from zero: one ulp there (np.spacing; a bfloat16's
    is BFLOAT16_STEP gaps of its float32 image)."""
    if dtype == "bfloat16":
        return float(np.spacing(np.abs(np.float32(value)))) * BFLOAT16_STEP
    return float(np.spacing(np.abs(np.dtype(dtype).type(value))))


def rounds_to_bfloat16(x: Decimal, image: np.float32) -> bool:
    """Whether the decimal x rounds to the bfloat16 whose float32 image is `image` (finite, nonzero): whether it
    lies between the midpoints to its neighbours, or on one with `image`'s last bfloat16 bit 0 (ties go to even).
    Compared exactly, as decimals: the midpoints (9 significant bits) are exact in float64, and so in Decimal."""
    magnitude = np.float32(abs(image))
    bits = int(np.array(magnitude).view(np.int32))
    below, above = (float(np.array(bits + d, dtype=np.int32).view(np.float32)) for d in (-BFLOAT16_STEP,
                                                                                          BFLOAT16_STEP))
    m = float(magnitude)
    if not math.isfinite(above):  # the largest bfloat16: past it, values round to inf from half a step up
        above = m + (m - below)
    low, high = Decimal((below + m) / 2), Decimal((m + above) / 2)
    x = abs(x) if (x < 0) == (image < 0) else -abs(x)
    even = not bits & BFLOAT16_STEP
    return low < x < high or (even and x in (low, high))


def abs_diff(a, b) -> np.ndarray:
    """|a − b|, with two NaNs at the same place counted as agreeing."""
    a, b = numbers(a), numbers(b)
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    both_nan = np.isnan(a) & np.isnan(b)
    same = (a == b)  # ±Inf against itself gives NaN above
    d[both_nan | same] = 0.0
    d[np.isnan(d)] = np.inf
    return d


# Integers of each float's width, signed and unsigned, to read its bit pattern as.
INTEGERS = {2: (np.int16, np.uint16), 4: (np.int32, np.uint32), 8: (np.int64, np.uint64)}


def ulp_distance(a, b, dtype: str | None = None) -> np.ndarray:
    """How many representable floats of their dtype apart a and b are: 0 when equal, inf when only one is NaN.
    `dtype` names the dtype arrays stand for where numpy has none: "bfloat16" for float32 images of bfloat16s."""
    step = BFLOAT16_STEP if is_bfloat16(a) or dtype == "bfloat16" else 1
    a, b = numbers(a), numbers(b)
    signed, unsigned = INTEGERS[a.dtype.itemsize]
    smallest = np.iinfo(signed).min

    def line(v):  # sign-magnitude bit patterns laid out on one integer line, in float order
        i = np.ascontiguousarray(v).view(signed)
        return np.where(i < 0, smallest - i, i)

    ia, ib = line(a), line(b)
    # The true distance is below 2**bits, so unsigned wrap-around subtraction gives it exactly.
    d = np.where(ia >= ib, ia.astype(unsigned) - ib.astype(unsigned), ib.astype(unsigned) - ia.astype(unsigned))
    d = d.astype(np.float64) / step  # exact: d is a multiple of step, below 2**32
    a_nan, b_nan = np.isnan(a), np.isnan(b)
    d[a_nan & b_nan] = 0.0
    d[a_nan ^ b_nan] = np.inf
    return d


def bits_differ(a, b) -> np.ndarray:
    """Where a and b have other bits; any NaN matches any NaN (payloads are not part of the arithmetic). Where
    they differ at 0 ulp (ulp_distance), the two are zeros of opposite sign: equal as numbers, not as bits."""
    a, b = numbers(a), numbers(b)
    signed = INTEGERS[a.dtype.itemsize][0]
    same_bits = np.ascontiguousarray(a).view(signed) == np.ascontiguousarray(b).view(signed)
    return ~(same_bits | (np.isnan(a) & np.isnan(b)))


def bits_equal(a, b) -> bool:
    """The same bits everywhere (bits_differ nowhere)."""
    return a.shape == b.shape and not bits_differ(a, b).any()


def rowwise_max(distance, a, b, rows: int = 1024) -> np.ndarray:
    """max of `distance(a, b)` over everything but the first axis, a block of rows at a time: the float64
    distances of a 10,000 × 1,024 trace would otherwise be 80 MB each, held only to take their maxima."""
    out = np.zeros(a.shape[0])
    if 0 in a.shape:
        return out
    for start in range(0, a.shape[0], rows):
        d = distance(a[start:start + rows], b[start:start + rows])
        out[start:start + rows] = d.reshape(d.shape[0], -1).max(axis=1)
    return out


def max_over(distance, pairs) -> float:
    """The largest distance between any of the (a, b) tensor pairs, row by row."""
    rows = [rowwise_max(distance, *(v.reshape(-1, v.shape[-1]) for v in pair)) for pair in pairs]
    return float(max([float(r.max()) if r.size else 0.0 for r in rows] or [0.0]))


def spectral_radius(W_hh, hidden_size: int) -> float:
    """ρ(W_hh) = max |λ|. Below 1 the recurrence forgets old inputs geometrically; above 1 it can amplify them
    until the nonlinearity saturates. A gated cell stacks one square block per gate: the largest of theirs."""
    W = W_hh.detach().double().numpy()
    if not np.isfinite(W).all() or W.shape[1] != hidden_size:
        return float("nan")  # an edited NaN or Inf weight has no spectrum; a projected LSTM's blocks aren't square
    blocks = W.reshape(-1, W.shape[1], W.shape[1])
    return float(max(np.abs(np.linalg.eigvals(block)).max() for block in blocks))
