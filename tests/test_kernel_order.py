"""For every option of nn.RNN, the kernel order makes nn.RNN's own calls and so returns its bits on any CPU; the
textbook order stays a few ulps off."""

import numpy as np
import torch
import torch.nn as nn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aten_calls import arithmetic_calls, first_difference
from rnn_stepper.core import RNNConfig, Session, compute_trace, make_session, session_from_module
from rnn_stepper.core.session import seeded_weights
from rnn_stepper.core.reference import reference_pass
from rnn_stepper.core.trace import hand_pass


@st.composite
def sessions(draw, order="kernel"):
    config = RNNConfig(
        input_size=draw(st.integers(1, 12)),
        # 15 and 17 make B·H·itemsize miss every 64-byte boundary: where alignment decides MKL's code path.
        hidden_size=draw(st.one_of(st.integers(1, 40), st.sampled_from([15, 17]))),
        num_layers=draw(st.integers(1, 3)),
        nonlinearity=draw(st.sampled_from(["tanh", "relu"])),
        bias=draw(st.booleans()),
        batch_first=draw(st.booleans()),
        bidirectional=draw(st.booleans()),
        dtype=draw(st.sampled_from(["float32", "float64"])),
    )
    T, B = draw(st.integers(1, 12)), draw(st.integers(1, 8))
    unbatched = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1))
    gen = torch.Generator().manual_seed(seed)
    if unbatched:
        shape = (T, config.input_size)
    else:
        shape = (B, T, config.input_size) if config.batch_first else (T, B, config.input_size)
    inputs = (torch.randn(shape, generator=gen) * draw(st.sampled_from([0.5, 1.0, 4.0]))).to(config.torch_dtype)
    h0 = None
    if draw(st.booleans()):
        cells = config.num_layers * config.num_directions
        h_shape = (cells, config.hidden_size) if unbatched else (cells, B, config.hidden_size)
        h0 = torch.randn(h_shape, generator=gen).to(config.torch_dtype)
    return Session(config=config, weights=seeded_weights(config, seed), inputs=inputs, h0=h0, order=order, seed=seed)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(sessions("kernel"))
def test_kernel_order_is_bitwise_equal_to_nn_rnn(session):
    trace = compute_trace(session)
    assert trace.bitwise_equal
    assert trace.max_abs_diff == 0.0 and trace.max_ulps == 0.0
    with torch.no_grad():
        output, h_n = session.module()(session.inputs, session.h0)
    assert torch.equal(trace.output, output) and torch.equal(trace.h_n, h_n)


@PROPERTY
@given(sessions("kernel"))
def test_kernel_order_makes_nn_rnns_own_calls_on_operands_of_the_same_shape_stride_and_alignment(session):
    # Equal bits on this CPU could be luck; equal calls give equal bits on every CPU, whatever path MKL picks.
    assert_makes_nn_rnns_own_calls(session)


def assert_makes_nn_rnns_own_calls(session):
    reference = reference_pass(session)
    with torch.no_grad():  # as reference_pass runs it
        theirs = arithmetic_calls(lambda: reference.module(session.inputs, session.h0))
    ours = arithmetic_calls(lambda: hand_pass(session, reference))
    assert ours == theirs, first_difference(ours, theirs)


@PROPERTY
@given(sessions("textbook"))
def test_textbook_order_stays_within_a_few_ulps_of_the_values_it_adds(session):
    trace = compute_trace(session)
    eps = float(torch.finfo(session.config.torch_dtype).eps)
    scale = max(1.0, max(float(c.phases["pre_activation"].abs().max()) for c in trace.cells))
    # Near zero an ulp is tiny, so the bound is in ulps of the pre-activation's magnitude, where the sums happen.
    assert trace.max_abs_diff <= 8 * eps * scale


@settings(max_examples=40, deadline=None)
@given(sessions("kernel"))
def test_each_layer_below_the_top_agrees_with_h_n(session):
    trace = compute_trace(session)
    D = session.config.num_directions
    for index, cell in enumerate(trace.cells):
        reference_final = cell.reference[cell.walk[-1]]
        expected = trace.reference_h_n[index] if session.batched else trace.reference_h_n[index].unsqueeze(0)
        assert torch.equal(reference_final, expected), (index, D)


def test_a_hidden_size_of_17_is_exact_though_its_steps_sit_68_bytes_apart():
    # The case that broke on an AMD EPYC with MKL: the old hand pass wrote each GEMM into a (T, B, 17) trace, whose
    # rows miss 64-byte boundaries; nn.RNN's kernel gives every step a fresh, aligned tensor. 1 ulp off at t = 3.
    torch.manual_seed(1003)
    module = nn.RNN(3, 17, num_layers=2, nonlinearity="relu", bidirectional=True)
    inputs = torch.randn(9, 1, 3) * 2
    session = session_from_module(module, inputs)
    trace = compute_trace(session)
    assert trace.bitwise_equal and trace.max_ulps == 0.0
    assert_makes_nn_rnns_own_calls(session)


def test_reverse_cell_walks_from_the_last_timestep():
    config = RNNConfig(input_size=3, hidden_size=2, bidirectional=True)
    trace = compute_trace(make_session(config, [[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 1, 0]]))
    forward, reverse = trace.cell(0, 0), trace.cell(0, 1)
    assert forward.walk == [0, 1, 2, 3] and reverse.walk == [3, 2, 1, 0]
    assert torch.equal(reverse.h_prev[3], torch.zeros(1, 2))
    assert torch.equal(reverse.h_prev[2], reverse.hidden[3])
    # nn.RNN's output concatenates [forward | reverse] at each t; h_n holds the reverse cell's state at t = 0.
    assert torch.equal(trace.output[0, :, 2:], reverse.hidden[:, 0])
    assert torch.equal(trace.h_n[1], reverse.hidden[0])


def test_a_module_someone_built_is_traced_with_its_own_weights():
    torch.manual_seed(7)
    module = nn.RNN(4, 3, num_layers=2, nonlinearity="relu", batch_first=False)
    inputs = torch.randn(5, 2, 4)
    trace = compute_trace(session_from_module(module, inputs))
    assert trace.bitwise_equal
    with torch.no_grad():
        assert torch.equal(trace.reference_output, module(inputs)[0])


def test_dropout_is_accepted_and_changes_nothing_in_eval_mode():
    config = RNNConfig(input_size=2, hidden_size=3, num_layers=2, dropout=0.5)
    trace = compute_trace(make_session(config, [[1, 2], [3, 4], [5, 6]]))
    plain = compute_trace(make_session(config.replace(dropout=0.0), [[1, 2], [3, 4], [5, 6]]))
    assert trace.bitwise_equal and torch.equal(trace.output, plain.output)


def test_float64_shows_the_same_seeded_model_in_more_precision():
    w32 = make_session().weights
    w64 = make_session(RNNConfig(dtype="float64")).weights
    for name in w32:
        assert w64[name].dtype == torch.float64 and torch.equal(w64[name].float(), w32[name])
    assert compute_trace(make_session(RNNConfig(dtype="float64"))).bitwise_equal


def test_seeding_leaves_the_callers_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    make_session(seed=99)
    assert torch.equal(torch.rand(3), expected)


def test_nan_in_the_input_propagates_as_pytorch_propagates_it_and_is_flagged():
    trace = compute_trace(make_session(inputs=[[1, 1, 1, 1, 1], [float("nan"), 2, 2, 2, 2], [3, 3, 3, 3, 3]]))
    hidden = trace.cell(0).hidden.numpy()
    assert np.isfinite(hidden[0]).all() and np.isnan(hidden[1:]).all()
    assert trace.nonfinite and trace.bitwise_equal and trace.max_abs_diff == 0.0


def test_inf_in_the_input_saturates_tanh_and_stays_bitwise_equal():
    trace = compute_trace(make_session(inputs=[[1, 1, 1, 1, 1], [float("inf"), 2, 2, 2, 2]]))
    assert np.isinf(trace.cell(0).phases["pre_activation"][1].numpy()).all()
    assert np.abs(trace.cell(0).hidden[1].numpy()).tolist() == [[1.0, 1.0]]
    assert not trace.nonfinite and trace.bitwise_equal
