"""A step through a long sequence costs what the step changes (issue 30 §3): the sequence panel writes the
columns it reveals or hides into its heatmaps, rather than a NaN-masked copy of every state of the sequence, and a
heatmap finds its largest number without a copy of its values.

Memory is the measure, not time: tracemalloc sees every numpy allocation, and a T × H copy cannot hide in it."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import torch

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.matrix_plan import Numbers
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
