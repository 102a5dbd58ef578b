"""examples/notebook_ch15.py, the seed notebook rebuilt as a `# %%` script, runs headless and its window holds the
notebook's numbers: nn.RNN's own, run here on the notebook's own call."""

import runpy
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
from PySide6 import QtCore, QtWidgets

from rnn_stepper.ui import show

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "notebook_ch15.py"


pytestmark = pytest.mark.usefixtures("close_shown_windows")


def the_notebooks_output():
    """Cells 1 and 5 of the notebook: its nn.RNN and what it returns for the notebook's batch of one."""
    torch.manual_seed(1)
    rnn_layer = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)
    x_seq = torch.tensor([[1.0] * 5, [2.0] * 5, [3.0] * 5]).float()
    with torch.no_grad():
        output, hn = rnn_layer(torch.reshape(x_seq, (1, 3, 5)))
    return rnn_layer, output[0], hn


def test_the_example_runs_and_its_window_holds_the_notebooks_numbers(qtbot, monkeypatch, capsys):
    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")  # show() leaves the window open and returns
    namespace = runpy.run_path(str(EXAMPLE), run_name="__main__")
    printed = capsys.readouterr().out
    rnn_layer, output, hn = the_notebooks_output()

    # The script is the notebook: same module, same loop, printed as the notebook prints it.
    assert all(torch.equal(v, rnn_layer.state_dict()[k]) for k, v in namespace["rnn_layer"].state_dict().items())
    for t in range(3):
        assert f"   RNN output      : {output[t:t + 1].numpy()}" in printed
    assert "the loop against the notebook's order: Comparison(bitwise_equal=True" in printed

    window = show.windows[-1]
    assert window.isVisible() and window.windowTitle().startswith("RNN(5, 2, batch_first=True)")
    session = window.model.session
    assert all(torch.equal(session.weights[k], v) for k, v in rnn_layer.state_dict().items())
    assert torch.equal(session.inputs, namespace["x_seq"])

    step = window.findChild(QtWidgets.QToolBar).widgetForAction(window.actions_by_name["step"])
    shown = []
    for _ in range(3):
        qtbot.mouseClick(step, QtCore.Qt.LeftButton)
        shown.append(window.step_view.equation.text().splitlines()[-1].strip("= ").strip())
    assert shown == [str(output[t].numpy()) for t in range(3)]
    ts, manual, reference, _ = window.comparison.plotted()
    assert np.array_equal(manual, output.numpy()) and np.array_equal(reference, output.numpy())
    assert window.comparison.verdict_text() == "bitwise identical at all 3 steps"
    assert torch.equal(window.model.trace.h_n, hn[:, 0]) and window.model.trace.bitwise_equal
