"""The heatmaps' layout planner (rnn_stepper/ui/matrix_plan.py), without Qt: which rows and columns a view shows and
where the ellipsis goes, how many digits its numbers have and how large they are written, which indices label its
axes, and the text of each cell (issue 30).

The planner measures text through the view's `measure(text, px)`; here a monospaced font stands in for it, every
character 0.6 of the pixel size wide, so each expectation below is worked out from the rules by hand. This module
imports nothing of Qt, and a fresh interpreter that imports the planner loads none.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from rnn_stepper.ui import matrix_plan
from rnn_stepper.ui.matrix_plan import ELLIPSIS, Numbers, Room, axis_ticks, numbered_cells, plan
from rnn_stepper.ui.number_format import in_view, view_decimals

CHAR = 0.6  # the stand-in font: each character is 0.6 of the pixel size wide


def measure(text: str, px: int) -> float:
    return CHAR * px * len(text)


def number_room(cell_w: float) -> float:
    """The pixels a number may take across a cell `cell_w` wide: the cell less its margins."""
    share, fixed = matrix_plan.NUMBER_MARGIN
    return cell_w * (1 - share) - fixed


def written(values: np.ndarray, digits: int = 3) -> list[list[str]]:
    """Every value as a view writes it: the decimal places that give its largest magnitude `digits` digits."""
    decimals = view_decimals(float(np.nanmax(np.abs(values))), digits)
    return [[in_view(float(v), decimals, digits) for v in row] for row in values]


def texts_on_show(p, numbers: Numbers) -> list[list[str]]:
    return numbers.grid(p.rows, p.columns, p.digits)


def elided_as(n: int, k: int) -> list[int]:
    """The first k and the last k of n indices around the ellipsis."""
    return list(range(k)) + [ELLIPSIS] + list(range(n - k, n))


WEIGHTS = np.array([[0.364, -0.312, -0.137, 0.05, 0.2], [0.424, -0.145, 0.36, -0.01, 0.0]])


# --- which rows and columns show ---------------------------------------------------------------------------------

def test_a_2x5_matrix_in_a_wide_room_shows_every_cell_with_its_number():
    numbers = Numbers(WEIGHTS)
    p = plan(numbers, Room(800, 200, (10, 30)), measure)
    assert p.readable and not p.is_elided() and p.digits == 3
    assert p.rows.tolist() == [0, 1] and p.columns.tolist() == [0, 1, 2, 3, 4]
    assert numbered_cells(p, numbers) == [(r, c) for r in range(2) for c in range(5)]
    assert texts_on_show(p, numbers) == written(WEIGHTS)


def test_a_1024x1024_matrix_elides_the_middle_rows_and_columns_and_keeps_the_first_and_the_last():
    numbers = Numbers(np.random.default_rng(0).uniform(-1, 1, (1024, 1024)))
    room = Room(420, 300, (10, 30))
    p = plan(numbers, room, measure)
    assert p.readable and p.is_elided()
    for shown in (p.rows.tolist(), p.columns.tolist()):
        k = shown.index(ELLIPSIS)
        assert k >= 1 and shown == elided_as(1024, k)
    # every number on show fits its cell, at the legible minimum or more
    assert p.px >= 10
    cell_w, cell_h = room.width / p.columns.size, room.height / p.rows.size
    widest = max((t for row in texts_on_show(p, numbers) for t in row), key=len)
    assert measure(widest, p.px) <= number_room(cell_w) and p.px <= cell_h * matrix_plan.NUMBER_HEIGHT
    # the ellipsis row and column are written as such
    grid = texts_on_show(p, numbers)
    k_r, k_c = p.rows.tolist().index(ELLIPSIS), p.columns.tolist().index(ELLIPSIS)
    assert set(grid[k_r]) - {"⋱"} == {"⋮"} and {row[k_c] for row in grid} - {"⋱"} == {"…"} and grid[k_r][k_c] == "⋱"


def test_as_many_rows_show_around_the_ellipsis_as_fit_at_the_legible_minimum():
    h = np.linspace(-0.9, 0.9, 256)
    p = plan(Numbers(h[:, None]), Room(150, 300, (20, 60)), measure)
    # a row is 20 / 0.7 ≈ 28.6 px at the minimum: 10 fit in 300 px, so 4 at each end and the ellipsis
    assert p.rows.tolist() == elided_as(256, 4) and p.columns.tolist() == [0]


def test_the_number_size_never_drops_below_the_minimum_below_it_the_cells_are_elided_instead():
    h = np.linspace(-0.9, 0.9, 256)[:, None]
    small = plan(Numbers(h), Room(150, 310, (20, 60)), measure)
    large = plan(Numbers(h), Room(150, 310, (30, 60)), measure)  # a step strip's larger minimum
    assert small.px >= 20 and large.px >= 30
    # 30 / 0.7 ≈ 42.9 px a row: 7 fit in 310 px, 3 at each end
    assert large.rows.tolist() == elided_as(256, 3) and large.rows.size < small.rows.size


def test_a_room_too_small_for_any_number_shows_the_whole_matrix_as_an_image_with_no_numbers():
    numbers = Numbers(np.ones((64, 64)))
    p = plan(numbers, Room(20, 20, (20, 60)), measure)
    assert not p.readable and not p.is_elided()
    assert p.rows.tolist() == list(range(64)) and p.columns.tolist() == list(range(64))
    assert numbered_cells(p, numbers) == []


def test_stacked_gate_blocks_each_keep_their_first_and_last_rows():
    gates = (np.arange(3 * 64) / 200)[:, None]
    p = plan(Numbers(gates, blocks=3), Room(160, 420, (10, 30)), measure)
    rows = p.rows.tolist()
    assert rows.count(ELLIPSIS) == 3
    for block in range(3):
        assert block * 64 in rows and block * 64 + 63 in rows
    assert [r for r in rows if r != ELLIPSIS] == sorted(r for r in rows if r != ELLIPSIS)


def test_every_entry_with_two_digits_beats_three_digits_around_an_ellipsis():
    values = -np.array([[0.123, 0.234, 0.345, 0.456, 0.567, 0.678, 0.789, 0.891]])
    # 3 digits ("-0.123", 6 characters) need (6 px · 6 + 4) / 0.9 ≈ 44.4 px a cell at 10 px: 7 of 8 fit 330 px;
    # 2 digits ("-0.12", 5 characters) need ≈ 37.8 px: all 8 fit
    numbers = Numbers(values)
    p = plan(numbers, Room(330, 50, (10, 30)), measure)
    assert p.digits == 2 and not p.is_elided()
    assert texts_on_show(p, numbers) == written(values, digits=2)
    wide = plan(numbers, Room(400, 50, (10, 30)), measure)  # room for every 3-digit entry: 3 digits
    assert wide.digits == 3 and not wide.is_elided()


def test_one_digit_is_the_last_resort_before_a_column_of_colour_with_no_numbers():
    # A GRU(300)'s s_0 = b_hh in a step strip's column on a projector: largest 0.058, so 2 digits write "-0.018".
    values = np.array([-0.0175, 0.0267, 0.058, -0.0412])[:, None]
    # "-0.018" (6 characters) needs (6 · 20 · 0.6 + 4) / 0.9 ≈ 84.4 px at 20 px; "-0.02" (5) ≈ 71.1 px
    numbers = Numbers(values)
    narrow = plan(numbers, Room(75, 200, (20, 60)), measure)
    assert narrow.readable and narrow.digits == 1 and not narrow.is_elided()
    assert texts_on_show(narrow, numbers) == written(values, digits=1) == [["-0.02"], ["0.03"], ["0.06"], ["-0.04"]]
    wider = plan(numbers, Room(90, 200, (20, 60)), measure)  # room for 2 digits: never 1
    assert wider.readable and wider.digits == 2
    # 1 digit around an ellipsis never beats 2 digits around one
    long = np.concatenate([values] * 64)
    assert plan(Numbers(long), Room(90, 200, (20, 60)), measure).digits == 2


def test_never_more_numbers_than_max_text_cells_however_large_the_room():
    numbers = Numbers(np.random.default_rng(1).uniform(-1, 1, (1024, 1024)))
    p = plan(numbers, Room(4000, 4000, (10, 30)), measure)
    assert p.readable and p.is_elided()
    assert p.rows.size * p.columns.size <= matrix_plan.MAX_TEXT_CELLS
    assert len(numbered_cells(p, numbers)) <= matrix_plan.MAX_TEXT_CELLS


def test_nothing_is_numbered_while_nothing_is_computed():
    blank = Numbers(np.full((2, 5), np.nan))
    p = plan(blank, Room(800, 200, (10, 30)), measure)
    assert numbered_cells(p, blank) == []
    assert texts_on_show(p, blank) == [[""] * 5] * 2


# --- how large the numbers are --------------------------------------------------------------------------------------

def test_numbers_grow_with_the_cell_to_the_largest_size_and_no_further():
    numbers = Numbers(WEIGHTS)
    roomy = plan(numbers, Room(800, 200, (10, 30)), measure)
    assert roomy.px == 30  # the cells hold far more than 30 px: the largest size
    snug = plan(numbers, Room(300, 100, (10, 30)), measure)
    # 60-px cells: the size at which the template "-0.000" just fits across one
    room = number_room(300 / 5)
    assert measure("-0.000", snug.px) <= room < measure("-0.000", snug.px + 1)
    assert 10 <= snug.px < roomy.px


def test_a_short_room_sizes_the_numbers_by_the_cells_height():
    numbers = Numbers(WEIGHTS)
    p = plan(numbers, Room(2000, 40, (10, 30)), measure)
    assert p.px == int(40 / 2 * matrix_plan.NUMBER_HEIGHT)  # 20-px rows: 14-px numbers, however wide the cells


def test_a_font_that_widens_small_text_is_set_a_pixel_smaller_until_the_widest_number_fits():
    def hinted(text: str, px: int) -> float:  # widths scale with the size only roughly: +1 px a character at 13 px
        return measure(text, px) + (len(text) if px == 13 else 0)

    numbers = Numbers(WEIGHTS)
    p = plan(numbers, Room(300, 100, (10, 30)), hinted)
    room = number_room(300 / 5)
    assert p.planned_px == 13 and p.px == 12  # planned from widths at REF_PX; 13 px is too wide as drawn
    assert hinted("-0.000", p.px) <= room < hinted("-0.000", p.planned_px)


def test_a_plain_step_keeps_the_plan_while_its_numbers_fit_and_plans_anew_when_one_no_longer_does():
    room = Room(330, 50, (10, 30))
    first = plan(Numbers(-np.full((1, 8), 0.123)), room, measure)
    step = plan(Numbers(np.full((1, 8), 0.5)), room, measure, previous=first)
    assert step.digits == first.digits and step.rows.tolist() == first.rows.tolist()
    assert step.columns.tolist() == first.columns.tolist() and step.planned_px == first.planned_px
    grown = Numbers(-np.full((1, 8), 123456.0))  # "-123456": wider than the plan's template
    replanned = plan(grown, room, measure, previous=first)
    cell_w = room.width / replanned.columns.size
    assert replanned.width >= measure("-123456", matrix_plan.REF_PX)
    assert not replanned.readable or measure("-123456", replanned.px) <= number_room(cell_w)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_the_widest_number_on_show_is_the_widest_of_every_text_written_there(dtype):
    # Measured from each sign's largest magnitude where every digit is as wide (this font, the interface's): held
    # against writing and measuring every text, on values that round up a digit, negative zeros, NaN and Inf.
    rng = np.random.default_rng(5)
    edges = [9.9995, -9.9995, 99.95, -0.0, 0.0, -0.0004, 0.0004, np.nan, np.inf, -np.inf, 999.5, -1.0]
    for trial in range(200):
        scale = 10.0 ** rng.integers(-2, 4)
        values = (rng.standard_normal((rng.integers(1, 30), rng.integers(1, 4))) * scale).astype(dtype)
        picks = rng.integers(0, len(edges), size=rng.integers(0, 4))
        with np.errstate(over="ignore"):  # 999.5 × 1,000 is past float16's range: an Inf
            for pick in picks:
                values.flat[rng.integers(values.size)] = edges[pick] * (1 if trial % 2 else scale)
        numbers = Numbers(values)
        rows, columns = np.arange(values.shape[0]), np.arange(values.shape[1])
        for digits in (2, 3):
            decimals = view_decimals(numbers.largest, digits)
            texts = {matrix_plan.cell_text(v, decimals, digits) for v in values.ravel()} - {""}
            every = max((measure(text, matrix_plan.REF_PX) for text in texts), default=0.0)
            assert numbers.widest_on_show(rows, columns, digits, measure) == every, (values.ravel(), digits)


def test_a_zoomed_view_shows_every_row_and_numbers_those_wholly_in_sight():
    h = np.linspace(-1, 1, 256)[:, None]
    numbers = Numbers(h)
    # rows 10 to 19 in sight, and half of row 9 and of row 20
    p = plan(numbers, Room(100, 300, (10, 30), zoom=((-0.5, 0.5), (9.0, 20.0))), measure)
    assert p.rows.tolist() == list(range(256)) and not p.is_elided()
    assert numbered_cells(p, numbers) == [(r, 0) for r in range(10, 20)]


def test_the_number_range_runs_from_085_to_3_times_the_font_and_never_under_a_legible_minimum():
    assert matrix_plan.number_range(20) == (17, 60)
    assert matrix_plan.number_range(20, legible_px=20) == (20, 60)
    assert matrix_plan.number_range(20, legible_px=20, minimum_px=28) == (28, 60)
    assert matrix_plan.number_range(5, minimum_px=28) == (28, 28)  # the largest is never under the smallest


# --- where true indices show ----------------------------------------------------------------------------------------

def test_an_elided_index_shows_at_the_ellipsis_and_the_ellipsis_maps_into_the_middle_of_what_it_hides():
    shown = np.array(elided_as(256, 3))
    assert matrix_plan.display_index(shown, 0) == 0 and matrix_plan.display_index(shown, 254) == 5
    assert matrix_plan.display_index(shown, 100) == 3  # elided: the ellipsis
    assert matrix_plan.true_position(shown, 5.0) == 254.0 and matrix_plan.true_position(shown, 1.25) == 1.25
    assert matrix_plan.true_position(shown, 3.0) == (2 + 253) / 2


def test_the_largest_magnitude_sets_the_decimals_skips_what_is_not_computed_and_says_nothing_of_it():
    assert Numbers(np.array([[np.nan], [-3.5], [2.0]], dtype=np.float32)).largest == 3.5
    assert Numbers(np.array([[np.inf, 0.25, -np.inf]])).largest == 0.25  # the finite ones
    assert Numbers(np.zeros((0, 0), dtype=np.float32)).largest == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing computed yet is no warning to the user's console
        assert Numbers(np.full((4, 1), np.nan, dtype=np.float32)).largest == 0.0


def test_the_values_on_show_are_those_of_the_layout_asked_for_with_nan_in_the_ellipsis():
    values = np.arange(12, dtype=np.float32).reshape(6, 2)
    numbers = Numbers(values)
    assert numbers.shown(np.arange(6), np.arange(2)) is values  # all on show: no copy
    elided = numbers.shown(np.array([0, ELLIPSIS, 5]), np.arange(2))
    assert elided[[0, 2]].tolist() == [[0, 1], [10, 11]] and np.isnan(elided[1]).all()
    assert numbers.shown(np.array([1, 2]), np.array([1])).tolist() == [[3], [5]]  # another layout: its own values


# --- saturation ---------------------------------------------------------------------------------------------------

def test_a_state_within_one_percent_of_tanhs_ends_is_marked_saturated_and_a_gate_near_0_or_1_too():
    h = np.array([[0.995, 0.5], [-0.992, 0.98], [0.2, 0.99]])
    assert matrix_plan.saturated(h, (-1, 1)).tolist() == [[True, False], [True, False], [False, True]]
    gates = np.array([0.004, 0.5, 0.996, np.nan])
    assert matrix_plan.saturated(gates, (0, 1)).tolist() == [True, False, True, False]  # NaN: not computed yet


def test_saturated_cells_are_marked_in_their_places_on_show_and_the_ellipsis_carries_none():
    h = np.linspace(-0.5, 0.5, 256)
    h[0], h[255], h[100] = -0.999, 0.999, 0.999  # h[100] is elided
    numbers = Numbers(h[:, None])
    p = plan(numbers, Room(150, 300, (20, 60)), measure)
    assert p.rows.tolist() == elided_as(256, 4)
    marks = matrix_plan.marked_saturated(p, numbers, (-1, 1), 150, 300)
    assert marks.tolist() == [[0, 0], [8, 0]]  # true rows 0 and 255
    assert matrix_plan.marked_saturated(p, numbers, None, 150, 300).tolist() == []  # no range: no marks


def test_cells_too_small_on_screen_carry_no_saturation_mark():
    numbers = Numbers(np.full((64, 64), 0.999))
    p = plan(numbers, Room(60, 60, (20, 60)), measure)  # too small for any number: every cell, under 1 px each
    assert not p.readable and p.rows.size == p.columns.size == 64
    assert matrix_plan.marked_saturated(p, numbers, (-1, 1), 60, 60).tolist() == []
    assert len(matrix_plan.marked_saturated(p, numbers, (-1, 1), 64 * 6, 64 * 6)) == 64 * 64


# --- the axes' labels ---------------------------------------------------------------------------------------------

def label_width(text: str) -> float:
    return 6.0 * len(text)


def test_every_index_is_labelled_while_its_cell_has_room():
    ticks = axis_ticks(np.arange(5), None, False, room=500, span=5, start=-0.5, size=label_width)
    assert ticks == [(d, str(d)) for d in range(5)]


def test_a_long_axis_labels_a_nice_stride_and_nothing_past_its_ends():
    # 256 columns in 256 px: "255" takes 18 px + 8 of gap, so every 50th index (the first nice stride ≥ 26 cells);
    # a label is centred on its column and must keep half of itself inside the axis
    ticks = axis_ticks(np.arange(256), None, False, room=256, span=256, start=-0.5, size=label_width)
    assert ticks == [(d, str(d)) for d in range(0, 256, 50)
                     if label_width(str(d)) / 2 - 1 <= d + 0.5 <= 256 - label_width(str(d)) / 2 + 1]
    assert ticks and all(d % 50 == 0 for d, _ in ticks)


def test_an_elided_axis_numbers_every_row_it_shows_and_marks_the_ellipsis():
    shown = np.array(elided_as(256, 3))
    ticks = axis_ticks(shown, None, True, room=7 * 30, span=7, start=-0.5, size=lambda text: 14.0)
    assert [label for _, label in ticks] == ["0", "1", "2", "⋮", "253", "254", "255"]


def test_rows_named_by_gate_block_are_labelled_by_name():
    labels = [f"{gate}{j}" for gate in "rzn" for j in range(2)]
    ticks = axis_ticks(np.arange(6), labels, True, room=6 * 30, span=6, start=-0.5, size=lambda text: 14.0)
    assert [label for _, label in ticks] == labels


def test_an_axis_too_short_for_any_stride_still_names_its_middle_index():
    # 100 columns in 40 px: the stride of 100 leaves only index 0, whose label would stick out past the edge
    ticks = axis_ticks(np.arange(100), None, False, room=40, span=100, start=-0.5, size=lambda text: 20.0)
    assert ticks == [(50, "50")]


# --- no Qt -----------------------------------------------------------------------------------------------------------

QT = ("PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6")


def test_the_planner_loads_no_qt():
    code = ("import sys, rnn_stepper.ui.matrix_plan; "
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT!r}); "
            "sys.stderr.write(repr(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow  # a pytest run inside the test
def test_these_tests_run_without_qt():
    """tests/conftest.py gives a QApplication to gui tests only: this module, which imports nothing of Qt, runs
    with pytest-qt switched off and loads no Qt module at all."""
    probe = ("import sys, pytest\n"
             "class Probe:\n"
             "    def pytest_sessionfinish(self, session):\n"
             f"        self.qt = sorted(m for m in sys.modules if m.split('.')[0] in {QT!r})\n"
             "probe = Probe()\n"
             "status = pytest.main(['-q', '-p', 'no:cacheprovider', '-p', 'no:pytest-qt',\n"
             "                      '-W', 'ignore::pytest.PytestConfigWarning', '-k', 'not without_qt',\n"
             f"                      {__file__!r}], plugins=[probe])\n"
             "sys.stderr.write(repr(probe.qt)); sys.exit(status or (1 if probe.qt else 0))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
