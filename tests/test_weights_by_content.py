"""A weights file is recognised by what it holds, never by its name: the checkpoints real training code writes
(Lightning's `.ckpt`, PyTorch's general-checkpoint recipe `.tar`, d2l's `.params`, a file with no extension) open
and step bit for bit as they are, and a file that is none of them gets one line saying so."""

import json

import numpy as np
import pytest
import torch
import torch.nn as nn
from safetensors.torch import save_file

from rnn_stepper.cli import main
from rnn_stepper.core.files import load_tensors


@pytest.fixture
def gru():
    """A GRU: nn.GRU runs the cell the stepper mirrors on every CPU (a float32 nn.LSTM may run oneDNN's fused
    kernel instead, whose distance the trace reports separately)."""
    torch.manual_seed(4)
    return nn.GRU(3, 4, batch_first=True)


@pytest.fixture
def x():
    torch.manual_seed(5)
    return torch.randn(1, 6, 3)


def lightning_checkpoint(module):
    """What pytorch_lightning's ModelCheckpoint saves for a LightningModule whose recurrent module is `self.rnn`
    inside `self.model`: the state dict under "state_dict", beside the trainer's own bookkeeping."""
    return {
        "epoch": 3, "global_step": 120, "pytorch-lightning_version": "2.4.0",
        "state_dict": {f"model.rnn.{k}": v for k, v in module.state_dict().items()},
        "loops": {"fit_loop": {"epoch_progress": {"total": {"ready": 4, "completed": 3}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min'}": {
            "best_model_score": torch.tensor(0.25), "best_model_path": "epoch=3.ckpt"}},
        "optimizer_states": [{"state": {0: {"exp_avg": torch.zeros(16, 3)}},
                              "param_groups": [{"lr": 0.001, "params": [0, 1, 2, 3]}]}],
        "lr_schedulers": [], "hparams_name": "kwargs", "hyper_parameters": {"lr": 0.001, "hidden": 4},
    }


def recipe_checkpoint(module):
    """PyTorch's recipe "Saving and loading a general checkpoint": a dict saved with torch.save to a `.tar`."""
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    return {"epoch": 5, "model_state_dict": module.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(), "loss": torch.tensor(0.5)}


def saved_with_torch(content, name):
    def save(module, folder):
        path = folder / name
        torch.save(content(module), path)
        return path
    return save


def saved_legacy(module, folder):
    path = folder / "legacy.pth"
    torch.save(module.state_dict(), path, _use_new_zipfile_serialization=False)
    return path


def saved_safetensors_without_extension(module, folder):
    path = folder / "weights"
    save_file({k: v.contiguous() for k, v in module.state_dict().items()}, str(path))
    return path


def saved_npz(module, folder):
    path = folder / "weights.npz"
    np.savez(path, **{k: v.detach().numpy() for k, v in module.state_dict().items()})
    return path


FILES = {
    "lightning .ckpt": saved_with_torch(lightning_checkpoint, "epoch=3-step=120.ckpt"),
    "recipe .tar": saved_with_torch(recipe_checkpoint, "model.tar"),
    "d2l .params": saved_with_torch(lambda m: m.state_dict(), "lstm.params"),
    "no extension": saved_with_torch(lambda m: m.state_dict(), "checkpoint"),
    "legacy pickle": saved_legacy,
    "safetensors, no extension": saved_safetensors_without_extension,
    "numpy .npz": saved_npz,
}


def trace_json(capsys, *argv):
    status = main(["trace", "--format", "json", *argv])
    out, err = capsys.readouterr()
    assert status == 0, err
    return json.loads(out), err


@pytest.mark.parametrize("kind", FILES)
def test_a_checkpoint_steps_bit_for_bit_whatever_it_is_called(capsys, tmp_path, gru, x, kind):
    path = FILES[kind](gru, tmp_path)
    inputs = tmp_path / "x.npy"
    np.save(inputs, x.numpy())
    document, err = trace_json(capsys, "--weights", str(path), "--input", str(inputs))
    with torch.no_grad():
        expected, _ = gru(x)
    manual = torch.tensor(document["manual"]["output"], dtype=torch.float64).to(torch.float32)
    assert document["config"]["cell"] == "gru" and document["bitwise_equal"]
    assert torch.equal(manual.view(torch.int32), expected.view(torch.int32))  # the same bits, the user's module's
    if kind == "lightning .ckpt":  # the module found inside the trainer's dict is named, never silently taken
        assert "under 'state_dict.model.rnn.'" in err


def test_the_loader_reads_the_same_tensors_as_torch_load(tmp_path, gru):
    for kind, save in FILES.items():
        if kind in ("numpy .npz", "safetensors, no extension"):
            continue
        path = save(gru, tmp_path)
        loaded = load_tensors(str(path))
        for name, value in gru.state_dict().items():
            found = [v for k, v in loaded.items() if k == name or k.endswith("." + name)]
            assert len(found) == 1 and torch.equal(found[0], value), (kind, name)


def refused(capsys, path, says):
    status = main(["trace", "--weights", str(path)])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"{path}: " in err and says in err, err


def test_content_that_is_no_weights_file_gets_one_line_naming_the_file(capsys, tmp_path):
    text = tmp_path / "notes.pt"
    text.write_text("these are not weights\n")
    refused(capsys, text, "is not a weights file")
    empty = tmp_path / "empty.ckpt"
    empty.write_bytes(b"")
    refused(capsys, empty, "is empty")
    one_array = tmp_path / "weights.params"
    with open(one_array, "wb") as f:
        np.save(f, np.zeros((2, 5), dtype=np.float32))
    refused(capsys, one_array, "holds one numpy array, not named weights")
    import zipfile

    other_zip = tmp_path / "photos.tar"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8\xff")
    refused(capsys, other_zip, "neither a torch.save checkpoint")
    cut = tmp_path / "cut.ckpt"
    torch.save({"weight_ih_l0": torch.zeros(2, 5)}, cut)
    cut.write_bytes(cut.read_bytes()[:40])
    refused(capsys, cut, "")


def test_an_npz_with_pickled_objects_is_refused_and_never_unpickled(capsys, tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, weight_ih_l0=np.array([object()], dtype=object))
    refused(capsys, path, "not a plain numpy .npz of numbers")


def test_the_import_dialog_offers_every_file_first(qtbot, monkeypatch):
    from PySide6 import QtWidgets

    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName",
                        lambda *args: asked.append(args) or ("", ""))
    window.files.import_dialog()
    filters = asked[0][3].split(";;")
    assert filters[0].endswith("(*)")
    assert any("*.ckpt" in f and "*.tar" in f and "*.params" in f for f in filters)
