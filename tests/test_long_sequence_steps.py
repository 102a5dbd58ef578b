"""A step through a long sequence costs what the step changes (issue 30 §3): the sequence panel writes the
columns it reveals or hides into its heatmaps, rather than a NaN-masked copy of every state of the sequence, and a
heatmap finds its largest number without a copy of its values; a step near the end does no more Python work than
one near the start.

Memory and counts are the measures, not time: tracemalloc sees every numpy allocation, and a T × H copy cannot hide
in it; a profile hook counts every Python and C call, and a loop over the revealed timesteps cannot hide in that."""

from __future__ import annotations

import statistics
import sys
import tracemalloc

import numpy as np
import pytest
import torch
from PySide6 import QtGui

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.matrix_plan import Numbers
from rnn_stepper.ui.plots import MAX_MARKERS
from standalone_panels import panels, release


@pytest.fixture(autouse=True)
def released():
    yield
    release()


def long_model(cell: str = "rnn", T: int = 3000, H: int = 48, **config) -> StepperModel:
    inputs = torch.randn(1, T, 3, generator=torch.Generator().manual_seed(7))
    return StepperModel(make_session(RNNConfig(cell=cell, input_size=3, hidden_size=H, **config), inputs, seed=2))


def peak_bytes(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def calls(qtbot, action) -> int:
    """How many Python and C functions `action` and the repaint it asks for call."""
    count = 0

    def counted(frame, event, arg):
        nonlocal count
        count += event in ("call", "c_call")
    sys.setprofile(counted)
    try:
        action()
        qtbot.wait(1)  # the repaint
    finally:
        sys.setprofile(None)
    return count


def heatmap_shows_the_revealed_steps(model, sequence) -> None:
    revealed = np.zeros(model.seq_len, dtype=bool)
    revealed[model.stepped] = True
    for state, view in sequence.heatmaps.items():
        values = view.values()  # units × t, as a hover reads it
        expected = model.cell.phases[state][:, model.batch].numpy().T
        assert np.array_equal(values[:, revealed], expected[:, revealed]), state
        assert np.isnan(values[:, ~revealed]).all(), state


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_step_through_a_long_sequence_makes_no_copy_of_the_whole_sequence(qtbot, cell):
    model = long_model(cell)
    _, sequence = panels(qtbot, model, size=(700, 400))
    for _ in range(20):
        model.step()
    whole = model.seq_len * model.session.config.hidden_size * 4  # one float32 T × H copy: 576 KB
    assert peak_bytes(model.step) < whole / 4
    heatmap_shows_the_revealed_steps(model, sequence)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_step_near_the_end_of_a_long_sequence_calls_no_more_than_one_near_its_start(qtbot, cell):
    # Near t = 2,500 the comparison asked whether each revealed timestep had ended (a packed batch's question) and
    # mapped each distance to pixels one by one: 9 times the calls of a step near the start, 20 ms a step.
    model = long_model(cell)
    panels(qtbot, model, size=(700, 400))
    for _ in range(30):
        model.step()
    early = statistics.median(calls(qtbot, model.step) for _ in range(5))
    model.move_to(2500 * len(model.phases))
    late = statistics.median(calls(qtbot, model.step) for _ in range(5))
    assert late < 1.2 * early


def test_the_norm_curve_of_a_long_sequence_is_a_bare_line_as_the_comparisons_are(qtbot):
    # Antialiasing ‖h_t‖'s 2-px stroke of a thousand segments cost 12 ms a step, most of the step, near the end of
    # T = 1,000; the comparison's curves past MAX_MARKERS steps were bare lines already.
    for T, smooth in [(MAX_MARKERS, True), (MAX_MARKERS + 1, False)]:
        model = long_model(T=T, H=4)
        comparison, sequence = panels(qtbot, model, size=(700, 400))
        model.run_to_end()
        assert sequence.norm_curve.curve.opts["antialias"] is smooth
        assert all(curve.opts["antialias"] is smooth for curve in comparison.reference_curves)


def pixels(plot) -> np.ndarray:
    image = plot.grab().toImage().convertToFormat(QtGui.QImage.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 4].reshape(image.height(), image.width(), 4).astype(int)


def test_a_line_with_a_marker_on_every_point_is_drawn_as_segments_and_looks_as_one_path_would(qtbot):
    # Qt fills a 2-px antialiased polyline's outline as one polygon: the comparison's eight zigzags of 200 points
    # cost 18.7 ms of each step near t = 200, their segments a third of it. Antialiased segments overlap where they
    # meet, and the marker on every point covers the joint; where a steep zigzag's segments overlap each other their
    # soft edges blend twice: a few pixels in a thousand, none by more than a quarter of its range.
    model = long_model(T=MAX_MARKERS, H=8)
    comparison, sequence = panels(qtbot, model, size=(900, 500))
    model.run_to_end()
    for plot, curves in [(comparison.values_plot, comparison.reference_curves),
                         (sequence.norm_plot, [sequence.norm_curve.curve])]:
        assert all(curve.opts["segmentedLineMode"] == "on" for curve in curves)
        as_segments = pixels(plot)
        for curve in curves:
            curve.setSegmentedLineMode("off")
        as_one_path = pixels(plot)
        assert (as_segments != as_one_path).any(axis=2).mean() < 0.005
        assert np.abs(as_segments - as_one_path).max() <= 64
    assert comparison.diff_curve.curve.opts["segmentedLineMode"] == "on"
    # Past MAX_MARKERS steps there are no markers, and the lines are 1 px: one path each, as pyqtgraph draws them
    model = long_model(T=MAX_MARKERS + 1, H=8)
    comparison, sequence = panels(qtbot, model, size=(900, 500))
    curves = [*comparison.reference_curves, sequence.norm_curve.curve, comparison.diff_curve.curve]
    assert all(curve.opts["segmentedLineMode"] == "auto" for curve in curves)


def test_jumps_back_and_forth_write_exactly_the_columns_they_reveal_or_hide(qtbot):
    model = long_model("gru", T=40, H=5, num_layers=2, bidirectional=True)
    _, sequence = panels(qtbot, model, size=(700, 400))
    moves = [model.step, model.step, model.back, model.run_to_end, model.reset, model.step,
             lambda: model.show_cell(1, 1), model.step, model.step, lambda: model.show_cell(0, 0), model.run_to_end]
    for move in moves:
        move()
        heatmap_shows_the_revealed_steps(model, sequence)


def test_a_heatmaps_largest_number_is_found_without_copying_its_values():
    values = np.random.default_rng(0).standard_normal((64, 4000)).astype(np.float32)
    values[:, 2000:] = np.nan  # the steps not revealed yet
    numbers = Numbers(values)
    assert peak_bytes(lambda: numbers.largest) < values.nbytes / 4
    assert numbers.largest == float(np.abs(values[:, :2000]).max())


@pytest.mark.parametrize("values, largest", [
    ([[np.nan, np.nan]], 0.0),
    ([[np.inf, -2.5, np.nan]], 2.5),
    ([[-np.inf, np.inf]], 0.0),
    ([[-7.0, 3.0]], 7.0),
    ([[0.0, -0.0]], 0.0),
], ids=["not computed yet", "an Inf beside numbers", "only Infs", "negative largest", "zeros"])
def test_a_heatmaps_largest_number_is_its_largest_finite_magnitude(values, largest):
    assert Numbers(np.array(values, dtype=np.float32)).largest == largest
