"""Variable-length batches, as far as the stepper goes today: a packed float32 LSTM runs torch's native cell (the
path the hand pass replays), a PackedSequence is refused with what to pass instead, and a batch that looks padded
is said to be stepped through, padding and all."""

import numpy as np
import pytest
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

import rnn_stepper
from rnn_stepper.cli import main
from rnn_stepper.core.packed import trailing_padding
from rnn_stepper.core.reference import fused_kernels


def reviews(lengths=(5, 2, 4), size=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return pad_sequence([torch.randn(n, size, generator=generator) + 0.5 for n in lengths], batch_first=True)


def test_a_packed_float32_lstm_takes_the_native_path_and_a_padded_one_the_fused_kernel():
    # The book's sentiment model packs its padded reviews: torch then makes no mkldnn_rnn_layer call, so the
    # native cell the hand pass replays is the one the model runs.
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    padded = reviews()
    packed = pack_padded_sequence(padded, torch.tensor([5, 2, 4]), batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        with fused_kernels() as watch:
            lstm(packed)
        assert "mkldnn_rnn_layer" not in watch.seen
        with fused_kernels() as watch:
            lstm(padded)
        assert "mkldnn_rnn_layer" in watch.seen


def test_a_packed_sequence_is_refused_with_what_to_pass_instead():
    packed = pack_padded_sequence(reviews(), torch.tensor([5, 2, 4]), batch_first=True, enforce_sorted=False)
    with pytest.raises(TypeError, match=r"x is a PackedSequence, which the stepper does not step yet: pass the "
                                        r"padded batch, nn.utils.rnn.pad_packed_sequence"):
        rnn_stepper.trace(nn.LSTM(3, 4, batch_first=True), packed)


def test_rows_that_end_in_zero_timesteps_unlike_the_others_are_read_as_padding():
    assert trailing_padding(reviews(), batch_first=True) == {1: 3, 2: 1}
    assert trailing_padding(reviews().transpose(0, 1), batch_first=False) == {1: 3, 2: 1}
    assert trailing_padding(reviews((4, 4)), batch_first=True) == {}  # every row as long: nothing padded
    assert trailing_padding(reviews((4,)), batch_first=True) == {}  # one sequence: nothing to pad to


def test_a_padded_batch_given_without_lengths_says_the_padding_is_stepped_through(capsys, tmp_path):
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    trace = rnn_stepper.trace(lstm, reviews())
    err = capsys.readouterr().err
    assert "batch rows 1 (3), 2 (1) end in all-zero timesteps" in err and "stepped through" in err
    # what the note warns of: the short review's h_n is the state after its padding, not the packed h_n
    packed = pack_padded_sequence(reviews(), torch.tensor([5, 2, 4]), batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        _, (packed_h_n, _) = lstm(packed)
    assert not torch.equal(trace.h_n[0, 1], packed_h_n[0, 1])
    np.save(tmp_path / "reviews.npy", reviews().numpy())
    assert main(["trace", "--cell", "lstm", "--hidden-size", "4", "--input", str(tmp_path / "reviews.npy")]) == 0
    assert "end in all-zero timesteps" in capsys.readouterr().err
