"""A session whose padded batch has lengths (issue 27 §4): stepped as `pack_padded_sequence(x, lengths,
enforce_sorted=False)` is, each sequence leaving the batch when it ends, bit for bit the module's packed output;
saved and opened with its lengths; refused, with what to give, where the lengths do not fit."""

from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnn_stepper.cli import main
from rnn_stepper.core.config import RNNConfig
from rnn_stepper.core.errors import InputError
from rnn_stepper.core.explain import explain
from rnn_stepper.core.session import make_session, with_inputs
from rnn_stepper.core.session_file import load_session, save_session
from rnn_stepper.core.trace import compute_trace

LENGTHS = (5, 2, 4, 1)
T = 5


def padded_session(cell="lstm", lengths=LENGTHS, **options):
    """A batch of len(lengths) sequences of 3 features, zeros after each one's end, and random initial states."""
    config = RNNConfig(input_size=3, hidden_size=4, cell=cell, **options)
    generator = torch.Generator().manual_seed(0)
    rows = torch.randn(len(lengths), T, 3, generator=generator)
    for b, n in enumerate(lengths):
        rows[b, n:] = 0
    x = rows if config.batch_first else rows.transpose(0, 1)
    session = make_session(config, x, seed=3)
    cells = config.num_layers * config.num_directions
    states = {"h0": torch.randn(cells, len(lengths), config.output_size, generator=generator)}
    if cell == "lstm":
        states["c0"] = torch.randn(cells, len(lengths), config.hidden_size, generator=generator)
    return replace(session, lengths=lengths, **states)


def modules_packed_pass(session):
    """What the user's own module returns for the packed batch, padded back as pad_packed_sequence pads it."""
    config = session.config
    module = session.module()
    packed = pack_padded_sequence(session.inputs, torch.tensor(session.lengths), batch_first=config.batch_first,
                                  enforce_sorted=False)
    with torch.no_grad():
        output, final = module(packed, session.initial_state())
    output, _ = pad_packed_sequence(output, batch_first=config.batch_first, total_length=T)
    return output, final if isinstance(final, tuple) else (final,)


OPTIONS = [("rnn", {}), ("rnn", {"nonlinearity": "relu", "batch_first": False}), ("gru", {"num_layers": 2}),
           ("gru", {"bidirectional": True}), ("lstm", {}), ("lstm", {"proj_size": 2, "bidirectional": True}),
           ("lstm", {"num_layers": 2, "bidirectional": True, "batch_first": False})]


@pytest.mark.parametrize("cell, options", OPTIONS)
def test_a_session_with_lengths_is_the_modules_packed_pass_bit_for_bit(cell, options):
    session = padded_session(cell, **options)
    trace = compute_trace(session)
    output, final = modules_packed_pass(session)
    assert torch.equal(trace.output, output)
    for state, value in zip(trace.final.values(), final):
        assert torch.equal(state, value)
    assert trace.bitwise_equal
    # each cell's final state is its last real step's: the forward walk's at length - 1, the reverse walk's at 0
    assert torch.equal(torch.stack([c.final() for c in trace.cells]), trace.final["hidden"])


@pytest.mark.parametrize("cell, options", OPTIONS)
def test_every_phase_after_a_sequences_end_is_zero_and_it_is_said_to_have_ended(cell, options):
    trace = compute_trace(padded_session(cell, **options))
    for cell_trace in trace.cells:
        for b, n in enumerate(LENGTHS):
            assert cell_trace.ended(n) == [r for r, m in enumerate(LENGTHS) if m <= n]
            assert b not in cell_trace.ended(n - 1)
            for values in cell_trace.phases.values():
                assert not values[n:, b].any()  # nothing computed for it: zeros, as pad_packed_sequence pads


def test_the_reverse_walk_of_a_shorter_sequence_starts_from_its_initial_state_at_its_own_last_step():
    # ReversedPackedLayer: a sequence joins the reverse walk at its last real step, not at T - 1
    session = padded_session("gru", bidirectional=True)
    reverse = compute_trace(session).cell(0, 1)
    for b, n in enumerate(LENGTHS):
        assert torch.equal(reverse.previous_at("hidden", n - 1)[b], session.h0[1, b])
        assert torch.equal(reverse.previous("hidden")[n - 1, b], session.h0[1, b])
        if n >= 2:  # and the step before it in the walk reads what that step made
            assert torch.equal(reverse.previous_at("hidden", n - 2)[b], reverse.hidden[n - 1, b])


def test_a_number_of_a_packed_step_is_explained_and_one_after_the_end_is_refused():
    trace = compute_trace(padded_session("rnn"))
    assert "a_1[0]" in explain(trace, 0, 0, 1, 1, "input_projection", 0).text()
    with pytest.raises(InputError, match="sequence 1 is 2 steps long.*choose t from 0 to 1"):
        explain(trace, 0, 0, 2, 1, "input_projection", 0)


@pytest.mark.parametrize("lengths, says", [((5, 2, 4), "give 4 lengths from 1 to 5"),
                                           ((5, 2, 4, 6), "give 4 lengths from 1 to 5"),
                                           ((5, 0, 4, 1), "give 4 lengths from 1 to 5"),
                                           ((5, 2.5, 4, 1), "whole numbers"), (("5", 2, 4, 1), "whole numbers")])
def test_lengths_that_do_not_fit_the_batch_say_what_to_give(lengths, says):
    session = padded_session()  # four sequences of at most five steps
    with pytest.raises(InputError, match=says):
        replace(session, lengths=lengths)


def test_a_packed_batch_is_stepped_in_the_kernel_order_and_its_backward_is_refused():
    session = padded_session("rnn")
    with pytest.raises(InputError, match="use order 'kernel'"):
        replace(session, order="textbook")
    from rnn_stepper.core.backward import check_stepped

    with pytest.raises(InputError, match="stepped forward only"):
        check_stepped(session)


def test_an_edited_input_keeps_the_lengths_while_they_fit_and_steps_the_batch_whole_when_not():
    session = padded_session("rnn")
    rows = session.inputs.numpy()
    assert with_inputs(session, rows).lengths == LENGTHS
    assert with_inputs(session, rows[:, :3]).lengths is None  # T = 3 is shorter than the first sequence


def test_a_session_file_keeps_its_lengths(tmp_path):
    session = padded_session("lstm", bidirectional=True)
    save_session(str(tmp_path / "packed.rnnstep.json"), session)
    opened, _ = load_session(str(tmp_path / "packed.rnnstep.json"))
    assert opened.lengths == LENGTHS
    assert torch.equal(compute_trace(opened).output, modules_packed_pass(session)[0])


def test_trace_of_a_packed_session_file_steps_the_packed_batch(capsys, tmp_path):
    import json

    session = padded_session("gru")
    save_session(str(tmp_path / "packed.rnnstep.json"), session)
    status = main(["trace", "--session", str(tmp_path / "packed.rnnstep.json"), "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    document = json.loads(out)
    assert document["lengths"] == list(LENGTHS) and document["batch_sizes"] == [4, 3, 2, 2, 1]
    assert document["bitwise_equal"]
    assert torch.equal(torch.tensor(document["h_n"]), modules_packed_pass(session)[1][0])
    assert main(["trace", "--session", str(tmp_path / "packed.rnnstep.json"), "--format", "csv"]) == 2
    assert "use --format json" in capsys.readouterr().err


def test_the_window_command_takes_lengths_and_refuses_ones_that_do_not_fit(capsys, tmp_path):
    np.save(tmp_path / "padded.npy", padded_session("rnn").inputs.numpy())
    status = main(["--input", str(tmp_path / "padded.npy"), "--lengths", "5,2,4", "--screenshot",
                   str(tmp_path / "shot.png")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "give 4 lengths from 1 to 5" in err
    assert not (tmp_path / "shot.png").exists()


def test_a_packed_sequence_or_a_padded_batch_and_its_lengths_open_the_window(qtbot):
    import rnn_stepper
    from rnn_stepper.ui import show

    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    session = padded_session("lstm")
    packed = pack_padded_sequence(session.inputs, torch.tensor(LENGTHS), batch_first=True, enforce_sorted=False)
    try:
        for given in ({"x": packed}, {"x": session.inputs, "lengths": LENGTHS}):
            rnn_stepper.show(lstm, block=False, **given)
            window = show.latest(show.windows[-1])
            assert window.model.session.lengths == LENGTHS
            assert window.model.trace.bitwise_equal
        with pytest.raises(TypeError, match="leave out lengths="):
            rnn_stepper.show(lstm, packed, lengths=LENGTHS, block=False)
        with pytest.raises(ValueError, match="give 4 lengths from 1 to 5"):
            rnn_stepper.show(lstm, session.inputs, lengths=(5, 2), block=False)
    finally:
        for window in map(show.latest, show.windows):
            window.close()
        show.windows.clear()


def test_the_window_says_which_sequences_have_ended_and_draws_nothing_for_them(qtbot):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel(padded_session("lstm")))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    m = window.model
    m.show_cell(0, 0, 1)  # sequence 1 is two steps long
    m.move_to(3 * len(m.phases))  # t = 2
    assert all(np.isnan(v).all() for v in window.step_view.shown().values())  # the strip is blank for it
    assert "sequence 1 has ended" in window.step_view.heading.text()
    assert "packed, lengths 5, 2, 4, 1; ended at t = 2: sequence 1, 3" in window.status_text()
    ts, _, _, _ = window.comparison.plotted()
    assert list(ts) == [0, 1]  # the curves stop at its end
    assert list(window.sequence.revealed_columns()) == [True, True, False, False, False]
    m.show_cell(0, 0, 0)  # the longest sequence is still running
    assert not np.isnan(window.step_view.shown()["hidden"]).any()
    assert list(window.comparison.plotted()[0]) == [0, 1, 2]


def test_the_window_says_a_padded_batch_without_lengths_is_stepped_through(qtbot):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel(replace(padded_session("rnn"), lengths=None)))
    qtbot.addWidget(window)
    assert "rows 1, 2, 3 end in zeros: if that is padding, it is stepped through" in window.status_text()


def test_only_a_session_with_lengths_is_written_as_version_3(tmp_path):
    import json

    for lengths, version in ((LENGTHS, 3), (None, 2)):
        save_session(str(tmp_path / "s.rnnstep.json"), replace(padded_session("rnn"), lengths=lengths))
        document = json.loads((tmp_path / "s.rnnstep.json").read_text())
        assert (document["version"], document["lengths"]) == (version, lengths and list(lengths))


def test_the_shipped_packed_example_is_the_notebooks_input_in_three_sequences():
    from rnn_stepper.ui.session_files import example_sessions

    session, _ = load_session(example_sessions()["packed-batch"])
    assert session.lengths == (3, 1, 2)
    trace = compute_trace(session)
    rnn = session.module()
    packed = pack_padded_sequence(session.inputs, torch.tensor([3, 1, 2]), batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        _, h_n = rnn(packed)
    assert torch.equal(trace.h_n, h_n)


def test_where_torch_fuses_the_packed_lstm_its_distance_is_measured_beside_the_native_bits():
    # Every sequence as long: torch hands the packed float32 nn.LSTM to oneDNN (core/packed.py's docstring)
    session = replace(padded_session("lstm"), lengths=(T,) * len(LENGTHS))
    trace = compute_trace(session)
    assert trace.bitwise_equal  # with the native cell, as always
    assert trace.fused is not None and trace.fused.kernel == "mkldnn_rnn_layer"
    module = session.module()
    packed = pack_padded_sequence(session.inputs, torch.tensor(session.lengths), batch_first=True,
                                  enforce_sorted=False)
    with torch.no_grad():
        output, _ = module(packed, session.initial_state())  # torch's default: the fused kernel
    assert torch.equal(trace.fused.output, pad_packed_sequence(output, batch_first=True)[0])
    assert np.isfinite(trace.fused_max_ulps)
