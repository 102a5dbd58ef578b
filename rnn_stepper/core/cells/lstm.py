"""`nn.LSTM`'s cell, as PyTorch's native kernel computes it. W_ih, W_hh and the biases stack four blocks of rows:
i, f, g, o. The state is two vectors, h and the cell c; with proj_size, W_hr maps o ⊙ tanh(c) down to h. Each
phase's equation is written once, in `phases()`.

In float32 PyTorch usually runs none of this: `nn.LSTM` hands the whole layer to oneDNN's fused kernel
(`aten.mkldnn_rnn_layer`), whose GEMMs, bias additions and activations are its own. The steps here are the native
path, which nn.LSTM takes in float64, with proj_size, or with `torch.backends.mkldnn.flags(enabled=False)`; the
trace measures how far the fused kernel lands from it.
"""

from __future__ import annotations

from ..steps import StepStore, linear, plus_bias, project_inputs
from . import QT_TRANSLATE_NOOP, Phase, gate, input_projection, recurrent_term

GATES = ("input_gate", "forget_gate", "cell_candidate", "output_gate")


def phases(config) -> tuple[Phase, ...]:
    out = (
        input_projection(
            QT_TRANSLATE_NOOP("Cells", "Input projection: W_ih maps this timestep's input to four blocks, one per "
                                       "gate (i, f, g, o). PyTorch's kernel computes it for all timesteps in one "
                                       "matrix product."), 4),
        recurrent_term("s",
            QT_TRANSLATE_NOOP("Cells", "Recurrent term: W_hh maps the previous hidden state to the same four blocks,"
                                       " biases included, in one matrix product. The kernel then adds a_t to all "
                                       "four at once."), 4),
        gate("input_gate", "i", QT_TRANSLATE_NOOP("Cells", "input gate"), 0,
             QT_TRANSLATE_NOOP("Cells", "Input gate: between 0 and 1 per unit, how much of the candidate to write "
                                        "into the cell.")),
        gate("forget_gate", "f", QT_TRANSLATE_NOOP("Cells", "forget gate"), 1,
             QT_TRANSLATE_NOOP("Cells", "Forget gate: between 0 and 1 per unit, how much of the old cell state to "
                                        "keep. Near 1 for many steps, the cell remembers over long spans.")),
        gate("cell_candidate", "g", QT_TRANSLATE_NOOP("Cells", "cell candidate"), 2,
             QT_TRANSLATE_NOOP("Cells", "Cell candidate: what could be written into the cell, squashed into "
                                        "(-1, 1)."), activation="tanh"),
        gate("output_gate", "o", QT_TRANSLATE_NOOP("Cells", "output gate"), 3,
             QT_TRANSLATE_NOOP("Cells", "Output gate: between 0 and 1 per unit, how much of the cell shows in the "
                                        "hidden state.")),
        Phase("cell", "c", QT_TRANSLATE_NOOP("Cells", "cell state"),
              "{forget_gate} ⊙ {c_prev} + {input_gate} ⊙ {cell_candidate}",
              QT_TRANSLATE_NOOP("Cells", "Cell state: the old cell, scaled by the forget gate, plus the candidate, "
                                         "scaled by the input gate. Only additions and gates touch it, which is "
                                         "why an LSTM can carry a memory across many steps.")),
    )
    hidden_explanation = QT_TRANSLATE_NOOP(
        "Cells", "New hidden state: the cell squashed by tanh and scaled by the output gate. It is this step's "
                 "output and, with c, the memory for the next.")
    if not config.proj_size:
        return out + (Phase("hidden", "h", QT_TRANSLATE_NOOP("Cells", "new hidden state"),
                            "{output_gate} ⊙ tanh({cell})", hidden_explanation,
                            scale="bounded"),)
    return out + (
        Phase("unprojected", "m", QT_TRANSLATE_NOOP("Cells", "unprojected hidden state"),
              "{output_gate} ⊙ tanh({cell})", hidden_explanation, scale="bounded"),
        Phase("hidden", "h", QT_TRANSLATE_NOOP("Cells", "new hidden state"),
              "W_hr · {unprojected}",
              QT_TRANSLATE_NOOP("Cells", "Projection: with proj_size, W_hr maps the hidden state down to "
                                         "proj_size units. The projected h is the output and what W_hh reads at "
                                         "the next step."),
              reads=(("weight_hr", None),)),
    )


def kernel(x, initial, p, config, walk, progress) -> dict:
    """PyTorch's native CPU kernel (`FullLayer` + `LSTMCell` in aten/src/ATen/native/RNN.cpp), call for call:
    the four gates are activated in place, as views of the one (B, 4H) sum they came from."""
    a = input_projections = project_inputs(x, p.W_ih, p.b_ih)
    s = recurrent_terms = a.new_empty(a.shape)
    store = StepStore(walk, progress)
    state = initial
    for t in walk:
        stored, state = step(a[t], state, p, config, keep=s[t].copy_)
        store.add(*stored)
    return {"input_projection": input_projections, "recurrent_term": recurrent_terms,
            **dict(zip(stored_names(config), store.finish()))}


def step(a_t, state, p, config, keep=lambda recurrent_term: None):
    """One timestep of the kernel from its input projection a_t: the gates, c_t and h_t (m_t then h_t with a
    projection) and the new state. `keep` sees s_t before the in-place ops overwrite it."""
    gates = linear(state["hidden"], p.W_hh.T, p.b_hh)  # s_t = W_hh h_{t-1} + b_hh
    keep(gates)
    i, f, g, o = gates.add_(a_t).unsafe_chunk(4, 1)  # a_t + s_t, all four blocks at once
    input_gate = i.sigmoid_()  # i_t = σ(a_i + s_i)
    forget_gate = f.sigmoid_()  # f_t = σ(a_f + s_f)
    cell_candidate = g.tanh_()  # g_t = tanh(a_g + s_g)
    output_gate = o.sigmoid_()  # o_t = σ(a_o + s_o)
    cell = forget_gate.mul(state["cell"]).add_(input_gate.mul(cell_candidate))  # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    hidden = output_gate.mul(cell.tanh())  # h_t = o_t ⊙ tanh(c_t)
    stored = (input_gate, forget_gate, cell_candidate, output_gate, cell, hidden)
    if p.W_hr is not None:
        hidden = linear(hidden, p.W_hr.T, None)  # h_t = W_hr m_t
        stored += (hidden,)
    return stored, {"hidden": hidden, "cell": cell}


def textbook(x, initial, p, config, walk, progress) -> dict:
    """The LSTM as a course writes it, one timestep at a time: each gate's pre-activation
    `(W_i x + b_i) + W_h h` then `+ b_h`, added left to right, as the notebook adds its RNN's."""
    store = StepStore(walk, progress)
    h_prev, c_prev = initial["hidden"], initial["cell"]
    for t in walk:
        recurrent_product = h_prev @ p.W_hh.T
        input_projection = plus_bias(x[t] @ p.W_ih.T, p.b_ih)  # a_t = W_ih x_t + b_ih
        recurrent_term = plus_bias(recurrent_product, p.b_hh)  # s_t = W_hh h_{t-1} + b_hh
        i, f, g, o = plus_bias(input_projection + recurrent_product, p.b_hh).chunk(4, 1)
        input_gate, forget_gate, cell_candidate, output_gate = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        cell = forget_gate * c_prev + input_gate * cell_candidate  # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        hidden = output_gate * cell.tanh()  # h_t = o_t ⊙ tanh(c_t)
        stored = (input_projection, recurrent_term, input_gate, forget_gate, cell_candidate, output_gate, cell, hidden)
        if p.W_hr is not None:
            hidden = hidden @ p.W_hr.T  # h_t = W_hr m_t
            stored += (hidden,)
        store.add(*stored)
        h_prev, c_prev = hidden, cell
    return dict(zip(("input_projection", "recurrent_term") + stored_names(config), store.finish()))


def stored_names(config) -> tuple[str, ...]:
    """The per-step phases, in the order the steps store them."""
    return GATES + ("cell",) + (("unprojected", "hidden") if config.proj_size else ("hidden",))
