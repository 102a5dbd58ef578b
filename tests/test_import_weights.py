"""File > Import weights: a real checkpoint, the nn.RNN inside picked by prefix, its config read off the shapes."""

import importlib.resources
import os

import torch
import torch.nn as nn
from safetensors.torch import save_file

from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow

SHIPPED = str(importlib.resources.files("rnn_stepper.resources") / "weights" / "sine_rnn.pt")


def make_window(qtbot):
    w = MainWindow(StepperModel())
    qtbot.addWidget(w)
    return w


def test_the_shipped_sine_checkpoint_imports_offline_and_matches_nn_rnn(qtbot):
    window = make_window(qtbot)
    window.model.step()
    assert window.files.import_weights(SHIPPED)
    config = window.model.session.config
    assert (config.input_size, config.hidden_size, config.num_layers) == (1, 8, 1)
    assert window.model.trace.bitwise_equal and window.model.dirty and window.model.position == 4
    state = torch.load(SHIPPED, weights_only=True)
    assert torch.equal(window.model.session.weights["weight_hh_l0"], state["rnn.weight_hh_l0"])
    assert "fitted to input_size=1" in window.statusBar().currentMessage()
    assert "The only nn.RNN in the file sits under 'rnn.'" in window.statusBar().currentMessage()


def test_several_rnns_in_one_checkpoint_are_offered_by_prefix(qtbot, tmp_path):
    torch.manual_seed(0)
    encoder, decoder = nn.RNN(3, 4, num_layers=2, bidirectional=True), nn.RNN(8, 2, bias=False)
    state = {**{f"encoder.rnn.{k}": v for k, v in encoder.state_dict().items()},
             **{f"decoder.{k}": v for k, v in decoder.state_dict().items()}, "head.weight": torch.zeros(1, 2)}
    path = tmp_path / "seq2seq.safetensors"
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    window = make_window(qtbot)
    offered = []
    assert window.files.import_weights(str(path), choose=lambda p: offered.extend(p) or "encoder.rnn.")
    assert offered == ["decoder.", "encoder.rnn."]
    config = window.model.session.config
    assert (config.input_size, config.hidden_size, config.num_layers, config.bidirectional, config.bias) == \
        (3, 4, 2, True, True)
    assert window.model.trace.bitwise_equal
    assert window.files.import_weights(str(path), choose=lambda p: "decoder.")
    assert window.model.session.config.bias is False and window.model.trace.bitwise_equal
    before = window.model.session
    assert not window.files.import_weights(str(path), choose=lambda p: None)  # the user cancelled
    assert window.model.session is before


def test_pickled_code_is_refused_never_run_and_the_session_stays(qtbot, tmp_path, no_modal_dialogs):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    path = tmp_path / "evil.pt"
    torch.save({"rnn.weight_ih_l0": Payload()}, path)
    window = make_window(qtbot)
    before = window.model.session
    assert not window.files.import_weights(str(path))
    assert not marker.exists() and window.model.session is before
    assert "refused: the file holds pickled code" in no_modal_dialogs[-1][1]


def test_inconsistent_shapes_are_refused(qtbot, tmp_path, no_modal_dialogs):
    torch.save({"weight_ih_l0": torch.zeros(2, 5), "weight_hh_l0": torch.zeros(3, 3)}, tmp_path / "bad.pt")
    window = make_window(qtbot)
    before = window.model.session
    assert not window.files.import_weights(str(tmp_path / "bad.pt"))
    assert window.model.session is before and "bad.pt" in no_modal_dialogs[-1][1]
