"""Small things a lecture hall sees (issue 26, item 8): a strip's captions break only between a formula's parts, so
the columns of a row start level; ε's label and the verdict are clear of the curves; the equation writes out the
weights it names."""

import numpy as np
import pyqtgraph as pg
import pytest
import torch
from PySide6 import QtCore, QtGui

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import style
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.typography import formula_breaks, unbreakable_brackets


@pytest.fixture
def open_window(qtbot):
    made = []

    def open_window(size, presenting=False, session=None):
        QtCore.QSettings().setValue("font_scale", 1.5)
        window = MainWindow(StepperModel(session), presenting=presenting)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield open_window
    if any(w.presenting for w in made):
        normal = MainWindow(StepperModel(), presenting=False)  # the normal font and colours for the next test
        qtbot.addWidget(normal)


def test_a_formula_breaks_between_its_parts_never_inside_a_bracket():
    assert [i for i, _ in formula_breaks("(h - n) ⊙ z + n")] == [7, 11]
    assert formula_breaks("σ(a + s)") == [(3, " + ")]  # one bracket: its operator is all there is
    assert unbreakable_brackets("tanh(a<sub>n</sub> + r ⊙ s)") == "tanh(a<sub>n</sub>&nbsp;+&nbsp;r&nbsp;⊙&nbsp;s)"


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("size, presenting", [((1024, 768), True), ((1920, 1080), False), ((1280, 720), True)])
def test_the_columns_of_a_strip_row_start_level(qtbot, open_window, cell, size, presenting):
    window = open_window(size, presenting, make_session(RNNConfig(cell=cell)))
    window.model.run_to_end()
    qtbot.wait(50)  # as a person sees it: once the layouts have run
    panel = window.step_view
    for row in panel.strip_plan:
        tops = {}
        for name in row:
            view = panel.vectors[name]
            corner = view.mapFromScene(view.vb.sceneBoundingRect().topLeft())
            tops[name] = view.mapTo(panel, corner).y()
        if tops:
            assert max(tops.values()) - min(tops.values()) <= 1, tops


def test_the_epsilon_label_strikes_no_curve(open_window):
    inputs = torch.randn(1, 8, 5, generator=torch.Generator().manual_seed(3))
    # the textbook order lands a few ulps from the kernel's: a curve of distances around ε
    window = open_window((1280, 720), session=make_session(RNNConfig(), inputs, order="textbook"))
    window.model.run_to_end()
    comparison = window.comparison
    vb = comparison.diff_plot.getPlotItem().vb
    label = comparison.epsilon_line.label
    comparison._place_verdict()
    assert comparison.curve_paths(vb)  # there is a curve to keep clear of
    if label.isVisible():
        box = label.mapRectToItem(vb, label.boundingRect())
        assert not any(path.intersects(box) for path in comparison.curve_paths(vb))


@pytest.mark.parametrize("cell", ["rnn", "lstm"])  # an LSTM's plot draws a second reference: the fused kernel's
@pytest.mark.parametrize("size, presenting", [((1280, 720), False), ((1920, 1080), False), ((1024, 768), True),
                                              ((1280, 720), True)])
def test_the_verdict_crosses_no_curve_and_epsilons_line_never_strikes_through_it(qtbot, open_window, cell, size,
                                                                                 presenting):
    # At 1280 × 720 an LSTM's plot of distances is 23 px tall: "bitwise identical to the native path at all 3 steps"
    # was written at its top, across ε's dashed line and the fused kernel's curve; nn.RNN's, 36 px, left it unsaid
    window = open_window(size, presenting, make_session(RNNConfig(cell=cell)))
    window.model.run_to_end()
    qtbot.wait(50)  # as a person sees it: once the layouts have run
    comparison = window.comparison
    vb = comparison.diff_plot.getPlotItem().vb
    verdict, label = comparison.verdict, comparison.epsilon_line.label
    assert comparison.verdict_text().startswith("bitwise identical")
    assert comparison.fused_curve.isVisible() is (cell == "lstm")
    line = vb.mapFromView(QtCore.QPointF(0, comparison.epsilon_line.value())).y()

    def ink(text: pg.TextItem) -> QtCore.QRectF:  # its box less the text document's margins, which draw nothing
        margin = text.textItem.document().documentMargin()
        return text.mapRectToItem(vb, text.boundingRect()).adjusted(margin, margin, -margin, -margin)
    box = ink(verdict)
    if size == (1920, 1080) or cell == "rnn":
        assert verdict.isVisible()  # room for it clear of every curve: nn.RNN's plot has none but ε's line
    if verdict.isVisible():
        assert QtCore.QRectF(0, 0, vb.width(), vb.height()).contains(box)
        assert not any(path.intersects(box) for path in comparison.curve_paths(vb))
        if box.top() <= line <= box.bottom():  # over ε's line only on the plot's background, ε's label given up
            assert verdict.fill.color() == QtGui.QColor(style.BACKGROUND) and verdict.fill.color().alpha() == 255
            assert not label.isVisible()
        else:
            assert not (label.isVisible() and ink(label).intersects(box))
    if not presenting:
        assert "bitwise identical" in window.status.text()  # what a plot too small for it leaves unsaid


def test_the_equation_writes_out_the_weights_it_names(open_window):
    window = open_window((1280, 720), presenting=True)
    model = window.model
    model.step_phase()
    model.step_phase()  # r_t = W_hh h_t-1 + b_hh
    text = window.step_view.equation.text()
    lines = text.splitlines()
    weights = dict(model.trace.reference.module.named_parameters())
    assert lines[0].startswith("r_0 = W_hh h") and lines[-2].lstrip().startswith("= W_hh ·")
    written = text.replace("\n", " ")
    for value in weights["weight_hh_l0"].detach().numpy().ravel().tolist() + \
            weights["bias_hh_l0"].detach().numpy().tolist():
        assert str(np.float32(value)) in written
    assert not window.reading.isVisible()  # written out in full: no second copy beside the strip


@pytest.mark.parametrize("cell, phase, kind", [("gru", 2, "hh"), ("lstm", 2, "hh"), ("rnn", 1, "ih")])
@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)])
def test_a_weight_too_large_to_write_out_is_drawn_beside_the_strip_with_its_bias(open_window, cell, phase, kind,
                                                                                 size):
    # A GRU's W_hh is 6 × 2, an LSTM's 8 × 2, the notebook's W_ih 2 × 5: the equation names them with their shape,
    # and the focus layout's step page (a slide) draws them beside the strip, each with its bias as the last column
    window = open_window(size, presenting=True, session=make_session(RNNConfig(cell=cell)))
    model = window.model
    assert window.focused and not window.reading.isVisible()  # nothing is read before the first phase
    for _ in range(phase):
        model.step_phase()
    assert window.reading.isVisible() and "its numbers beside" in window.step_view.equation.text()
    assert not window.comparison.isVisible()  # in its place while the projection is on show
    weights = model.session.weights
    expected = np.hstack([weights[f"weight_{kind}_l0"].numpy(), weights[f"bias_{kind}_l0"].numpy()[:, None]])
    assert np.array_equal(window.reading.view.values(), expected)  # the session's own numbers, every one
    # the next phase names no weight (a gate's sum), or one it writes out (the RNN's r_t, its W_hh 2 × 2): the
    # column is the comparison's again
    model.step_phase()
    assert not window.reading.isVisible() and window.comparison.isVisible()
