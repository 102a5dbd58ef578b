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
    # The book's sentiment model packs its padded reviews of different lengths: torch then makes no
    # mkldnn_rnn_layer call, so the native cell the hand pass replays is the one the model runs.
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


def test_the_api_takes_a_packed_sequence_or_a_padded_batch_and_its_lengths():
    # The book's part-2 model packs its padded reviews with enforce_sorted=False: the same packing, two ways.
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    lengths = torch.tensor([5, 2, 4])
    packed = pack_padded_sequence(reviews(), lengths, batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        output, (h_n, c_n) = lstm(packed)
    for traced in (rnn_stepper.trace(lstm, packed), rnn_stepper.trace(lstm, reviews(), lengths=lengths)):
        assert traced.bitwise_equal and traced.fused is None
        assert torch.equal(traced.output.data, output.data)
        assert torch.equal(traced.output.unsorted_indices, output.unsorted_indices)
        assert torch.equal(traced.h_n, h_n) and torch.equal(traced.final["cell"], c_n)
    with pytest.raises(ValueError, match="these lengths do not fit x of shape"):
        rnn_stepper.trace(lstm, reviews(), lengths=[9, 2, 4])


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


# --- the packed pass, call for call ----------------------------------------------------------------------------------

MODULES = [
    (nn.RNN, {}), (nn.RNN, {"nonlinearity": "relu", "bias": False}), (nn.GRU, {}), (nn.LSTM, {}),
    (nn.LSTM, {"proj_size": 2}), (nn.LSTM, {"num_layers": 2, "bidirectional": True}),
    (nn.GRU, {"num_layers": 2, "bidirectional": True}), (nn.RNN, {"dtype": torch.float64}),
]


def packed_batch(lengths, size=3, seed=0, dtype=torch.float32, enforce_sorted=False):
    padded = reviews(lengths, size, seed).to(dtype)
    return pack_padded_sequence(padded, torch.tensor(lengths), batch_first=True, enforce_sorted=enforce_sorted)


def initial_state(module, batch, seed=1):
    generator = torch.Generator().manual_seed(seed)
    cells = module.num_layers * (2 if module.bidirectional else 1)
    dtype = next(module.parameters()).dtype
    h0 = torch.randn(cells, batch, module.proj_size or module.hidden_size, generator=generator).to(dtype)
    if isinstance(module, nn.LSTM):
        return h0, torch.randn(cells, batch, module.hidden_size, generator=generator).to(dtype)
    return h0


@pytest.mark.parametrize("kind, options", MODULES)
@pytest.mark.parametrize("lengths, enforce_sorted", [((5, 2, 4, 1), False), ((5, 4, 2, 2), True), ((3,), True)])
@pytest.mark.parametrize("given_state", [False, True])
def test_the_packed_pass_is_bit_for_bit_the_modules_output_and_h_n(kind, options, lengths, enforce_sorted,
                                                                   given_state):
    from rnn_stepper.core.packed import packed_pass
    from rnn_stepper.core.reference import native_path

    torch.manual_seed(3)
    module = kind(3, 5, batch_first=True, **options).eval()
    dtype = options.get("dtype", torch.float32)
    packed = packed_batch(lengths, dtype=dtype, enforce_sorted=enforce_sorted)
    hx = initial_state(module, len(lengths)) if given_state else None
    trace = packed_pass(module, packed, hx)
    with torch.no_grad(), native_path():
        output, final = module(packed, hx)
    final = final if isinstance(final, tuple) else (final,)
    assert torch.equal(trace.data, output.data)
    for name, value in zip(module_states(module), final):
        assert torch.equal(trace.final[name], value), name
    assert trace.bitwise_equal
    # the batch shrinks as sequences end: step t holds batch_sizes[t] rows
    assert [len(step["hidden"]) for step in trace.cells[0].steps] == packed.batch_sizes.tolist()
    # torch hands a float32 LSTM's packed batch to oneDNN only when every sequence is as long: then it is measured
    same_length = len(set(lengths)) == 1
    assert (trace.fused is not None) == (kind is nn.LSTM and dtype == torch.float32 and same_length
                                         and not options.get("proj_size"))


def module_states(module):
    return ("hidden", "cell") if isinstance(module, nn.LSTM) else ("hidden",)


@pytest.mark.parametrize("kind, options", MODULES)
def test_the_packed_pass_makes_the_modules_own_calls(kind, options):
    from aten_calls import arithmetic_calls, first_difference
    from rnn_stepper.core.packed import packed_hand_pass
    from rnn_stepper.core.reference import native_path
    from rnn_stepper.core.session import module_config

    torch.manual_seed(3)
    module = kind(3, 5, batch_first=True, **options).eval()
    packed = packed_batch((5, 2, 4, 1), dtype=options.get("dtype", torch.float32))
    hx = initial_state(module, 4)
    given = dict(zip(module_states(module), hx if isinstance(hx, tuple) else (hx,)))
    config, weights = module_config(module), dict(module.named_parameters())

    def by_hand():
        _, final, _ = packed_hand_pass(config, weights, packed, given)
        for value in final.values():
            value.index_select(1, packed.unsorted_indices)

    # torch.nn reads batch_sizes[0] as a Python int (_local_scalar_dense): a count read, not arithmetic
    counted = lambda calls: [c for c in calls if not c.op.startswith("_local_scalar_dense")]  # noqa: E731
    with torch.no_grad(), native_path():
        theirs = counted(arithmetic_calls(lambda: module(packed, hx)))
        ours = counted(arithmetic_calls(by_hand))
    assert ours == theirs, first_difference(ours, theirs)
    assert any(c.op.startswith("index_select") for c in ours)  # enforce_sorted=False permutes, both ways


def test_a_padded_file_and_its_lengths_step_through_the_command_bit_for_bit(capsys, tmp_path):
    import json

    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    torch.save(lstm.state_dict(), tmp_path / "lstm.pt")
    np.save(tmp_path / "reviews.npy", reviews().numpy())
    packed = pack_padded_sequence(reviews(), torch.tensor([5, 2, 4]), batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        output, (h_n, c_n) = lstm(packed)
    status = main(["trace", "--weights", str(tmp_path / "lstm.pt"), "--input", str(tmp_path / "reviews.npy"),
                   "--lengths", "5,2,4", "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "all-zero timesteps" not in err  # the lengths say where each sequence ends
    document = json.loads(out)
    assert document["batch_sizes"] == [3, 3, 2, 2, 1] and document["bitwise_equal"]
    assert torch.equal(torch.tensor(document["output_data"]), output.data)
    assert torch.equal(torch.tensor(document["h_n"]), h_n) and torch.equal(torch.tensor(document["c_n"]), c_n)
    status = main(["trace", "--weights", str(tmp_path / "lstm.pt"), "--input", str(tmp_path / "reviews.npy"),
                   "--lengths", "5,2"])
    assert status == 2 and "give 3 lengths from 1 to 5" in capsys.readouterr().err
