"""Backpropagation through time, by hand, checked against autograd's `loss.backward()` through the torch module
itself. The loss is L = Σ h_n (the sum of every cell's last hidden state: no data needed), or the mean squared error
of the output against a target sequence (`Loss`).

Walking each cell's timesteps back, layer by layer from the top: ∂L/∂h_t arrives from the loss, from the layer
above and from step t+1 (in the walk's order); the cell type (its `kernel_backward` beside its forward steps) turns
it into ∂L/∂z_t (a gated cell's gates, and an LSTM's ∂L/∂c_t on the way), the recurrent weights' share and
∂L/∂h_{t-1}; then the input projection's gradients for every timestep come in one product, as autograd computes
them. In kernel order every gradient is autograd's own, bit for bit, for nn.RNN, nn.GRU and nn.LSTM's native path.
Where torch trains a float32 nn.LSTM through oneDNN's fused backward by default, its gradients are measured beside.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import torch

from . import layout
from .config import cell_suffix
from .distance import abs_diff, bits_equal, max_over, ulp_distance
from .errors import InputError
from .reference import SWITCH, native_path
from .session import Session, build_module
from .steps import project_inputs_backward
from .torch_private import log_softmax_backward
from .trace import Trace, parameters


@dataclass(frozen=True)
class Head:
    """A Linear layer a classifier keeps beside its recurrent module (the names tutorial's `h2o`): logits =
    h_n[-1] W_headᵀ + b_head, from the last layer's final state. `name` is its prefix in the checkpoint."""

    name: str
    weight: torch.Tensor  # (classes, output_size)
    bias: torch.Tensor | None

    def logits(self, h_last: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.linear(h_last, self.weight.to(h_last.dtype),
                                          None if self.bias is None else self.bias.to(h_last.dtype))

    def forward(self, output: torch.Tensor) -> torch.Tensor:
        """head(output) for a whole output sequence as F.linear runs it on a head that is trained, its weight
        requiring grad: a contiguous output in one addmm (the bias added inside the product), any other folded
        into one mm of a contiguous copy, the bias added after (at::linear, then matmul's fold)."""
        weight = self.weight.to(output.dtype)
        bias = None if self.bias is None else self.bias.to(output.dtype)
        if output.dim() == 2 or output.is_contiguous() and bias is not None:
            return torch.nn.functional.linear(output, weight, bias)
        # matmul folds a 3-D input into one mm when the weight requires grad, copying it where it is not contiguous
        folded = output.reshape(-1, output.shape[-1]).mm(weight.t()).view(*output.shape[:-1], weight.shape[0])
        return folded if bias is None else folded.add_(bias)

    def backward(self, grad: torch.Tensor, output: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """∂L/∂output and the head's own gradients from ∂L/∂head(output): F.linear's, as autograd forms them for
        the fold `forward` made (project_inputs_backward: the same fold, read as a Linear's)."""
        flat = output.dim() == 2  # an unbatched output: one addmm, read as a sequence of one row each
        grad_output, grad_weight, grad_bias = project_inputs_backward(
            grad.unsqueeze(1) if flat else grad, output.unsqueeze(1) if flat else output,
            self.weight.to(output.dtype), self.bias is not None)
        grad_output = grad_output.squeeze(1) if flat else grad_output
        grads = {f"{self.name}weight": grad_weight}
        if grad_bias is not None:
            grads[f"{self.name}bias"] = grad_bias
        return grad_output, grads


@dataclass(frozen=True)
class Loss:
    """What is differentiated. `sum_last`: L = Σ h_n. `mse`: L = mean((output − target)²), `target` laid out as the
    module's output (batch_first or not, unbatched or not), as `F.mse_loss(output, target)` takes it; with a `head`,
    L = mean((head(output) − target)²), the target shaped as the head's output (a regressor's prediction). `unit`: one
    number of the output, L = output[t, b, i] (time-major `at`), whose input gradient is the connectivity of h_t[i].
    `cross_entropy`: F.cross_entropy(head(h_n[-1]), labels), one class label per batch row, as a classifier trains."""

    kind: str = "sum_last"
    target: torch.Tensor | None = None  # mse: the target sequence; cross_entropy: the class labels, (batch,)
    at: tuple[int, int, int] | None = None
    head: Head | None = None
    source: str | None = None  # the file an mse target was read from

    KINDS = ("sum_last", "mse", "unit", "cross_entropy")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise InputError(f"loss {self.kind!r}: choose one of {', '.join(self.KINDS)}")
        if self.kind == "mse" and self.target is None or self.kind == "sum_last" and self.target is not None:
            raise InputError("the mse loss needs a target sequence shaped as the output; sum_last takes none")
        if self.kind == "cross_entropy" and (self.head is None or self.target is None):
            raise InputError("the cross-entropy loss needs a Linear head beside the recurrent module (e.g. h2o in "
                             "the checkpoint) and one class label per batch row")

    def check(self, trace: Trace) -> None:
        if self.kind == "cross_entropy":
            self.check_classifier(trace)
            return
        if self.head is not None:  # mse through a head
            width = trace.config.num_directions * trace.config.output_size
            if self.head.weight.shape[1] != width:
                raise InputError(f"the head {self.head.name!r} takes {self.head.weight.shape[1]} inputs; the output "
                                 f"has {width} units")
        compared = (tuple(trace.output.shape) if self.head is None else
                    tuple(trace.output.shape[:-1]) + (self.head.weight.shape[0],))
        if self.target is not None and tuple(self.target.shape) != compared:
            what = "the output" if self.head is None else f"{self.head.name.rstrip('.')}(output)"
            raise InputError(f"the target is {tuple(self.target.shape)}; {what} it is compared with is "
                             f"{compared}: give one row per timestep and output unit")
        if self.kind == "unit":
            shape = (trace.seq_len, trace.batch_size, trace.config.num_directions * trace.config.output_size)
            if len(self.at) != 3 or not all(0 <= i < n for i, n in zip(self.at, shape)):
                raise InputError(f"output[t, b, i] = {list(self.at)} is outside the output, which is "
                                 f"{shape[0]} steps × {shape[1]} rows × {shape[2]} units")

    def check_classifier(self, trace: Trace) -> None:
        if not trace.session.batched:
            raise InputError("the cross-entropy loss reads h_n[-1] as (batch, units): give the input a batch "
                             "dimension (no --unbatched)")
        classes, width = self.head.weight.shape
        if width != trace.config.output_size:
            raise InputError(f"the head {self.head.name!r} takes {width} inputs; the last hidden state has "
                             f"{trace.config.output_size} units")
        labels = self.target
        if tuple(labels.shape) != (trace.batch_size,) or labels.dtype != torch.int64:
            raise InputError(f"give one whole-number class label per batch row ({trace.batch_size}), not "
                             f"{tuple(labels.shape)}")
        if bool(((labels < 0) | (labels >= classes)).any()):
            raise InputError(f"class labels run from 0 to {classes - 1} for this head of {classes} classes")

    def of(self, output: torch.Tensor, h_n: torch.Tensor, batch_first: bool = False) -> torch.Tensor:
        """The scalar, built as a user builds it before calling backward()."""
        if self.kind == "cross_entropy":
            return torch.nn.functional.cross_entropy(self.head.logits(h_n[-1]), self.target)
        if self.kind == "mse":
            prediction = output if self.head is None else self.head.logits(output)
            return torch.nn.functional.mse_loss(prediction, self.target.to(output.dtype))
        if self.kind == "unit":
            return layout.time_major(output, batch_first)[self.at]
        return h_n.sum()

    def by_hand(self, output: torch.Tensor, h_n: torch.Tensor, batch_first: bool = False) -> torch.Tensor:
        """The scalar from the hand pass's own numbers: as `of`, but a head under the mse applied as a trained
        head's F.linear runs (Head.forward), which `of` leaves to torch."""
        if self.kind == "mse" and self.head is not None:
            return torch.nn.functional.mse_loss(self.head.forward(output), self.target.to(output.dtype))
        return self.of(output, h_n, batch_first)

    def output_gradient(self, output: torch.Tensor, batch_first: bool = False) -> torch.Tensor | None:
        """∂L/∂output, time-major, for a loss read from the output itself: by autograd's own call for the mse (mse_loss_backward with mean reduction), a one
        at the unit for `unit`, or None: Σ h_n does not read the output."""
        ones = torch.ones((), dtype=output.dtype)  # backward()'s seed: the gradient of L with respect to itself
        if self.kind == "mse":
            grad = torch.ops.aten.mse_loss_backward(ones, output, self.target.to(output.dtype), 1)  # 1: Mean
            return layout.time_major(grad, batch_first)  # transposed back as a view, as autograd does
        if self.kind == "unit":
            grad = torch.zeros_like(layout.time_major(output, batch_first))
            grad[self.at] = ones
            return grad
        return None

    def head_output_gradients(self, output: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """For an mse through a head: ∂L/∂output (the module's layout) and the head's own gradients, through
        mse_loss_backward and the head's F.linear."""
        prediction = self.head.forward(output)
        ones = torch.ones((), dtype=output.dtype)
        grad = torch.ops.aten.mse_loss_backward(ones, prediction, self.target.to(output.dtype), 1)  # 1: Mean
        return self.head.backward(grad, output)

    def head_gradients(self, h_n: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """For cross_entropy: ∂L/∂h_n[-1] and the head's own gradients, through autograd's calls for
        F.cross_entropy (log_softmax, then nll_loss with mean reduction) and F.linear's addmm."""
        from .steps import product_grad_left, product_grad_right

        h_last = h_n[-1]
        log_probs = self.head.logits(h_last).log_softmax(1)
        _, total_weight = torch.ops.aten.nll_loss_forward(log_probs, self.target, None, 1, -100)
        ones = torch.ones((), dtype=h_last.dtype)
        grad = torch.ops.aten.nll_loss_backward(ones, log_probs, self.target, None, 1, -100, total_weight)
        grad_logits = log_softmax_backward(grad, log_probs, 1, h_last.dtype)
        W_T = self.head.weight.to(h_last.dtype).t()
        grads = {f"{self.head.name}weight": product_grad_right(grad_logits, h_last, W_T).t()}
        if self.head.bias is not None:
            grads[f"{self.head.name}bias"] = grad_logits.sum(0, keepdim=True).view(-1)
        return product_grad_left(grad_logits, h_last, W_T), grads

    def describe(self) -> str:
        if self.kind == "mse" and self.head is not None:
            return f"L = mean(({self.head.name.rstrip('.')}(output) - target)^2)"
        return {"mse": "L = mean((output - target)^2)", "unit": f"L = output[t, b, i] at {list(self.at or ())}",
                "cross_entropy": "L = cross_entropy(head(h_n[-1]), labels)"}.get(self.kind, "L = sum of h_n")


SUM_LAST = Loss()


@dataclass(frozen=True)
class Arriving:
    """Gradients that reach the recurrent module from the rest of a model instead of from a loss of its own, each
    None where nothing arrives: ∂L/∂output (time-major, (T, B, D·H)) from the head that reads the output, and
    ∂L/∂h_n and an LSTM's ∂L/∂c_n ((L·D, B, ·)) from the next call, where a model is called one token per call."""

    output: torch.Tensor | None = None
    hidden: torch.Tensor | None = None
    cell: torch.Tensor | None = None


def next_input_loss(session: Session, head: Head | None = None) -> Loss:
    """The MSE of a next-step predictor: target_t = x_{t+1}, laid out as the input. The last step, with nothing
    after it, is asked to repeat its own input. The prediction is the output itself (input_size = the output's
    width) or, given a head writing input_size values, head(output): the sine example's SinePredictor."""
    config = session.config
    x = layout.time_major(session.inputs, config.batch_first)
    target = torch.cat([x[1:], x[-1:]], dim=0)
    return Loss("mse", layout.from_time_major(target, config.batch_first, session.batched), head=head)


def next_step_losses(session: Session, heads: dict[str, Head]) -> list[Loss]:
    """Every next-step prediction the session can train on: through each head that reads the whole output and
    writes one value per input feature, then by the output itself where it is as wide as the input. None for a
    sequence of one step, which has no next input."""
    config = session.config
    width = config.num_directions * config.output_size
    if session.seq_len < 2:
        return []
    losses = [next_input_loss(session, head) for head in heads.values()
              if tuple(head.weight.shape) == (config.input_size, width)]
    if width == config.input_size:
        losses.append(next_input_loss(session))
    return losses


def class_loss(head: Head, label: int, batch_size: int) -> Loss:
    """The cross-entropy of a classifier whose every batch row is labelled `label`, through `head`."""
    return Loss("cross_entropy", torch.full((batch_size,), label, dtype=torch.int64), head=head)


def target_loss(trace: Trace, path: str) -> Loss:
    """The MSE against a target sequence read from `path` (.csv, .npy or .json, as an input file), shaped as the
    output; a (T, units) table is taken for a batch of one. InputError naming the file for any other shape."""
    from .files import load_array

    values = torch.as_tensor(load_array(path))
    if tuple(values.shape) != tuple(trace.output.shape) and values.numel() == trace.output.numel() \
            and values.dim() == 2 and trace.output.dim() == 3 and trace.batch_size == 1:
        values = values.reshape(trace.output.shape)
    try:
        loss = Loss("mse", values.to(trace.output.dtype), source=path)
        loss.check(trace)
    except InputError as exc:
        raise InputError(exc.detail, path) from None
    return loss


@dataclass
class CellGradients:
    layer: int
    direction: int
    walk: list[int]
    hidden: torch.Tensor  # ∂L/∂h_t, (T, B, H): what reaches h_t from the loss, the layer above and step t+1
    # ∂L/∂z_t, (T, B, H); for a gated cell the gates' arguments stacked, (T, B, G·H): ∂L/∂a_t, what W_ih's reads
    pre_activation: torch.Tensor
    # per t, ∂L/∂h_{t-1} from step t alone, (B, H): None at the walk's first step unless h0 is a leaf. None for a
    # cell type that never holds it alone (the GRU's h_{t-1} hears from step t twice, the layer above in between)
    flowing: list | None
    cell: torch.Tensor | None = None  # an LSTM's ∂L/∂c_t, (T, B, H): the gradient along the cell state
    # per t, what step t hands back along the path W_hh does not touch, (B, H): an LSTM's ∂L/∂c_{t-1} = ∂L/∂c_t ⊙ f_t
    # (the carousel), a GRU's share of ∂L/∂h_{t-1} through the update gate, ∂L/∂h_t ⊙ z_t. None where not given
    # as `flowing` is
    carried: list | None = None
    # per t, a GRU's other share of ∂L/∂h_{t-1}: ∂L/∂s_t W_hh, through the recurrent term (B, H)
    through_weights: list | None = None
    # ∂L/∂s_t, (T, B, G·H), where it is not `pre_activation`: the GRU's candidate reads r_t ⊙ s_n, so its block of
    # ∂L/∂s_t is δn_t ⊙ r_t. What ∂L/∂W_hh and ∂L/∂b_hh are summed from
    recurrent: torch.Tensor | None = None

    @property
    def recurrent_term(self) -> torch.Tensor:
        """∂L/∂s_t for every t, (T, B, G·H): the gradient at the recurrent term W_hh h_{t-1} + b_hh."""
        return self.pre_activation if self.recurrent is None else self.recurrent

    @property
    def norms(self):
        """‖∂L/∂h_t‖ over units and batch rows, for every t: how much of the loss reaches back to step t."""
        return self.hidden.flatten(1).norm(dim=1)

    @property
    def cell_norms(self):
        """An LSTM's ‖∂L/∂c_t‖ for every t: what survives along the cell state (None for other cells)."""
        return None if self.cell is None else self.cell.flatten(1).norm(dim=1)


@dataclass
class Gradients:
    """Every gradient of the loss: the parameters' (state-dict names), the input's, h0's and an LSTM's c0's (None
    when not given: the module's zeros are not a leaf), and the loss's value."""

    parameters: dict[str, torch.Tensor]
    input: torch.Tensor
    h0: torch.Tensor | None
    loss: torch.Tensor | None = None
    c0: torch.Tensor | None = None

    def named(self) -> dict[str, torch.Tensor]:
        """Every gradient by name: the parameters', then `input`'s, and `h0`'s and `c0`'s where given."""
        return self.parameters | {"input": self.input} | {
            name: value for name, value in (("h0", self.h0), ("c0", self.c0)) if value is not None}


@dataclass
class FusedBackward:
    """What PyTorch's default `loss.backward()` computes where the forward pass ran a fused kernel (a float32
    nn.LSTM through oneDNN): `kernel` is the fused backward op that ran. It is not stepped; it is measured against
    the stepped native backward, as the fused forward is against the native cell."""

    kernel: str  # e.g. "mkldnn_rnn_layer_backward"
    gradients: Gradients


def gradient_comparison(pairs) -> list[tuple[str, tuple[int, ...], bool, float, float]]:
    """For (name, by hand, autograd's) pairs: (name, shape, bitwise equal, max |by hand − autograd|, max ulps)."""
    rows = []
    for name, mine, theirs in pairs:
        difference = float(abs(mine.double() - theirs.double()).max()) if mine.numel() else 0.0
        rows.append((name, tuple(mine.shape), bits_equal(mine, theirs), difference,
                     float(ulp_distance(mine, theirs).max(initial=0.0))))
    return rows


@dataclass
class Backward:
    trace: Trace
    cells: list[CellGradients]
    manual: Gradients
    reference: Gradients  # autograd's, on the native path the hand pass steps
    loss: Loss = SUM_LAST
    fused: FusedBackward | None = None  # autograd's through the fused kernel torch runs by default, when it does

    def pairs(self) -> list[tuple[str, torch.Tensor, torch.Tensor]]:
        """(name, by hand, autograd's) for every gradient: each parameter's (state-dict name), `input`'s and, when
        given, `h0`'s and `c0`'s."""
        mine, theirs = self.manual.named(), self.reference.named()
        return [(name, mine[name], theirs[name]) for name in theirs]

    def comparison(self) -> list[tuple[str, tuple[int, ...], bool, float, float]]:
        """Per gradient: (name, shape, bitwise equal, max |by hand − autograd|, max ulps between them)."""
        return gradient_comparison(self.pairs())

    def _pairs(self):
        return [(a, b) for _, a, b in self.pairs()]

    def fused_pairs(self) -> list[tuple[str, torch.Tensor, torch.Tensor]]:
        """(name, by hand, the fused backward's) for every gradient; empty when torch runs no fused kernel."""
        if self.fused is None:
            return []
        mine, theirs = self.manual.named(), self.fused.gradients.named()
        return [(name, mine[name], theirs[name]) for name in theirs]

    @cached_property
    def fused_max_ulps(self) -> float | None:
        """How far the fused kernel's gradients land from the stepped native ones, in ulps: measured, never a
        promise (the fused kernel sums in its own order)."""
        pairs = self.fused_pairs()
        return max_over(ulp_distance, [(a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1]))
                                       for _, a, b in pairs]) if pairs else None

    @cached_property
    def fused_max_abs_diff(self) -> float | None:
        pairs = self.fused_pairs()
        return max(float(abs_diff(a, b).max(initial=0.0)) for _, a, b in pairs) if pairs else None

    @cached_property
    def bitwise_equal(self) -> bool:
        return all(bits_equal(a, b) for a, b in self._pairs())

    @cached_property
    def max_ulps(self) -> float:
        return max_over(ulp_distance, [(a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1]))
                                       for a, b in self._pairs()])


def backward_pass(trace: Trace, loss: Loss = SUM_LAST) -> Backward:
    """The hand backward of the trace's session, beside autograd's."""
    cells, manual = hand_backward(trace, loss)
    manual.loss = loss.by_hand(trace.output, trace.h_n, trace.config.batch_first)  # the hand pass's own output: the value the class sees
    return Backward(trace, cells, manual, autograd_gradients(trace, loss=loss), loss, fused_gradients(trace, loss))


def hand_backward(trace: Trace, loss: Loss = SUM_LAST, arriving: Arriving | None = None
                  ) -> tuple[list[CellGradients], Gradients]:
    """The hand backward of `loss`, or, given `arriving`, of whatever sent those gradients to the module's outputs
    (the loss is then not read)."""
    from .heap import large_blocks_mapped

    session, config = trace.session, trace.config
    kind = config.cell_type
    check_stepped(session)
    if arriving is None:
        loss.check(trace)
    large_blocks_mapped()  # each step's ∂L/∂W_hh share would otherwise grow the heap without bound (core/heap.py)
    textbook = session.order == "textbook"
    backward_of = kind.steps.textbook_backward if textbook else kind.steps.kernel_backward
    D, H, T, B = config.num_directions, config.output_size, trace.seq_len, trace.batch_size
    weights = dict(trace.reference.module.named_parameters())
    grads: dict[str, torch.Tensor] = {}
    cells: dict[tuple[int, int], CellGradients] = {}
    with torch.no_grad():
        # Σ h_n: ∂L/∂h_n = 1 everywhere, autograd's ones_like of the scalar loss expanded (strides 0) to h_n's shape
        loss_grad = (torch.ones((), dtype=config.torch_dtype).expand(config.num_layers * D, B, H)
                     if loss.kind == "sum_last" else None)
        head_grads = {}
        if loss.kind == "cross_entropy":  # h_n[-1]'s gradient, in h_n's zeros as select's backward lays it
            grad_last, head_grads = loss.head_gradients(trace.h_n)
            loss_grad = torch.zeros((config.num_layers * D, B, H), dtype=config.torch_dtype)
            loss_grad[-1] = grad_last
        # ∂L/∂(this layer's output), (T, B, D·H): from the loss for the top layer (the module's output is its
        # output, transposed back as a view when batch_first), then from the layer above's input projection
        if loss.kind == "mse" and loss.head is not None:  # through the head, which has gradients of its own
            grad_output, head_grads = loss.head_output_gradients(trace.output)
            from_above = layout.time_major(grad_output, config.batch_first)
        else:
            from_above = loss.output_gradient(trace.output, config.batch_first)
        if arriving is not None:
            loss_grad, from_above = arriving.hidden, arriving.output
        initial_grads = {}
        leaves = {state for state, given in (("hidden", session.h0), ("cell", session.c0)) if given is not None}
        for layer in reversed(range(config.num_layers)):
            input_grad = None
            for direction in range(D):
                index = layer * D + direction
                cell = trace.cell(layer, direction)
                mine = None if from_above is None else from_above[..., direction * H:(direction + 1) * H]

                def incoming(t, flowing, cell=cell, index=index, mine=mine):
                    sources = [s for s in (loss_grad[index] if loss_grad is not None and t == cell.walk[-1] else None,
                                           None if mine is None else mine[t], flowing) if s is not None]
                    return sources[0] if len(sources) == 1 else sources[0] + sources[1]

                p = parameters(config.cell_type, weights, layer, direction)
                # an LSTM's c_n hears from the next call: ∂L/∂c_n is where its walk back along c_t starts
                from_next = {} if arriving is None or arriving.cell is None else {"arriving_cell": arriving.cell[index]}
                result = backward_of(cell, p, config, incoming, need_initial=leaves, **from_next)
                grad_pre = torch.stack([result["pre_activation"][t] for t in range(T)])
                grad_hidden = torch.stack([result["hidden"][t] for t in range(T)])
                grad_cell = torch.stack([result["cell"][t] for t in range(T)]) if "cell" in result else None
                suffix = cell_suffix(layer, direction)
                if textbook:  # step by step, as the course writes it
                    grad_x, grads[f"weight_ih{suffix}"], grad_b = result["input"], result["weight_ih"], result["bias_ih"]
                else:  # every timestep's input projection in one product, as autograd differentiates it
                    grad_x, grads[f"weight_ih{suffix}"], grad_b = project_inputs_backward(
                        grad_pre, cell.x, p.W_ih, p.b_ih is not None)
                grads[f"weight_hh{suffix}"] = result["weight_hh"]
                if p.b_ih is not None:
                    grads[f"bias_ih{suffix}"], grads[f"bias_hh{suffix}"] = grad_b, result["bias_hh"]
                if p.W_hr is not None:
                    grads[f"weight_hr{suffix}"] = result["weight_hr"]
                initial_grads[index] = result["initial"]
                input_grad = grad_x if input_grad is None else input_grad + grad_x
                per_step = {name: [result[name][t] for t in range(T)] if name in result else None
                            for name in ("flowing", "carried", "through_weights")}
                recurrent = torch.stack([result["recurrent"][t] for t in range(T)]) if "recurrent" in result else None
                cells[(layer, direction)] = CellGradients(layer, direction, cell.walk, grad_hidden, grad_pre,
                                                          per_step["flowing"], grad_cell, per_step["carried"],
                                                          per_step["through_weights"], recurrent)
            from_above = input_grad
        grad_input = layout.from_time_major(from_above, config.batch_first, session.batched)
        initial = {}
        for state in leaves:  # h0 and c0 are leaves of (L·D, B, ·): the cells' gradients stacked, as unbind's backward
            grad = torch.stack([initial_grads[i][state] for i in range(config.num_layers * D)])
            initial[state] = grad if session.batched else grad.squeeze(1)
    manual = Gradients({k: grads[k] for k in config.parameter_shapes()} | head_grads, grad_input, initial.get("hidden"),
                       c0=initial.get("cell"))
    return [cells[key] for key in config.cells()], manual


def connectivity(trace: Trace, t: int, unit: int, batch: int = 0) -> torch.Tensor:
    """‖∂h_t[i]/∂x_k‖ for every k: how strongly output unit i at step t still depends on each input, by the same
    hand backward as any loss (L = h_t[i]). Zero for the inputs a unit has not read yet (k > t forward, k < t in the
    reverse direction's half of a bidirectional output). (T,) in the session's dtype."""
    _, gradients = hand_backward(trace, Loss("unit", at=(t, batch, unit)))
    grad_x = layout.time_major(gradients.input, trace.config.batch_first)[:, batch]  # (T, input_size)
    return grad_x.norm(dim=-1)


def check_stepped(session: Session) -> None:
    """InputError unless the backward pass is stepped for this session's cell type and order."""
    from .cells import CELL_TYPES

    kind = session.config.cell_type
    if session.lengths is not None:
        raise InputError("the backward pass is stepped for a batch stepped whole; this packed batch (lengths "
                         f"{', '.join(map(str, session.lengths))}) is stepped forward only")
    if not hasattr(kind.steps, f"{session.order}_backward"):
        stepped = {order: [k.label for k in CELL_TYPES.values() if hasattr(k.steps, f"{order}_backward")]
                   for order in ("kernel", "textbook")}
        said = "; ".join(f"in {order} order for " + (", ".join(names[:-1]) + " and " if len(names) > 1 else "")
                         + names[-1] for order, names in stepped.items() if names)
        raise InputError(f"the backward pass is stepped {said}; {kind.label} in {session.order} order is not yet")


def fused_gradients(trace: Trace, loss: Loss = SUM_LAST) -> FusedBackward | None:
    """`loss.backward()` as torch runs it by default, where the forward pass runs a fused kernel (trace.fused):
    oneDNN's fused LSTM backward for a float32 nn.LSTM. None where torch steps the cell itself."""
    from .reference import fused_kernels

    if trace.fused is None:
        return None
    watch = fused_kernels(backward=True)

    def watched(backward):
        with watch:
            backward()

    gradients = autograd_gradients(trace, watched, loss, native=False)
    return FusedBackward(sorted(watch.seen)[0], gradients) if watch.seen else None


def autograd_gradients(trace: Trace, run=lambda backward: backward(), loss: Loss = SUM_LAST,
                       native: bool = True) -> Gradients:
    """The loss's gradients by `loss.backward()` through the torch module, on its native path (or, `native=False`,
    on the path torch takes by default). `run` calls the backward it is handed (a test records its aten calls
    there)."""
    session = trace.session
    module = build_module(session.config, session.weights)
    x = session.inputs.clone().requires_grad_(True)
    # the states given are leaves; an LSTM's state not given is the module's zeros, as initial_state() makes them
    leaves = {state: given.clone().requires_grad_(True) for state, given in (("hidden", session.h0),
                                                                             ("cell", session.c0)) if given is not None}
    state = leaves.get("hidden")
    if "cell" in session.config.cell_type.state and leaves:
        state = tuple(leaves.get(name, zeros) for name, zeros in zip(("hidden", "cell"), session.initial_state()))
    head = {}
    if loss.head is not None:  # the head as the classifier or regressor holds it: an nn.Linear's leaves
        head = {f"{loss.head.name}{k}": v.detach().to(session.config.torch_dtype).clone().requires_grad_(True)
                for k, v in (("weight", loss.head.weight), ("bias", loss.head.bias)) if v is not None}
        loss = replace(loss, head=Head(loss.head.name, head[f"{loss.head.name}weight"],
                                       head.get(f"{loss.head.name}bias")))
    with native_path() if native else SWITCH:  # oneDNN as the user left it, while no other pass turns it off
        output, final = module(x, state)
        h_n = final[0] if isinstance(final, tuple) else final
        value = loss.of(output, h_n, session.config.batch_first)
        run(value.backward)
    grads = {name: leaf.grad for name, leaf in leaves.items()}
    return Gradients({k: p.grad for k, p in module.named_parameters()} | {k: v.grad for k, v in head.items()},
                     x.grad, grads.get("hidden"), value.detach(), grads.get("cell"))
