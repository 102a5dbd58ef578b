"""Backpropagation through time by hand, for L = Σ h_n: in kernel order every gradient — the parameters', the input's,
h0's and an LSTM's c0's — is autograd's own, bit for bit, for nn.RNN, nn.GRU and nn.LSTM (its native path), and the
hand pass makes autograd's own calls (issues 15 and 28). A float32 nn.LSTM's default backward, oneDNN's fused kernel,
is measured beside it, never asserted."""

import importlib.resources
from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aten_calls import arithmetic_calls
from helpers import CELLS, run, sessions
from rnn_stepper.core import InputError, RNNConfig, compute_trace, layout, make_session
from rnn_stepper.core.backward import (
    Head,
    Loss,
    autograd_gradients,
    backward_pass,
    connectivity,
    hand_backward,
    next_input_loss,
    next_step_losses,
)
from rnn_stepper.core.distance import bits_differ, ulp_distance
from rnn_stepper.core.session_file import load_session

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=CELLS))
def test_every_gradient_of_the_hand_backward_is_autograds_bit_for_bit(session):
    backward = backward_pass(compute_trace(session))
    assert backward.bitwise_equal and backward.max_ulps == 0.0
    reference = backward.reference
    assert set(backward.manual.parameters) == set(reference.parameters) == set(session.weights)
    for name, grad in reference.parameters.items():
        assert torch.equal(backward.manual.parameters[name], grad), name
    assert torch.equal(backward.manual.input, reference.input)
    for state in ("h0", "c0"):  # a gradient for each initial state given, as autograd leaves one in .grad
        assert (getattr(backward.manual, state) is None) == (getattr(session, state) is None), state
        if getattr(session, state) is not None:
            assert torch.equal(getattr(backward.manual, state), getattr(reference, state)), state


# What autograd kept from the forward pass and the trace does not, the hand pass computes again from the trace: the
# GRU's h_{t-1} − n_t (the operand an in-place mul_ overwrote, which autograd copied) and the LSTM's tanh(c_t) (the
# result of an out-of-place tanh). One call a step of each cell, on operands laid out as the forward pass's: the same
# bits in, the same code path, the same bits out.
RECOMPUTED = {"rnn": None, "gru": "sub.Tensor", "lstm": "tanh.default"}


def assert_makes_autograds_own_calls(trace, recorded, ours):
    missing, extra = Counter(recorded) - Counter(ours), Counter(ours) - Counter(recorded)
    assert not missing, [str(c) for c in missing][:3]
    recomputed = RECOMPUTED[trace.config.cell]
    steps = len(trace.cells) * trace.seq_len
    assert sum(extra.values()) == (steps if recomputed else 0), [str(c) for c in extra][:3]
    assert all(call.op == recomputed for call in extra), [str(c) for c in extra][:3]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=CELLS))
def test_the_hand_backward_makes_autograds_own_calls(session):
    # Autograd's engine orders independent branches its own way; the calls and their operands' shapes, strides and
    # alignment are what decide the bits, so the two are compared as collections of calls.
    trace = compute_trace(session)
    recorded = []
    autograd_gradients(trace, run=lambda backward: recorded.extend(arithmetic_calls(backward)))
    assert_makes_autograds_own_calls(trace, recorded, arithmetic_calls(lambda: hand_backward(trace)))


def mse_against_a_target(trace) -> Loss:
    """A target shaped as the output, drawn from a generator seeded by the output's shape: the same per session."""
    shape = tuple(trace.output.shape)
    generator = torch.Generator().manual_seed(sum(shape) * 31 + len(shape))
    return Loss("mse", torch.randn(shape, generator=generator, dtype=trace.output.dtype))


@PROPERTY
@given(sessions("kernel", cells=CELLS))
def test_the_mse_loss_against_a_target_backpropagates_as_autograd_does_bit_for_bit(session):
    trace = compute_trace(session)
    loss = mse_against_a_target(trace)
    backward = backward_pass(trace, loss)
    assert backward.bitwise_equal
    assert torch.equal(backward.manual.loss, backward.reference.loss)  # the value shown is the module's loss


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=CELLS))
def test_the_mse_backward_makes_autograds_own_calls(session):
    trace = compute_trace(session)
    loss = mse_against_a_target(trace)
    recorded = []
    autograd_gradients(trace, run=lambda backward: recorded.extend(arithmetic_calls(backward)), loss=loss)
    assert_makes_autograds_own_calls(trace, recorded, arithmetic_calls(lambda: hand_backward(trace, loss)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=CELLS), st.data())
def test_the_connectivity_of_a_unit_is_the_norm_of_autograds_input_gradient(session, data):
    trace = compute_trace(session)
    T, B, units = trace.seq_len, trace.batch_size, trace.config.num_directions * trace.config.output_size
    t, b, i = (data.draw(st.integers(0, n - 1)) for n in (T, B, units))
    loss = Loss("unit", at=(t, b, i))
    backward = backward_pass(trace, loss)
    assert backward.bitwise_equal
    expected = layout.time_major(backward.reference.input, session.config.batch_first)[:, b].norm(dim=-1)
    strip = connectivity(trace, t, i, b)
    assert torch.equal(strip, expected)
    config = trace.config
    if config.num_layers == 1 or not config.bidirectional:  # above a bidirectional layer, every unit reads all of x
        forward = i < config.output_size
        unread = strip[t + 1:] if forward else strip[:t]
        assert not unread.any()  # nothing depends on an input the unit has not read yet


@pytest.mark.parametrize("name, nonlinearity, radius", [("gradient-vanishing", "tanh", 0.5),
                                                       ("gradient-exploding", "relu", 1.8)])
def test_the_gradient_examples_vanish_and_explode_over_50_steps_as_their_radius_says(name, nonlinearity, radius):
    folder = importlib.resources.files("rnn_stepper.resources") / "sessions"
    session, _ = load_session(str(folder / f"{name}.rnnstep.json"))
    trace = compute_trace(session)
    assert session.config.nonlinearity == nonlinearity and trace.seq_len == 50
    assert trace.spectral_radius(0) == pytest.approx(radius)
    backward = backward_pass(trace)
    assert backward.bitwise_equal
    norms = backward.cells[0].norms.double()  # ‖∂L/∂h_t‖, t = 0 … 49
    reach = float(norms[0] / norms[-1])  # how much of the loss's gradient reaches back to the first step
    # ρ bounds the growth per step back (times max f' = 1): 0.5^49 ≈ 2e-15 at most, and relu's 1.8^49 ≈ 3e12 when
    # every unit stays active (positive W_hh and input), as the example is built
    if nonlinearity == "tanh":
        assert reach < radius ** 49 * 10
    else:
        assert reach > radius ** 49 / 10 and bool((trace.cell(0).hidden > 0).all())


def classifier_loss(trace, seed: int) -> Loss:
    """A Linear head of 3 classes beside the module and a label per batch row, as the names tutorial's h2o."""
    generator = torch.Generator().manual_seed(seed)
    dtype = trace.output.dtype
    head = Head("h2o.", torch.randn(3, trace.config.output_size, generator=generator).to(dtype),
                torch.randn(3, generator=generator).to(dtype))
    return Loss("cross_entropy", torch.randint(0, 3, (trace.batch_size,), generator=generator), head=head)


@PROPERTY
@given(sessions("kernel", cells=CELLS).filter(lambda s: s.batched), st.integers(0, 2**31 - 1))
def test_cross_entropy_through_a_linear_head_backpropagates_as_autograd_does_bit_for_bit(session, seed):
    trace = compute_trace(session)
    backward = backward_pass(trace, classifier_loss(trace, seed))
    assert {"h2o.weight", "h2o.bias"} <= set(backward.reference.parameters)  # the head's own gradients too
    assert backward.bitwise_equal
    assert torch.equal(backward.manual.loss, backward.reference.loss)


def regressor_head(trace, seed) -> Head:
    """A Linear head reading the whole output and writing one value per input feature, as the sine example's."""
    config = trace.config
    generator = torch.Generator().manual_seed(seed)
    width = config.num_directions * config.output_size
    weight = torch.randn(config.input_size, width, generator=generator, dtype=trace.output.dtype)
    bias = torch.randn(config.input_size, generator=generator, dtype=trace.output.dtype)
    return Head("head.", weight, bias if seed % 2 else None)


@PROPERTY
@given(sessions("kernel", cells=CELLS).filter(lambda s: s.seq_len > 1), st.integers(0, 2**31 - 1))
def test_next_step_prediction_through_a_linear_head_backpropagates_as_autograd_does_bit_for_bit(session, seed):
    # L = mse(head(output), x_{t+1}): the head is folded as F.linear folds a trained head's input (one addmm for a
    # contiguous output, else one mm of a contiguous copy), and its own gradients come out beside the module's
    trace = compute_trace(session)
    head = regressor_head(trace, seed)
    losses = next_step_losses(session, {head.name: head})
    assert losses[0].head is head
    backward = backward_pass(trace, losses[0])
    assert {"head.weight"} <= set(backward.reference.parameters)
    assert backward.bitwise_equal, [row for row in backward.comparison() if not row[2]]
    assert torch.equal(backward.manual.loss, backward.reference.loss)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=CELLS).filter(lambda s: s.seq_len > 1))
def test_next_step_prediction_through_a_head_makes_autograds_own_calls(session):
    # The trace keeps the module's output, not the head's prediction, so the hand pass makes the head's forward
    # call once more (mse_loss_backward reads the prediction); apart from that call, autograd's own calls.
    trace = compute_trace(session)
    loss = next_input_loss(session, regressor_head(trace, 1))
    recorded = []
    autograd_gradients(trace, run=lambda backward: recorded.extend(arithmetic_calls(backward)), loss=loss)
    ours = Counter(arithmetic_calls(lambda: hand_backward(trace, loss)))
    ours.subtract(arithmetic_calls(lambda: loss.head.forward(trace.output)))
    assert_makes_autograds_own_calls(trace, recorded, list(ours.elements()))


def test_a_session_offers_next_step_prediction_where_a_head_or_the_output_fits_the_input():
    session = make_session()  # the notebook's: 5 inputs, 2 units, no head: nothing to predict x_{t+1} with
    assert next_step_losses(session, {}) == []
    fits = Head("head.", torch.zeros(5, 2), None)
    assert [loss.head for loss in next_step_losses(session, {"head.": fits, "h2o.": Head("h2o.", torch.zeros(3, 2),
                                                                                         None)})] == [fits]
    square = make_session(RNNConfig(input_size=2, hidden_size=2), inputs=[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert [loss.head for loss in next_step_losses(square, {})] == [None]  # the output itself, as wide as x
    one_step = make_session(RNNConfig(input_size=2, hidden_size=2), inputs=[[1.0, 2.0]])
    assert next_step_losses(one_step, {}) == []  # no next input to predict
    trace = compute_trace(session)
    with pytest.raises(InputError, match=r"head\(output\) it is compared with is \(1, 3, 5\)"):
        backward_pass(trace, Loss("mse", torch.zeros(1, 3, 2), head=fits))


def test_a_loss_is_one_the_stepper_knows_with_a_target_of_the_outputs_shape():
    trace = compute_trace(make_session())
    with pytest.raises(InputError, match="choose one of"):
        Loss("hinge")
    with pytest.raises(InputError, match="needs a target"):
        Loss("mse")
    with pytest.raises(InputError, match=r"the target is \(3, 2\).*\(1, 3, 2\)"):
        backward_pass(trace, Loss("mse", torch.zeros(3, 2)))
    with pytest.raises(InputError, match=r"outside the output, which is 3 steps × 1 rows × 2 units"):
        backward_pass(trace, Loss("unit", at=(3, 0, 0)))
    head = Head("h2o.", torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(InputError, match="needs a Linear head"):
        Loss("cross_entropy", torch.tensor([0]))
    with pytest.raises(InputError, match="class labels run from 0 to 2"):
        backward_pass(trace, Loss("cross_entropy", torch.tensor([3]), head=head))
    with pytest.raises(InputError, match=r"one whole-number class label per batch row \(1\)"):
        backward_pass(trace, Loss("cross_entropy", torch.tensor([0, 1]), head=head))
    with pytest.raises(InputError, match="takes 4 inputs; the last hidden state has 2 units"):
        backward_pass(trace, Loss("cross_entropy", torch.tensor([0]), head=Head("h2o.", torch.zeros(3, 4), None)))


def test_the_notebooks_session_backpropagates_the_sum_of_its_last_hidden_state():
    trace = compute_trace(make_session())
    backward = backward_pass(trace)
    # ∂L/∂z at the last step is 1 − h_T², computed in float64 here from the trace's own h_T
    h_last = trace.cell(0).hidden[2, 0].double()
    assert torch.allclose(backward.cells[0].pre_activation[2, 0].double(), 1 - h_last ** 2, rtol=0, atol=1e-7)
    assert backward.bitwise_equal


def test_an_order_the_backward_does_not_step_for_a_cell_type_says_so():
    # the paper's GRU, which the textbook order computes, is another function than nn.GRU: no backward of it yet
    with pytest.raises(InputError, match=r"in kernel order for nn.RNN, nn.GRU and nn.LSTM; in textbook order for "
                                         r"nn.RNN and nn.LSTM; nn.GRU in textbook order is not yet"):
        backward_pass(compute_trace(make_session(RNNConfig(cell="gru"), order="textbook")))


@PROPERTY
@given(sessions("textbook", cells=("rnn",)))
def test_the_textbook_backward_lands_within_rounding_of_autograd_and_says_how_far(session):
    backward = backward_pass(compute_trace(session))
    # The same sums of the same products, grouped and ordered otherwise, from a forward pass a few ulps away: apart
    # by rounding only. Relative to each gradient's largest entry: 1e-4 in float32 (eps 1.2e-7, through up to 3
    # layers × 12 steps of sums), 1e-10 in float64 (eps 2.2e-16). Where tanh saturates, 1 − h² cancels: an ulp of h
    # is a relative error of about 2 eps / (1 − h²) in tanh', so the bound widens by that conditioning.
    tolerance = 1e-4 if session.config.dtype == "float32" else 1e-10
    if session.config.nonlinearity == "tanh":
        eps = float(torch.finfo(backward.trace.cells[0].hidden.dtype).eps)
        derivative = min(float((1 - cell.reference.square()).min()) for cell in backward.trace.cells)
        tolerance /= max(derivative, eps)
    for manual, reference in backward._pairs():
        scale = float(reference.abs().max()) if reference.numel() else 0.0
        assert torch.allclose(manual, reference, rtol=0, atol=tolerance * max(scale, 1e-30))
    apart = [bits_differ(a.numpy(), b.numpy()) for a, b in backward._pairs()]
    assert backward.bitwise_equal == (not any(d.any() for d in apart))
    for (manual, reference), differ in zip(backward._pairs(), apart):
        a, b = manual.numpy()[differ], reference.numpy()[differ]
        # Bits apart are ulps apart, or zeros of opposite sign (a relu mask writes −0.0 where autograd has 0.0)
        assert ((ulp_distance(a, b) > 0) | ((a == 0) & (b == 0) & (np.signbit(a) != np.signbit(b)))).all()


@PROPERTY
@given(sessions("textbook", cells=("lstm",)))
def test_the_textbook_lstm_backward_lands_within_rounding_of_autograd(session):
    backward = backward_pass(compute_trace(session))
    # As the RNN's above: the same sums of the same products, grouped and ordered otherwise, from a forward pass a
    # few ulps away. Relative to each gradient's largest entry, 1e-4 in float32 and 1e-10 in float64, widened where
    # a derivative written out cancels: 1 − y² for tanh (g_t and tanh c_t) and σ(1 − σ) (i_t, f_t, o_t) lose
    # digits as y nears 1 (or −1 for tanh), where an ulp of y is a relative error of about 2 eps / (1 − |y|).
    tolerance = 1e-4 if session.config.dtype == "float32" else 1e-10
    eps = float(torch.finfo(session.config.torch_dtype).eps)
    margins = []
    for cell in backward.trace.cells:
        for name in ("input_gate", "forget_gate", "output_gate"):
            margins.append(float((1 - cell.phases[name].double()).min()))
        for bounded in (cell.phases["cell_candidate"].double(), cell.phases["cell"].double().tanh()):
            margins.append(float((1 - bounded.abs()).min()))
    tolerance /= max(min(margins), eps)
    for manual, reference in backward._pairs():
        scale = float(reference.abs().max()) if reference.numel() else 0.0
        assert torch.allclose(manual, reference, rtol=0, atol=tolerance * max(scale, 1e-30))
    assert backward.cells[0].cell is not None  # ∂L/∂c_t, written out too


# relu without biases, inputs of −1: where the relu mask stops the gradient, the textbook's products 0 × −1 give
# −0.0 in ∂L/∂W_ih, where autograd's GEMM sums from 0.0. Found by the property test above.
ZERO_SIGNS = ["--order", "textbook", "--nonlinearity", "relu", "--no-bias", "--seed", "3",
              "--sequence", "-1,-1,-1,-1,-1; -1,-1,-1,-1,-1"]


def test_gradients_apart_only_in_a_zeros_sign_are_said_so_not_called_bitwise_or_left_at_0_ulp(capsys, qtbot):
    from rnn_stepper.cli import build_parser, session_from_args

    session = session_from_args(build_parser().parse_args(["trace", *ZERO_SIGNS]))
    backward = backward_pass(compute_trace(session))
    rows = backward.comparison()
    shown = [{"input": "x"}.get(name, name) for name, *_ in rows]  # ∂L/∂x, as the check writes it
    signs_only = [shown[r] for r, (_name, _shape, same, _diff, ulps) in enumerate(rows) if not same and ulps == 0]
    if not signs_only:
        pytest.skip("this machine's GEMM writes −0.0 there too")
    status, out, err = run(capsys, "--backward", *ZERO_SIGNS)
    assert status == 0 and err == ""
    for name in signs_only:
        assert f"dL/d{name}: autograd's values, but a zero's sign differs (-0.0 against 0.0)" in out
    assert out.splitlines()[-1] == (
        "bitwise identical to autograd: no (0 ulp: a zero's sign differs, -0.0 against 0.0)" if backward.max_ulps == 0
        else f"bitwise identical to autograd: no ({backward.max_ulps:g} ulp)")

    from rnn_stepper.backprop import Backprop
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.backward_panel import BackwardPanel

    model = StepperModel(session)
    panel = BackwardPanel(model, Backprop(model))
    qtbot.addWidget(panel)
    panel.backprop.compute()
    zero_signs = "some zeros differ in sign (−0.0 against 0.0)" in panel.walk.verdict.text()
    assert zero_signs == (backward.max_ulps == 0)
    table = panel.check.check_table
    for r, (name, (_name, _shape, same, _diff, _ulps)) in enumerate(zip(shown, rows)):
        assert table.item(r, 0).text().startswith(f"∂L/∂{name} ")
        assert table.item(r, 1).text() == ("no: ±0" if name in signs_only else "bitwise ✓" if same else "no")


def test_the_textbook_backward_sums_in_forward_order_and_so_rounds_apart_from_autograd(machine_report):
    # A session big enough that the order of the sums shows (issue 15 measured 837 of 1,024 elements of ∂L/∂W_hh
    # apart): the distance is this machine's, reported, not asserted.
    config = RNNConfig(input_size=8, hidden_size=32)
    inputs = torch.randn(1, 40, 8, generator=torch.Generator().manual_seed(15))
    kernel = backward_pass(compute_trace(make_session(config, inputs, seed=0)))
    textbook = backward_pass(compute_trace(make_session(config, inputs, seed=0, order="textbook")))
    assert kernel.bitwise_equal
    apart = int((textbook.manual.parameters["weight_hh_l0"] != textbook.reference.parameters["weight_hh_l0"]).sum())
    machine_report(f"textbook-order backward, hidden 32, T 40: {apart} of 1024 elements of dL/dW_hh differ from "
                   f"autograd's, at most {textbook.max_ulps:g} ulp")
    assert textbook.max_ulps > 0


def test_the_gradient_reaching_back_shrinks_step_by_step_when_w_hh_contracts():
    # ρ(W_hh) < 1 and tanh' ≤ 1: each step back multiplies ∂L/∂h by at most ‖W_hh‖, so it fades with distance
    config = RNNConfig(input_size=1, hidden_size=4)
    session = make_session(config, [[0.5]] * 30, weights={
        "weight_ih_l0": torch.full((4, 1), 0.1), "weight_hh_l0": 0.4 * torch.eye(4),
        "bias_ih_l0": torch.zeros(4), "bias_hh_l0": torch.zeros(4)})
    norms = backward_pass(compute_trace(session)).cells[0].norms
    assert all(later > earlier for earlier, later in zip(norms[:-1], norms[1:]))
    assert norms[0] < 1e-10 * norms[-1]


def test_trace_backward_says_each_gradient_is_autograds(capsys):
    status, out, err = run(capsys, "--backward", "--num-layers", "2", "--bidirectional")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[-1] == "bitwise identical to autograd: yes"
    assert sum("bitwise identical to autograd" in line for line in lines) == 4 * 4 + 1 + 1  # 16 parameters, x, all
    status, out, err = run(capsys, "--backward", "--cell", "gru", "--order", "textbook")
    assert status == 2 and out == "" and "not yet" in err and err.count("\n") == 1


def test_trace_backward_writes_every_gradient_into_the_json_and_the_csv(capsys):
    import csv
    import io
    import json

    trace = compute_trace(make_session())
    backward = backward_pass(trace)
    status, out, err = run(capsys, "--backward", "--format", "json")
    document = json.loads(out)["backward"]
    assert status == 0 and document["loss"] == "L = sum of h_n" and document["bitwise_equal"]
    for name, grad in backward.reference.parameters.items():
        assert torch.equal(torch.tensor(document["gradients"][name]["manual"], dtype=grad.dtype), grad), name
    assert torch.equal(torch.tensor(document["cells"][0]["dL_dz"]), backward.cells[0].pre_activation)
    status, out, err = run(capsys, "--backward", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    last = [r for r in rows if r["t"] == "2"]
    # each float32 written in its own shortest digits: read back, the very bits of ∂L/∂z_2
    assert [np.float32(r["dL_dz"]) for r in last] == list(backward.cells[0].pre_activation[2, 0].numpy())


def test_trace_backward_takes_a_target_for_the_mse(capsys, tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("0.1,0.2\n0.3,0.4\n0.5,0.6\n")
    status, out, err = run(capsys, "--backward", "--target", str(target))
    assert status == 0 and "backward: L = mean((output - target)^2) = " in out
    assert out.splitlines()[-1] == "bitwise identical to autograd: yes"
    target.write_text("0.1,0.2\n")
    status, out, err = run(capsys, "--backward", "--target", str(target))
    assert status == 2 and out == "" and "the target is (1, 2)" in err and err.count("\n") == 1
    status, out, err = run(capsys, "--target", str(target))
    assert status == 2 and "add --backward" in err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=("lstm",)))
def test_the_fused_lstm_backwards_distance_from_the_stepped_gradients_is_measured_in_the_same_run(session):
    # PyTorch trains a float32 nn.LSTM through oneDNN's fused backward by default: not stepped, so not promised; its
    # distance is this run's, compared here with the module's own default loss.backward(), never with a number.
    backward = backward_pass(compute_trace(session))
    assert backward.bitwise_equal  # the native path, stepped
    fused = session.config.dtype == "float32" and not session.config.proj_size
    assert (backward.fused is not None) == fused == (backward.trace.fused is not None)
    if not fused:  # float64 and proj_size: the default nn.LSTM steps the native cell, whose bits the hand pass has
        assert backward.fused_max_ulps is None
        return
    assert backward.fused.kernel == "mkldnn_rnn_layer_backward"
    module = session.module()
    x = session.inputs.clone().requires_grad_(True)
    leaves = {name: getattr(session, name).clone().requires_grad_(True) for name in ("h0", "c0")
              if getattr(session, name) is not None}
    state = session.initial_state()
    if leaves:
        state = (leaves.get("h0", state[0]), leaves.get("c0", state[1]))
    module(x, state)[1][0].sum().backward()  # as a user calls it: oneDNN on
    theirs = {name: p.grad for name, p in module.named_parameters()} | {"input": x.grad} | {
        name: leaf.grad for name, leaf in leaves.items()}
    distances = []
    for name, mine, fused_grad in backward.fused_pairs():
        assert torch.equal(fused_grad, theirs[name]), name  # the fused kernel's own gradients, as torch gives them
        distances.append(float(ulp_distance(mine.numpy(), fused_grad.numpy()).max(initial=0.0)))
    assert backward.fused_max_ulps == max(distances)


@pytest.mark.parametrize("cell, options", [("gru", ()), ("lstm", ()), ("lstm", ("--proj-size", "1")),
                                           ("gru", ("--num-layers", "2", "--bidirectional"))])
def test_trace_backward_steps_gated_cells_in_text_json_and_csv(capsys, cell, options):
    import csv
    import io
    import json

    from test_files_and_bad_input import run

    argv = ("--backward", "--cell", cell, *options)
    status, out, err = run(capsys, *argv)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[-1] == "bitwise identical to autograd: yes"
    assert ("|dL/dc_t| for t = 0" in out) == (cell == "lstm")  # the gradient along an LSTM's cell state
    fused = cell == "lstm" and "--proj-size" not in options
    assert ("oneDNN's fused kernel (mkldnn_rnn_layer_backward), not stepped" in out) == fused

    status, out, err = run(capsys, *argv, "--format", "json")
    document = json.loads(out)["backward"]
    assert status == 0 and document["bitwise_equal"]
    assert (document["fused"] is not None) == fused
    from rnn_stepper.cli import build_parser, session_from_args

    session = session_from_args(build_parser().parse_args(["trace", *argv]))
    backward = backward_pass(compute_trace(session))
    for name, grad in backward.reference.parameters.items():
        assert torch.equal(torch.tensor(document["gradients"][name]["manual"], dtype=grad.dtype), grad), name
    for index, cell_gradients in enumerate(backward.cells):
        assert torch.equal(torch.tensor(document["cells"][index]["dL_dz"]), cell_gradients.pre_activation)
        assert ("dL_dc" in document["cells"][index]) == (cell == "lstm")
        if cell == "lstm":
            assert torch.equal(torch.tensor(document["cells"][index]["dL_dc"]), cell_gradients.cell)

    status, out, err = run(capsys, *argv, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    kind, H = session.config.cell_type, session.config.hidden_size
    gradients = backward.cells[0]
    first = [r for r in rows if r["layer"] == "0" and r["direction"] == "0" and r["t"] == "0"]
    for k, gate in enumerate(kind.gate_names):  # ∂L/∂z_t a column per gate block, read back as the very bits
        assert [np.float32(r[f"dL_dz_{gate}"]) for r in first[:H]] == list(
            gradients.pre_activation[0, 0, k * H:(k + 1) * H].numpy())
    if cell == "lstm":
        assert [np.float32(r["dL_dc"]) for r in first[:H]] == list(gradients.cell[0, 0].numpy())
