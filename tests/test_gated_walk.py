"""The walk back gate by gate (issue 28, item 5): Step back through an nn.GRU or nn.LSTM session shows, phase by
phase, δh_t (an LSTM's δc_t), δ at each gate, ∂L/∂W_hh summed so far and what flows on to step t-1 — the numbers
of core's `backward_pass`, which are autograd's. Autograd's own per-step gradients are taken in the same run from
the module cut at step t: one step run alone from the state before it, the rest of the sequence from its output."""

import numpy as np
import pytest
import torch

from rnn_stepper.backprop import PHASES, Backprop, walk_phases
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.core.backward import autograd_gradients, backward_pass
from rnn_stepper.core.cells import cell_type
from rnn_stepper.core.session import build_module
from rnn_stepper.model import StepperModel

T, INPUTS, HIDDEN = 5, 3, 4


def gated_session(cell, with_state, dtype="float64", **options):
    config = RNNConfig(cell=cell, input_size=INPUTS, hidden_size=HIDDEN, dtype=dtype, **options)
    inputs = torch.linspace(-1, 1, T * INPUTS, dtype=torch.float64).reshape(T, INPUTS).sin()
    states = {}
    if with_state:
        P = config.output_size
        states["h0"] = torch.linspace(-0.5, 0.5, P, dtype=torch.float64).reshape(1, 1, P)
        if cell == "lstm":
            states["c0"] = torch.linspace(0.3, -0.7, HIDDEN, dtype=torch.float64).reshape(1, 1, HIDDEN)
    return make_session(config, inputs, seed=7, **states)


def walked(session):
    model = StepperModel(session)
    model.run_to_end()
    backprop = Backprop(model)
    backprop.compute()
    return model, backprop


def autograds_step(session, t):
    """Autograd's gradients around step t of a one-layer session under L = Σ h_n: the module run on x_t alone from
    (h_{t-1}, c_{t-1}) as leaves, then on the rest from its output. Its bias_ih's gradient is Σ_batch δa_t (δ at
    each gate's argument), its bias_hh's Σ_batch ∂L/∂s_t, the leaves' what step t sends back (c_{t-1}'s along the
    cell state alone: the leaf h_{t-1} is no function of it), h_t's ∂L/∂h_t."""
    config = session.config
    lstm = "cell" in config.cell_type.state
    x = session.inputs[0]  # batch_first, a batch of one: (T, I)
    with torch.no_grad():
        module = build_module(config, session.weights)
        before = module(x[None, :t], session_state(session)) if t else (None, session_state(session))
    state_before = before[1]
    leaves = [s.detach().clone().requires_grad_(True) for s in (state_before if lstm else (state_before,))]
    step = build_module(config, session.weights)
    _, after = step(x[None, t:t + 1], tuple(leaves) if lstm else leaves[0])
    hidden = after[0] if lstm else after
    hidden.retain_grad()
    if t + 1 < x.shape[0]:
        _, final = build_module(config, session.weights)(x[None, t + 1:], after)
        h_n = final[0] if lstm else final
    else:
        h_n = hidden
    h_n.sum().backward()
    return {"hidden": hidden.grad[0, 0],
            "gates": step.bias_ih_l0.grad, "recurrent": step.bias_hh_l0.grad,
            "h_prev": leaves[0].grad[0, 0], "c_prev": leaves[1].grad[0, 0] if lstm else None}


def session_state(session):
    config = session.config
    h0 = session.h0 if session.h0 is not None else torch.zeros(1, 1, config.output_size, dtype=torch.float64)
    if "cell" not in config.cell_type.state:
        return h0
    c0 = session.c0 if session.c0 is not None else torch.zeros(1, 1, HIDDEN, dtype=torch.float64)
    return h0, c0


# The cut module projects each step's input in a product of its own, where the whole module makes one product of
# every step: the same sums, which may round apart in the last bits of a float64. 1e-12 relative is ~4,500 ulps.
CLOSE = {"rtol": 1e-12, "atol": 1e-15}


def test_each_cell_type_walks_its_own_phases():
    assert walk_phases(cell_type("rnn")) == PHASES
    assert walk_phases(cell_type("gru")) == ("incoming", "gates", "weights", "flowing")
    assert walk_phases(cell_type("lstm")) == ("incoming", "cell", "gates", "weights", "flowing")


@pytest.mark.parametrize("with_state", [False, True], ids=["zeros", "h0"])
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_stepping_back_gate_by_gate_shows_backward_pass_numbers_which_are_autograds(cell, with_state):
    session = gated_session(cell, with_state)
    model, backprop = walked(session)
    core = backward_pass(model.trace).cells[0]  # computed afresh: what every phase must show
    reference = autograd_gradients(model.trace).parameters
    lstm = cell == "lstm"
    seen = []
    for _ in range(T):
        for phase in backprop.phases:
            backprop.step_back_phase()
            assert backprop.phase == phase
        t = backprop.t
        seen.append(t)
        theirs = autograds_step(session, t)
        assert np.array_equal(backprop.incoming(), core.hidden[t, 0].numpy())
        np.testing.assert_allclose(backprop.incoming(), theirs["hidden"].numpy(), **CLOSE)
        assert np.array_equal(backprop.pre_activation(), core.pre_activation[t, 0].numpy())
        np.testing.assert_allclose(backprop.pre_activation(), theirs["gates"].numpy(), **CLOSE)
        # ∂L/∂s_t, what W_hh's gradient sums: the GRU's candidate reads r_t ⊙ s_n, so its n block is δn_t ⊙ r_t
        np.testing.assert_allclose(core.recurrent_term[t, 0].numpy(), theirs["recurrent"].numpy(), **CLOSE)
        if lstm:
            # (no module's output holds the c_t its h_t read: δi, δf, δg = δc_t ⊙ … check it against autograd's)
            assert np.array_equal(backprop.cell_gradient(), core.cell[t, 0].numpy())
        else:
            assert backprop.cell_gradient() is None
        flowing, carried = backprop.flowing(), backprop.carried()
        if t == 0 and not with_state:  # the module's zeros are no leaf: the walk back ends at step 0
            assert flowing is None and carried is None
            continue
        if lstm:  # δh_{t-1} = δ(gates) W_hh, and the carousel δc_{t-1} = δc_t ⊙ f_t
            assert np.array_equal(flowing, core.flowing[t][0].numpy())
            assert np.array_equal(carried, core.carried[t][0].numpy())
            np.testing.assert_allclose(flowing, theirs["h_prev"].numpy(), **CLOSE)
            np.testing.assert_allclose(carried, theirs["c_prev"].numpy(), **CLOSE)
            assert np.array_equal(carried, core.cell[t, 0].numpy() * model.cell.phases["forget_gate"][t, 0].numpy())
        else:  # a GRU's h_{t-1} hears from step t twice: through the update gate and through W_hh
            assert np.array_equal(flowing, core.through_weights[t][0].numpy())
            assert np.array_equal(carried, core.carried[t][0].numpy())
            np.testing.assert_allclose(carried + flowing, theirs["h_prev"].numpy(), **CLOSE)
            if t > 0:  # L = Σ h_n reaches h_{t-1} through step t alone: its δh is the two shares, added so
                assert np.array_equal(core.hidden[t - 1, 0].numpy(), carried + flowing)
    assert seen == list(range(T - 1, -1, -1)) and backprop.position == backprop.end
    # summed back to front step by step, the recurrent weights' gradient is autograd's .grad, bit for bit
    weight, bias = backprop.recurrent_weight_gradient()
    assert np.array_equal(weight, reference["weight_hh_l0"].numpy())
    assert np.array_equal(bias, reference["bias_hh_l0"].numpy())


def test_the_lstms_walk_is_autograds_on_torchs_native_path_in_float32_and_with_a_projection():
    for session in (gated_session("lstm", True, dtype="float32"), gated_session("lstm", True, proj_size=2)):
        model, backprop = walked(session)
        assert backprop.backward.bitwise_equal
        core = backprop.gradients
        backprop.move_to(backprop.end)
        assert backprop.t == 0
        assert np.array_equal(backprop.carried(), core.carried[0][0].numpy())
        assert backprop.flowing().shape == (session.config.output_size,)  # δh_{t-1}: proj_size's units
        weight, _ = backprop.recurrent_weight_gradient()
        assert np.array_equal(weight, backprop.backward.reference.parameters["weight_hh_l0"].numpy())


def test_a_grus_textbook_order_is_refused_with_what_is_stepped():
    from rnn_stepper.backprop import check_walked
    from rnn_stepper.core import InputError

    with pytest.raises(InputError, match="nn.GRU in textbook order is not yet"):
        check_walked(make_session(RNNConfig(cell="gru"), order="textbook"))
    check_walked(make_session(RNNConfig(cell="lstm"), order="textbook"))  # the LSTM's textbook backward is stepped


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_the_norms_plotted_are_the_cell_gradients_norms(cell):
    model, backprop = walked(gated_session(cell, False))
    gradients = backprop.backward.cells[0]
    assert np.array_equal(backprop.norms(), gradients.norms.numpy())
    if cell == "lstm":
        assert np.array_equal(backprop.cell_norms(), gradients.cell.flatten(1).norm(dim=1).numpy())
    else:
        assert backprop.cell_norms() is None


def test_the_lstm_example_keeps_the_gradient_the_rnn_example_loses_on_the_same_input_and_loss():
    # gradient-vanishing (nn.RNN, ρ(W_hh) = 0.5) and lstm-gradient-surviving (nn.LSTM, forget bias 5), 50 steps
    from rnn_stepper.core.session_file import example_sessions, load_session
    from rnn_stepper.core.trace import compute_trace

    paths = example_sessions()
    rnn, _ = load_session(paths["gradient-vanishing"])
    lstm, _ = load_session(paths["lstm-gradient-surviving"])
    assert torch.equal(rnn.inputs, lstm.inputs) and rnn.inputs.shape[1] == 50
    backward = {name: backward_pass(compute_trace(session)) for name, session in (("rnn", rnn), ("lstm", lstm))}
    assert all(b.bitwise_equal and b.loss.kind == "sum_last" for b in backward.values())  # L = Σ h_n, both
    rnn_norms = backward["rnn"].cells[0].norms.double()
    assert rnn_norms[0] < 1e-12 * rnn_norms[-1]  # vanished
    gradients = backward["lstm"].cells[0]
    cell_norms = gradients.cell_norms.double()
    reach = float(cell_norms[0] / cell_norms[-1])
    assert reach > 0.5  # survived 49 steps back along the cell state
    # and the forget gates say why: alone, the carousel ∂L/∂c_{t-1} = ∂L/∂c_t ⊙ f_t would hand ∂L/∂c_49 ⊙ Π f_t
    # to c_0; what also reaches c_0 through h (W_hh's entries are small, ~0.05) moves that by under 15 %
    forget = backward["lstm"].trace.cell(0).phases["forget_gate"].double()[:, 0]  # (T, H): f_t as the forward ran
    last = gradients.cell[-1, 0].double()
    carousel = float((last * forget[1:].prod(0)).norm() / last.norm())
    assert forget[1:].prod(0).min() > 0.6 and reach == pytest.approx(carousel, rel=0.15)
    # while ∂L/∂h_t, which reaches h_{t-1} only through W_hh, is a small fraction of the cell state's
    assert gradients.norms.double()[0] < 0.05 * cell_norms[0]


@pytest.mark.parametrize("cell, options", [("gru", {}), ("lstm", {}), ("lstm", {"proj_size": 2})],
                         ids=["gru", "lstm", "lstm-proj"])
def test_every_cell_of_a_deep_bidirectional_session_walks_back_to_autograds_recurrent_gradient(cell, options):
    config = RNNConfig(cell=cell, input_size=3, hidden_size=3, num_layers=2, bidirectional=True, dtype="float64",
                       **options)
    session = make_session(config, torch.linspace(-1, 1, 24, dtype=torch.float64).reshape(2, 4, 3).cos(), seed=3)
    model, backprop = walked(session)
    reference = backprop.backward.reference.parameters
    for layer in range(2):
        for direction in range(2):
            model.show_cell(layer, direction)
            core = backprop.backward.cells[layer * 2 + direction]
            assert backprop.position == 0
            backprop.move_to(backprop.end)
            assert backprop.t == core.walk[0]  # t = 0 forward, t = T-1 in the reverse direction
            for batch in range(2):
                model.show_cell(layer, direction, batch)
                backprop.move_to(backprop.end)
                assert np.array_equal(backprop.incoming(), core.hidden[backprop.t, batch].numpy())
                assert np.array_equal(backprop.pre_activation(), core.pre_activation[backprop.t, batch].numpy())
            weight, bias = backprop.recurrent_weight_gradient()
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            assert np.array_equal(weight, reference[f"weight_hh{suffix}"].numpy()), suffix
            assert np.array_equal(bias, reference[f"bias_hh{suffix}"].numpy()), suffix
