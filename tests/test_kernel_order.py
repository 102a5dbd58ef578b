"""For every cell type (nn.RNN, nn.GRU, nn.LSTM) and every option, the kernel order makes the module's own calls and
so returns its bits on any CPU; the textbook order stays a few ulps off, or, for the paper's GRU, computes
another function. An LSTM is matched on torch's native path; oneDNN's fused kernel is measured, never asserted."""

import numpy as np
import pytest
import torch
import torch.nn as nn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aten_calls import arithmetic_calls, assert_makes_the_modules_own_calls, first_difference
from helpers import sessions
from rnn_stepper.core import RNNConfig, compute_trace, make_session, session_from_module
from rnn_stepper.core.cells import CELL_TYPES
from rnn_stepper.core.distance import ulp_distance
from rnn_stepper.core.reference import native_path, reference_pass
from rnn_stepper.core.trace import hand_pass

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def module_output(session):
    """The torch module's own output and final state, on its native path (see reference.native_path)."""
    with torch.no_grad(), native_path():
        output, final = session.module()(session.inputs, session.initial_state())
    return output, final if isinstance(final, tuple) else (final,)


@PROPERTY
@given(sessions("kernel"))
def test_kernel_order_is_bitwise_equal_to_the_torch_module(session):
    trace = compute_trace(session)
    assert trace.bitwise_equal
    assert trace.max_abs_diff == 0.0 and trace.max_ulps == 0.0
    output, final = module_output(session)
    assert torch.equal(trace.output, output)
    for name, value in zip(session.config.cell_type.state, final):
        assert torch.equal(trace.final[name], value), name


@PROPERTY
@given(sessions("kernel"))
def test_kernel_order_makes_the_modules_own_calls_on_operands_of_the_same_shape_stride_and_alignment(session):
    # Equal bits on this CPU could be luck; equal calls give equal bits on every CPU, whatever path MKL picks.
    assert_makes_the_modules_own_calls(session)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=("lstm",)))
def test_the_fused_lstm_kernels_distance_is_measured_against_the_default_nn_lstm(session):
    trace = compute_trace(session)
    with torch.no_grad():  # the module as a user runs it: oneDNN on, where torch takes it
        output, (h_n, c_n) = session.module()(session.inputs, session.initial_state())
    fused = session.config.dtype == "float32" and not session.config.proj_size
    assert (trace.fused is not None) == fused
    if fused:
        expected = max(float(ulp_distance(a.numpy(), b.numpy()).max()) for a, b in
                       ((trace.output, output), (trace.final["hidden"], h_n), (trace.final["cell"], c_n)))
        assert trace.fused_max_ulps == expected
        assert trace.fused.kernel == "mkldnn_rnn_layer"
    else:  # float64 and proj_size: the default nn.LSTM runs the native cell, the bits the trace matches
        assert torch.equal(trace.output, output) and torch.equal(trace.final["cell"], c_n)


@PROPERTY
@given(sessions("textbook", cells=("rnn",)))
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
    assert_makes_the_modules_own_calls(session)


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


def paper_gru_in_float64(session):
    """Cho et al. 2014's GRU, written from the paper in float64, one layer, forward: the function the textbook
    order computes, to within its own rounding."""
    W_ih, W_hh = (session.weights[k].double() for k in ("weight_ih_l0", "weight_hh_l0"))
    b_ih, b_hh = (session.weights.get(k, torch.zeros(W_ih.shape[0])).double() for k in ("bias_ih_l0", "bias_hh_l0"))
    H = session.config.hidden_size
    x = session.inputs.double().reshape(-1, session.config.input_size)  # batch of one, batch_first
    h, out = torch.zeros(H, dtype=torch.float64), []
    for x_t in x:
        a, s = W_ih @ x_t + b_ih, W_hh @ h + b_hh
        r, z = torch.sigmoid(a[:H] + s[:H]), torch.sigmoid(a[H:2 * H] + s[H:2 * H])
        n = torch.tanh(a[2 * H:] + W_hh[2 * H:] @ (r * h) + b_hh[2 * H:])
        h = (1 - z) * n + z * h
        out.append(h)
    return torch.stack(out)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 12), st.integers(1, 20), st.booleans())
def test_the_textbook_gru_is_the_papers_formula_within_rounding(seed, T, H, bias):
    config = RNNConfig(cell="gru", input_size=3, hidden_size=H, bias=bias)
    inputs = torch.randn(T, 3, generator=torch.Generator().manual_seed(seed))
    paper = compute_trace(make_session(config, inputs, seed=seed, order="textbook"))
    expected = paper_gru_in_float64(paper.session)
    eps = float(torch.finfo(torch.float32).eps)
    # Rounding only: a few float32 operations per value, each within half an ulp, compounded over T steps.
    assert (paper.cell(0).hidden[:, 0].double() - expected).abs().max() <= 16 * T * eps
    # nn.GRU, the trace's reference, is another function: the textbook order reports its distance from it.
    assert paper.max_abs_diff == float((paper.output.double() - paper.reference_output.double()).abs().max())


def test_on_the_notebooks_input_the_papers_gru_and_pytorchs_differ_by_far_more_than_rounding():
    config = RNNConfig(cell="gru")
    paper = compute_trace(make_session(config, order="textbook"))
    pytorch = compute_trace(make_session(config))
    gap = (paper.output.double() - pytorch.output.double()).abs().max()
    assert gap > 1000 * float(torch.finfo(torch.float32).eps)
    assert torch.allclose(paper.output.double(), paper_gru_in_float64(paper.session).unsqueeze(0), atol=1e-6)


@PROPERTY
@given(sessions("textbook", cells=("lstm",)))
def test_the_textbook_lstm_stays_within_rounding_of_the_native_cell(session):
    trace = compute_trace(session)
    eps = float(torch.finfo(session.config.torch_dtype).eps)
    scale = max(1.0, max(float(c.phases["cell"].abs().max()) for c in trace.cells))
    T = trace.seq_len * session.config.num_layers
    # The same function added in another order: each step's sums differ by a few ulps of their magnitude, and the
    # cell state carries that difference on (scaled by gates below 1) for up to T steps through the layers.
    assert trace.max_abs_diff <= 16 * T * eps * scale


def test_an_lstm_traced_while_another_thread_turns_onednn_off_still_measures_its_fused_kernel():
    # oneDNN's switch is process-wide: a pass that turns it off must not overlap one that reads it (a window's
    # worker and a Python caller can trace at once).
    import threading

    stop = threading.Event()

    def flip():
        while not stop.is_set():
            with native_path():
                pass

    flipper = threading.Thread(target=flip)
    flipper.start()
    try:
        traces = [compute_trace(make_session(RNNConfig(cell="lstm"), seed=s)) for s in range(15)]
    finally:
        stop.set()
        flipper.join()
    assert all(t.fused is not None and t.bitwise_equal for t in traces)
    assert torch.backends.mkldnn.enabled


@pytest.mark.parametrize("cell", sorted(CELL_TYPES))
def test_a_column_major_weight_is_matched_call_for_call_with_its_own_strides(cell):
    """`nn.Parameter(W.t().contiguous().t())` is the same matrix laid out by columns: the GEMM reads it transposed,
    so its last bits differ from a row-major W's. The hand pass computes with the parameters as they are."""
    torch.manual_seed(3)
    module = getattr(nn, {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}[cell])(6, 5, num_layers=2, batch_first=True)
    module.weight_hh_l0 = nn.Parameter(module.weight_hh_l0.detach().t().contiguous().t())
    module.weight_ih_l1 = nn.Parameter(module.weight_ih_l1.detach().t().contiguous().t())
    inputs = torch.randn(3, 7, 6)
    session = session_from_module(module, inputs)
    assert session.weights["weight_hh_l0"].stride() == (1, module.weight_hh_l0.shape[0])
    with torch.no_grad(), native_path():
        theirs = arithmetic_calls(lambda: module(inputs))
        output, _ = module(inputs)
    reference = reference_pass(session)
    ours = arithmetic_calls(lambda: hand_pass(session, reference))
    assert ours == theirs, first_difference(ours, theirs)
    trace = compute_trace(session)
    assert trace.bitwise_equal and torch.equal(trace.output, output)
