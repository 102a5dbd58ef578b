"""What a weights file does not record (nonlinearity, batch_first) is said as an assumption on `trace`'s first
line, with the flag that changes it; an input the other layout would also fit, and weights that --dtype steps in
another dtype than they were stored in, are each said in one line on stderr."""

import json

import numpy as np
import pytest
import torch
import torch.nn as nn

from helpers import run_cli
from rnn_stepper.core.reference import native_path


def run(capsys, *argv):
    return run_cli(capsys, "trace", *argv)


@pytest.fixture
def relu_rnn(tmp_path):
    torch.manual_seed(4)
    rnn = nn.RNN(3, 5, nonlinearity="relu")  # not batch_first: reads (T, batch, 3)
    torch.save(rnn.state_dict(), tmp_path / "relu.pt")
    x = torch.randn(6, 1, 3)
    np.save(tmp_path / "x.npy", x.numpy())
    return rnn, x, str(tmp_path / "relu.pt"), str(tmp_path / "x.npy")


def test_the_first_line_says_what_the_file_does_not_record_and_the_flag_that_changes_it(capsys, relu_rnn):
    _, _, weights, inputs = relu_rnn
    status, out, _ = run(capsys, "--weights", weights, "--input", inputs)
    first = out.splitlines()[0]
    assert status == 0
    assert "assumed, not recorded in the weights file:" in first
    assert "nonlinearity=tanh (--nonlinearity relu" in first
    assert "batch_first=True (--seq-first" in first


def test_with_the_flags_given_nothing_is_assumed_and_the_users_model_is_matched(capsys, relu_rnn):
    rnn, x, weights, inputs = relu_rnn
    status, out, err = run(capsys, "--weights", weights, "--input", inputs, "--nonlinearity", "relu", "--seq-first",
                           "--format", "json")
    assert status == 0, err
    with torch.no_grad(), native_path():
        expected, _ = rnn(x)
    assert torch.equal(torch.tensor(json.loads(out)["manual"]["output"], dtype=torch.float32), expected)
    status, out, _ = run(capsys, "--weights", weights, "--input", inputs, "--nonlinearity", "relu", "--seq-first")
    assert "assumed" not in out.splitlines()[0]


@pytest.mark.parametrize("layout, read", [
    ([], "read the (6, 1, 3) input as 6 sequences of 1 timestep (batch_first=True); with --seq-first it would be 1 "
         "sequence of 6 timesteps"),
    (["--seq-first"], "read the (6, 1, 3) input as 1 sequence of 6 timesteps (batch_first=False); without "
                      "--seq-first it would be 6 sequences of 1 timestep"),
])
def test_an_input_the_other_layout_would_also_fit_gets_one_line_saying_how_it_was_read(capsys, relu_rnn, layout,
                                                                                       read):
    _, _, weights, inputs = relu_rnn
    status, _, err = run(capsys, "--weights", weights, "--input", inputs, "--nonlinearity", "relu", *layout)
    assert status == 0 and f"rnn-stepper: {read}\n" in err


def test_a_2d_sequence_reads_the_same_either_way_and_gets_no_such_line(capsys, relu_rnn, tmp_path):
    _, x, weights, _ = relu_rnn
    np.save(tmp_path / "x2.npy", x[:, 0].numpy())
    status, out, err = run(capsys, "--weights", weights, "--input", str(tmp_path / "x2.npy"), "--nonlinearity",
                           "relu")
    assert status == 0 and "read the" not in err and "assumed" not in out.splitlines()[0]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_weights_are_stepped_as_they_are_and_an_upcast_asked_for_is_said(capsys, tmp_path, dtype):
    torch.manual_seed(0)
    torch.save({k: v.to(dtype) for k, v in nn.GRU(5, 2).state_dict().items()}, tmp_path / "half.pt")
    status, out, err = run(capsys, "--weights", str(tmp_path / "half.pt"))
    assert status == 0 and f"kernel, {str(dtype)[6:]}" in out.splitlines()[0] and "converted" not in err
    status, out, err = run(capsys, "--weights", str(tmp_path / "half.pt"), "--dtype", "float32")
    assert status == 0 and "kernel, float32" in out.splitlines()[0]
    assert (f"the weights are {dtype}; --dtype float32 converted them to float32 (exactly: each value is the same "
            f"number), so the numbers are float32's, not those of the {str(dtype)[6:]} module torch's CPU kernel would "
            f"run; without --dtype they are stepped in {str(dtype)[6:]}") in err
