"""`nn.LSTM`'s cell, as PyTorch's native kernel computes it. W_ih, W_hh and the biases stack four blocks of rows:
i, f, g, o. The state is two vectors, h and the cell c; with proj_size, W_hr maps o ⊙ tanh(c) down to h. Each
phase's equation is written once, in `phases()`.

In float32 PyTorch usually runs none of this: `nn.LSTM` hands the whole layer to oneDNN's fused kernel
(`aten.mkldnn_rnn_layer`), whose GEMMs, bias additions and activations are its own. The steps here are the native
path, which nn.LSTM takes in float64, with proj_size, or with `torch.backends.mkldnn.flags(enabled=False)`; the
trace measures how far the fused kernel lands from it.
"""

from __future__ import annotations

from ..steps import (
    StepStore,
    linear,
    plus_bias,
    product_grad_left,
    product_grad_right,
    project_inputs,
    recurrent_weight_share,
    stacked_gates,
)
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


def kernel_backward(cell, p, config, incoming, need_initial, arriving_cell=None) -> dict:
    """Backpropagation through time for one LSTM cell, as autograd runs it back through the native kernel's graph
    (the steps above, in reverse), in the order the engine reaches each formula:

        ∂L/∂W_hr     += ∂L/∂h_tᵀ m_t,   ∂L/∂m_t = ∂L/∂h_t W_hr          with proj_size (else m_t is h_t)
        ∂L/∂o_t       = ∂L/∂m_t ⊙ tanh(c_t)
        ∂L/∂c_t       = [∂L/∂c_t from step t+1] + ∂L/∂m_t ⊙ o_t ⊙ (1 − tanh²(c_t))
        ∂L/∂i_t       = ∂L/∂c_t ⊙ g_t,   ∂L/∂g_t = ∂L/∂c_t ⊙ i_t,   ∂L/∂f_t = ∂L/∂c_t ⊙ c_{t-1}
        ∂L/∂c_{t-1}   = ∂L/∂c_t ⊙ f_t                                   the carousel: f_t, elementwise
        δ(gates)      = (δi | δf | δg | δo), each through its σ or tanh: ∂L/∂a_t = ∂L/∂s_t
        ∂L/∂W_hh     += δ(gates)ᵀ h_{t-1},  ∂L/∂b_hh += Σ_batch δ(gates)       summed back to front
        ∂L/∂h_{t-1}   = δ(gates) W_hh

    "pre_activation" is δ(gates), (B, 4H): what the input projection's backward reads. "cell" is ∂L/∂c_t, "carried"
    ∂L/∂c_{t-1} from step t (None at the walk's first step unless c0 is a leaf). `arriving_cell` is ∂L/∂c_n from
    outside the module (the next call of a model fed one token per call), added at the walk's last c_t as step t+1's
    share would be."""
    import torch

    W_hh_T = p.W_hh.T
    W_hr_T = None if p.W_hr is None else p.W_hr.T
    grad_hidden, grad_gates, grad_cell, grad_flowing, grad_carried = {}, {}, {}, {}, {}
    weight_hh = bias_hh = weight_hr = None
    flowing = None  # what step t+1 sent back to h_t (through W_hh) and to c_t (through f_{t+1})
    carried = arriving_cell
    for k, t in enumerate(reversed(cell.walk)):
        grad_h = grad_hidden[t] = incoming(t, flowing)  # ∂L/∂h_t
        grad_m = grad_h
        if W_hr_T is not None:  # h_t = m_t W_hrᵀ, an mm
            unprojected = cell.phase_at("unprojected", t)
            share = product_grad_right(grad_h, unprojected, W_hr_T).t()
            weight_hr = share if weight_hr is None else weight_hr + share
            grad_m = product_grad_left(grad_h, unprojected, W_hr_T)  # ∂L/∂m_t
        input_gate, forget_gate, cell_candidate, output_gate = stacked_gates(cell, t, GATES)
        squashed = cell.phase_at("cell", t).tanh()  # tanh(c_t), as autograd kept it from the forward pass
        # m_t = o_t ⊙ tanh(c_t)
        grad_squashed = grad_m * output_gate
        grad_output = grad_m * squashed  # ∂L/∂o_t
        grad_c = torch.ops.aten.tanh_backward(grad_squashed, squashed)
        if carried is not None:
            grad_c = carried + grad_c  # step t+1's share arrived first
        grad_cell[t] = grad_c  # ∂L/∂c_t
        # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        grad_candidate = grad_c * input_gate  # ∂L/∂g_t
        grad_input = grad_c * cell_candidate  # ∂L/∂i_t
        first = k == len(cell.walk) - 1
        carried = grad_carried[t] = grad_c * forget_gate if not first or "cell" in need_initial else None  # ∂L/∂c_{t-1}
        grad_forget = grad_c * cell.c_prev_at(t)  # ∂L/∂f_t
        gates = torch.cat([torch.ops.aten.sigmoid_backward(grad_input, input_gate),
                           torch.ops.aten.sigmoid_backward(grad_forget, forget_gate),
                           torch.ops.aten.tanh_backward(grad_candidate, cell_candidate),
                           torch.ops.aten.sigmoid_backward(grad_output, output_gate)], 1)
        grad_gates[t] = gates  # ∂L/∂(a_t + s_t): ∂L/∂a_t and ∂L/∂s_t alike
        h_prev = cell.h_prev_at(t)
        flowing = product_grad_left(gates, h_prev, W_hh_T) if not first or "hidden" in need_initial else None
        grad_flowing[t] = flowing
        step_weight, step_bias = recurrent_weight_share(gates, h_prev, p)
        weight_hh = step_weight if weight_hh is None else weight_hh + step_weight
        if step_bias is not None:
            bias_hh = step_bias if bias_hh is None else bias_hh + step_bias
    return {"hidden": grad_hidden, "pre_activation": grad_gates, "cell": grad_cell, "flowing": grad_flowing,
            "carried": grad_carried, "weight_hh": weight_hh, "bias_hh": bias_hh, "weight_hr": weight_hr,
            "initial": {"hidden": flowing, "cell": carried}}


def textbook_backward(cell, p, config, incoming, need_initial) -> dict:
    """Backpropagation through time as a course writes it, for the textbook order's own LSTM, each derivative
    written out (σ' = σ(1 − σ), tanh' = 1 − tanh²) rather than autograd's *_backward formulas:

        δm_t         = δh_t W_hr                  with proj_size (else m_t is h_t)
        δc_t         = δm_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}
        δi_t, δf_t   = δc_t ⊙ g_t ⊙ i_t(1 − i_t),  δc_t ⊙ c_{t-1} ⊙ f_t(1 − f_t)
        δg_t, δo_t   = δc_t ⊙ i_t ⊙ (1 − g_t²),    δm_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)
        δh_{t-1}     = δz_t W_hh,  δx_t = δz_t W_ih            δz_t = (δi | δf | δg | δo)
        ∂L/∂W_hh     = Σ_t δz_tᵀ h_{t-1},  ∂L/∂W_ih = Σ_t δz_tᵀ x_t,  ∂L/∂b = Σ_t Σ_batch δz_t,
        ∂L/∂W_hr     = Σ_t δh_tᵀ m_t                           summed in the forward pass's order

    The same mathematics as autograd's, grouped and ordered otherwise: it lands some ulps from `loss.backward()`,
    the distance the comparison reports."""
    import torch

    grad_hidden, grad_gates, grad_cell, grad_flowing, grad_carried, grad_x = {}, {}, {}, {}, {}, {}
    flowing = carried = None
    for t in reversed(cell.walk):
        grad_h = grad_hidden[t] = incoming(t, flowing)  # δh_t
        grad_m = grad_h if p.W_hr is None else grad_h @ p.W_hr  # δm_t
        i, f, g, o = (cell.phase_at(name, t) for name in GATES)
        squashed = cell.phase_at("cell", t).tanh()
        grad_c = grad_m * o * (1 - squashed * squashed)
        if carried is not None:
            grad_c = grad_c + carried
        grad_cell[t] = grad_c  # δc_t
        c_prev = cell.c_prev_at(t)
        grad_z = torch.cat([grad_c * g * (i * (1 - i)), grad_c * c_prev * (f * (1 - f)), grad_c * i * (1 - g * g),
                            grad_m * squashed * (o * (1 - o))], 1)  # δz_t
        grad_gates[t] = grad_z
        carried = grad_carried[t] = grad_c * f  # δc_{t-1}
        flowing = grad_flowing[t] = grad_z @ p.W_hh  # δh_{t-1}
        grad_x[t] = grad_z @ p.W_ih  # δx_t
    weight_hh = weight_ih = bias = weight_hr = None
    for t in cell.walk:  # Σ_t, in the forward pass's order
        weight_hh = add(weight_hh, grad_gates[t].T @ cell.h_prev_at(t))
        weight_ih = add(weight_ih, grad_gates[t].T @ cell.x[t])
        bias = add(bias, grad_gates[t].sum(0))
        if p.W_hr is not None:
            weight_hr = add(weight_hr, grad_hidden[t].T @ cell.phase_at("unprojected", t))
    T = len(cell.walk)
    grad_carried[cell.walk[0]] = carried if "cell" in need_initial else None  # as the kernel's: c0 a leaf or not
    return {"hidden": grad_hidden, "pre_activation": grad_gates, "cell": grad_cell, "flowing": grad_flowing,
            "carried": grad_carried, "weight_hh": weight_hh, "bias_hh": bias, "weight_hr": weight_hr,
            "initial": {"hidden": flowing if "hidden" in need_initial else None,
                        "cell": carried if "cell" in need_initial else None},
            "input": torch.stack([grad_x[t] for t in range(T)]), "weight_ih": weight_ih, "bias_ih": bias}


def add(total, term):
    return term if total is None else total + term
