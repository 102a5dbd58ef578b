"""Weights and inputs from files; every kind of bad input gets one clear line on stderr and exit status 2."""

import json
import os

import numpy as np
import pytest
import torch
import torch.nn as nn
from safetensors.torch import save_file

from rnn_stepper.cli import main
from rnn_stepper.core import make_session


def run(capsys, *argv):
    try:
        status = main(["trace", "--lang", "en", *argv])
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def refused(capsys, *argv, says):
    status, out, err = run(capsys, *argv)
    assert status == 2, out
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert says in err, err
    return err


@pytest.fixture
def trained(tmp_path):
    torch.manual_seed(3)
    module = nn.RNN(4, 3, num_layers=2, bidirectional=True)
    return module


def test_a_pt_state_dict_gives_its_config_and_stays_bitwise_equal(capsys, tmp_path, trained):
    path = tmp_path / "rnn.pt"
    torch.save(trained.state_dict(), path)
    status, out, _ = run(capsys, "--weights", str(path), "--sequence", "1,2,3,4; 5,6,7,8", "--format", "json")
    doc = json.loads(out)
    assert status == 0 and doc["bitwise_equal"]
    assert (doc["config"]["input_size"], doc["config"]["hidden_size"], doc["config"]["num_layers"],
            doc["config"]["bidirectional"]) == (4, 3, 2, True)
    assert doc["weights"]["weight_hh_l1_reverse"] == trained.weight_hh_l1_reverse.tolist()
    assert doc["config"]["seed"] is None


def test_a_checkpoint_with_the_rnn_under_a_prefix(capsys, tmp_path, trained):
    path = tmp_path / "checkpoint.pth"
    state = {f"rnn.{k}": v for k, v in trained.state_dict().items()}
    state["head.weight"] = torch.zeros(1, 6)
    torch.save({"model": state, "epoch": 12}, path)
    assert run(capsys, "--weights", str(path), "--prefix", "model.rnn.", "--sequence", "1,2,3,4")[0] == 0
    refused(capsys, "--weights", str(path), "--prefix", "rnn.", "--sequence", "1,2,3,4",
            says="recurrent modules sit under 'model.rnn.' (nn.RNN(4, 3, num_layers=2, bidirectional=True))")


def test_the_only_rnn_in_a_checkpoint_is_taken_without_prefix_and_named(capsys, tmp_path, trained):
    path = tmp_path / "checkpoint.pth"
    state = {f"rnn.{k}": v for k, v in trained.state_dict().items()}
    torch.save({"model": {**state, "head.weight": torch.zeros(1, 6)}, "epoch": 12}, path)
    status, out, err = run(capsys, "--weights", str(path), "--sequence", "1,2,3,4", "--format", "json")
    assert status == 0 and json.loads(out)["bitwise_equal"]
    assert json.loads(out)["weights"]["weight_hh_l1_reverse"] == trained.weight_hh_l1_reverse.tolist()
    assert err == (f"rnn-stepper: using the nn.RNN(4, 3, num_layers=2, bidirectional=True) under 'model.rnn.' "
                   f"in {path}\n")
    torch.save(trained.state_dict(), path)  # at the top level there is no prefix to speak of
    assert run(capsys, "--weights", str(path), "--sequence", "1,2,3,4")[::2] == (0, "")


def test_several_rnns_in_a_checkpoint_are_listed_for_prefix(capsys, tmp_path, trained):
    path = tmp_path / "seq2seq.pt"
    torch.save({**{f"encoder.rnn.{k}": v for k, v in trained.state_dict().items()},
                **{f"decoder.{k}": v for k, v in nn.RNN(6, 3).state_dict().items()}}, path)
    refused(capsys, "--weights", str(path), "--sequence", "1,2,3,4",
            says="holds 2 recurrent modules, under 'decoder.' (nn.RNN(6, 3)), 'encoder.rnn.' (nn.RNN(4, 3, "
                 "num_layers=2, bidirectional=True)); choose one with --prefix")
    assert run(capsys, "--weights", str(path), "--prefix", "encoder.rnn.", "--sequence", "1,2,3,4")[0] == 0


def test_a_safetensors_file(capsys, tmp_path, trained):
    path = tmp_path / "rnn.safetensors"
    save_file({k: v.contiguous() for k, v in trained.state_dict().items()}, str(path))
    status, out, _ = run(capsys, "--weights", str(path), "--sequence", "1,2,3,4", "--format", "json")
    doc = json.loads(out)
    assert status == 0 and doc["bitwise_equal"]
    assert doc["weights"]["weight_ih_l0"] == trained.weight_ih_l0.tolist()


def test_float64_weights_give_a_float64_session(capsys, tmp_path):
    path = tmp_path / "double.pt"
    torch.save({k: v.double() for k, v in make_session().weights.items()}, path)
    doc = json.loads(run(capsys, "--weights", str(path), "--format", "json")[1])
    assert doc["config"]["dtype"] == "float64" and doc["bitwise_equal"]


@pytest.mark.parametrize("ext", ["csv", "npy", "json"])
def test_input_files(capsys, tmp_path, ext):
    values = [[1.0] * 5, [2.0] * 5, [3.0] * 5]
    path = tmp_path / f"x.{ext}"
    if ext == "csv":
        path.write_text("\n".join(",".join(str(v) for v in row) for row in values) + "\n")
    elif ext == "npy":
        np.save(path, np.array(values, dtype=np.float32))
    else:
        path.write_text(json.dumps(values))
    status, out, _ = run(capsys, "--input", str(path))
    assert status == 0 and out == run(capsys, "--sequence", "1,1,1,1,1; 2,2,2,2,2; 3,3,3,3,3")[1]


def test_a_batch_from_npy_follows_batch_first(capsys, tmp_path):
    path = tmp_path / "batch.npy"
    np.save(path, np.random.default_rng(0).normal(size=(3, 4, 5)))  # (B, T, I)
    doc = json.loads(run(capsys, "--input", str(path), "--format", "json")[1])
    assert (doc["batch_size"], doc["sequence_length"]) == (3, 4) and doc["bitwise_equal"]
    doc = json.loads(run(capsys, "--input", str(path), "--format", "json", "--seq-first")[1])
    assert (doc["batch_size"], doc["sequence_length"]) == (4, 3) and doc["bitwise_equal"]


def test_h0_from_a_file(capsys, tmp_path):
    path = tmp_path / "h0.json"
    path.write_text("[[0.5, -0.5]]")
    doc = json.loads(run(capsys, "--h0", str(path), "--format", "json")[1])
    assert doc["h0"] == [[[0.5, -0.5]]] and doc["steps"][0]["h_prev"] == [0.5, -0.5] and doc["bitwise_equal"]


# --- bad input -------------------------------------------------------------------------------------------------

def test_ragged_rows(capsys, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("1,1,1,1,1\n2,2,2,2\n")
    refused(capsys, "--input", str(path), says=f"{path}: row 2 has 4 values but row 1 has 5")
    path = tmp_path / "ragged.json"
    path.write_text("[[1, 2], [3]]")
    refused(capsys, "--input", str(path), says=f"{path}: [1] has shape [1] but [0] has [2] (ragged)")
    refused(capsys, "--sequence", "1,2; 3", says="--sequence: row 2 has 1 values but row 1 has 2")


def test_non_numeric_rows(capsys, tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("1,1,1,1,1\n2,two,2,2,2\n")
    refused(capsys, "--input", str(path), says=f"{path}: row 2, column 2: 'two' is not a number")
    path = tmp_path / "words.json"
    path.write_text('[[1, 2], [3, "x"]]')
    refused(capsys, "--input", str(path), says=f"{path}: [1][1]: 'x' is not a number")
    path = tmp_path / "broken.json"
    path.write_text("[[1, 2], [3,")
    refused(capsys, "--input", str(path), says=f"{path}: not valid JSON")


def test_a_sequence_whose_width_is_not_input_size(capsys, tmp_path):
    refused(capsys, "--input-size", "4", says="--sequence: each timestep has 5 values but input_size is 4")
    path = tmp_path / "x.npy"
    np.save(path, np.ones((3, 6)))
    refused(capsys, "--input", str(path), "--input-size", "5",
            says=f"{path}: each timestep has 6 values but input_size is 5")


def test_state_dicts_with_missing_extra_or_misshapen_keys(capsys, tmp_path):
    weights = make_session().weights
    missing = tmp_path / "missing.pt"
    torch.save({k: v for k, v in weights.items() if k != "bias_hh_l0"}, missing)
    refused(capsys, "--weights", str(missing), says=f"{missing}: missing key bias_hh_l0")
    extra = tmp_path / "extra.pt"
    torch.save({**weights, "weight_ih_l0_reverse_typo": torch.zeros(2, 5)}, extra)
    refused(capsys, "--weights", str(extra), says=f"{extra}: unexpected key weight_ih_l0_reverse_typo")
    misshapen = tmp_path / "misshapen.pt"
    torch.save({**weights, "weight_hh_l0": torch.zeros(2, 3)}, misshapen)
    refused(capsys, "--weights", str(misshapen), says=f"{misshapen}: weight_hh_l0 has shape (2, 3), but")
    refused(capsys, "--weights", str(missing.with_name("missing.pt")), "--hidden-size", "3",
            says="--hidden-size says 3 but the weights have hidden_size=2")


def test_a_pt_file_with_pickled_code_is_refused_and_never_run(capsys, tmp_path):
    marker = tmp_path / "payload-ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    path = tmp_path / "evil.pt"
    torch.save({"weight_ih_l0": Payload()}, path)
    err = refused(capsys, "--weights", str(path), says=f"{path}: refused: the file holds pickled code")
    assert "system" in err and "was not run" in err
    assert not marker.exists()


def test_unreadable_files(capsys, tmp_path):
    refused(capsys, "--input", str(tmp_path / "nowhere.csv"), says="nowhere.csv: no such file")
    refused(capsys, "--weights", str(tmp_path), says=f"{tmp_path}: is a folder, not a file")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    refused(capsys, "--input", str(folder), says="folder.csv: is a folder, not a file")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00\x01 not a checkpoint" * 10)
    refused(capsys, "--weights", str(junk), says=f"{junk}: is not a weights file")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\xfa")
    refused(capsys, "--input", str(binary), says="is not a UTF-8 text file")


@pytest.mark.parametrize("option", ["--input-size", "--hidden-size", "--num-layers"])
@pytest.mark.parametrize("value", ["0", "-3"])
def test_sizes_of_zero_or_below(capsys, option, value):
    refused(capsys, option, value, says=f"argument {option}: must be at least 1, got {value}")


def test_absurd_sizes_are_refused_before_allocating(capsys):
    err = refused(capsys, "--hidden-size", "2000000000", says="this trace would need about")
    assert "GiB" in err or "TiB" in err or "PiB" in err
    refused(capsys, "--sequence", "; ".join(["1"] * 5), "--num-layers", "100000", "--hidden-size", "100000",
            says="use a smaller model or a shorter sequence")


def test_an_unknown_option_is_one_line(capsys):
    refused(capsys, "--hiden-size", "3", says="unrecognized arguments: --hiden-size 3")
