"""An honest reveal (issue 12 §3): nothing after the cursor is drawn, in any plot or heatmap, at any zoom.

The panels draw only what is revealed, so the test reads what pyqtgraph holds to draw: every curve's and scatter's
points, and every heatmap's cells, their colours and their numbers. A zoom changes what part of these is on screen,
never what they hold, so holding nothing beyond the cursor is the proof for every zoom."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
import torch

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.plots import UnitMarkers
from standalone_panels import panels, release

SESSIONS = {
    "notebook": dict(config=RNNConfig()),
    "T = 50, 3 units": dict(config=RNNConfig(input_size=2, hidden_size=3), length=50),
    "reverse cell, 2 layers": dict(config=RNNConfig(input_size=3, hidden_size=4, num_layers=2, bidirectional=True),
                                   length=7, cell=(1, 1)),
    "LSTM, textbook order": dict(config=RNNConfig(cell="lstm", input_size=3, hidden_size=3), length=6,
                                 order="textbook"),
    "12 units, float64": dict(config=RNNConfig(input_size=2, hidden_size=12, dtype="float64"), length=9),
}


@pytest.fixture(autouse=True)
def released():
    yield
    release()


def make_model(config, length=None, cell=(0, 0), order="kernel") -> StepperModel:
    inputs = None
    if length is not None:
        inputs = torch.randn(1, length, config.input_size, generator=torch.Generator().manual_seed(3))
    model = StepperModel(make_session(config, inputs, seed=5, order=order))
    model.show_cell(*cell)
    return model


def drawn_steps(item) -> set[int]:
    """Every t a plot item holds to draw: a bare line's or markers' points; a PlotDataItem's line and markers, its
    own and the stamped ones it carries (LineMarkers)."""
    parts = [item, item.curve, item.scatter] if isinstance(item, pg.PlotDataItem) else [item]
    parts += [child for child in item.childItems() if isinstance(child, UnitMarkers)]
    xs = []
    for data in (part.getData()[0] for part in parts):
        if data is not None:
            xs.extend(np.asarray(data).tolist())
    assert all(float(x).is_integer() for x in xs)
    return {int(x) for x in xs}


def drawn_columns(view) -> set[int]:
    """The true timesteps of a heatmap whose cells are drawn with a colour (alpha > 0) or carry a number."""
    image = view.image.image  # RGBA as drawn, one pixel per cell on show
    assert image.ndim == 3 and image.shape[2] == 4, "a small heatmap is drawn through style.cell_colours"
    columns = view.shown_columns()
    coloured = {columns[d] for d in range(image.shape[1]) if (image[:, d, 3] > 0).any()}
    # each number written, with the (row, column) on show it is written on; an ellipsis is no number
    numbered = {columns[d] for (_, d), text, _box in view.number_boxes() if text not in ("", "…", "⋮")}
    assert None not in coloured | numbered, "an ellipsis column carries no value"
    return coloured | numbered


def check(model, comparison, sequence) -> None:
    revealed = set(model.completed)
    for item in comparison.manual_curves + comparison.reference_curves + [sequence.norm_curve]:
        assert drawn_steps(item) <= revealed
    for item in (comparison.diff_curve, comparison.fused_curve):
        assert drawn_steps(item) <= revealed
    for state, view in sequence.heatmaps.items():
        assert drawn_columns(view) <= revealed, state
        values = view.values()
        hidden = [t for t in range(model.seq_len) if t not in revealed]
        assert np.isnan(values[:, hidden]).all(), state  # what a hover would say: "not yet computed"
    # what is revealed is drawn: the plots are not simply empty
    ts = comparison.plotted()[0]
    assert set(ts.tolist()) == revealed
    for item in comparison.manual_curves:
        assert drawn_steps(item) == revealed


@pytest.mark.parametrize("predict", [False, True], ids=["normal", "predict"])
@pytest.mark.parametrize("name", list(SESSIONS))
def test_no_plotted_point_line_or_cell_shows_a_step_beyond_the_cursor(qtbot, name, predict):
    model = make_model(**SESSIONS[name])
    model.predict_first = predict
    comparison, sequence = panels(qtbot, model, size=(700, 400))
    check(model, comparison, sequence)
    while not model.at_end:  # phase by phase: in the middle of a step its h_t is not revealed yet
        model.step_phase()
        check(model, comparison, sequence)
    if predict:  # and by the click of predict mode, which stops just before h_t
        model.reset()
        while not model.at_end:
            model.step()
            check(model, comparison, sequence)
    assert len(model.completed) == model.seq_len


def test_a_reverse_walk_reveals_t_from_the_end(qtbot):
    model = make_model(**SESSIONS["reverse cell, 2 layers"])
    _, sequence = panels(qtbot, model)
    T = model.seq_len
    model.step()
    assert set(model.completed) == {T - 1}
    assert drawn_columns(sequence.heatmap) == {T - 1} and drawn_steps(sequence.norm_curve) == {T - 1}


def test_zooming_out_shows_no_more_than_was_revealed(qtbot):
    """The old curtain was a rectangle: a wide enough zoom, or a value beyond its height, uncovered what it hid."""
    model = make_model(**SESSIONS["T = 50, 3 units"])
    comparison, _ = panels(qtbot, model)
    for _ in range(10):
        model.step()
    for plot in (comparison.values_plot, comparison.diff_plot):
        plot.getPlotItem().vb.setRange(xRange=(-1e3, 1e3), yRange=(-1e9, 1e9), padding=0)
    for item in comparison.manual_curves + comparison.reference_curves:
        assert max(drawn_steps(item)) == 9


def test_a_heatmaps_colour_scale_is_fitted_to_the_revealed_steps_only(qtbot):
    """A scale fitted to the whole sequence would say, through its colour bar, how large the next states get."""
    model = make_model(**SESSIONS["T = 50, 3 units"])
    _, sequence = panels(qtbot, model)
    values = model.cell.hidden[:, model.batch].numpy()
    for _ in range(3):
        model.step()
        revealed = np.abs(values[model.completed]).max()
        assert sequence.heatmap.levels == (-revealed, revealed)
    assert np.abs(values).max() > revealed  # the sequence goes further: the scale did not know


def test_the_norm_curve_is_gone_from_the_screen_after_run_to_end_and_reset(qtbot):
    # issue 26: its points were cleared, but the curve, drawn from a pixmap cache, stayed on screen
    from PySide6 import QtGui, QtWidgets

    from rnn_stepper.ui import style
    from rnn_stepper.ui.main_window import MainWindow

    model = StepperModel()
    window = MainWindow(model)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    plot = window.sequence.norm_plot

    def curve_pixels() -> int:
        QtWidgets.QApplication.processEvents()
        image = plot.grab().toImage().convertToFormat(QtGui.QImage.Format_RGB32)
        pen = QtGui.QColor(style.MANUAL)
        return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
                   if QtGui.QColor(image.pixel(x, y)) == pen)

    model.run_to_end()
    assert curve_pixels() > 0
    model.reset()
    assert window.sequence.norm_curve.getData() == (None, None) and curve_pixels() == 0
