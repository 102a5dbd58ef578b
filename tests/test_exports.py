"""File > Export: each export written as a new user would use it, and read back."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PySide6 import QtGui, QtWidgets

from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.export import python_snippet, trace_to_json
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow


def make_window(qtbot, session=None):
    w = MainWindow(StepperModel(session))
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    return w


def test_the_comparison_plot_as_png_and_svg(qtbot, tmp_path):
    window = make_window(qtbot)
    window.model.run_to_end()
    assert window.exports.plot(str(tmp_path / "plot.png"))
    image = QtGui.QImage(str(tmp_path / "plot.png"))
    assert image.width() == 1600 and image.height() > 100
    assert window.exports.plot(str(tmp_path / "plot.svg"))
    assert "<svg" in (tmp_path / "plot.svg").read_text()


def test_the_trace_in_the_trace_commands_schema(qtbot, tmp_path):
    window = make_window(qtbot)
    assert window.exports.trace(str(tmp_path / "t.json"))
    assert json.loads((tmp_path / "t.json").read_text()) == json.loads(trace_to_json(window.model.trace))
    assert window.exports.trace(str(tmp_path / "t.csv"))
    assert (tmp_path / "t.csv").read_text().splitlines()[0].startswith("layer,direction,t,batch,unit")


def test_a_slide_at_a_chosen_size(qtbot, tmp_path):
    window = make_window(qtbot)
    window.model.step()
    assert window.exports.slide(str(tmp_path / "slide.png"), (1920, 1080))
    assert QtGui.QImage(str(tmp_path / "slide.png")).size().toTuple() == (1920, 1080)
    assert window.size().toTuple() == (1280, 720)  # the window itself keeps its size


def test_an_unwritable_export_says_so(qtbot, tmp_path, no_modal_dialogs):
    window = make_window(qtbot)
    assert not window.exports.trace(str(tmp_path / "missing" / "t.json"))
    assert "Could not write" in no_modal_dialogs[-1][1]


def test_the_equation_as_latex_on_the_clipboard(qtbot):
    window = make_window(qtbot)
    assert window.exports.latex() == ""  # nothing on show yet
    window.model.step()
    text = window.exports.latex()
    z = window.model.cell.phases["pre_activation"][0, 0].numpy()
    assert text.startswith(rf"h_{{0}} = \tanh (z_{{0}}) = \tanh \left(\begin{{bmatrix}}{z[0]!s} \\ {z[1]!s}"
                           rf"\end{{bmatrix}}\right)")
    h = window.model.cell.hidden[0, 0].numpy()
    assert text.endswith(rf"= \begin{{bmatrix}}{h[0]!s} \\ {h[1]!s}\end{{bmatrix}}")
    assert QtWidgets.QApplication.clipboard().text() == text


def run_snippet(session) -> str:
    result = subprocess.run([sys.executable, "-c", python_snippet(session)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_python_snippet_runs_and_prints_the_numbers_the_window_shows(qtbot, tmp_path):
    window = make_window(qtbot)
    assert window.exports.snippet(str(tmp_path / "s.py"))
    result = subprocess.run([sys.executable, str(tmp_path / "s.py")], capture_output=True, text=True)
    lines = [line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if "output (manual)" in line]
    cell = window.model.cell
    assert lines == [str(cell.hidden[t].numpy()) for t in cell.walk]
    assert "bitwise identical to nn.RNN: True" in result.stdout


def test_the_snippet_follows_the_order_and_every_option():
    session = make_session(order="textbook")
    textbook = run_snippet(session)
    trace = compute_trace(session)
    assert str(trace.cell(0).hidden[2].numpy()) in textbook
    assert f"bitwise identical to nn.RNN: {trace.bitwise_equal}" in textbook
    config = RNNConfig(input_size=2, hidden_size=3, num_layers=2, bidirectional=True, bias=False,
                       nonlinearity="relu", batch_first=False, dtype="float64")
    session = make_session(config, np.random.default_rng(0).standard_normal((4, 2, 2)),
                           h0=np.random.default_rng(1).standard_normal((4, 2, 3)))
    out = run_snippet(session)
    assert "bitwise identical to nn.RNN: True" in out
    trace = compute_trace(session)
    assert str(trace.cell(1, 1).hidden[0].numpy()) in out
    # and the backward pass by hand, every gradient (h0's too) against loss.backward() (issue 15)
    assert "dL/dh0 (manual)" in out and "every gradient bitwise identical to autograd: True" in out


def test_the_snippet_checks_the_backward_pass_against_autograd_where_it_is_stepped():
    out = run_snippet(make_session())
    gradients = [line for line in out.splitlines() if line.startswith("dL/d")]
    assert [line.split(" ")[0] for line in gradients] == [
        "dL/dweight_ih_l0", "dL/dweight_hh_l0", "dL/dbias_ih_l0", "dL/dbias_hh_l0", "dL/dx"]
    assert all(line.endswith("bitwise identical to autograd: True") for line in gradients)
    textbook = run_snippet(make_session(order="textbook"))  # the course's formulas: said, whichever it is
    assert "every gradient bitwise identical to autograd:" in textbook
    assert "dL/d" not in run_snippet(make_session(RNNConfig(cell="gru"), order="textbook"))  # not stepped yet


@pytest.mark.parametrize("config, states", [
    (RNNConfig(cell="gru", num_layers=2, bidirectional=True, batch_first=False), ("h0",)),
    (RNNConfig(cell="lstm", num_layers=2, proj_size=1), ("c0",)),
    (RNNConfig(cell="lstm", dtype="float64"), ("h0", "c0"))])
def test_the_snippet_checks_a_gru_and_an_lstm_backward_against_autograd_too(config, states):
    rng = np.random.default_rng(28)
    cells, sizes = config.num_layers * config.num_directions, {"h0": config.output_size, "c0": config.hidden_size}
    given = {name: rng.standard_normal((cells, 1, sizes[name])) for name in states}
    out = run_snippet(make_session(config, **given))
    names = [line.split(" ")[0] for line in out.splitlines() if line.startswith("dL/d")]
    assert names == [f"dL/d{name}" for name in config.parameter_shapes()] + ["dL/dx"] + [f"dL/d{s}" for s in states]
    assert "every gradient bitwise identical to autograd: True" in out
    if config.cell == "lstm":  # the course's formulas: the check runs and says how it lands, whichever way
        textbook = run_snippet(make_session(config, order="textbook", **given))
        assert "every gradient bitwise identical to autograd:" in textbook
