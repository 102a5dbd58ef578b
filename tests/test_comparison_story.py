"""The comparison tells its story (issue 12 §4): integer timesteps, a marker or a line that says its numbers on
hover, the step on show unit by unit in a table, the dtype's machine epsilon as a reference line with a sentence on
ulps, and a choice of units to follow, shared by every view through the model.

Values are compared with the trace's own numbers computed in the same run, and ulps with a count of the floats
between the two values made here from their bit patterns."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6 import QtCore

from legibility import drawn_ticks
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import InputError, StepperModel
from rnn_stepper.ui import style
from rnn_stepper.ui.cell_notation import parse_units, units_text
from rnn_stepper.ui.plots import peak_decimated
from standalone_panels import panels, release


def session(hidden=2, length=6, dtype="float32", order="textbook", seed=5):
    config = RNNConfig(input_size=3, hidden_size=hidden, dtype=dtype)
    inputs = torch.randn(1, length, 3, generator=torch.Generator().manual_seed(11))
    return make_session(config, inputs, seed=seed, order=order)


@pytest.fixture(autouse=True)
def released():
    yield
    release()


def floats_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many floats of their dtype lie from a to b: bit patterns, negatives mirrored below zero."""
    signed = {4: np.int64, 8: object}[a.dtype.itemsize]
    view = {4: np.int32, 8: np.int64}[a.dtype.itemsize]

    def line(v):
        bits = [int(i) for i in np.ascontiguousarray(v).view(view).ravel()]
        top = 1 << (8 * a.dtype.itemsize - 1)
        return np.array([i if i >= 0 else -(i + top) for i in bits], dtype=signed)

    return np.abs(line(a) - line(b)).astype(np.float64)


# --- integer time -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("x_range", [(-0.5, 5.5), (0.2, 1.3), (2.6, 3.4), (-30.0, 400.0), (-0.5, 10_000.0)])
def test_time_axes_tick_whole_timesteps_only_at_every_zoom(qtbot, x_range):
    comparison, sequence = panels(qtbot, StepperModel(session()))
    for plot in (comparison.values_plot, comparison.diff_plot, sequence.norm_plot):
        plot.getPlotItem().vb.setXRange(*x_range, padding=0)
        axis = plot.getPlotItem().getAxis("bottom")
        labels = [text for _, _, text in drawn_ticks(axis) if text.strip()]
        assert all(float(text.replace("−", "-")).is_integer() for text in labels), labels
        values = [v for _, level in axis.tickValues(*x_range, axis.width()) for v in level]
        assert all(float(v).is_integer() for v in values), values


# --- hover ------------------------------------------------------------------------------------------------------


def test_hovering_a_marker_or_a_line_says_t_the_unit_both_values_and_the_ulps(qtbot):
    model = StepperModel(session())
    comparison, _ = panels(qtbot, model)
    for _ in range(3):
        model.step()
    vb = comparison.values_plot.getPlotItem().vb
    hidden, reference = model.cell.hidden[:, 0].numpy(), model.cell.reference[:, 0].numpy()
    for t in (0, 2):
        for u in (0, 1):
            marker = vb.mapViewToScene(QtCore.QPointF(t, float(hidden[t, u])))
            assert comparison.point_at(marker + QtCore.QPointF(3, 2)) == (t, u)
            comparison.hover_values(marker)
            text = comparison.hover_text
            ulps = floats_between(hidden[t, u:u + 1], reference[t, u:u + 1])[0]
            assert f"t = {t}" in text and f"h[{u}]" in text
            assert style.exact(hidden[t, u]) in text and style.exact(reference[t, u]) in text
            assert f"{ulps:.0f} ulp" in text and "nn.RNN" in text
    # on the line between t = 0 and t = 1, a quarter of the way: its height there, the nearer step's numbers
    y = 0.75 * hidden[0, 1] + 0.25 * hidden[1, 1]
    assert comparison.point_at(vb.mapViewToScene(QtCore.QPointF(0.25, float(y)))) == (0, 1)
    # nothing is drawn over a step not revealed, so nothing is said there
    assert comparison.point_at(vb.mapViewToScene(QtCore.QPointF(4, float(hidden[4, 0])))) is None
    far = vb.mapViewToScene(QtCore.QPointF(1, float(hidden[1, 0]))) + QtCore.QPointF(0, 60)
    assert comparison.point_at(far) is None or comparison.point_at(far)[1] != 0


def test_hovering_the_difference_plot_says_the_step_and_its_farthest_unit(qtbot):
    model = StepperModel(session())
    comparison, _ = panels(qtbot, model)
    model.run_to_end()
    vb = comparison.diff_plot.getPlotItem().vb
    hidden, reference = model.cell.hidden[:, 0].numpy(), model.cell.reference[:, 0].numpy()
    for t in range(model.seq_len):
        comparison.hover_diff(vb.mapViewToScene(QtCore.QPointF(t, vb.viewRange()[1][0])))
        ulps = floats_between(hidden[t], reference[t])
        assert f"t = {t}" in comparison.hover_text and f"h[{int(np.argmax(ulps))}]" in comparison.hover_text


# --- the table --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_table_shows_the_revealed_step_unit_by_unit_in_the_dtypes_exact_digits(qtbot, dtype):
    model = StepperModel(session(hidden=3, dtype=dtype))
    comparison, _ = panels(qtbot, model)
    assert all(comparison.step_table.text(r, 0) == "" for r in range(3))
    model.step()
    model.step()
    model.step_phase()  # in the middle of t = 2: h_2 is not revealed, the table keeps h_1
    table = comparison.step_table
    assert table.rowCount() == 3
    assert [table.headerData(r, QtCore.Qt.Vertical) for r in range(3)] == ["h[0]", "h[1]", "h[2]"]
    assert "h_1" in comparison.table_caption.text() and "h_2" in comparison.table_caption.text()
    hidden, reference = model.cell.hidden[1, 0].numpy(), model.cell.reference[1, 0].numpy()
    assert hidden.dtype == np.dtype(dtype)
    ulps = floats_between(hidden, reference)
    for u in range(3):
        assert table.text(u, 0) == style.exact(hidden[u])
        assert np.asarray(float(table.text(u, 0)), dtype=dtype) == hidden[u]  # the digits give the bits back
        assert table.text(u, 1) == style.exact(reference[u])
        assert float(table.text(u, 2)) == pytest.approx(abs(float(hidden[u]) - float(reference[u])), rel=5e-3)
        assert float(table.text(u, 3)) == ulps[u]
    assert table.headerData(1, QtCore.Qt.Horizontal) == "nn.RNN"


def test_a_table_of_256_units_scrolls(qtbot):
    model = StepperModel(session(hidden=256, length=3))
    comparison, _ = panels(qtbot, model)
    model.step()
    assert comparison.step_table.rowCount() == 256
    assert comparison.table.verticalScrollBar().maximum() > 0
    assert comparison.step_table.text(255, 0) == style.exact(model.cell.hidden[0, 0, 255].numpy())


def test_a_step_writes_the_unit_tables_rows_in_sight_not_all_of_h(qtbot, monkeypatch):
    # issue 30: formatting every unit of h cost a step at H = 1,024 more than drawing it
    from rnn_stepper.ui.comparison_panel import StepTable

    model = StepperModel(session(hidden=1024, length=3))
    comparison, _ = panels(qtbot, model)
    written = []
    original = StepTable.written
    monkeypatch.setattr(StepTable, "written", lambda table, c, v: (written.append(c), original(table, c, v))[1])
    model.step()
    comparison.table.viewport().repaint()
    assert 0 < len(written) < 4 * 100  # the rows in sight and each column's extremes: not 4 × 1,024
    comparison.table.scrollToBottom()
    assert comparison.step_table.text(1023, 0) == style.exact(model.cell.hidden[0, 0, 1023].numpy())


# --- epsilon and the sentence on ulps ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_difference_plot_draws_the_dtypes_machine_epsilon_as_a_labelled_line(qtbot, dtype):
    model = StepperModel(session(dtype=dtype))
    comparison, _ = panels(qtbot, model)
    eps = np.finfo(np.dtype(dtype)).eps
    line = comparison.epsilon_line
    for steps in (0, 3, 6):
        model.move_to(steps * len(model.phases))
        assert 10 ** line.value() == pytest.approx(eps, rel=1e-12)  # the plot's y is log10 of the distance
        low, high = comparison.diff_plot.getPlotItem().vb.viewRange()[1]
        assert low < line.value() < high, "the reference line is on show"
        label = line.label.toPlainText()
        assert dtype in label and f"{eps:.3g}" in label


def test_where_ulps_appear_one_sentence_explains_them_with_the_largest_revealed(qtbot):
    model = StepperModel(session(hidden=4, length=8))  # textbook order: the last bits differ
    comparison, _ = panels(qtbot, model)
    assert not comparison.ulps_note.isVisibleTo(comparison)
    model.run_to_end()
    assert model.max_ulps_so_far() > 0
    text = comparison.ulps_note.text()
    assert comparison.ulps_note.isVisibleTo(comparison)
    assert f"{model.max_ulps_so_far():.0f} ulp" in text and "float32" in text
    assert f"{np.finfo(np.float32).eps:.3g}" in text
    kernel = StepperModel(session(hidden=4, length=8, order="kernel"))  # bit for bit: nothing to explain
    other, _ = panels(qtbot, kernel)
    kernel.run_to_end()
    assert other.ulps_note.text() == "" and "bitwise identical" in other.verdict_text()


def test_a_step_apart_only_by_a_zeros_sign_is_not_called_bitwise_identical(qtbot):
    # relu of all-zero weights: every h_t is 0.0. The hand pass's are made −0.0 here: equal values at 0 ulp, other
    # bits (as the textbook's relu backward can write, tests/test_backward.py).
    config = RNNConfig(input_size=3, hidden_size=2, nonlinearity="relu")
    inputs = torch.ones(1, 3, 3)
    zeros = {name: torch.zeros_like(w) for name, w in make_session(config, inputs).weights.items()}
    model = StepperModel(make_session(config, inputs, weights=zeros))
    comparison, _ = panels(qtbot, model)
    hidden = model.cell.hidden
    assert not hidden.any() and not torch.signbit(hidden).any()
    hidden.neg_()
    model.step()
    assert model.cell.step_abs_diff[0] == 0 and model.cell.step_ulps[0] == 0
    assert comparison.verdict_text() == "equal values, but a zero's sign differs (−0.0 against 0.0)"


# --- units, and which to follow ---------------------------------------------------------------------------------


def test_the_legend_writes_units_with_brackets_and_time_with_subscripts(qtbot):
    model = StepperModel(session(hidden=3))
    comparison, _ = panels(qtbot, model)
    title = comparison.values_plot.getPlotItem().titleLabel.text
    assert all(f"h[{u}]" in title for u in range(3)) and "h_t" in title
    assert "h0 " not in title and "h1 " not in title


def test_the_model_keeps_the_followed_units_and_refuses_a_choice_that_does_not_fit():
    model = StepperModel(session(hidden=12))
    heard = []
    model.events.units.connect(lambda: heard.append(model.followed_units))
    assert model.followed_units == tuple(range(8))
    model.set_followed_units([11, 3, 3, 0])
    assert model.followed_units == (0, 3, 11) and heard == [(0, 3, 11)]
    model.toggle_followed_unit(3)
    model.toggle_followed_unit(5)
    assert model.followed_units == (0, 5, 11)
    for bad in ([], [12], [-1], range(9)):
        with pytest.raises(InputError):
            model.set_followed_units(bad)
    with pytest.raises(InputError):
        model.set_followed_units([0]) or model.toggle_followed_unit(0)  # none left
    assert model.followed_units == (0,)
    model.set_session(session(hidden=4))  # unit 0 still exists; a choice of only missing units falls back
    assert model.followed_units == (0,)
    model.set_followed_units([3])
    model.set_session(session(hidden=2))
    assert model.followed_units == (0, 1)


def test_units_are_typed_as_numbers_and_ranges():
    assert parse_units("0, 3, 10-12") == (0, 3, 10, 11, 12)
    assert parse_units(" 7 ; 2–4 ") == (2, 3, 4, 7)
    assert units_text((0, 1, 2, 3, 7, 9, 10)) == "0-3, 7, 9, 10"
    assert parse_units(units_text((0, 1, 2, 3, 7, 9, 10))) == (0, 1, 2, 3, 7, 9, 10)
    for bad in ("a", "3-1", "1.5", "-2"):
        with pytest.raises(InputError):
            parse_units(bad)


def test_with_more_than_8_units_the_picker_chooses_what_the_comparison_follows(qtbot):
    model = StepperModel(session(hidden=12))
    comparison, sequence = panels(qtbot, model)
    messages = []
    model.events.message.connect(messages.append)
    assert comparison.picker_box.isVisibleTo(comparison) and comparison.picker.text() == "0-7"
    model.step()
    comparison.picker.setText("0, 3, 10-11")
    comparison.pick_units()
    assert model.followed_units == (0, 3, 10, 11)
    assert len(comparison.manual_curves) == len(comparison.reference_curves) == 4
    ts, manual, _, _ = comparison.plotted()
    assert np.array_equal(manual, model.cell.hidden[ts][:, 0][:, [0, 3, 10, 11]].numpy())
    title = comparison.values_plot.getPlotItem().titleLabel.text
    assert "h[10]" in title and "h[1]" not in title
    comparison.picker.setText("0, x")
    comparison.pick_units()
    assert model.followed_units == (0, 3, 10, 11) and messages and "'x'" in messages[-1]
    assert "ffd6d6" in comparison.picker.styleSheet()
    small = StepperModel(session(hidden=3))
    few, _ = panels(qtbot, small)
    assert not few.picker_box.isVisibleTo(few)


def test_clicking_a_unit_number_beside_the_h_heatmap_adds_or_removes_it(qtbot):
    model = StepperModel(session(hidden=12))
    comparison, sequence = panels(qtbot, model, size=(700, 700))
    view = sequence.heatmap
    rows = view.shown_rows()
    unit = max(r for r in rows if r is not None)  # the last unit, 11, not followed yet
    assert unit == 11 and 11 not in model.followed_units
    axis = view.axes["left"]
    d = rows.index(unit)
    y = view.vb.mapViewToScene(QtCore.QPointF(0, d)).y()
    label = QtCore.QPointF(axis.sceneBoundingRect().center().x(), y)
    assert sequence.unit_at(label) == unit
    assert sequence.unit_at(view.vb.mapViewToScene(QtCore.QPointF(0, d))) is None  # a cell is helper 1's click

    def click(scene_pos):
        qtbot.mouseClick(view.viewport(), QtCore.Qt.LeftButton, pos=view.mapFromScene(scene_pos))

    model.set_followed_units(range(7))
    click(label)
    assert model.followed_units == tuple(range(7)) + (11,)
    assert len(comparison.manual_curves) == 8
    # the followed rows are marked in their plot colours beside the labels
    marks = sequence.followed_marks.data
    assert sorted(int(round(p)) for p in marks["y"]) == sorted(rows.index(u) for u in model.followed_units if u in rows)
    click(label)
    assert model.followed_units == tuple(range(7))


def test_a_line_longer_than_its_plot_has_pixels_keeps_each_pixels_lowest_and_highest_point():
    """The comparison's lines are bare PlotCurveItems (a step sets 16 of them), which do not downsample: set_points
    does, keeping the extremes, as PlotDataItem's "peak" mode did."""
    x = np.arange(10_000)
    y = np.sin(x / 40.0)
    y[1234], y[4321], y[999] = 5.0, -7.0, np.nan
    xs, ys = peak_decimated(x, y, pixels=300)
    assert len(xs) <= 2 * 300 + 33 and set(xs.tolist()) <= set(x.tolist())  # two a pixel, and the rest
    assert np.nanmax(ys) == 5.0 and np.nanmin(ys) == -7.0 and not np.isnan(ys).any()  # a NaN point is skipped
    few_x, few_y = x[:500], y[:500]
    drawn_x, drawn_y = peak_decimated(few_x, few_y, pixels=300)
    assert drawn_x is few_x and drawn_y is few_y  # under four points a pixel: all of them, as they are


def test_a_long_walk_draws_its_revealed_steps_extremes_and_no_step_beyond(qtbot):
    config = RNNConfig(input_size=2, hidden_size=3)
    inputs = torch.randn(1, 8_000, 2, generator=torch.Generator().manual_seed(3))
    model = StepperModel(make_session(config, inputs, seed=1))
    comparison, _ = panels(qtbot, model, size=(700, 400))
    model.move_to(6_000 * len(model.phases))
    values = model.cell.hidden[:6_000, 0].numpy()
    assert comparison.values_plot.getPlotItem().vb.width() < 6_000 / 5  # more than five steps a pixel
    for unit, (manual, reference) in enumerate(zip(comparison.manual_curves, comparison.reference_curves)):
        for item in (manual, reference):
            xs, ys = item.getData()
            assert len(xs) < 6_000 / 2 and xs.max() <= 5_999
            assert ys.max() == values[:, unit].max() and ys.min() == values[:, unit].min()


def test_the_hand_passs_markers_are_drawn_as_pyqtgraphs_scatter_plot_draws_them(qtbot):
    """A followed unit's markers are stamped from one symbol (plots.UnitMarkers) rather than kept as a scatter plot's
    records, one per point, that a step rebuilt: on screen, in a PNG export and where a point is not a number, they
    are the scatter plot's pixels, and the plot's auto range fits them as it fits a scatter plot."""
    import pyqtgraph as pg
    import pyqtgraph.exporters

    from rnn_stepper.ui.plots import UnitMarkers

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(420, 240)
    plot.setXRange(-1, 31, padding=0)
    plot.setYRange(-1.2, 1.2, padding=0)
    plot.show()
    qtbot.waitExposed(plot)
    empty = plot.grab().toImage()
    x = np.arange(30, dtype=float)
    y = np.sin(x / 4)
    y[7] = np.nan  # a step whose value is NaN: no marker, as a scatter plot draws none
    pen, brush = pg.mkPen("#000000", width=1), pg.mkBrush("#d95f02")

    def drawn(item) -> tuple:
        plot.getPlotItem().vb.addItem(item)
        item.setData(x=x, y=y)
        qtbot.wait(10)
        screen = plot.grab().toImage()
        exporter = pyqtgraph.exporters.ImageExporter(plot.getPlotItem())
        exporter.parameters()["width"] = 1200  # as File ▸ Export the plot writes it: the symbols drawn at 3×
        exported = exporter.export(toBytes=True)
        plot.getPlotItem().vb.autoRange()  # the plot's "A" button: fitted to the points, a symbol's room around
        fitted = plot.getPlotItem().vb.viewRange()
        plot.setXRange(-1, 31, padding=0)
        plot.setYRange(-1.2, 1.2, padding=0)
        plot.getPlotItem().vb.removeItem(item)
        return screen, exported, fitted

    ours = drawn(UnitMarkers("o", 9, pen, brush))
    theirs = drawn(pg.ScatterPlotItem(symbol="o", size=9, pen=pen, brush=brush))
    assert ours[0] != empty
    assert ours == theirs
    markers = UnitMarkers("o", 9, pen, brush)
    plot.getPlotItem().vb.addItem(markers)
    markers.setData(x=x, y=y)
    assert np.array_equal(markers.getData()[0], x)
    markers.clear()  # Reset: nothing drawn
    qtbot.wait(10)
    assert markers.getData() == (None, None) and plot.grab().toImage() == empty


@pytest.mark.parametrize("symbol, colour", [("o", style.ACTIVE), ("s", style.FUSED)])
def test_a_lines_markers_are_drawn_as_its_own_scatter_plot_drew_them_on_a_log_scale_too(qtbot, symbol, colour):
    """The distances' and ‖h_t‖'s markers are stamped (plots.LineMarkers) on the points their line draws: a line with
    pyqtgraph's own markers and a bare line carrying LineMarkers are the same pixels on screen and in a PNG export,
    in the distances' log plot, with the same auto range; a long sequence's line carries none."""
    import pyqtgraph as pg
    import pyqtgraph.exporters

    from rnn_stepper.ui.plots import LineMarkers, set_points

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(420, 240)
    plot.setLogMode(y=True)
    plot.show()
    qtbot.waitExposed(plot)
    t = np.arange(40)
    distances = 10.0 ** -(7 + np.sin(t / 5))

    def drawn(with_markers) -> tuple:
        line = plot.plot(pen=pg.mkPen(colour, width=2))
        with_markers(line)
        plot.getPlotItem().vb.autoRange()
        qtbot.wait(10)
        exporter = pyqtgraph.exporters.ImageExporter(plot.getPlotItem())
        exporter.parameters()["width"] = 1200
        drawn = plot.grab().toImage(), exporter.export(toBytes=True), plot.getPlotItem().vb.viewRange()
        plot.removeItem(line)
        return drawn

    def pyqtgraphs(line):
        line.setData(t, distances, symbol=symbol, symbolSize=6, symbolBrush=colour)

    def stamped(line):
        markers = LineMarkers(line, symbol, 6, colour)
        set_points(line, t, distances)
        markers.follow(True)
        assert np.array_equal(markers.getData()[1], np.log10(distances))  # where the line draws them: log10 |Δ|

    def long(line):
        markers = LineMarkers(line, symbol, 6, colour)
        set_points(line, t, distances)
        markers.follow(False)
        assert markers.getData() == (None, None)

    bare = drawn(lambda line: set_points(line, t, distances))
    ours, theirs = drawn(stamped), drawn(pyqtgraphs)
    assert ours[0] != bare[0]
    assert ours == theirs
    assert drawn(long) == bare
