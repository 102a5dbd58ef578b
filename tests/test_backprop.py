"""Step back (issue 15): after the forward pass reaches T, the backward cursor walks t = T-1 … 0 one phase per click,
every number autograd's own; Train runs SGD steps that are torch.optim.SGD's bit for bit."""

import numpy as np
import pytest
import torch

from rnn_stepper.backprop import PHASES, Backprop
from rnn_stepper.core import InputError, RNNConfig, make_session
from rnn_stepper.core.backward import Head, Loss, autograd_gradients, class_loss, next_input_loss
from rnn_stepper.core.reference import native_path
from rnn_stepper.core.session import build_module
from rnn_stepper.model import StepperModel


def stepped_to_the_end(session=None):
    model = StepperModel(session)
    model.run_to_end()
    backprop = Backprop(model)
    backprop.compute()
    return model, backprop


@pytest.mark.parametrize("batch_first, unbatched", [(False, False), (True, False), (False, True)])
def test_the_next_input_loss_asks_each_step_for_the_input_one_step_ahead(batch_first, unbatched):
    config = RNNConfig(input_size=3, hidden_size=3, batch_first=batch_first)
    shape = (4, 3) if unbatched else (2, 4, 3) if batch_first else (4, 2, 3)
    session = make_session(config, torch.randn(shape), unbatched=unbatched)
    loss = next_input_loss(session)
    x = session.inputs if unbatched else session.inputs.transpose(0, 1) if batch_first else session.inputs
    target = loss.target if unbatched else loss.target.transpose(0, 1) if batch_first else loss.target
    assert loss.kind == "mse" and target.shape == x.shape
    assert torch.equal(target[:-1], x[1:]) and torch.equal(target[-1], x[-1])  # the last step repeats its own
    model = StepperModel(session)
    model.run_to_end()
    loss.check(model.trace)  # shaped as the output


def test_the_class_loss_labels_every_batch_row_alike():
    head = Head("h2o", torch.randn(4, 2), None)
    loss = class_loss(head, 3, batch_size=5)
    assert loss.kind == "cross_entropy" and loss.head is head
    assert loss.target.dtype == torch.int64 and loss.target.tolist() == [3] * 5


def test_step_back_waits_for_the_forward_pass_to_reach_t():
    model = StepperModel()
    backprop = Backprop(model)
    backprop.compute()
    assert not backprop.ready
    model.run_to_end()
    assert backprop.ready and backprop.position == 0 and backprop.t is None


def test_stepping_back_through_the_notebooks_session_shows_autograds_gradients_at_each_step():
    model, backprop = stepped_to_the_end()
    reference = autograd_gradients(model.trace)
    assert backprop.backward.bitwise_equal
    seen = []
    for _ in range(3):
        backprop.step_back()
        seen.append(backprop.t)
        assert backprop.phase == PHASES[-1]
        cell = backprop.gradients
        assert np.array_equal(backprop.incoming(), cell.hidden[backprop.t, 0].numpy())
        assert np.array_equal(backprop.pre_activation(), cell.pre_activation[backprop.t, 0].numpy())
    assert seen == [2, 1, 0]
    # at t = 0 the recurrent weights' gradient summed step by step is autograd's .grad, bit for bit
    weight, bias = backprop.recurrent_weight_gradient()
    assert np.array_equal(weight, reference.parameters["weight_hh_l0"].numpy())
    assert np.array_equal(bias, reference.parameters["bias_hh_l0"].numpy())
    assert backprop.flowing() is None  # h0 was not given: the module's zeros are no leaf


def test_the_gradient_flowing_back_is_the_next_steps_incoming_share():
    # L = Σ h_n reaches only h_{T-1} directly: every earlier δh_t is what flowed back from step t+1
    model, backprop = stepped_to_the_end()
    backprop.step_back()
    flowing = backprop.flowing()
    backprop.step_back()
    assert np.array_equal(backprop.incoming(), flowing)


def test_one_phase_at_a_time_and_back():
    model, backprop = stepped_to_the_end()
    for phase in PHASES:
        backprop.step_back_phase()
        assert backprop.phase == phase and backprop.t == 2
    backprop.undo_phase()
    assert backprop.phase == "weights" and backprop.summed() == [2]
    backprop.undo_phase()
    assert backprop.summed() == []  # t = 2's share is added in its third phase, not before
    assert backprop.revealed("pre_activation") and not backprop.revealed("flowing")


def test_a_new_forward_session_forgets_the_gradients():
    model, backprop = stepped_to_the_end()
    backprop.step_back()
    model.configure(seed=2)
    assert backprop.backward is None and backprop.position == 0


def test_a_target_of_the_wrong_shape_is_refused_and_changes_nothing():
    model, backprop = stepped_to_the_end()
    with pytest.raises(InputError, match="the target is"):
        backprop.set_loss(Loss("mse", torch.zeros(2, 2)))
    assert backprop.backward is not None and backprop.loss.kind == "sum_last"


def test_the_gradient_norms_and_mean_tanh_derivative_per_step():
    model, backprop = stepped_to_the_end()
    hidden = model.cell.hidden.double()
    assert np.allclose(backprop.mean_derivative(), (1 - hidden ** 2).flatten(1).mean(1).numpy(), rtol=0, atol=0)
    assert np.array_equal(backprop.norms(), backprop.gradients.hidden.flatten(1).norm(dim=1).numpy())


@pytest.mark.parametrize("optimizer_name", ["SGD", "Adam"])
@pytest.mark.parametrize("loss_kind", ["sum_last", "mse"])
def test_training_steps_are_torch_optims_bit_for_bit(loss_kind, optimizer_name):
    session = make_session(RNNConfig(input_size=2, hidden_size=3), np.sin(np.arange(16.0)).reshape(8, 2), seed=0)
    model = StepperModel(session)
    backprop = Backprop(model)
    target = torch.cos(torch.arange(24.0)).reshape(1, 8, 3) if loss_kind == "mse" else None
    if target is not None:
        backprop.set_loss(Loss("mse", target))
    backprop.train(steps=3, lr=0.1, optimizer=optimizer_name)
    module = build_module(session.config, session.weights)
    optimizer = getattr(torch.optim, optimizer_name)(module.parameters(), lr=0.1)
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        with native_path():
            output, h_n = module(session.inputs)
        loss = torch.nn.functional.mse_loss(output, target) if target is not None else h_n.sum()
        losses.append(float(loss.detach()))
        loss.backward()
        optimizer.step()
    for name, value in module.named_parameters():
        assert torch.equal(model.session.weights[name], value.detach()), name
    assert backprop.training_losses == losses


def test_training_asks_for_a_step_count_a_positive_rate_and_a_known_optimizer():
    model = StepperModel()
    backprop = Backprop(model)
    for steps, lr in ((0, 0.1), (3, 0.0), (3, float("nan"))):
        with pytest.raises(InputError, match="learning rate above 0"):
            backprop.train(steps, lr)
    with pytest.raises(InputError, match="unknown optimizer 'RMSprop'; choose one of SGD, Adam"):
        backprop.train(3, 0.1, optimizer="RMSprop")
    assert model.session.seed == 1  # nothing trained


def test_training_shows_the_session_as_it_learns_in_about_twenty_chunks():
    model = StepperModel()
    backprop = Backprop(model)
    shown = []
    model.events.trace.connect(lambda: shown.append(model.session))
    backprop.train(steps=40, lr=0.05)
    assert len(shown) == 20 and len(backprop.training_losses) == 40
    assert model.dirty  # trained weights are unsaved work


def test_a_cancelled_training_keeps_what_was_shown_and_drops_the_rest():
    training = []

    def cancelling_runner(work, done, progress):
        from rnn_stepper.core.errors import Cancelled

        def report(n, total):
            if training and n == 3:  # the user presses Cancel during training's second chunk
                raise Cancelled()
            progress(n, total)

        try:
            result = work(report)
        except Cancelled as error:
            result = error
        done(result)

    model = StepperModel(runner=cancelling_runner)
    backprop = Backprop(model)
    training.append(True)
    backprop.train(steps=40, lr=0.05)
    assert backprop.training_losses and len(backprop.training_losses) == 2  # the first chunk's two steps


@pytest.mark.parametrize("optimizer_name", ["SGD", "Adam"])
def test_training_a_classifier_trains_its_head_with_it_as_torch_optim_does(optimizer_name):
    # the names tutorial's CharRNN: nn.RNN, then h2o on the last hidden state, cross-entropy against the class
    torch.manual_seed(0)
    rnn, h2o = torch.nn.RNN(4, 3), torch.nn.Linear(3, 5)
    x = torch.randn(6, 1, 4)
    labels = torch.tensor([2])
    session = make_session(RNNConfig(input_size=4, hidden_size=3, batch_first=False), x,
                           weights={k: v.detach() for k, v in rnn.state_dict().items()})
    model = StepperModel(session)
    backprop = Backprop(model)
    backprop.set_loss(Loss("cross_entropy", labels, head=Head("h2o.", h2o.weight.detach().clone(),
                                                               h2o.bias.detach().clone())))
    backprop.train(steps=4, lr=0.2, optimizer=optimizer_name)
    optimizer = getattr(torch.optim, optimizer_name)(list(rnn.parameters()) + list(h2o.parameters()), lr=0.2)
    for _ in range(4):
        optimizer.zero_grad()
        with native_path():
            _, h_n = rnn(x)
        torch.nn.functional.cross_entropy(h2o(h_n[-1]), labels).backward()
        optimizer.step()
    for name, value in rnn.named_parameters():
        assert torch.equal(model.session.weights[name], value.detach()), name
    assert torch.equal(backprop.loss.head.weight, h2o.weight.detach())
    assert torch.equal(backprop.loss.head.bias, h2o.bias.detach())
