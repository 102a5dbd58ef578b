"""A GRU and an LSTM checkpoint saved by a typical training script, under a prefix, import and step.

Each model here is what a course's training script builds (an nn.GRU or nn.LSTM as `self.encoder`, beside a
Linear head), trains for a few steps and saves with `torch.save(model.state_dict(), path)`, or inside a
checkpoint dict with its optimizer. The stepper reads it through the CLI, the window's File ▸ Import and a
safetensors file, and the stepped numbers are bitwise equal to the model's own encoder run in the same test: for an
LSTM on its native path (oneDNN off), the cell PyTorch runs step by step.
"""

import json

import numpy as np
import pytest
import torch
import torch.nn as nn
from safetensors.torch import save_file

import rnn_stepper
from rnn_stepper.cli import main
from rnn_stepper.core.errors import InputError
from rnn_stepper.core.files import load_state_dict, load_tensors, only_rnn, recurrent_modules
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow


class Tagger(nn.Module):
    """A sequence tagger as a training script writes it: a recurrent encoder, then a Linear head per step."""

    def __init__(self, encoder: nn.Module, width: int):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(width, 3)

    def forward(self, x):
        output, _ = self.encoder(x)
        return self.head(output)


ENCODERS = {
    "gru": lambda: nn.GRU(5, 3, batch_first=True),
    "lstm": lambda: nn.LSTM(5, 4, num_layers=2, bidirectional=True, proj_size=2, batch_first=True),
    "lstm-plain": lambda: nn.LSTM(5, 3, batch_first=True),  # no projection: default float32 is oneDNN's kernel
}


def trained(kind: str) -> Tagger:
    """A few SGD steps, so the saved weights are not the initial ones."""
    torch.manual_seed(7)
    encoder = ENCODERS[kind]()
    model = Tagger(encoder, encoder.hidden_size if not getattr(encoder, "proj_size", 0) else encoder.proj_size
                   * (2 if encoder.bidirectional else 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(8, 6, 5), torch.randint(0, 3, (8, 6))
    for _ in range(3):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x).reshape(-1, 3), y.reshape(-1)).backward()
        optimizer.step()
    return model.eval()


def own_pass(encoder: nn.Module, x: torch.Tensor):
    """The module's own output and final states on the cell PyTorch runs step by step."""
    with torch.no_grad(), torch.backends.mkldnn.flags(enabled=False):
        output, final = encoder(x)
    return output, final if isinstance(final, tuple) else (final,)


def same_bits(a, b):
    as_bytes = [v.contiguous().view(-1).view(torch.uint8) for v in (a, b)]
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(*as_bytes)


def cli(capsys, *argv):
    try:
        status = main(["trace", "--lang", "en", *argv])
    except SystemExit as exc:
        status = exc.code
    return (status, *capsys.readouterr())


X = torch.tensor([[[0.5, -1.0, 2.0, 0.0, 1.5], [1.0, 1.0, 1.0, 1.0, 1.0], [-2.0, 0.25, 0.0, 3.0, -1.0],
                   [0.0, 0.0, 0.5, -0.5, 1.0]]])


@pytest.mark.parametrize("kind", ENCODERS)
def test_a_training_scripts_checkpoint_steps_through_the_cli_bitwise(capsys, tmp_path, kind):
    model = trained(kind)
    path = tmp_path / "tagger.pt"
    torch.save(model.state_dict(), path)
    np.save(tmp_path / "x.npy", X.numpy())
    expected, final = own_pass(model.encoder, X)
    for prefix in (["--prefix", "encoder."], ["--prefix", "encoder"], []):  # the only recurrent module: no prefix
        status, out, err = cli(capsys, "--weights", str(path), *prefix, "--input", str(tmp_path / "x.npy"),
                               "--format", "json")
        assert status == 0, err
        doc = json.loads(out)
        assert doc["config"]["cell"] == kind.split("-")[0] and doc["bitwise_equal"]
        assert same_bits(torch.tensor(doc["manual"]["output"], dtype=torch.float32), expected)
        assert same_bits(torch.tensor(doc["manual"]["h_n"], dtype=torch.float32), final[0])
        if not prefix:
            module = f"nn.{type(model.encoder).__name__}("
            assert err.startswith(f"rnn-stepper: using the {module}") and "under 'encoder.'" in err, err


def test_a_checkpoint_dict_with_its_optimizer_is_read_under_its_key(capsys, tmp_path):
    model = trained("lstm")
    path = tmp_path / "epoch3.pth"
    optimizer = torch.optim.Adam(model.parameters())
    torch.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()},
               path)
    np.save(tmp_path / "x.npy", X.numpy())
    status, out, err = cli(capsys, "--weights", str(path), "--prefix", "model_state_dict.encoder.", "--input",
                           str(tmp_path / "x.npy"), "--format", "json")
    assert status == 0, err
    assert same_bits(torch.tensor(json.loads(out)["manual"]["output"]), own_pass(model.encoder, X)[0])


def test_a_safetensors_checkpoint_imports_in_the_window_bitwise(qtbot, tmp_path):
    model = trained("gru")
    path = tmp_path / "tagger.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    assert window.files.import_weights(str(path))
    qtbot.waitUntil(lambda: not window.model.busy)
    check_window_matches(window, model.encoder)
    assert "The only nn.GRU in the file sits under 'encoder.'. Imported GRU(5, 3, batch_first=True)" in \
        window.statusBar().currentMessage()
    assert "nonlinearity" not in window.statusBar().currentMessage()  # a GRU has none to keep


def check_window_matches(window, encoder):
    trace = window.model.trace
    config = window.model.session.config
    assert config.cell == type(encoder).__name__.lower() and trace.bitwise_equal
    x = window.model.session.inputs  # the window's input, its columns fitted to the checkpoint's input_size
    expected, final = own_pass(encoder, x)
    assert same_bits(trace.output, expected)
    for name, value in zip(config.cell_type.state, final):
        assert same_bits(trace.final[name], value)
    for name, value in encoder.state_dict().items():
        assert torch.equal(window.model.session.weights[name], value)


def test_a_checkpoint_holding_a_gru_and_an_lstm_offers_both_with_their_types(qtbot, tmp_path, capsys):
    gru, lstm = trained("gru"), trained("lstm")
    path = tmp_path / "two.pt"
    torch.save({**{f"encoder.{k}": v for k, v in gru.encoder.state_dict().items()},
                **{f"decoder.rnn.{k}": v for k, v in lstm.encoder.state_dict().items()},
                "head.weight": torch.zeros(3, 3)}, path)
    modules = recurrent_modules(load_tensors(str(path)))
    assert modules == {"decoder.rnn.": "nn.LSTM(5, 4, proj_size=2, num_layers=2, bidirectional=True)",
                       "encoder.": "nn.GRU(5, 3)"}
    # the CLI refuses to guess, in one line naming each with its type
    status, out, err = cli(capsys, "--weights", str(path), "--sequence", "1,2,3,4,5")
    assert status == 2 and out == "" and err.count("\n") == 1 and str(path) in err
    assert ("holds 2 recurrent modules, under 'decoder.rnn.' (nn.LSTM(5, 4, proj_size=2, num_layers=2, "
            "bidirectional=True)), 'encoder.' (nn.GRU(5, 3)); choose one with --prefix") in err
    # the window asks, listing each prefix with its type, and imports the one chosen
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    offered = []
    assert window.files.import_weights(str(path), choose=lambda m: offered.append(dict(m)) or "decoder.rnn.")
    qtbot.waitUntil(lambda: not window.model.busy)
    assert offered == [modules]
    check_window_matches(window, lstm.encoder)
    assert window.files.import_weights(str(path), choose=lambda m: "encoder.")
    qtbot.waitUntil(lambda: not window.model.busy)
    check_window_matches(window, gru.encoder)


def test_the_picker_shows_each_prefix_with_its_module(qtbot, monkeypatch):
    from PySide6 import QtWidgets

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(QtWidgets.QInputDialog, "getItem",
                        lambda parent, title, label, items, *rest: asked.append(items) or (items[1], True))
    chosen = window.files.choose_prefix({"": "nn.RNN(5, 2)", "encoder.": "nn.LSTM(5, 2, proj_size=1)"})
    assert asked == [["(top level) — nn.RNN(5, 2)", "encoder. — nn.LSTM(5, 2, proj_size=1)"]]
    assert chosen == "encoder."


def test_an_lstm_imported_in_the_model_keeps_stepping_bitwise():
    model = trained("lstm-plain")
    stepper = StepperModel()
    weights, prefix = only_rnn({f"encoder.{k}": v for k, v in model.encoder.state_dict().items()})
    assert prefix == "encoder."
    stepper.import_weights(weights)
    trace = stepper.trace
    expected, (h_n, c_n) = own_pass(model.encoder, stepper.session.inputs)
    assert same_bits(trace.output, expected) and same_bits(trace.final["cell"], c_n)
    # PyTorch's default float32 LSTM is oneDNN's fused kernel: its distance is measured, never asserted
    assert trace.fused is not None and trace.fused_max_ulps is not None and trace.fused_max_ulps >= 0


@pytest.mark.parametrize("state, says", [
    ({"encoder.weight_ih_l0": torch.zeros(12, 5), "encoder.weight_hh_l0": torch.zeros(12, 2)},
     "weight_hh_l0 has shape (12, 2), but a recurrent layer of hidden_size 2 needs (2, 2) for nn.RNN, (6, 2) for "
     "nn.GRU, (8, 2) for nn.LSTM"),
    ({"encoder.weight_ih_l0": torch.zeros(6, 5), "encoder.weight_hh_l0": torch.zeros(6, 1),
      "encoder.weight_hr_l0": torch.zeros(1, 2)}, "weight_hh_l0 has shape (6, 1)"),
    ({"head.weight": torch.zeros(3, 3)}, "holds no nn.RNN, nn.GRU or nn.LSTM parameters"),
])
def test_a_checkpoint_that_fits_no_module_is_refused_in_one_line_naming_file_and_tensor(capsys, tmp_path, state,
                                                                                       says):
    path = tmp_path / "odd.pt"
    torch.save(state, path)
    status, out, err = cli(capsys, "--weights", str(path), "--sequence", "1,2,3,4,5")
    assert status == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and says in err, err


def test_a_prefix_that_holds_no_module_directly_names_where_they_are(tmp_path):
    torch.save({f"model.encoder.{k}": v for k, v in nn.GRU(5, 2).state_dict().items()}, tmp_path / "c.pt")
    with pytest.raises(InputError, match=r"no recurrent module's parameters .* sit directly under 'model.'; "
                                         r"recurrent modules sit under 'model.encoder.' \(nn.GRU\(5, 2\)\)"):
        load_state_dict(str(tmp_path / "c.pt"), "model.")


@pytest.mark.usefixtures("close_shown_windows")
@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_show_opens_a_models_gru_or_lstm(qtbot, monkeypatch, capsys, kind):
    from rnn_stepper.ui import show

    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")
    model = trained(kind)
    rnn_stepper.show(model, X)
    window = show.windows[-1]
    qtbot.waitUntil(lambda: window.model.trace is not None and not window.model.busy)
    assert window.windowTitle().startswith(f"model.encoder: {type(model.encoder).__name__}(5, ")
    assert f"showing model.encoder, the nn.{type(model.encoder).__name__} inside this Tagger" in \
        capsys.readouterr().err
    check_window_matches(window, model.encoder)


@pytest.mark.usefixtures("close_shown_windows")
def test_the_gru_and_lstm_example_script_runs_and_shows_the_lstm(qtbot, monkeypatch, capsys):
    import runpy
    from pathlib import Path

    from rnn_stepper.ui import show

    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")
    example = Path(__file__).resolve().parents[1] / "examples" / "gru_lstm_ch15.py"
    namespace = runpy.run_path(str(example), run_name="__main__")
    printed = capsys.readouterr().out
    assert "GRU(5, 2, batch_first=True), T=3, batch=1, kernel order: bitwise equal to nn.GRU>" in printed
    assert ("phases of one step: input_projection, recurrent_term, reset_gate, update_gate, candidate, hidden"
            in printed)
    torch.manual_seed(1)
    lstm = nn.LSTM(5, 2, batch_first=True)  # the notebook's construction, as the script does it
    x, state = namespace["x_seq"], (namespace["h0"], namespace["c0"])
    with torch.no_grad(), torch.backends.mkldnn.flags(enabled=False):
        _, (h_n, c_n) = lstm(x, state)
    assert same_bits(namespace["t"].c_n, c_n) and same_bits(namespace["t"].h_n, h_n)
    window = show.windows[-1]
    assert window.windowTitle().startswith("LSTM(5, 2, batch_first=True)")
    assert same_bits(window.model.session.c0, namespace["c0"])


def test_a_file_naming_thousands_of_modules_is_refused_in_one_short_line(capsys, tmp_path):
    gru = nn.GRU(1, 1).state_dict()
    path = tmp_path / "many.pt"
    torch.save({f"m{i}.{k}": v for i in range(5000) for k, v in gru.items()}, path)
    status, out, err = cli(capsys, "--weights", str(path), "--sequence", "1")
    assert status == 2 and err.count("\n") == 1 and len(err) < 1000
    assert "holds 5000 recurrent modules, under 'm0.' (nn.GRU(1, 1)), " in err and "and 4,990 more; choose" in err
