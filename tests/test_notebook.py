"""The notebook's example (chapter 15.2) is the default session, and the stepper reproduces its numbers.

Every number here is checked against the notebook's own code, run in the same test on the same machine. Its
printed digits came from another CPU; they are compared in one place only, within ULP_TOLERANCE (2 ulps: two faithful GEMM
code paths may round to opposite sides of the exact sum), and the distance on this machine is reported at the end of the test run.
"""

import numpy as np
import torch

from notebook_code import the_notebooks_own_code
from rnn_stepper.core import compute_trace, make_session
from rnn_stepper.core.distance import bits_equal, ulp_distance
from rnn_stepper.core.notebook import ULP_TOLERANCE, distance_from_notebook, is_notebook_session


def test_default_session_is_the_notebooks():
    session = make_session()
    assert session.config.describe() == "RNN(5, 2, batch_first=True)"
    assert session.seed == 1 and is_notebook_session(session)
    assert session.inputs.tolist() == [[[1.0] * 5, [2.0] * 5, [3.0] * 5]]
    assert {k: tuple(v.shape) for k, v in session.weights.items()} == {
        "weight_ih_l0": (2, 5), "weight_hh_l0": (2, 2), "bias_ih_l0": (2,), "bias_hh_l0": (2,)}


def test_stepping_three_times_shows_the_notebooks_nn_rnn_output_bit_for_bit():
    notebook = the_notebooks_own_code()
    cell = compute_trace(make_session(order="kernel")).cell(0)
    assert cell.walk == [0, 1, 2]
    for t in cell.walk:
        assert cell.x[t, 0].tolist() == [t + 1.0] * 5
    assert bits_equal(cell.hidden.numpy(), notebook["rnn_output"])


def test_textbook_order_is_the_notebooks_hand_loop_bit_for_bit():
    notebook = the_notebooks_own_code()
    cell = compute_trace(make_session(order="textbook")).cell(0)
    assert bits_equal(cell.phases["input_projection"].numpy(), notebook["input_projection"])
    assert bits_equal(cell.hidden.numpy(), notebook["hidden"])


def test_textbook_order_is_as_far_from_nn_rnn_as_the_notebooks_loop_is_on_this_machine():
    notebook = the_notebooks_own_code()
    kernel = compute_trace(make_session(order="kernel"))
    assert kernel.bitwise_equal and kernel.max_abs_diff == 0.0 and kernel.max_ulps == 0.0
    textbook = compute_trace(make_session(order="textbook"))
    expected = ulp_distance(notebook["hidden"], notebook["rnn_output"]).reshape(3, -1).max(axis=1)
    assert textbook.cell(0).step_ulps.tolist() == expected.tolist()
    assert textbook.bitwise_equal == (expected.max() == 0)


def test_the_notebooks_printout_is_reproduced_within_the_stated_ulps(machine_report):
    # The one place the notebook's printed digits are compared: they came from another CPU.
    for order in ("kernel", "textbook"):
        for distance in distance_from_notebook(compute_trace(make_session(order=order))):
            machine_report(f"{order} order, {distance.phase}: {distance.step_ulps} ulps from the notebook's "
                           "printout at t = 0, 1, 2")
            assert distance.within_tolerance, (order, distance, ULP_TOLERANCE)


def test_the_notebooks_printout_is_compared_only_for_the_notebooks_session():
    assert distance_from_notebook(compute_trace(make_session(seed=2))) == []
    assert distance_from_notebook(compute_trace(make_session(inputs=[[1.0] * 5, [2.0] * 5]))) == []


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
    assert np.isfinite(cell.hidden.numpy()).all()
