"""Long computations say how far they are and can be stopped; what they would replace stays as it was."""

import numpy as np
import pytest

from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.errors import Cancelled


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


def test_the_models_runner_computes_without_the_cyclic_collector_and_leaves_it_as_it_was():
    import gc

    from rnn_stepper.core import collector
    from rnn_stepper.model import run_now

    during = []
    run_now(lambda progress: during.append(gc.isenabled()), lambda result: during.append(gc.isenabled()), None)
    assert during == [False, True] and gc.isenabled()  # paused for the work, on again when it is shown
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
