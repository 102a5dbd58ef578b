"""`nn.GRU`'s cell, as PyTorch computes it. W_ih, W_hh and the biases stack three blocks of rows: r, z, n. Each
phase's equation is written once, in `phases()`.

PyTorch's reset gate multiplies (W_hn h + b_hn), bias and all. The paper (Cho et al. 2014, v1) and most textbooks
apply r to h before the product: another function, so its numbers differ from nn.GRU's by more than rounding. The
textbook order computes it.
"""

from __future__ import annotations

from ..steps import (
    StepStore,
    linear,
    plus_bias,
    product_grad_left,
    project_inputs,
    recurrent_weight_share,
    stacked_gates,
)
from . import QT_TRANSLATE_NOOP, Phase, gate, input_projection, recurrent_term


def phases(config) -> tuple[Phase, ...]:
    return (
        input_projection(
            QT_TRANSLATE_NOOP("Cells", "Input projection: W_ih maps this timestep's input to three blocks, one each "
                                       "for the reset gate, the update gate and the candidate. PyTorch's kernel "
                                       "computes it for all timesteps in one matrix product."), 3),
        recurrent_term("s",
            QT_TRANSLATE_NOOP("Cells", "Recurrent term: W_hh maps the previous hidden state to the same three "
                                       "blocks, biases included, in one matrix product."), 3),
        gate("reset_gate", "r", QT_TRANSLATE_NOOP("Cells", "reset gate"), 0,
             QT_TRANSLATE_NOOP("Cells", "Reset gate: between 0 and 1 per unit, how much of the remembered state "
                                        "the candidate may read.")),
        gate("update_gate", "z", QT_TRANSLATE_NOOP("Cells", "update gate"), 1,
             QT_TRANSLATE_NOOP("Cells", "Update gate: between 0 and 1 per unit, how much of the old state to keep. "
                                        "Near 1 the unit remembers; near 0 it takes the candidate.")),
        Phase("candidate", "n", QT_TRANSLATE_NOOP("Cells", "candidate"),
              "tanh({input_projection.2} + {reset_gate} ⊙ {recurrent_term.2})",
              QT_TRANSLATE_NOOP("Cells", "Candidate: PyTorch's GRU multiplies the reset gate into W_hn h + b_hn, "
                                         "bias included, after the product. The paper applies it to h before."),
              reads=(("weight_ih", 2), ("bias_ih", 2), ("weight_hh", 2), ("bias_hh", 2)), scale="bounded",
              textbook_numbers="tanh({input_projection.2} + W_hn · ({reset_gate} ⊙ {h_prev}) [+ b_hn])"),
        Phase("hidden", "h", QT_TRANSLATE_NOOP("Cells", "new hidden state"),
              "({h_prev} − {candidate}) ⊙ {update_gate} + {candidate}",
              QT_TRANSLATE_NOOP("Cells", "New hidden state: a mix of the old state and the candidate, unit by unit, "
                                         "weighted by the update gate. PyTorch writes (1 − z)·n + z·h as "
                                         "(h − n)·z + n."),
              scale="bounded",
              textbook_numbers="(1 − {update_gate}) ⊙ {candidate} + {update_gate} ⊙ {h_prev}"),
    )


def kernel(x, initial, p, config, walk, progress) -> dict:
    """PyTorch's CPU kernel (`FullLayer` + `GRUCell` in aten/src/ATen/native/RNN.cpp), call for call: the gates
    are activated in place, as views of the one (B, 3H) product they came from."""
    a = input_projections = project_inputs(x, p.W_ih, p.b_ih)
    s = recurrent_terms = a.new_empty(a.shape)
    store = StepStore(walk, progress)
    state = initial
    for t in walk:
        stored, state = step(a[t], state, p, config, keep=s[t].copy_)
        store.add(*stored)
    reset_gates, update_gates, candidates, hiddens = store.finish()
    return {"input_projection": input_projections, "recurrent_term": recurrent_terms, "reset_gate": reset_gates,
            "update_gate": update_gates, "candidate": candidates, "hidden": hiddens}


def step(a_t, state, p, config, keep=lambda recurrent_term: None):
    """One timestep of the kernel from its input projection a_t: (r_t, z_t, n_t, h_t) and the new state. `keep`
    sees s_t before the in-place ops overwrite it."""
    h_prev = state["hidden"]
    a_r, a_z, a_n = a_t.unsafe_chunk(3, 1)
    recurrent_term = linear(h_prev, p.W_hh.T, p.b_hh)  # s_t = W_hh h_{t-1} + b_hh
    keep(recurrent_term)
    s_r, s_z, s_n = recurrent_term.unsafe_chunk(3, 1)
    reset_gate = s_r.add_(a_r).sigmoid_()  # r_t = σ(a_r + s_r)
    update_gate = s_z.add_(a_z).sigmoid_()  # z_t = σ(a_z + s_z)
    candidate = a_n.add(s_n.mul_(reset_gate)).tanh_()  # n_t = tanh(a_n + r_t ⊙ s_n)
    hidden = (h_prev - candidate).mul_(update_gate).add_(candidate)  # h_t = (h_{t-1} − n_t) ⊙ z_t + n_t
    return (reset_gate, update_gate, candidate, hidden), {"hidden": hidden}


def textbook(x, initial, p, config, walk, progress) -> dict:
    """The paper's GRU (Cho et al. 2014, v1), one timestep at a time, added left to right as a course writes it:
    r applied to h before W_hn, and h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}."""
    H = config.hidden_size
    W_hn, b_hn = p.W_hh[2 * H:], None if p.b_hh is None else p.b_hh[2 * H:]
    store = StepStore(walk, progress)
    h_prev = initial["hidden"]
    for t in walk:
        input_projection = plus_bias(x[t] @ p.W_ih.T, p.b_ih)  # a_t = W_ih x_t + b_ih
        recurrent_term = plus_bias(h_prev @ p.W_hh.T, p.b_hh)  # s_t = W_hh h_{t-1} + b_hh
        a_r, a_z, a_n = input_projection.chunk(3, 1)
        s_r, s_z, _ = recurrent_term.chunk(3, 1)  # its n block is not what the paper's candidate reads
        reset_gate = (a_r + s_r).sigmoid()  # r_t = σ(a_r + W_hr h_{t-1} + b_hr)
        update_gate = (a_z + s_z).sigmoid()  # z_t = σ(a_z + W_hz h_{t-1} + b_hz)
        candidate = (a_n + plus_bias((reset_gate * h_prev) @ W_hn.T, b_hn)).tanh()  # n_t = tanh(a_n + W_hn (r ⊙ h_{t-1}) + b_hn)
        hidden = (1 - update_gate) * candidate + update_gate * h_prev  # h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
        store.add(input_projection, recurrent_term, reset_gate, update_gate, candidate, hidden)
        h_prev = hidden
    return dict(zip(("input_projection", "recurrent_term", "reset_gate", "update_gate", "candidate", "hidden"),
                    store.finish()))


def kernel_backward(cell, p, config, incoming, need_initial) -> dict:
    """Backpropagation through time for one GRU cell, as autograd runs it back through the kernel's own graph (the
    steps above, in reverse): each in-place op's backward formula, in the order the engine reaches them.

        ∂L/∂z_t       = ∂L/∂h_t ⊙ (h_{t-1} − n_t)         mul_'s other: the (h_{t-1} − n_t) autograd kept
        ∂L/∂n_t       = ∂L/∂h_t − ∂L/∂h_t ⊙ z_t            through "+ n_t", then through "(h_{t-1} − n_t)"
        δn_t          = ∂L/∂n_t ⊙ (1 − n_t²)               tanh_backward: ∂L/∂a_n, and ∂L/∂(r_t ⊙ s_n)
        ∂L/∂r_t       = δn_t ⊙ s_n,    ∂L/∂s_n = δn_t ⊙ r_t
        δr_t, δz_t    = ∂L/∂r_t ⊙ r_t(1 − r_t), ∂L/∂z_t ⊙ z_t(1 − z_t)     sigmoid_backward
        ∂L/∂a_t       = (δr_t | δz_t | δn_t),    ∂L/∂s_t = (δr_t | δz_t | ∂L/∂s_n)
        ∂L/∂W_hh     += ∂L/∂s_tᵀ h_{t-1},   ∂L/∂b_hh += Σ_batch ∂L/∂s_t      summed back to front
        ∂L/∂h_{t-1}   = [from above] + ∂L/∂h_t ⊙ z_t + ∂L/∂s_t W_hh         added in the order they arrive

    "pre_activation" is ∂L/∂a_t, (B, 3H): what the input projection's backward reads, and the gradient at each
    gate's argument (a_r + s_r, a_z + s_z, a_n + r ⊙ s_n). h_{t-1} hears from step t twice, and the layer above's
    share lands between the two, so no tensor holds "step t's share alone": "flowing" is not given. Its two shares
    are: "carried", ∂L/∂h_t ⊙ z_t through the update gate, and "through_weights", ∂L/∂s_t W_hh (both None at the
    walk's first step unless h0 is a leaf). "recurrent" is ∂L/∂s_t, what W_hh's and b_hh's gradients read."""
    import torch

    H = config.hidden_size
    W_hh_T = p.W_hh.T
    grad_hidden, grad_a, grad_s_at, carried, through_weights = {}, {}, {}, {}, {}
    weight_hh = bias_hh = None
    through_update = through_product = None  # what step t+1 sent back to h_t: via (h_t − n) ⊙ z, via W_hh
    for k, t in enumerate(reversed(cell.walk)):
        grad_h = incoming(t, through_update)  # the layer above's share (or the loss's), then the update's
        if through_product is not None:
            grad_h = grad_h + through_product  # then W_hh's: ∂L/∂h_t
        grad_hidden[t] = grad_h
        h_prev = cell.h_prev_at(t)
        candidate = cell.phase_at("candidate", t)
        # r_t and z_t as the kernel left them: activated in place, views of the one (B, 3H) product
        reset_gate, update_gate, _ = stacked_gates(cell, t, ("reset_gate", "update_gate", "candidate"))
        # h_t = (h_{t-1} − n_t) ⊙ z_t + n_t, back through add_, mul_ and the subtraction
        grad_update = grad_h * (h_prev - candidate)  # ∂L/∂z_t
        grad_difference = grad_h * update_gate  # ∂L/∂(h_{t-1} − n_t)
        grad_candidate = grad_h + grad_difference.neg()  # ∂L/∂n_t
        # n_t = tanh(a_n + r_t ⊙ s_n)
        grad_n = torch.ops.aten.tanh_backward(grad_candidate, candidate)  # δn_t
        s_n = cell.phase_at("recurrent_term", t)[:, 2 * H:].clone()  # s_n before mul_ scaled it: autograd's copy
        grad_reset = grad_n * s_n  # ∂L/∂r_t
        grad_s_n = grad_n * reset_gate  # ∂L/∂s_n
        grad_z = torch.ops.aten.sigmoid_backward(grad_update, update_gate)  # δz_t
        grad_r = torch.ops.aten.sigmoid_backward(grad_reset, reset_gate)  # δr_t
        grad_a[t] = torch.cat([grad_r, grad_z, grad_n], 1)  # ∂L/∂a_t
        grad_s = grad_s_at[t] = torch.cat([grad_r, grad_z, grad_s_n], 1)  # ∂L/∂s_t
        first = k == len(cell.walk) - 1
        if not first or "hidden" in need_initial:
            through_update = grad_difference
            through_product = product_grad_left(grad_s, h_prev, W_hh_T)  # ∂L/∂s_t W_hh
        else:
            through_update = through_product = None
        carried[t], through_weights[t] = through_update, through_product
        step_weight, step_bias = recurrent_weight_share(grad_s, h_prev, p)
        weight_hh = step_weight if weight_hh is None else weight_hh + step_weight
        if step_bias is not None:
            bias_hh = step_bias if bias_hh is None else bias_hh + step_bias
    initial = None if through_update is None else through_update + through_product  # ∂L/∂h0, as its buffer adds
    return {"hidden": grad_hidden, "pre_activation": grad_a, "recurrent": grad_s_at, "carried": carried,
            "through_weights": through_weights, "weight_hh": weight_hh, "bias_hh": bias_hh,
            "initial": {"hidden": initial}}
