"""The notebook's example (chapter 15.2) is the default session, and the stepper reproduces its numbers."""

import numpy as np
import pytest
import torch

from rnn_stepper.core import compute_trace, make_session

# What the notebook printed for `torch.manual_seed(1); nn.RNN(5, 2, batch_first=True)` and inputs 1s, 2s, 3s.
NOTEBOOK_INPUT_PROJECTION = [[-0.4701929, 0.58639044], [-0.88883156, 1.2364398], [-1.3074702, 1.8864892]]
NOTEBOOK_HIDDEN = [[-0.3519801, 0.52525216], [-0.68424344, 0.76074266], [-0.8649416, 0.9046636]]


def seven_digits(actual, expected):
    for a, e in zip(np.ravel(actual), np.ravel(expected)):
        np.testing.assert_approx_equal(a, e, significant=7)


def test_default_session_is_the_notebooks():
    session = make_session()
    assert session.config.describe() == "RNN(5, 2, batch_first=True)"
    assert session.seed == 1
    assert session.inputs.tolist() == [[[1.0] * 5, [2.0] * 5, [3.0] * 5]]
    assert {k: tuple(v.shape) for k, v in session.weights.items()} == {
        "weight_ih_l0": (2, 5), "weight_hh_l0": (2, 2), "bias_ih_l0": (2,), "bias_hh_l0": (2,)}


@pytest.mark.parametrize("order", ["kernel", "textbook"])
def test_stepping_three_times_shows_the_notebooks_hidden_states(order):
    cell = compute_trace(make_session(order=order)).cell(0)
    assert cell.walk == [0, 1, 2]
    for t in cell.walk:
        seven_digits(cell.x[t, 0], [t + 1.0] * 5)
        seven_digits(cell.phases["input_projection"][t, 0], NOTEBOOK_INPUT_PROJECTION[t])
        seven_digits(cell.hidden[t, 0], NOTEBOOK_HIDDEN[t])


def test_textbook_order_prints_the_notebooks_hand_computation_digit_for_digit():
    cell = compute_trace(make_session(order="textbook")).cell(0)
    printed = [str(cell.phases["input_projection"][t].numpy()) for t in cell.walk]
    assert printed == ["[[-0.4701929   0.58639044]]", "[[-0.88883156  1.2364398 ]]", "[[-1.3074702  1.8864892]]"]
    printed = [str(cell.hidden[t].numpy()) for t in cell.walk]
    assert printed == ["[[-0.3519801   0.52525216]]", "[[-0.68424344  0.76074266]]", "[[-0.8649416  0.9046636]]"]


def test_kernel_order_is_bitwise_nn_rnn_and_textbook_order_says_how_far_it_is():
    kernel = compute_trace(make_session(order="kernel"))
    assert kernel.bitwise_equal and kernel.max_abs_diff == 0.0 and kernel.max_ulps == 0.0
    textbook = compute_trace(make_session(order="textbook"))
    # The notebook's loop adds in another order than PyTorch's kernel: two ulps off at t = 0, and it says so.
    assert not textbook.bitwise_equal
    assert textbook.cell(0).step_ulps.tolist() == [2.0, 0.0, 1.0]
    assert textbook.max_abs_diff == pytest.approx(5.96e-08, rel=1e-2)


def test_the_four_phases_are_the_equation():
    cell = compute_trace(make_session()).cell(0)
    w = make_session().weights
    for t in cell.walk:
        x, h_prev = cell.x[t], cell.h_prev[t]
        a, r, z, h = (cell.phases[name][t] for name in ("input_projection", "recurrent_term", "pre_activation",
                                                         "hidden"))
        torch.testing.assert_close(a, x @ w["weight_ih_l0"].T + w["bias_ih_l0"])
        torch.testing.assert_close(r, h_prev @ w["weight_hh_l0"].T + w["bias_hh_l0"])
        assert torch.equal(z, a + r)
        assert torch.equal(h, torch.tanh(z))
    assert torch.equal(cell.h_prev[0], torch.zeros(1, 2))
    assert torch.equal(cell.h_prev[1], cell.hidden[0])
