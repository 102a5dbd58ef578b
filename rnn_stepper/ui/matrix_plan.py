"""A heatmap's layout, decided without Qt: which rows and columns are on show and where the ellipsis goes, how
many digits its numbers have and at what pixel size, which indices label its axes, and the text of each cell.

MatrixView hands over the room its cells have (a Room: pixels, the numbers' size range, the zoom) and a
`measure(text, px)` that says how wide its font writes a text; the planner hands back a Plan, which the view draws.
Numbers only here (numpy, no font and no widget), so every rule below is tested without a QApplication
(tests/test_matrix_plan.py).

The rules:
- A number fits its cell when it is no wider than the cell less NUMBER_MARGIN and takes NUMBER_HEIGHT of its
  height, at a pixel size between the Room's low and high ends (number_range).
- Every entry with 3 digits beats every entry with 2, which beats 3 digits around an ellipsis; a matrix too big
  to number every cell legibly shows its first k and last k rows (and columns) around the ellipsis, k as large as
  fits, each stacked gate block keeping its own ends; 1 digit is the last resort, and where no number fits even
  so, the whole matrix is shown as an image.
- The size is planned for a template as wide as NUMBER_TEMPLATES, so it stays put from one step to the next: a
  plain step (the same shape in the same room) keeps the plan unless a number on show no longer fits it.
- Never more than MAX_TEXT_CELLS numbers in one view.
- A cell within 1 % of an end of its function's range (tanh's, a gate's) is marked saturated, while it is large
  enough on screen to carry the mark.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .number_format import in_view, view_decimals

Measure = Callable[[str, int], float]  # measure(text, px): the pixels `text` takes in the view's font at `px`
ViewRange = tuple[tuple[float, float], tuple[float, float]]  # ((x0, x1), (y0, y1)): the columns and rows in sight

MAX_TEXT_CELLS = 600  # never more numbers than this in one view: past it, fewer rows and columns are shown
# A cell holds a number at NUMBER_HEIGHT of its height and its width less a margin; the font is sized for the
# widest of NUMBER_TEMPLATES and the numbers on show, so it stays put from one step to the next.
# By significant digits: a narrow cell writes 2 rather than none, and 1 rather than none (a GRU(300)'s s_0 = b_hh,
# largest 0.058, in a 64-px column on a projector: "-0.018" did not fit and the column was a slab of colour; "-0.02"
# does, and a hover gives every digit).
NUMBER_TEMPLATES = {3: "-0.000", 2: "-0.00", 1: "-0.0"}
NUMBER_HEIGHT = 0.7  # a number's pixel size to its cell's height: a 20-px number in a 29-px row
NUMBER_MARGIN = (0.1, 4)  # a share of the cell's width, and pixels, left free beside its number
MIN_NUMBER_SCALE = 0.85  # in-cell numbers: from 0.85 of the interface's font …
MAX_NUMBER_SCALE = 3.0  # … to three times it
NICE_STRIDES = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10**4, 10**5, 10**6)
ELLIPSIS = -1  # the index of the ellipsis row or column in a plan's shown rows and columns
ELLIPSIS_MARKS = ("⋮", "…", "⋱")  # written in the ellipsis row, column, and where they cross
REF_PX = 100  # text widths are measured once at this pixel size and scaled
SATURATED = 0.01  # within 1 % of its bounded range's end (|tanh| ≥ 0.99, a gate ≤ 0.01 or ≥ 0.99): saturated
MIN_MARK_PX = 6  # a cell smaller than this on screen is too small to carry a saturation mark
MAX_MARKS = 20_000  # more saturated cells on show than this: none marked (each mark is a dashed box to paint)


def number_range(base_px: float, legible_px: int = 0, minimum_px: int = 0) -> tuple[int, int]:
    """The pixel sizes a cell's number may take in an interface whose font is `base_px`: MIN_NUMBER_SCALE to
    MAX_NUMBER_SCALE of it, never under `legible_px` (presentation mode's) nor a view's own `minimum_px`."""
    low = max(round(base_px * MIN_NUMBER_SCALE), legible_px, minimum_px)
    return low, max(low, round(base_px * MAX_NUMBER_SCALE))


def cell_text(value: float, decimals: int | None, digits: int = 3) -> str:
    """The number written on a cell in its view's format (number_format.in_view: the view's decimal places, or
    scientific with `digits` significant digits), blank for NaN (not computed yet)."""
    return "" if value != value else in_view(value, decimals, digits)


def shown_indices(n: int, fit: int, blocks: int = 1) -> np.ndarray:
    """Which of n rows (or columns) a view shows when `fit` can be read: all of them, or per block its first k, an
    ELLIPSIS, and its last k, with k as large as fits (a GRU's r, z and n each keep their ends); room for two per
    block only: the first and the ellipsis. Room for fewer: all of them, for the image alone."""
    if n <= fit or blocks < 1 or n % blocks:
        return np.arange(n)
    size = n // blocks
    per_block = fit // blocks
    k = (per_block - 1) // 2
    if per_block < 2 or 2 * k + 1 >= size:
        return np.arange(n)
    shown = []
    for b in range(blocks):
        start = b * size
        last = list(range(start + size - k, start + size)) if k else []
        shown += list(range(start, start + max(k, 1))) + [ELLIPSIS] + last
    return np.array(shown)


def display_index(shown: np.ndarray, i: int) -> int:
    """Where true row (or column) `i` is on show: its own place, or the ellipsis' if it is elided."""
    hit = np.flatnonzero(shown == i)
    if hit.size:
        return int(hit[0])
    return int(np.flatnonzero(shown == ELLIPSIS)[0]) if (shown == ELLIPSIS).any() else i


def true_position(shown: np.ndarray, x: float) -> float:
    """The true (fractional) index at position `x` on show: an ellipsis maps to the middle of what it hides."""
    d = min(max(int(np.floor(x + 0.5)), 0), shown.size - 1)
    if shown[d] != ELLIPSIS:
        return float(shown[d]) + (x - d)
    before = shown[d - 1] if d > 0 else -1
    after = shown[d + 1] if d + 1 < shown.size else before + 2
    return (before + after) / 2


def shown_values(values: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The values of the rows and columns on show, NaN in the ellipsis row and column."""
    elided = (rows == ELLIPSIS).any() or (columns == ELLIPSIS).any()
    if rows.size == values.shape[0] and columns.size == values.shape[1] and not elided:
        return values
    with np.errstate(over="ignore"):
        out = values[np.ix_(np.maximum(rows, 0), np.maximum(columns, 0))].astype(np.float64)
    out[rows == ELLIPSIS, :] = np.nan
    out[:, columns == ELLIPSIS] = np.nan
    return out


# --- how wide numbers are written -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def tabular_digits(measure: Measure) -> bool:
    """Whether the font `measure` measures writes every digit equally wide (the usual interface fonts do)."""
    return len({measure(d, REF_PX) for d in "0123456789"}) == 1


_SHAPE = str.maketrans("123456789", "000000000")


def shape(text: str, measure: Measure) -> str:
    """`text` with every digit a 0 where the font's digits are all as wide (tabular), so texts of one shape measure
    as one: a step writes hundreds of new numbers, and titles such as "= h_6", and laying each out again cost
    5-10 µs a number and ~0.5 ms a title. Unchanged where digits differ in width."""
    return text.translate(_SHAPE) if tabular_digits(measure) else text


def widest_number(texts, measure: Measure) -> str:
    """The widest of `texts` as drawn: one of each shape measured."""
    return max({shape(text, measure): text for text in texts}.values(), key=lambda t: measure(t, REF_PX), default="")


def cell_px_for(px: float, width: float) -> tuple[float, float]:
    """The smallest cell (width, height) that holds a number `width` pixels wide at REF_PX, at `px`."""
    share, fixed = NUMBER_MARGIN
    return (width * px / REF_PX + fixed) / (1 - share), px / NUMBER_HEIGHT


def fitting_px(cell_w: float, cell_h: float, width: float) -> float:
    """The pixel size at which a number `width` wide (at REF_PX) fills a cell: before clamping."""
    share, fixed = NUMBER_MARGIN
    return min((cell_w * (1 - share) - fixed) * REF_PX / max(width, 1.0), cell_h * NUMBER_HEIGHT)


class Numbers:
    """One matrix's values and the texts its cells write: every value with the decimal places that give the
    largest magnitude `digits` significant digits, blank for NaN. Each text is formatted once per matrix, since
    planning, the widest number on show and the cells all ask for it at each step. `blocks`: how many equal row
    blocks are stacked in it (a GRU's r, z and n: 3), 0 for none."""

    def __init__(self, values: np.ndarray, blocks: int = 0):
        self.values = values  # 2-D, in its own dtype
        self.blocks = blocks
        self._written: dict[tuple[int, int, int], str] = {}
        self._grid: tuple[tuple, list[list[str]] | None] | None = None
        self._shown: tuple[tuple, np.ndarray] | None = None

    @functools.cached_property
    def largest(self) -> float:
        """The largest finite magnitude, which sets the decimals of every number written; 0 when none is finite.
        Found when a number is first written: a heatmap of a whole long sequence, drawn as an image, writes none,
        and scanning its T × H values would be most of a step."""
        values = self.values
        if values.size and np.issubdtype(values.dtype, np.floating):
            # Two passes, no T × H copy. fmax and fmin skip NaN as nanmax and nanmin do, with no warning to catch
            # when all are NaN (not computed yet): the warnings' context cost more than a step's 64 values' reduction.
            ends = float(np.fmax.reduce(values, axis=None)), float(np.fmin.reduce(values, axis=None))
            if all(math.isfinite(end) for end in ends):
                return max(ends[0], -ends[1], 0.0)
            if all(end != end for end in ends):
                return 0.0
        with np.errstate(invalid="ignore", over="ignore"):  # an Inf among them: the finite ones
            finite = np.abs(values[np.isfinite(values)])
        return float(finite.max()) if finite.size else 0.0

    def shown(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """shown_values of these rows and columns, taken once per layout: the image, the numbers' colours and the
        saturation marks each read them at every step."""
        key = (rows.tobytes(), columns.tobytes())
        if self._shown is None or self._shown[0] != key:
            self._shown = (key, shown_values(self.values, rows, columns))
        return self._shown[1]

    def written(self, r: int, c: int, digits: int) -> str:
        """The text on true cell (r, c) with `digits` significant digits in its largest magnitude."""
        key = (r, c, digits)
        text = self._written.get(key)
        if text is None:
            text = self._written[key] = cell_text(self.values[r, c], view_decimals(self.largest, digits), digits)
        return text

    def grid(self, rows: np.ndarray, columns: np.ndarray, digits: int) -> list[list[str]] | None:
        """The text of each cell on show, row by row: its number (blank for NaN), or ELLIPSIS_MARKS in the ellipsis
        row and column. None where more cells are on show than ever carry numbers."""
        key = (rows.tobytes(), columns.tobytes(), digits)
        if self._grid is not None and self._grid[0] == key:
            return self._grid[1]
        grid = None
        if rows.size * columns.size <= MAX_TEXT_CELLS:
            with np.errstate(over="ignore"):
                values = self.values[np.ix_(np.maximum(rows, 0), np.maximum(columns, 0))].astype(np.float64)
            decimals = view_decimals(self.largest, digits)
            grid = [[cell_text(v, decimals, digits) for v in row] for row in values.tolist()]
            for i in np.flatnonzero(rows == ELLIPSIS):
                grid[i] = [ELLIPSIS_MARKS[0]] * len(grid[i])
            for j in np.flatnonzero(columns == ELLIPSIS):
                for i, row in enumerate(grid):
                    row[j] = ELLIPSIS_MARKS[2] if rows[i] == ELLIPSIS else ELLIPSIS_MARKS[1]
        self._grid = (key, grid)
        return grid

    def widest_on_show(self, rows: np.ndarray, columns: np.ndarray, digits: int, measure: Measure) -> float:
        """The widest number these rows and columns would carry, at REF_PX: the longest few texts measured."""
        r = rows[rows != ELLIPSIS]
        c = columns[columns != ELLIPSIS]
        if r.size * c.size == 0 or r.size * c.size > MAX_TEXT_CELLS:
            return 0.0
        decimals = view_decimals(self.largest, digits)
        if decimals is not None and tabular_digits(measure):
            texts = self.widest_candidates(self.values[np.ix_(r, c)], decimals, digits)
        else:
            texts = {self.written(tr, tc, digits) for tr in r.tolist() for tc in c.tolist()} - {""}
        return measure(widest_number(texts, measure), REF_PX) if texts else 0.0

    @staticmethod
    def widest_candidates(values: np.ndarray, decimals: int, digits: int) -> set[str]:
        """The texts among which the widest of `values` written in fixed point is, where every digit is as wide:
        a text's width is then its sign and how many digits it has, and a larger magnitude never has fewer, so the
        largest magnitude of each sign (-0.0 writes its sign), and any infinity, hold the widest. A layout planned
        again after a resize wrote every text it might show, ~4,000 a view: 75 ms a relayout of a GRU's strip."""
        with np.errstate(over="ignore"):
            flat = values.astype(np.float64).ravel()
        finite = np.isfinite(flat)
        negative = np.signbit(flat)
        ends = [flat[finite & negative].min(initial=np.inf), flat[finite & ~negative].max(initial=-np.inf)]
        ends = [value for value in ends if np.isfinite(value)]
        ends += [value for value in (np.inf, -np.inf) if (flat == value).any()]
        return {cell_text(values.dtype.type(value), decimals, digits) for value in ends}

    def widest_text(self, rows: np.ndarray, columns: np.ndarray, digits: int, measure: Measure) -> str:
        """The widest number written on these rows and columns, as written (empty when none is)."""
        grid = self.grid(rows, columns, digits)
        if grid is None:
            return ""
        return widest_number({text for row in grid for text in row} - {"", *ELLIPSIS_MARKS}, measure)


# --- the plan ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Room:
    """What a view has for its cells."""

    width: float  # pixels across the cells' area (at least 1)
    height: float  # pixels down it
    numbers: tuple[int, int]  # the smallest and largest pixel size a number may take (number_range)
    zoom: ViewRange | None = None  # zoomed in: the columns and rows in sight; None: the overview


@dataclass(frozen=True, eq=False)
class Plan:
    """What a view shows: the default is an empty matrix's plan."""

    # the true index of each row on show, top to bottom, and of each column, left to right (ELLIPSIS: the ellipsis)
    rows: np.ndarray = field(default_factory=lambda: np.arange(0))
    columns: np.ndarray = field(default_factory=lambda: np.arange(0))
    readable: bool = False  # numbers are written; False: the whole matrix as an image, values on hover
    digits: int = 3  # the significant digits of the largest magnitude
    px: int = 0  # the numbers' pixel size, as a text's own width at that size fits its cell
    planned_px: int = 0  # the size as planned, from widths measured at REF_PX and scaled
    width: float = 0.0  # the widest number (at REF_PX) the planned cells hold; inf when none is written
    template: str = ""  # the size holds at least this text, so it stays put from step to step
    zoom: ViewRange | None = None  # the view range it was planned for (Room.zoom)
    key: tuple | None = None  # what it was planned for: the same shape in the same room may keep it

    def is_elided(self) -> bool:
        return bool((self.rows == ELLIPSIS).any() or (self.columns == ELLIPSIS).any())

    def span(self) -> tuple[float, float]:
        """How many rows and columns are in sight: all on show, unless zoomed."""
        if self.zoom is None:
            return float(self.rows.size), float(self.columns.size)
        (x0, x1), (y0, y1) = self.zoom
        return y1 - y0, x1 - x0


def plan(numbers: Numbers, room: Room, measure: Measure, previous: Plan | None = None) -> Plan:
    """The rows and columns on show and the numbers' digits and size, for `numbers` in `room`. A `previous` plan
    for the same shape in the same room is kept while the widest number now on show fits it (a plain step); its
    size is fitted to the numbers again."""
    key = (numbers.values.shape, round(room.width), round(room.height), room.numbers, numbers.blocks, room.zoom)
    chosen = widest = None
    if previous is not None and previous.key == key:
        widest = numbers.widest_text(previous.rows, previous.columns, previous.digits, measure)
        if measure(widest, REF_PX) <= previous.width + 0.5:
            chosen = previous
    if chosen is None:
        chosen, widest = choose(numbers, room, measure), None
    px = chosen.planned_px
    if chosen.readable:
        if widest is None:
            widest = numbers.widest_text(chosen.rows, chosen.columns, chosen.digits, measure)
        px = hinted_px(px, widest, chosen.template, room.width / max(chosen.span()[1], 1e-9), room.numbers[0],
                       measure)
    return replace(chosen, px=px, key=key)


def choose(numbers: Numbers, room: Room, measure: Measure) -> Plan:
    """The best of the layouts tried: readable first, then gate blocks kept whole, every entry shown, at least 3
    on each side of an ellipsis, and 3 digits rather than 2; 1 digit only where nothing else is readable."""
    rows, cols = numbers.values.shape
    plans = []
    # in order of preference; a stacked matrix whose gate blocks are too short to keep both ends of each is elided
    # as one matrix, last: some numbers beat none
    tries = [(digits, template, True) for digits, template in ((3, True), (3, False), (2, True), (2, False))]
    if numbers.blocks:
        tries += [(3, True, False), (2, False, False)]
    tries += [(1, False, True)] + ([(1, False, False)] if numbers.blocks else [])
    for digits, template, by_block in tries:
        if digits == 1 and any(readable for (readable, *_), _ in plans):
            break  # 1 digit only where no layout with more writes any number
        shown_r, shown_c, width = shown_for(numbers, digits, template, room, measure, by_block)
        readable, px = readable_at(shown_r, shown_c, width, room)
        whole = shown_r.size == rows and shown_c.size == cols
        k = min([int((shown != ELLIPSIS).sum() // (2 * (shown == ELLIPSIS).sum()))
                 for shown in (shown_r, shown_c) if (shown == ELLIPSIS).any()], default=10**9)
        plans.append(((readable, by_block, whole, min(k, 3), digits),
                      Plan(shown_r, shown_c, readable, digits, px, px, width,
                           NUMBER_TEMPLATES[digits] if template else "", room.zoom)))
        if readable and whole:
            break
    best = max(plans, key=lambda p: p[0])[1]
    if not best.readable:  # no number fits anywhere: the whole matrix as an image, values on hover
        best = replace(best, rows=np.arange(rows), columns=np.arange(cols), width=float("inf"))
    return best


def shown_for(numbers: Numbers, digits: int, template: bool, room: Room, measure: Measure,
              by_block: bool = True) -> tuple[np.ndarray, np.ndarray, float]:
    """The rows and columns to show with numbers of `digits` significant digits at the legible minimum, and the
    widest of those numbers (at REF_PX): at least as wide as NUMBER_TEMPLATES when `template`, so the size stays
    put from step to step, or as wide as the numbers on show are. Zoomed, every row and column is on show."""
    rows, cols = numbers.values.shape
    low, _ = room.numbers
    width = measure(NUMBER_TEMPLATES[digits], REF_PX) if template else measure("0", REF_PX)
    for _ in range(3):  # again, if a number on show is wider than the template
        if room.zoom is not None:
            shown_r, shown_c = np.arange(rows), np.arange(cols)
        else:
            cell_w, cell_h = cell_px_for(low, width)
            fit_r, fit_c = int(room.height // cell_h), int(room.width // cell_w)
            blocks = numbers.blocks if numbers.blocks and by_block else 1
            shown_r, shown_c = shown_indices(rows, fit_r, blocks), shown_indices(cols, fit_c)
            while shown_r.size * shown_c.size > MAX_TEXT_CELLS:  # the longer axis gives way, in one go
                if shown_r.size >= shown_c.size:
                    fewer = shown_indices(rows, min(MAX_TEXT_CELLS // shown_c.size, shown_r.size - 1), blocks)
                    progress, shown_r = fewer.size < shown_r.size, fewer
                else:
                    fewer = shown_indices(cols, min(MAX_TEXT_CELLS // shown_r.size, shown_c.size - 1))
                    progress, shown_c = fewer.size < shown_c.size, fewer
                if not progress:  # room for too few to elide: no numbers, the image alone
                    break
        texts_w = numbers.widest_on_show(shown_r, shown_c, digits, measure)
        if texts_w <= width:
            break
        width = texts_w
    return shown_r, shown_c, max(width, texts_w)


def readable_at(rows: np.ndarray, columns: np.ndarray, width: float, room: Room) -> tuple[bool, int]:
    """Whether numbers `width` wide (at REF_PX) can be read in these rows and columns, and their size."""
    low, high = room.numbers
    if room.zoom is not None:
        (x0, x1), (y0, y1) = room.zoom
        span_r, span_c = y1 - y0, x1 - x0
    else:
        span_r, span_c = float(rows.size), float(columns.size)
    fit = fitting_px(room.width / max(span_c, 1e-9), room.height / max(span_r, 1e-9), width)
    return fit >= low - 0.5, int(min(max(fit, low), high))


def hinted_px(px: int, widest: str, template: str, cell_w: float, low: int, measure: Measure) -> int:
    """Widths scale with the pixel size only roughly (hinting widens small text): measured at `px` itself, the
    widest number on show is set a pixel smaller until it fits its `cell_w`-pixel cell, though never under `low`."""
    if not widest:
        return px
    share, fixed = NUMBER_MARGIN
    room = cell_w * (1 - share) - fixed
    while px > low and max(measure(widest, px), measure(template, px)) > room:
        px -= 1
    return px


def legible_count(numbers: Numbers, room: Room, measure: Measure) -> tuple[float, float]:
    """How many rows and columns of numbers fit the room at the legible minimum (at least one of each)."""
    low, _ = room.numbers
    rows, cols = numbers.values.shape
    width = max(measure(NUMBER_TEMPLATES[3], REF_PX),
                numbers.widest_on_show(np.arange(min(rows, 40)), np.arange(min(cols, 40)), 3, measure))
    cell_w, cell_h = cell_px_for(low, width)
    return max(room.height / cell_h, 1.0), max(room.width / cell_w, 1.0)


def numbered_cells(plan: Plan, numbers: Numbers,
                   last: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The cells on show, (row, column) in the plan's places, that carry a number: those wholly in sight, while
    numbers can be read, never more than MAX_TEXT_CELLS, and none while nothing is computed (the cells were planned
    for numbers of no width, and a row of ⋮ would pile up in them). `last`: the cells of the last step, given back
    as they are when they are the same."""
    if not plan.readable:
        return []
    rows, cols = plan.rows.size, plan.columns.size
    if plan.zoom is not None:
        (x0, x1), (y0, y1) = plan.zoom
        r0, r1 = max(math.ceil(y0 + 0.5 - 1e-6), 0), min(math.floor(y1 + 0.5 + 1e-6), rows)
        c0, c1 = max(math.ceil(x0 + 0.5 - 1e-6), 0), min(math.floor(x1 + 0.5 + 1e-6), cols)
    else:
        r0, r1, c0, c1 = 0, rows, 0, cols
    if (r1 - r0) * (c1 - c0) > MAX_TEXT_CELLS or r1 <= r0 or c1 <= c0:
        return []
    if last and last[0] == (r0, c0) and last[-1] == (r1 - 1, c1 - 1) and len(last) == (r1 - r0) * (c1 - c0):
        cells = last
    else:
        cells = [(r, c) for r in range(r0, r1) for c in range(c0, c1)]
    values = numbers.values
    if not any(plan.rows[r] != ELLIPSIS and plan.columns[c] != ELLIPSIS
               and np.isfinite(values[plan.rows[r], plan.columns[c]]) for r, c in cells):
        return []
    return cells


# --- saturation -------------------------------------------------------------------------------------------------------

def saturated(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    """Cells within SATURATED of an end of the function's range `bounds`, measured against the larger end:
    |h| ≥ 0.99 for tanh's (-1, 1), a gate's σ ≤ 0.01 or ≥ 0.99 for (0, 1)."""
    low, high = bounds
    margin = SATURATED * max(abs(low), abs(high))
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & ((values <= low + margin) | (values >= high - margin))


def marked_saturated(plan: Plan, numbers: Numbers, bounds: tuple[float, float] | None, width: float,
                     height: float) -> np.ndarray:
    """The places on show, (row, column) rows of an array, of the saturated cells (`bounds`: the function's range;
    None, nothing is marked), while a cell is at least MIN_MARK_PX on the `width` × `height` pixels the view's span
    takes, and no more than MAX_MARKS of them."""
    none = np.zeros((0, 2), dtype=np.int64)
    if bounds is None or not plan.rows.size or not plan.columns.size:
        return none
    span_r, span_c = plan.span()
    if min(width / max(span_c, 1e-9), height / max(span_r, 1e-9)) < MIN_MARK_PX:
        return none
    hits = np.argwhere(saturated(numbers.shown(plan.rows, plan.columns), bounds))
    return hits if len(hits) <= MAX_MARKS else none


# --- the axes' indices ------------------------------------------------------------------------------------------------

def index_label(i: int, labels: list[str] | None, along_rows: bool) -> str:
    """How an axis names true row (`along_rows`) or column `i`: its name in `labels`, else its index; the ellipsis
    as ⋮ on the row axis, … on the column axis."""
    if i == ELLIPSIS:
        return ELLIPSIS_MARKS[0] if along_rows else ELLIPSIS_MARKS[1]
    return labels[i] if labels else str(i)


def axis_ticks(shown: np.ndarray, labels: list[str] | None, along_rows: bool, room: float, span: float,
               start: float, size: Callable[[str], float]) -> list[tuple[int, str]]:
    """The labelled places on an axis, (place on show, label): every row's or column's true index (or its name in
    `labels`) while its cell has room for the label, else every 2nd, 5th, … (a nice stride fitted to the labels'
    size), and none past the axis' ends. `along_rows`: the row axis (labels stacked, ⋮ for the ellipsis), else the
    column axis (labels side by side, …). `room` pixels hold `span` rows or columns from `start` (-0.5 unzoomed);
    `size(label)`: a label's extent along the axis in the axis' font."""
    def label(i: int) -> str:
        return index_label(i, labels, along_rows)

    cell = room / max(span, 1e-9)
    indices = shown[shown != ELLIPSIS]
    # The widest label: of a custom list, measured; of numbers, the largest index's (and the ellipsis).
    widest_labels = ([label(int(i)) for i in indices] if labels else
                     [label(int(indices.max()))] if indices.size else [])
    extent = max(map(size, widest_labels + [label(ELLIPSIS)]), default=0.0)
    extent = extent * 1.05 if along_rows else extent + 8
    stride = next((s for s in NICE_STRIDES if s * cell >= extent), NICE_STRIDES[-1])
    if (shown == ELLIPSIS).any() and cell >= extent:
        stride = 1  # an elided axis numbers every row it shows
    candidates = np.arange(shown.size) if stride == 1 else np.flatnonzero((shown != ELLIPSIS) & (shown % stride == 0))

    def inside(d: int, text: str) -> bool:
        """Between the axis' ends: pyqtgraph would draw a label past the view's edge."""
        half = size(text) * (0.4 if along_rows else 0.5)
        return half - 1 <= (d - start) * cell <= room - half + 1

    ticks = [(int(d), text) for d in candidates for text in [label(int(shown[d]))] if inside(d, text)]
    if not ticks:  # never none: the index nearest the middle, when one fits
        middle = int(np.clip(round(start + room / 2 / max(cell, 1e-9)), 0, max(shown.size - 1, 0)))
        for d in sorted(range(max(middle - 3, 0), min(middle + 4, shown.size)), key=lambda d: abs(d - middle)):
            text = label(int(shown[d]))
            if shown[d] != ELLIPSIS and inside(d, text):
                return [(d, text)]
    return ticks
