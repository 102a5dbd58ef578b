"""The whole model's backward: the character model of chapter 15 trained on next-token targets, differentiated by
hand stage by stage, bit for bit equal to autograd's `loss.backward()` through the user's own modules.

    loss       L = Σ_c cross_entropy(logits_c, target_c)   the book's `loss += loss_fn(pred, target_batch[:, c])`
               (one call per sequence: L = cross_entropy over every position at once)
    head       ∂L/∂logits = (softmax − one-hot) / B         nll_loss_backward, then log_softmax's backward
               ∂L/∂W = ∂L/∂logitsᵀ h,  ∂L/∂b = Σ ∂L/∂logits,  ∂L/∂h = ∂L/∂logits W      F.linear's, as autograd
    cells      backpropagation through time (core/backward.py), with h_n's (and c_n's) gradients arriving from the
               next call where the model is called one token per call
    embedding  ∂L/∂E[k] = Σ over the positions fed token k of ∂L/∂x_i, in position order: repeated tokens
               accumulate (embedding_dense_backward); the padding row gets nothing

The call structure decides the last bits, backward as forward. The book trains one token per call: each call uses
every parameter once, and autograd's engine sums the calls' contributions to a parameter's gradient as they
arrive, the last call's first (its nodes were made last), so the hand pass adds them in that order. One call per
sequence (pytorch/examples' word_language_model, d2l's RNNModel) differentiates one graph: one input projection
over every step, one product for the head, one embedding backward over every position.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import torch
import torch.nn.functional as F

from . import layout
from .backward import Arriving, Head, gradient_comparison, hand_backward
from .distance import abs_diff, bits_equal, max_over, ulp_distance
from .errors import InputError
from .language_model import LanguageModel, Vocabulary, book_call, call_reference
from .reference import SWITCH, native_path
from .session import Session
from .torch_private import log_softmax_backward
from .trace import Trace, hand_pass

STRUCTURES = {
    "per_token": "one token per call, as the book's training loop: model(seq_batch[:, c], hidden, cell), "
                 "loss += loss_fn(pred, target_batch[:, c])",
    "per_sequence": "one call per sequence: model(seq_batch), loss_fn(logits.reshape(-1, V), target.reshape(-1))",
}


@dataclass(frozen=True)
class TrainingBatch:
    """Token ids, (B, T) each, batch-major as the book's DataLoader yields them: `inputs` fed, `targets` the
    tokens each position should predict (the book's chunk[:-1] and chunk[1:])."""

    inputs: torch.Tensor
    targets: torch.Tensor

    def __post_init__(self) -> None:
        for name in ("inputs", "targets"):
            value = getattr(self, name)
            if value.dim() != 2 or value.dtype != torch.int64:
                raise InputError(f"the {name} must be whole-number token ids, (batch, steps); got "
                                 f"{tuple(value.shape)} {value.dtype}")
        if self.inputs.shape != self.targets.shape or self.inputs.shape[1] < 1:
            raise InputError(f"inputs {tuple(self.inputs.shape)} and targets {tuple(self.targets.shape)} must have the "
                             "same shape, at least one step")

    @property
    def batch_size(self) -> int:
        return self.inputs.shape[0]

    @property
    def steps(self) -> int:
        return self.inputs.shape[1]


def training_text(vocabulary: Vocabulary, text: str, source: str = "--text") -> TrainingBatch:
    """A text as one training sequence, the book's chunk: its tokens but the last fed, and each next token the
    target."""
    ids = vocabulary.encode(text, source)
    if len(ids) < 2:
        raise InputError("needs at least two tokens to train on: each token's target is the one after it", source)
    ids = torch.tensor(ids)
    return TrainingBatch(ids[:-1].unsqueeze(0), ids[1:].unsqueeze(0))


def check_batch(model: LanguageModel, batch: TrainingBatch) -> None:
    V = model.vocabulary_size
    for name in ("inputs", "targets"):
        ids = getattr(batch, name)
        if bool(((ids < 0) | (ids >= V)).any()):
            raise InputError(f"the {name} hold token ids outside 0 … {V - 1}, the rows of the model's embedding")


def parameter_name(place: str, name: str) -> str:
    """A parameter's name in the user's state dict: its module's place, then its own name."""
    return f"{place}.{name}" if place and not place.endswith(".") else place + name


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """F.cross_entropy(logits, targets) with mean reduction, as aten computes it: log_softmax, then nll_loss.
    Returns (the loss, the log-probabilities and the total weight its backward reads)."""
    log_probabilities = logits.log_softmax(1)
    loss, total_weight = torch.ops.aten.nll_loss_forward(log_probabilities, targets, None, 1, -100)  # 1: Mean
    return loss, log_probabilities, total_weight


def cross_entropy_backward(log_probabilities, targets, total_weight) -> torch.Tensor:
    """∂L/∂logits of a mean cross-entropy reached by backward()'s seed of one: autograd's nll_loss_backward, then
    log_softmax's backward."""
    seed = torch.ones((), dtype=log_probabilities.dtype)
    grad = torch.ops.aten.nll_loss_backward(seed, log_probabilities, targets, None, 1, -100, total_weight)
    return log_softmax_backward(grad, log_probabilities, 1, log_probabilities.dtype)


def head_of(model: LanguageModel) -> Head:
    """The model's head, its gradients named as in the user's state dict."""
    return Head(parameter_name(model.places.get("head", ""), ""), model.head_weight, model.head_bias)


def embedding_backward(grad: torch.Tensor, tokens: torch.Tensor, rows: int, padding_idx: int | None) -> torch.Tensor:
    """∂L/∂E, (rows, E): zeros, then for every position i in order, row k_i += ∂L/∂x_i, so that a token fed
    twice gathers both (aten's embedding_dense_backward on the CPU); the padding row stays zero."""
    flat = grad.reshape(-1, grad.shape[-1])
    table = torch.zeros(rows, flat.shape[1], dtype=grad.dtype)
    for i, k in enumerate(tokens.reshape(-1).tolist()):
        if k != padding_idx:
            table[k].add_(flat[i])
    return table


@dataclass
class ModelCall:
    """One call of the model in the training step, its forward kept for the backward: the tokens fed (the
    module's layout), their embedding rows, the recurrent module's trace, the logits and the loss's share."""

    tokens: torch.Tensor
    targets: torch.Tensor
    embedded: torch.Tensor
    cells: Trace
    logits: torch.Tensor  # (positions, V)
    loss: torch.Tensor
    log_probabilities: torch.Tensor
    total_weight: torch.Tensor


@dataclass
class ModelBackward:
    """The training step's loss and every gradient by hand, beside autograd's through the user's modules, each
    named as in the user's state dict."""

    model: LanguageModel
    batch: TrainingBatch
    structure: str
    calls: list[ModelCall]
    loss: torch.Tensor
    manual: dict[str, torch.Tensor]
    reference_loss: torch.Tensor
    reference: dict[str, torch.Tensor]
    # where torch trains a float32 nn.LSTM through oneDNN by default: the fused backward's name and its gradients,
    # measured against the stepped native ones, never promised (the fused kernel sums in its own order)
    fused_kernel: str | None = None
    fused: dict[str, torch.Tensor] | None = None

    def pairs(self) -> list[tuple[str, torch.Tensor, torch.Tensor]]:
        return [(name, self.manual[name], self.reference[name]) for name in self.reference]

    def comparison(self) -> list[tuple[str, tuple[int, ...], bool, float, float]]:
        """Per gradient: (name, shape, bitwise equal, max |by hand − autograd|, max ulps between them)."""
        return gradient_comparison(self.pairs())

    @cached_property
    def bitwise_equal(self) -> bool:
        return bits_equal(self.loss, self.reference_loss) and all(
            bits_equal(a, b) for _, a, b in self.pairs())

    @cached_property
    def max_ulps(self) -> float:
        return max_over(ulp_distance, [(a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1]))
                                       for _, a, b in self.pairs()])

    @cached_property
    def fused_max_ulps(self) -> float | None:
        if self.fused is None:
            return None
        return max_over(ulp_distance, [(a.reshape(-1, a.shape[-1]), self.fused[name].reshape(-1, a.shape[-1]))
                                       for name, a, _ in self.pairs()])

    @cached_property
    def fused_max_abs_diff(self) -> float | None:
        if self.fused is None:
            return None
        return max(float(abs_diff(a, self.fused[name]).max(initial=0.0)) for name, a, _ in self.pairs())

    def describe(self) -> str:
        return STRUCTURES[self.structure]


def model_backward(model: LanguageModel, batch: TrainingBatch, structure: str = "per_token") -> ModelBackward:
    """The training step's loss and gradients by hand, called as `structure` says, beside autograd's."""
    if structure not in STRUCTURES:
        raise InputError(f"call structure {structure!r}: choose {' or '.join(STRUCTURES)}")
    check_batch(model, batch)
    _, recurrent, _ = model.modules()
    with torch.no_grad():
        forward = per_token_forward if structure == "per_token" else per_sequence_forward
        calls = forward(model, batch, recurrent)
        loss = calls[0].loss
        for call in calls[1:]:  # the book's `loss += …`, from 0 + the first
            loss = loss + call.loss
        manual = hand_gradients(model, calls)
    reference_loss, reference = autograd_gradients(model, batch, structure)
    fused = fused_gradients(model, batch, structure)
    return ModelBackward(model, batch, structure, calls, loss, manual, reference_loss, reference, *(fused or (None, None)))


def module_layout(model: LanguageModel, ids: torch.Tensor) -> torch.Tensor:
    """(B, T) ids as the user's code holds them for its module: as they are for batch_first, else time-major and
    contiguous (word_language_model's batchify)."""
    return ids if model.config.batch_first else ids.t().contiguous()


def per_token_forward(model: LanguageModel, batch: TrainingBatch, recurrent) -> list[ModelCall]:
    config = model.config
    cells = config.num_layers * config.num_directions
    sizes = {"hidden": config.output_size, "cell": config.hidden_size}
    state = {name: torch.zeros(cells, batch.batch_size, sizes[name], dtype=config.torch_dtype)
             for name in config.cell_type.state}  # the book's init_hidden(batch_size)
    calls = []
    for c in range(batch.steps):
        tokens, targets = batch.inputs[:, c], batch.targets[:, c]
        embedded = F.embedding(tokens, model.embedding)  # x_c = E[k_c], (B, E)
        x = embedded.unsqueeze(1 if config.batch_first else 0)  # one timestep, as the book's .unsqueeze(1)
        # the first call's states are the book's init_hidden zeros, not a gradient's destination: given as the
        # module's own zeros (None), so that the walk back does not compute gradients nobody receives
        given = state if c else {}
        session = Session(config=config, weights=model.weights, inputs=x, h0=given.get("hidden"),
                          c0=given.get("cell"))
        cells_trace = hand_pass(session, call_reference(session, recurrent))
        logits = head_of(model).forward(cells_trace.output).reshape(-1, model.vocabulary_size)
        loss, log_probabilities, total_weight = cross_entropy(logits, targets)
        calls.append(ModelCall(tokens, targets, embedded, cells_trace, logits, loss, log_probabilities, total_weight))
        state = cells_trace.final
    return calls


def per_sequence_forward(model: LanguageModel, batch: TrainingBatch, recurrent) -> list[ModelCall]:
    tokens, targets = module_layout(model, batch.inputs), module_layout(model, batch.targets)
    embedded = F.embedding(tokens, model.embedding)  # every position's row at once
    session = Session(config=model.config, weights=model.weights, inputs=embedded)
    cells_trace = hand_pass(session, call_reference(session, recurrent))
    logits = head_of(model).forward(cells_trace.output).reshape(-1, model.vocabulary_size)
    loss, log_probabilities, total_weight = cross_entropy(logits, targets.reshape(-1))
    return [ModelCall(tokens, targets, embedded, cells_trace, logits, loss, log_probabilities, total_weight)]


def hand_gradients(model: LanguageModel, calls: list[ModelCall]) -> dict[str, torch.Tensor]:
    """Each call walked back, the last first, its gradients added to what the later calls gave, as autograd's
    engine sums a parameter's contributions in the order they arrive."""
    config, places = model.config, model.places
    totals: dict[str, torch.Tensor] = {}
    from_next = Arriving()
    for call in reversed(calls):
        output = call.cells.output  # the head's input, in the module's layout
        grad_logits = cross_entropy_backward(call.log_probabilities, call.targets.reshape(-1), call.total_weight)
        grad_output, head_grads = head_of(model).backward(grad_logits.view(*output.shape[:-1], -1), output)
        arriving = Arriving(layout.time_major(grad_output, config.batch_first), from_next.hidden, from_next.cell)
        _, cells = hand_backward(call.cells, arriving=arriving)
        from_next = Arriving(hidden=cells.h0, cell=cells.c0)
        grads = {parameter_name(places.get("embedding", ""), "weight"):
                 embedding_backward(cells.input, call.tokens, model.vocabulary_size, model.padding_idx)}
        grads |= {parameter_name(places.get("recurrent", ""), name): value for name, value in cells.parameters.items()}
        grads |= head_grads
        for name, value in grads.items():
            totals[name] = value if name not in totals else totals[name] + value
    return totals


def fused_gradients(model: LanguageModel, batch: TrainingBatch, structure: str
                    ) -> tuple[str, dict[str, torch.Tensor]] | None:
    """The training step as the user's PyTorch runs it by default, where that hands the recurrent module to a fused
    kernel (a float32 nn.LSTM to oneDNN): the kernel's name and its gradients. None where torch steps the cell."""
    from .reference import fused_kernels

    if not model.config.cell_type.may_fuse(model.config):
        return None
    with fused_kernels(backward=True) as watch:
        _, gradients = autograd_gradients(model, batch, structure, native=False)
    return (sorted(watch.seen)[0], gradients) if watch.seen else None


def autograd_gradients(model: LanguageModel, batch: TrainingBatch, structure: str, native: bool = True
                       ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The user's training step through the model's own modules on the recurrent module's native path (or,
    `native=False`, the path torch takes by default): `loss.backward()`, and every parameter's .grad by its
    state-dict name."""
    embedding, recurrent, head = model.modules()
    places = model.places
    named = {parameter_name(places.get("embedding", ""), "weight"): embedding.weight}
    named |= {parameter_name(places.get("recurrent", ""), k): v for k, v in recurrent.named_parameters()}
    named |= {parameter_name(places.get("head", ""), k): v for k, v in head.named_parameters()}
    for parameter in named.values():
        parameter.requires_grad_(True)
    V = model.vocabulary_size
    with native_path() if native else SWITCH:  # oneDNN as the user left it, while no other pass turns it off
        if structure == "per_token":
            config = model.config
            cells = config.num_layers * config.num_directions
            sizes = {"hidden": config.output_size, "cell": config.hidden_size}
            state = tuple(torch.zeros(cells, batch.batch_size, sizes[name], dtype=config.torch_dtype)
                          for name in config.cell_type.state)
            loss = 0
            for c in range(batch.steps):
                pred, state = book_call(embedding, recurrent, head, batch.inputs[:, c], state)
                loss += F.cross_entropy(pred.reshape(-1, V), batch.targets[:, c])
        else:
            out, _ = recurrent(embedding(module_layout(model, batch.inputs)))
            loss = F.cross_entropy(head(out).reshape(-1, V), module_layout(model, batch.targets).reshape(-1))
        loss.backward()
    return loss.detach(), {name: parameter.grad for name, parameter in named.items()}


def optimizer_step(model: LanguageModel, gradients: dict[str, torch.Tensor], optimizer) -> LanguageModel:
    """The model after one `optimizer.step()` over `model.parameters()`: the embedding table, the recurrent
    module and the head, each updated by its own gradient (core/optimizers.py, as torch.optim's CPU loop)."""
    places = model.places
    step = lambda place, name, value: optimizer.update(parameter_name(place, name), value,  # noqa: E731
                                                        gradients[parameter_name(place, name)])
    head = places.get("head", "")
    return replace(model, embedding=step(places.get("embedding", ""), "weight", model.embedding),
                   weights={name: step(places.get("recurrent", ""), name, value) for name, value in model.weights.items()},
                   head_weight=step(head, "weight", model.head_weight),
                   head_bias=None if model.head_bias is None else step(head, "bias", model.head_bias))
