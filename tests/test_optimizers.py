"""Train's optimizers are torch.optim's, bit for bit (core/optimizers.py): steps of the hand backward and the hand
update, side by side with loss.backward() and optimizer.step() on the user's own module, for every cell type and
option (issue 28: "Train runs the optimizer the user's code runs: torch.optim.SGD and torch.optim.Adam")."""

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import CELLS, sessions
from rnn_stepper.core import compute_trace
from rnn_stepper.core.backward import SUM_LAST, backward_pass
from rnn_stepper.core.optimizers import OPTIMIZERS, Adam, optimizer_step
from rnn_stepper.core.reference import native_path

STEPS = 3  # Adam's moments and bias corrections differ from its first step on


def trained_by_hand(session, optimizer, steps=STEPS):
    loss = SUM_LAST
    for _ in range(steps):
        session, loss = optimizer_step(session, loss, backward_pass(compute_trace(session)).manual, optimizer)
    return session


def trained_by_torch(session, make_optimizer, steps=STEPS):
    module = session.module()
    optimizer = make_optimizer(module.parameters())
    for _ in range(steps):
        optimizer.zero_grad()
        with native_path():  # the path the hand backward mirrors (test_backward measures the fused one)
            final = module(session.inputs.clone(), session.initial_state())[1]
            (final[0] if isinstance(final, tuple) else final).sum().backward()
        optimizer.step()
    return module.state_dict()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions("kernel", cells=CELLS), st.sampled_from(sorted(OPTIMIZERS)), st.sampled_from([0.1, 0.01, 0.3]))
def test_training_steps_are_torch_optims_bit_for_bit(session, name, lr):
    by_hand = trained_by_hand(session, OPTIMIZERS[name](lr))
    by_torch = trained_by_torch(session, lambda params: getattr(torch.optim, name)(params, lr=lr))
    for parameter, value in by_torch.items():
        assert torch.equal(by_hand.weights[parameter], value), parameter


@pytest.mark.parametrize("betas, eps", [((0.8, 0.99), 1e-6), ((0.5, 0.9), 1e-3)])
def test_adams_own_settings_are_followed_bit_for_bit(betas, eps):
    from rnn_stepper.core import RNNConfig, make_session

    session = make_session(RNNConfig(input_size=3, hidden_size=4, cell="lstm"),
                           torch.randn(6, 3, generator=torch.Generator().manual_seed(3)).tolist(), seed=2)
    by_hand = trained_by_hand(session, Adam(0.05, betas, eps), steps=5)
    by_torch = trained_by_torch(session, lambda params: torch.optim.Adam(params, lr=0.05, betas=betas, eps=eps),
                                steps=5)
    for parameter, value in by_torch.items():
        assert torch.equal(by_hand.weights[parameter], value), parameter


def test_adam_moves_every_weight_by_about_its_learning_rate_at_first():
    """Adam's first step is lr·sign(g) up to ε: the update a student checks on paper."""
    from rnn_stepper.core import RNNConfig, make_session

    session = make_session(RNNConfig(input_size=2, hidden_size=3), [[1.0, 2.0], [3.0, 4.0]], seed=1)
    gradients = backward_pass(compute_trace(session)).manual
    stepped, _ = optimizer_step(session, SUM_LAST, gradients, Adam(0.01))
    for name, before in session.weights.items():
        moved = (stepped.weights[name] - before).double()
        expected = -0.01 * torch.sign(gradients.parameters[name]).double()
        assert torch.allclose(moved, expected, atol=1e-6), name  # float32 weights near 1: a few ulps of 1e-7


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_an_update_makes_torch_optims_own_aten_calls(name):
    """The same calls on operands of the same shapes, strides and alignment: the same bits on any CPU, not only on
    this one (tests/aten_calls.py)."""
    from aten_calls import arithmetic_calls
    from rnn_stepper.core import RNNConfig, make_session

    session = make_session(RNNConfig(input_size=3, hidden_size=4, cell="gru"), [[0.5, -1.0, 2.0]] * 4, seed=5)
    gradients = backward_pass(compute_trace(session)).manual
    module = session.module()
    for parameter_name, parameter in module.named_parameters():
        parameter.grad = gradients.parameters[parameter_name].clone()
    torch_optimizer = getattr(torch.optim, name)(module.parameters(), lr=0.1)
    ours = OPTIMIZERS[name](0.1)
    for _ in range(2):  # Adam's first step makes its state; the second reads it
        theirs = arithmetic_calls(torch_optimizer.step)
        mine = arithmetic_calls(lambda: optimizer_step(session, SUM_LAST, gradients, ours))
        profiled = ("_record_function_enter_new", "_record_function_exit")  # step()'s profiler marks: no arithmetic
        theirs = [str(call) for call in theirs if not call.op.startswith(profiled)]
        assert [str(call) for call in mine] == theirs
