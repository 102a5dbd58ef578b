"""`nn.GRU`'s cell, as PyTorch computes it. W_ih, W_hh and the biases stack three blocks of rows: r, z, n. Each
phase's equation is written once, in `phases()`.

PyTorch's reset gate multiplies (W_hn h + b_hn), bias and all. The paper (Cho et al. 2014, v1) and most textbooks
apply r to h before the product: another function, so its numbers differ from nn.GRU's by more than rounding. The
textbook order computes it.
"""

from __future__ import annotations

from ..steps import StepStore, linear, plus_bias, project_inputs
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
