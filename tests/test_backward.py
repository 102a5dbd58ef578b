"""Backpropagation through time by hand, for L = Σ h_n: in kernel order every gradient — the parameters', the input's
and h0's — is autograd's own, bit for bit, and the hand pass makes autograd's own calls (issue 15, its core)."""

from collections import Counter

import pytest
import torch
from hypothesis import HealthCheck, given, settings

from aten_calls import arithmetic_calls
from rnn_stepper.core import InputError, RNNConfig, compute_trace, make_session
from rnn_stepper.core.backward import autograd_gradients, backward_pass, hand_backward
from test_kernel_order import sessions

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(sessions("kernel", cells=("rnn",)))
def test_every_gradient_of_the_hand_backward_is_autograds_bit_for_bit(session):
    backward = backward_pass(compute_trace(session))
    assert backward.bitwise_equal and backward.max_ulps == 0.0
    reference = backward.reference
    for name, grad in reference.parameters.items():
        assert torch.equal(backward.manual.parameters[name], grad), name
    assert torch.equal(backward.manual.input, reference.input)
    assert (backward.manual.h0 is None) == (session.h0 is None)
    if session.h0 is not None:
        assert torch.equal(backward.manual.h0, reference.h0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=("rnn",)))
def test_the_hand_backward_makes_autograds_own_calls(session):
    # Autograd's engine orders independent branches its own way; the calls and their operands' shapes, strides and
    # alignment are what decide the bits, so the two are compared as collections of calls.
    trace = compute_trace(session)
    recorded = []
    autograd_gradients(trace, run=lambda backward: recorded.extend(arithmetic_calls(backward)))
    ours = arithmetic_calls(lambda: hand_backward(trace))
    missing, extra = Counter(recorded) - Counter(ours), Counter(ours) - Counter(recorded)
    assert not missing and not extra, ([str(c) for c in missing][:3], [str(c) for c in extra][:3])


def test_the_notebooks_session_backpropagates_the_sum_of_its_last_hidden_state():
    trace = compute_trace(make_session())
    backward = backward_pass(trace)
    # ∂L/∂z at the last step is 1 − h_T², computed in float64 here from the trace's own h_T
    h_last = trace.cell(0).hidden[2, 0].double()
    assert torch.allclose(backward.cells[0].pre_activation[2, 0].double(), 1 - h_last ** 2, rtol=0, atol=1e-7)
    assert backward.bitwise_equal


def test_cell_types_and_orders_without_a_stepped_backward_say_so():
    with pytest.raises(InputError, match="not yet"):
        backward_pass(compute_trace(make_session(RNNConfig(cell="gru"))))
    with pytest.raises(InputError, match="not yet"):
        backward_pass(compute_trace(make_session(order="textbook")))
