"""Issue 12 §2, the unrolled network: a box per layer, direction and timestep; the cell on show lit, the cells
already computed (PyTorch's order: layer by layer, forward before reverse) filled in; a click on a box goes there.
Readable at 50+ timesteps, in the window's full and focus layouts."""

import numpy as np
import pytest
from PySide6 import QtCore

import legibility
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.unrolled import UnrolledView


def model_of(T=4, **options):
    config = RNNConfig(input_size=3, hidden_size=2, num_layers=2, bidirectional=True, **options)
    return StepperModel(make_session(config, np.linspace(-1, 1, T * 3).reshape(T, 3), seed=0))


@pytest.fixture
def view(qtbot):
    def make(model):
        widget = UnrolledView(model)
        qtbot.addWidget(widget)
        widget.resize(900, widget.height())
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    return make


def click(qtbot, widget, layer, direction, t):
    point = widget.mapFromScene(widget.box_scene_pos(layer, direction, t))
    qtbot.mouseClick(widget.viewport(), QtCore.Qt.LeftButton, pos=point)


def test_rows_are_the_layers_and_directions_from_the_top_layer_down(view):
    widget = view(model_of())
    assert widget.cells() == [(1, 0), (1, 1), (0, 0), (0, 1)]
    ticks = widget.left_axis._tickLevels[0]
    assert [label for _, label in ticks] == ["L1 →", "L1 ←", "L0 →", "L0 ←"]


def test_the_cell_on_show_is_lit_and_the_cells_computed_so_far_are_filled_in(view):
    model = model_of()
    widget = view(model)
    assert widget.lit() is None
    model.show_cell(1, 1)
    model.step()
    assert widget.lit() == (1, 1, 3)  # the reverse cell starts at t = T-1
    # layer 0 is done in both directions, layer 1's forward cell too, the reverse cell has done t = 3
    assert [model.computed(*cell) for cell in widget.cells()] == [(0, 4), (3, 4), (0, 4), (0, 4)]
    model.show_cell(0, 0)
    assert widget.lit() == (0, 0, 0)
    assert [model.computed(*cell) for cell in widget.cells()] == [(0, 0), (4, 4), (0, 1), (4, 4)]
    filled = widget.layers["computed"].path().boundingRect()
    row = widget.cells().index((0, 0))
    assert filled.left() > -0.5 and filled.right() < 1 and row - 0.5 < filled.center().y() < row + 0.5
    lit = widget.layers["lit"].path().boundingRect()
    assert abs(lit.center().x() - 0) < 1e-9 and abs(lit.center().y() - row) < 1e-9


@pytest.mark.parametrize("layer, direction, t", [(1, 1, 1), (0, 1, 0), (1, 0, 3), (0, 0, 2)])
def test_a_click_on_a_box_shows_that_cell_at_that_timestep_with_its_step_done(qtbot, view, layer, direction, t):
    model = model_of()
    widget = view(model)
    click(qtbot, widget, layer, direction, t)
    assert (model.layer, model.direction, model.t, model.phase) == (layer, direction, t, "hidden")
    assert widget.lit() == (layer, direction, t)


def test_a_click_between_the_rows_or_past_the_end_goes_nowhere(qtbot, view):
    model = model_of()
    widget = view(model)
    vb = widget.getPlotItem().vb
    assert widget.box_at(vb.mapViewToScene(QtCore.QPointF(2, 0.5 + 1e-3))) is not None  # rows touch: the next one
    assert widget.box_at(vb.mapViewToScene(QtCore.QPointF(9, 1))) is None
    assert widget.box_at(QtCore.QPointF(-50, -50)) is None


def test_the_reverse_rows_arrows_point_right_to_left(view):
    widget = view(model_of(T=2))
    path = widget.arrow_path(2, widget.cells())
    # each row has one arrow; its head is the polygon's first point, at the box it points to
    heads = [path.elementAt(i) for i in range(path.elementCount())]
    xs = sorted({round(e.x, 3) for e in heads})
    assert xs[0] > 0 - 0.5 and xs[-1] < 1 + 0.5
    rows = {row: [round(e.x, 3) for e in heads if abs(e.y - row) < 1e-9] for row in range(4)}
    forward_tip, reverse_tip = max(rows[0]), min(rows[1])
    assert forward_tip > 0.5 and reverse_tip < 0.5  # → ends near box 1, ← ends near box 0


@pytest.mark.parametrize("T", [50, 300])
def test_a_long_sequence_fits_the_width_boxes_or_bars(qtbot, view, T):
    model = model_of(T=T)
    widget = view(model)
    model.run_to_end()
    vb = widget.getPlotItem().vb
    shown = vb.viewRange()[0]
    assert shown[0] <= -0.5 and shown[1] >= T - 0.5  # every timestep in the view, no scrolling needed
    assert widget.layers["computed"].path().boundingRect().width() > T - 1.5
    click(qtbot, widget, 0, 0, T // 2)
    assert (model.layer, model.direction, model.t) == (0, 0, T // 2)


SHOTS = [((1280, 720), True), ((1920, 1080), False), ((1920, 1080), True)]


@pytest.mark.parametrize("size, presenting", SHOTS, ids=[f"{w}x{h}-{'presentation' if p else 'normal'}"
                                                         for (w, h), p in SHOTS])
def test_in_the_window_the_diagram_is_legible_at_50_timesteps(qtbot, size, presenting):
    from rnn_stepper.ui import i18n

    i18n.install("en")
    QtCore.QSettings().setValue("font_scale", 1.5)
    model = model_of(T=50)
    window = MainWindow(model, presenting=presenting)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    model.show_cell(1, 1)
    model.step()
    if window.focus_pages():  # the focus layout keeps the step page for the strip: the diagram is over the sequence
        window.show_focus_page("sequence")
    legibility.settle(window)
    assert window.unrolled.isVisible() and window.unrolled.width() > 0.4 * size[0]  # over the strip, or the page
    minimums = legibility.PRESENTATION_MINIMUM_PX if presenting else None
    texts = [t for t in legibility.graphics_texts(window) if t.where.endswith("UnrolledView") or "unrolled" in t.where]
    assert texts, "the diagram's row and time labels are measured"
    problems = [p for p in legibility.problems(window, minimums) if "unrolled" in p or "UnrolledView" in p]
    window.close()
    if presenting:
        window.rebuild(presenting=False).close()
    assert not problems, "\n".join(problems)
