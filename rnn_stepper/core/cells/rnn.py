"""`nn.RNN`'s cell, the Elman network of the notebook, in PyTorch's names (the textbook's W_xh, W_hh, b_xh, b_hh).
One timestep is four phases: the input projection a_t, the recurrent term r_t, their sum z_t and h_t = tanh(z_t)
(relu when nonlinearity='relu'). Each phase's equation is written once, in `phases()`; the comments on the steps'
lines name the phase a line computes.
"""

from __future__ import annotations

from operator import methodcaller

from ..steps import (
    StepStore,
    activation_backward,
    linear,
    plus_bias,
    product_grad_left,
    project_inputs,
    recurrent_weight_share,
)
from . import QT_TRANSLATE_NOOP, Phase, input_projection, recurrent_term


def phases(config) -> tuple[Phase, ...]:
    act = config.nonlinearity
    return (
        input_projection(
            QT_TRANSLATE_NOOP("Cells", "Input projection: W_ih (the textbook's W_xh) maps this timestep's input into"
                                       " the hidden space. It needs no earlier state, so PyTorch's kernel computes "
                                       "it for all timesteps in one matrix product before the loop.")),
        recurrent_term("r",
            QT_TRANSLATE_NOOP("Cells", "Recurrent term: W_hh carries the previous hidden state forward — the "
                                       "network's memory. At the first step the previous state is h0 (zeros unless "
                                       "given).")),
        Phase("pre_activation", "z", QT_TRANSLATE_NOOP("Cells", "pre-activation"),
              "{input_projection} + {recurrent_term}",
              QT_TRANSLATE_NOOP("Cells", "Pre-activation: the sum mixes what the input says now with what the "
                                         "state remembers."),
              # the notebook adds b_hh last, to a_t + W_hh h_{t-1}: r_t as a whole is never part of its sum
              textbook_numbers="({input_projection} + W_hh · {h_prev}) [+ b_hh]"),
        Phase("hidden", "h", QT_TRANSLATE_NOOP("Cells", "new hidden state"),
              f"{act}({{pre_activation}})",
              QT_TRANSLATE_NOOP("Cells", "The nonlinearity squashes the sum into (-1, 1): the new hidden state is "
                                         "this step's output and the memory for the next.") if act == "tanh" else
              QT_TRANSLATE_NOOP("Cells", "ReLU keeps the positive part of the sum: the new hidden state is this "
                                         "step's output and the memory for the next. Nothing bounds it from above."),
              scale="bounded" if act == "tanh" else "free"),
    )


def kernel(x, initial, p, config, walk, progress) -> dict:
    """PyTorch's CPU kernel (`FullLayer` + `SimpleCell` in aten/src/ATen/native/RNN.cpp), call for call."""
    # a_t for every t in one GEMM. Indexed step by step rather than unbound up front: T views held at once would
    # cost hundreds of bytes a step, more than the numbers at small H.
    a = input_projections = project_inputs(x, p.W_ih, p.b_ih)
    r = recurrent_terms = a.new_empty(a.shape)
    store = StepStore(walk, progress)
    state = initial
    for t in walk:
        # a_t = W_ih x_t + b_ih is a[t], computed above
        stored, state = step(a[t], state, p, config, keep=r[t].copy_)
        store.add(*stored)
    pre_activations, hiddens = store.finish()
    return {"input_projection": input_projections, "recurrent_term": recurrent_terms,
            "pre_activation": pre_activations, "hidden": hiddens}


def step(a_t, state, p, config, keep=lambda recurrent_term: None):
    """One timestep of the kernel from its input projection a_t: (z_t, h_t) and the new state. `keep` sees r_t
    before the kernel's in-place add turns it into z_t."""
    recurrent_term = linear(state["hidden"], p.W_hh.T, p.b_hh)  # r_t = W_hh h_{t-1} + b_hh
    keep(recurrent_term)
    pre_activation = recurrent_term.add_(a_t)  # z_t = r_t + a_t
    hidden = getattr(pre_activation, config.nonlinearity)()  # h_t = f(z_t): a fresh tensor, as in the kernel
    return (pre_activation, hidden), {"hidden": hidden}


def textbook(x, initial, p, config, walk, progress) -> dict:
    """The notebook's loop: `(x W_ih^T + b_ih) + h W_hh^T + b_hh`, one timestep at a time, added left to right.

    It differs from the kernel in the last bits: one GEMM per step instead of one for the whole sequence, and
    the bias added after the product instead of fused into it. As in the notebook, every h is a fresh tensor
    (its `out_man` list), read by the next step's product."""
    activation = methodcaller(config.nonlinearity)
    store = StepStore(walk, progress)
    h_prev = initial["hidden"]
    for t in walk:
        recurrent_product = h_prev @ p.W_hh.T
        input_projection = plus_bias(x[t] @ p.W_ih.T, p.b_ih)  # a_t = W_ih x_t + b_ih
        recurrent_term = plus_bias(recurrent_product, p.b_hh)  # r_t = W_hh h_{t-1} + b_hh
        pre_activation = plus_bias(input_projection + recurrent_product, p.b_hh)  # z_t = (a_t + W_hh h_{t-1}) + b_hh
        hidden = activation(pre_activation)  # h_t = f(z_t)
        store.add(input_projection, recurrent_term, pre_activation, hidden)
        h_prev = hidden
    return dict(zip(("input_projection", "recurrent_term", "pre_activation", "hidden"), store.finish()))


def kernel_backward(cell, p, config, incoming, need_initial) -> dict:
    """Backpropagation through time for one cell, as autograd runs it through the kernel's own graph: walking the
    timesteps back, each step's ∂L/∂z_t from ∂L/∂h_t, the recurrent weights' share of it, and what flows on to
    h_{t-1}. `incoming(t, from_recurrence)` is ∂L/∂h_t: what reaches h_t from the loss and the layer above, plus what
    flowed back from the step after it (None at the walk's end). `need_initial` names the states whose initial
    value is a leaf (h0 given): their gradients come back as "initial".

        ∂L/∂z_t      = ∂L/∂h_t ⊙ f'(z_t)             f' = 1 − h_t² for tanh, the mask h_t > 0 for relu
        ∂L/∂W_hh    += ∂L/∂z_tᵀ h_{t-1}              summed back to front, as autograd accumulates it
        ∂L/∂b_hh    += Σ_batch ∂L/∂z_t
        ∂L/∂h_{t-1}  = ∂L/∂z_t W_hh
    """
    W_hh_T = p.W_hh.T
    grad_z, grad_hidden, grad_flowing = {}, {}, {}
    weight_hh = bias_hh = flowing = None
    for k, t in enumerate(reversed(cell.walk)):
        grad_h = grad_hidden[t] = incoming(t, flowing)  # ∂L/∂h_t
        grad_pre = activation_backward(config.nonlinearity, grad_h, cell.hidden_at(t))  # ∂L/∂z_t
        first = k == len(cell.walk) - 1
        h_prev = cell.h_prev_at(t)
        # ∂L/∂h_{t-1} = ∂L/∂z_t W_hh: the gradient of the step's h_{t-1} @ W_hhᵀ with respect to h_{t-1}
        flowing = product_grad_left(grad_pre, h_prev, W_hh_T) if not first or "hidden" in need_initial else None
        grad_flowing[t] = flowing
        step_weight, step_bias = recurrent_weight_share(grad_pre, h_prev, p)
        weight_hh = step_weight if weight_hh is None else weight_hh + step_weight
        if step_bias is not None:
            bias_hh = step_bias if bias_hh is None else bias_hh + step_bias
        grad_z[t] = grad_pre
    return {"hidden": grad_hidden, "pre_activation": grad_z, "flowing": grad_flowing, "weight_hh": weight_hh,
            "bias_hh": bias_hh, "initial": {"hidden": flowing}}


def textbook_backward(cell, p, config, incoming, need_initial) -> dict:
    """Backpropagation through time as a course writes it, for the textbook order's own forward pass:

        δz_t          = δh_t ⊙ (1 − h_t²)         (δh_t ⊙ [h_t > 0] for relu), written out, not tanh_backward
        δh_{t-1}      = δz_t W_hh                 (W_hhᵀ δz_t for column vectors)
        δx_t          = δz_t W_ih
        ∂L/∂W_hh      = Σ_t δz_tᵀ h_{t-1}          summed in the forward pass's order, t as the walk went
        ∂L/∂W_ih      = Σ_t δz_tᵀ x_t,  ∂L/∂b_ih = ∂L/∂b_hh = Σ_t Σ_batch δz_t

    The same mathematics as autograd's; the products and sums are grouped and ordered otherwise, so it lands some
    ulps from `loss.backward()`: the distance the comparison reports."""
    import torch

    grad_z, grad_hidden, grad_flowing, grad_x = {}, {}, {}, {}
    flowing = None
    for t in reversed(cell.walk):
        grad_h = grad_hidden[t] = incoming(t, flowing)  # δh_t
        h_t = cell.hidden_at(t)
        derivative = 1 - h_t * h_t if config.nonlinearity == "tanh" else (h_t > 0).to(h_t.dtype)
        grad_z[t] = grad_h * derivative  # δz_t
        flowing = grad_flowing[t] = grad_z[t] @ p.W_hh  # δh_{t-1}
        grad_x[t] = grad_z[t] @ p.W_ih  # δx_t
    weight_hh = weight_ih = bias = None
    for t in cell.walk:  # Σ_t, in the forward pass's order
        weight_hh = add(weight_hh, grad_z[t].T @ cell.h_prev_at(t))
        weight_ih = add(weight_ih, grad_z[t].T @ cell.x[t])
        bias = add(bias, grad_z[t].sum(0))
    T = len(cell.walk)
    return {"hidden": grad_hidden, "pre_activation": grad_z, "flowing": grad_flowing, "weight_hh": weight_hh,
            "bias_hh": bias, "initial": {"hidden": flowing if "hidden" in need_initial else None},
            "input": torch.stack([grad_x[t] for t in range(T)]), "weight_ih": weight_ih, "bias_ih": bias}


def add(total, term):
    return term if total is None else total + term
