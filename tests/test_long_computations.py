"""Long computations say how far they are and can be stopped; what they would replace stays as it was."""

import numpy as np
import pytest
import torch

from helpers import run
from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.errors import Cancelled, InputError


def long_session(T=2000, bidirectional=True):
    inputs = np.random.default_rng(0).standard_normal((T, 3))
    return make_session(RNNConfig(input_size=3, hidden_size=4, num_layers=2, bidirectional=bidirectional),
                        inputs, seed=0)


def test_progress_counts_up_from_zero_to_the_whole_and_nn_rnn_is_half_of_it():
    heard = []
    compute_trace(long_session(), progress=lambda done, total: heard.append((done, total)))
    totals = {total for _, total in heard}
    assert totals == {2 * 4 * 2000}  # nn.RNN's pass, then 2 layers × 2 directions × 2000 timesteps by hand
    done = [d for d, _ in heard]
    assert done[0] == 0 and done[-1] == 16000 and done == sorted(done)
    assert 8000 in done  # nn.RNN's own pass done, the hand pass about to start
    assert len(heard) > 30  # often enough for a progress bar to move and a cancel to land


def test_a_progress_callback_that_raises_cancelled_stops_the_computation():
    calls = []

    def cancel_halfway(done, total):
        calls.append(done)
        if done > total // 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        compute_trace(long_session(), progress=cancel_halfway)
    assert max(calls) < 16000


def test_h_prev_is_derived_from_the_hidden_states_in_walking_order():
    trace = compute_trace(long_session(T=5))
    forward, reverse = trace.cell(0, 0), trace.cell(0, 1)
    assert (forward.h_prev[0] == 0).all() and (forward.h_prev[1:] == forward.hidden[:-1]).all()
    assert (reverse.h_prev[4] == 0).all() and (reverse.h_prev[:4] == reverse.hidden[1:]).all()
    # one step's previous state, as the strip reads it at each click, without the whole (T, B, H) copy
    for cell in (forward, reverse):
        assert all(torch.equal(cell.previous_at("hidden", t), cell.h_prev[t]) for t in range(5))


def test_what_the_sequence_panel_fits_and_plots_is_derived_once_per_trace_and_skips_nan():
    # ‖h_t‖ and each step's largest finite |value|, read at each click for the revealed steps only
    inputs = np.random.default_rng(1).standard_normal((2, 6, 3))
    inputs[1, 2, 0] = np.nan  # batch row 1 is NaN from t = 2 on
    cell = compute_trace(make_session(RNNConfig(input_size=3, hidden_size=4), inputs, seed=0)).cell(0)
    hidden = cell.hidden.numpy()
    for t in range(6):
        for b in range(2):
            assert np.array_equal(cell.hidden_norms[t, b], np.linalg.norm(hidden[t, b]), equal_nan=True)
            finite = np.abs(hidden[t, b][np.isfinite(hidden[t, b])])
            assert cell.extent("hidden")[t, b] == (finite.max() if finite.size else 0)
    assert cell.extent("hidden")[2:, 1].tolist() == [0.0] * 4


def test_the_models_runner_computes_without_the_cyclic_collector_and_leaves_it_as_it_was():
    import gc

    from rnn_stepper.core import collector
    from rnn_stepper.jobs import run_now

    enabled_before, during = gc.isenabled(), []
    run_now(lambda progress: during.append(gc.isenabled()), lambda result: during.append(gc.isenabled()), None)
    assert during == [False, enabled_before] and gc.isenabled() == enabled_before  # paused for the work only
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # paused() does not switch on a collector someone else switched off
    finally:
        gc.enable()


def test_a_deep_model_can_be_cancelled_between_layers_of_nn_rnns_own_pass():
    heard = []

    def cancel_after_two_layers(done, total):
        heard.append(done)
        if len(heard) == 3:  # the start, then two layers checked against one-layer nn.RNNs
            raise Cancelled()

    session = make_session(RNNConfig(hidden_size=2, num_layers=50))
    with pytest.raises(Cancelled):
        compute_trace(session, progress=cancel_after_two_layers)
    steps_per_layer = session.seq_len
    assert heard == [0, steps_per_layer, 2 * steps_per_layer]  # progress moved layer by layer before the hand pass


# --- nothing hangs: what would take longer than anyone would wait is refused up front, with the estimate ----------

def test_a_module_too_deep_to_build_within_a_second_is_refused_before_anything_is_built(capsys):
    # torch.nn builds 20,000 layers in one call of about 90 s that no Cancel can stop (its __setattr__ is
    # quadratic in the number of parameters); the refusal says so and what would be built instead.
    status, out, err = run(capsys, "--num-layers", "20000")
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert "to build 20000 layers, in one call that Cancel cannot stop; use at most" in err
    from rnn_stepper.core.config import BUILD_LIMIT_S, build_seconds, max_layers

    most = max_layers(RNNConfig())
    assert f"{most:,} layers" in err
    assert build_seconds(RNNConfig(num_layers=most)) <= BUILD_LIMIT_S < build_seconds(RNNConfig(num_layers=most + 1))
    make_session(RNNConfig(num_layers=most))  # the largest accepted is built, not refused


def test_a_trace_estimated_past_the_time_limit_is_refused_with_the_estimate():
    from rnn_stepper.core.config import TIME_LIMIT_S, estimated_seconds

    config, T = RNNConfig(input_size=1, num_layers=2000), 12_000
    assert estimated_seconds(config, T, 1) > TIME_LIMIT_S
    with pytest.raises(InputError, match=r"this trace would take about \d+ minutes to compute, more than 10 minutes"):
        make_session(config, [[0.0]] * T)


def test_the_time_estimate_grows_with_every_size_that_costs_time():
    from rnn_stepper.core.config import estimated_seconds

    base = RNNConfig(input_size=8, hidden_size=8)
    cost = estimated_seconds(base, 100, 1)
    for bigger, T, B in ((base.replace(hidden_size=64), 100, 1), (base.replace(num_layers=3), 100, 1),
                         (base.replace(bidirectional=True), 100, 1), (base.replace(cell="lstm"), 100, 1),
                         (base, 1000, 1), (base, 100, 64), (base.replace(dtype="float64", hidden_size=512), 100, 1)):
        assert estimated_seconds(bigger, T, B) > cost, (bigger, T, B)
