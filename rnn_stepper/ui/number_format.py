"""How a view writes the numbers on its cells: one format per view, without Qt.

The layout planner (matrix_plan) decides from these texts how large the numbers can be; the panels write their
tables with them too (through style, which re-exports them).
"""

from __future__ import annotations

import math

# One number format for a view's cells (issue 26): every value in a view is written with the same decimal places,
# those that give the view's largest magnitude `digits` significant digits, so a column of numbers lines up and
# keeps every sign ("-0.003" beside "0.100", never "-3e-03" beside "0.1"). Scientific notation only where fixed
# point would not fit: a view whose largest value is under FIXED_FROM or from FIXED_BELOW up.
FIXED_FROM, FIXED_BELOW = 1e-3, 1e6


def view_decimals(largest: float, digits: int = 3) -> int | None:
    """The decimal places of a view whose largest magnitude is `largest`; None: scientific notation."""
    if not math.isfinite(largest) or largest == 0:
        return digits - 1  # nothing to measure (all zeros, or not computed yet): as a value in [1, 10) would be
    if not FIXED_FROM <= largest < FIXED_BELOW:
        return None
    return max(digits - 1 - math.floor(math.log10(largest)), 0)


def in_view(value: float, decimals: int | None, digits: int = 3) -> str:
    """`value` as a view with `decimals` (view_decimals) writes it: fixed point, its sign kept even where it rounds
    to zero, or `digits` significant digits in scientific notation."""
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if decimals is None:
        return f"{value:.{digits - 1}e}"
    return f"{value:.{decimals}f}"
