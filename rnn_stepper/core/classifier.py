"""A whole sequence classifier, stage by stage: the sentiment model of chapter 15, part 2.

    embedding   x_bt = E[k_bt]                         nn.Embedding(V, E, padding_idx=0) over the padded ids (B, T)
    packing     pack_padded_sequence(x, lengths, enforce_sorted=False, batch_first=True)
    cells       h_n (and c_n) of each review           nn.LSTM (or nn.RNN, nn.GRU) on the packed batch: the batch
                                                       shrinks as reviews end (core/packed.py)
    readout     hidden[-1]                             the last layer's final state: each review's last real step
                                                       (a bidirectional module: cat(hidden[-2], hidden[-1]))
    head        z_1 = W_1 h + b_1, a_1 = relu(z_1)     nn.Linear, nn.ReLU
                z_2 = W_2 a_1 + b_2, y = sigmoid(z_2)  nn.Linear, nn.Sigmoid: the probability of a positive review

Every stage is computed by hand beside the model's own modules, chained as the book's forward() chains them, and
compared stage by stage. The padded positions are embedded (the padding row is whatever the table holds: zeros as
nn.Embedding(padding_idx=0) initialises it) but never stepped: the packed batch leaves them out.

A state dict records the layers' weights but not the activations between them: they are the book's (relu between
the Linear layers, sigmoid after the last) unless the caller says otherwise, and the caller says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import RNNConfig, check_fits
from .distance import bits_equal, max_over, ulp_distance
from .errors import InputError
from .packed import PackedTrace, packed_pass
from .reference import SWITCH, as_tuple, fused_kernels, native_path
from .session import build_module

# The activations a head applies after a Linear layer, as torch.nn's modules compute them (nn.ReLU calls F.relu,
# that is torch.relu; nn.Sigmoid torch.sigmoid; nn.Tanh torch.tanh), and the modules that stand for them.
ACTIVATIONS = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "none": None}
ACTIVATION_MODULES = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "none": nn.Identity}


def book_activations(layers: int) -> tuple[str, ...]:
    """The book's head: relu after each Linear layer but the last, sigmoid after the last."""
    return ("relu",) * (layers - 1) + ("sigmoid",)


def check_activations(activations, layers: int) -> tuple[str, ...]:
    """One known activation per Linear layer, given as names or as one string split by commas ("relu,sigmoid")."""
    activations = tuple(activations.split(",") if isinstance(activations, str) else activations)
    unknown = [a for a in activations if a not in ACTIVATIONS]
    if unknown:
        raise InputError(f"{unknown[0]!r} is not an activation the stepper knows: use {', '.join(ACTIVATIONS)}")
    if len(activations) != layers:
        raise InputError(f"{len(activations)} activation{'s' * (len(activations) != 1)} given for a head of {layers} "
                         f"Linear layer{'s' * (layers != 1)}: give one for each, e.g. "
                         f"{','.join(book_activations(layers))}")
    return activations


# --- the model -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadLayer:
    """One Linear layer of the head and the activation after it. `name` is where it sat, e.g. "fc1"."""

    name: str
    weight: torch.Tensor  # (out, in)
    bias: torch.Tensor | None
    activation: str  # a key of ACTIVATIONS

    def describe(self) -> str:
        bias = "" if self.bias is not None else ", bias=False"
        return f"Linear({self.weight.shape[1]}, {self.weight.shape[0]}{bias})"


@dataclass
class Classifier:
    """The stages' parameters: the embedding table (V, E) and its padding_idx (None where not recorded), the
    recurrent module's config and state dict, and the head's layers. `places` says where the embedding and the
    recurrent module sat in their file or model, e.g. {"embedding": "embedding", "recurrent": "rnn"}."""

    embedding: torch.Tensor
    padding_idx: int | None
    config: RNNConfig
    weights: dict[str, torch.Tensor]
    head: list[HeadLayer]
    places: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        V, E = self.embedding.shape
        if E != self.config.input_size:
            raise InputError(f"the embedding's rows have {E} values but the recurrent module reads "
                             f"{self.config.input_size}")
        if not self.head:
            raise InputError("the head has no Linear layer")
        width = self.head[0].weight.shape[1]
        one, both = self.config.output_size, self.config.output_size * self.config.num_directions
        if width != one and width != both:
            raise InputError(f"the head's first layer {self.head[0].name} reads {width} values, but the "
                             f"{self.config.describe()}'s last hidden state has {one}"
                             + (f" ({both} both directions)" if both != one else ""))
        for before, layer in zip(self.head, self.head[1:]):
            if layer.weight.shape[1] != before.weight.shape[0]:
                raise InputError(f"the head's layer {layer.name} reads {layer.weight.shape[1]} values but "
                                 f"{before.name} before it writes {before.weight.shape[0]}")
        check_activations([layer.activation for layer in self.head], len(self.head))
        dtype = self.config.torch_dtype
        odd = [(name, t.dtype) for name, t in [("the embedding", self.embedding)]
               + [(layer.name, t) for layer in self.head for t in (layer.weight, layer.bias) if t is not None]
               if t.dtype != dtype]
        if odd:
            raise InputError(f"{odd[0][0]} is {odd[0][1]} but the recurrent module's parameters are {dtype}: "
                             "every stage computes in one dtype")

    @property
    def vocabulary_size(self) -> int:
        return self.embedding.shape[0]

    @property
    def readout(self) -> str:
        """What the head reads of h_n, as the book writes it: the last layer's final state, or for a bidirectional
        module both directions' (the book's bidirectional variant)."""
        both = self.head[0].weight.shape[1] != self.config.output_size
        return "cat(hidden[-2], hidden[-1])" if both else "hidden[-1]"

    @property
    def activations(self) -> tuple[str, ...]:
        return tuple(layer.activation for layer in self.head)

    def describe(self) -> str:
        V, E = self.embedding.shape
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        stages = [f"Embedding({V}, {E}{padding})", self.config.describe(), self.readout]
        for layer in self.head:
            stages.append(layer.describe())
            if layer.activation != "none":
                stages.append(layer.activation)
        return " → ".join(stages)

    def modules(self) -> tuple[nn.Embedding, nn.Module, list[nn.Linear]]:
        """The torch modules a user would build for these parameters, in eval mode: the stages' references."""
        dtype = self.config.torch_dtype
        with torch.random.fork_rng(devices=[]):  # building draws initial weights; the caller's RNG stays as it was
            embedding = nn.Embedding(*self.embedding.shape, padding_idx=self.padding_idx, dtype=dtype)
            linears = [nn.Linear(layer.weight.shape[1], layer.weight.shape[0], bias=layer.bias is not None,
                                 dtype=dtype) for layer in self.head]
            recurrent = build_module(self.config, self.weights)
        embedding.load_state_dict({"weight": self.embedding})
        for linear, layer in zip(linears, self.head):
            linear.load_state_dict({"weight": layer.weight} | ({} if layer.bias is None else {"bias": layer.bias}))
        return embedding.eval(), recurrent, [linear.eval() for linear in linears]


# --- the batch -----------------------------------------------------------------------------------------------------


def check_batch(model: Classifier, ids: torch.Tensor, lengths) -> tuple[torch.Tensor, list[int]]:
    """Token ids (B, T) (or (T, B) for a module that is not batch_first) and one length per review, each from 1 to
    T, every id a row of the embedding; InputError saying what is wrong otherwise."""
    if ids.dim() != 2:
        layout = "(batch, T)" if model.config.batch_first else "(T, batch)"
        raise InputError(f"the token ids are {ids.dim()}-dimensional {tuple(ids.shape)}; give a padded batch "
                         f"{layout} of whole numbers")
    if ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype == torch.bool:
        raise InputError(f"the token ids are {ids.dtype}; give whole numbers (the rows of the embedding)")
    batch, steps = (ids.shape[0], ids.shape[1]) if model.config.batch_first else (ids.shape[1], ids.shape[0])
    whole = [int(n) for n in lengths]
    if whole != list(lengths):
        raise InputError(f"the lengths {list(lengths)} are not whole numbers: give each review's count of tokens")
    lengths = whole
    if len(lengths) != batch or not all(1 <= n <= steps for n in lengths):
        raise InputError(f"{len(lengths)} lengths {lengths} do not fit {batch} reviews padded to {steps} tokens: "
                         f"give {batch} lengths, each from 1 to {steps}")
    check_fits(model.config, steps, batch)  # before anything that size is computed
    V = model.vocabulary_size
    outside = ((ids < 0) | (ids >= V)).nonzero()
    if len(outside):
        where = outside[0].tolist()
        review, position = where if model.config.batch_first else where[::-1]
        raise InputError(f"token id {int(ids[tuple(where)])} (review {review}, position {position}) is outside the "
                         f"vocabulary: the embedding has {V} rows, ids 0 … {V - 1}")
    return ids.to(torch.int64), lengths


# --- the stages by hand --------------------------------------------------------------------------------------------


def embed(ids: torch.Tensor, table: torch.Tensor, padding_idx: int | None) -> torch.Tensor:
    """x_bt = E[k_bt]: each id's row of the table, (B, T, E), as nn.Embedding looks them up (aten.embedding, the
    padding_idx passed along as the module passes it: it only decides which row gets no gradient)."""
    return F.embedding(ids, table, padding_idx)


def pack(embedded: torch.Tensor, lengths: list[int], batch_first: bool):
    """The book's `pack_padded_sequence(out, lengths, enforce_sorted=False, batch_first=True)`."""
    from torch.nn.utils.rnn import pack_padded_sequence

    return pack_padded_sequence(embedded, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)


def read_out(h_n: torch.Tensor, readout: str) -> torch.Tensor:
    """`hidden[-1, :, :]`, each review's final state in the last layer (B, P); or the book's bidirectional
    `torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)`, (B, 2P)."""
    if readout == "hidden[-1]":
        return h_n[-1, :, :]
    return torch.cat((h_n[-2, :, :], h_n[-1, :, :]), dim=1)


def head_pass(x: torch.Tensor, head: list[HeadLayer]) -> dict[str, torch.Tensor]:
    """z = W x + b (nn.Linear), then the activation, layer by layer: each value by its stage's name, e.g.
    {"fc1": z_1, "relu(fc1)": relu(z_1), "fc2": z_2, "sigmoid(fc2)": sigmoid(z_2)}."""
    stages = {}
    for layer in head:
        x = stages[layer.name] = F.linear(x, layer.weight, layer.bias)
        activation = ACTIVATIONS[layer.activation]
        if activation is not None:
            x = stages[f"{layer.activation}({layer.name})"] = activation(x)
    return stages


# --- the trace -----------------------------------------------------------------------------------------------------


@dataclass
class ClassifierTrace:
    """A padded batch of token ids through the classifier, every stage by hand beside the model's own modules.

    - `stages`: each stage's value by hand, in order: "embedding" (B, T, E), "h_n" (and "c_n") (L·D, B, ·), the
      readout "hidden[-1]" (B, P), then each head layer's name and its activation's, e.g. "fc1", "relu(fc1)", "fc2",
      "sigmoid(fc2)"; `reference`: the same names, by the model's own modules chained as the book's forward.
    - `cells`: the packed pass (core/packed.py), phase by phase, the batch shrinking.
    - `output`: the last stage (B, classes); `stages_equal`, `bitwise_equal`.
    - `fused_kernel`, `fused_output`: where torch hands this packed batch to oneDNN's fused LSTM (every review as
      long), the model's default output that way, its distance in `fused_max_ulps`; None otherwise.
    """

    model: Classifier
    ids: torch.Tensor
    lengths: list[int]
    cells: PackedTrace
    stages: dict[str, torch.Tensor]
    reference: dict[str, torch.Tensor]
    fused_kernel: str | None = None
    fused_output: torch.Tensor | None = None
    assumptions: list[str] = field(default_factory=list)
    model_note: str | None = None  # the user's own model(ids, lengths) against the stages, where it was called

    @property
    def output(self) -> torch.Tensor:
        return list(self.stages.values())[-1]

    @property
    def reference_output(self) -> torch.Tensor:
        return list(self.reference.values())[-1]

    @property
    def h_n(self) -> torch.Tensor:
        return self.stages["h_n"]

    @cached_property
    def stages_equal(self) -> dict[str, bool]:
        """Each stage's bits against the model's own module; the cells' phases against the module too."""
        same = {name: bits_equal(value, self.reference[name])
                for name, value in self.stages.items()}
        same["cells"] = self.cells.bitwise_equal
        return same

    @property
    def bitwise_equal(self) -> bool:
        return all(self.stages_equal.values()) and self.model_note is None

    @property
    def fused_max_ulps(self) -> float | None:
        if self.fused_output is None:
            return None
        return max_over(ulp_distance, [(self.output, self.fused_output)])

    def __repr__(self) -> str:
        apart = [stage for stage, same in self.stages_equal.items() if not same]
        verdict = ("bitwise equal to the model's own modules" if not apart else
                   f"not bitwise equal to the model's own modules at {', '.join(apart)}")
        if self.model_note:
            verdict = f"{verdict}, but not to the model itself: {self.model_note}"
        return f"<ClassifierTrace {self.model.describe()}, lengths {self.lengths}: {verdict}>"

    def to_dict(self) -> dict:
        """The document `rnn-stepper trace --input ids.npy --lengths … --format json` writes, as Python objects."""
        return document(self)


def classify(model: Classifier, ids, lengths) -> ClassifierTrace:
    """The book's forward(text, lengths), every stage by hand beside the model's own modules."""
    ids, lengths = check_batch(model, torch.as_tensor(ids), lengths)
    config = model.config
    embedding, recurrent, linears = model.modules()
    with torch.no_grad():
        embedded = embed(ids, model.embedding, model.padding_idx)
        cells = packed_pass(recurrent, pack(embedded, lengths, config.batch_first))
        stages = {"embedding": embedded}
        stages |= {("h_n" if s == "hidden" else "c_n"): value for s, value in cells.final.items()}
        last = stages[model.readout] = read_out(cells.h_n, model.readout)
        stages |= head_pass(last, model.head)
        with native_path():
            reference = books_forward(model, embedding, recurrent, linears, ids, lengths)
        fused_kernel = fused_output = None
        if cells.fused is not None:  # torch fuses this batch: the model's default output, as it runs
            with SWITCH, fused_kernels() as watch:
                fused_output = list(books_forward(model, embedding, recurrent, linears, ids, lengths).values())[-1]
            fused_kernel = sorted(watch.seen)[0] if watch.seen else None
            fused_output = fused_output if watch.seen else None
    return ClassifierTrace(model, ids, lengths, cells, stages, reference, fused_kernel, fused_output)


def books_forward(model: Classifier, embedding, recurrent, linears, ids, lengths) -> dict[str, torch.Tensor]:
    """The book's RNN.forward with the model's own modules, every stage kept under the names of the hand pass."""
    stages = {"embedding": embedding(ids)}
    out = pack(stages["embedding"], lengths, model.config.batch_first)
    _, final = recurrent(out)
    stages |= dict(zip(("h_n", "c_n"), as_tuple(final)))
    out = stages[model.readout] = read_out(stages["h_n"], model.readout)
    for linear, layer in zip(linears, model.head):
        out = stages[layer.name] = linear(out)
        if layer.activation != "none":
            out = stages[f"{layer.activation}({layer.name})"] = ACTIVATION_MODULES[layer.activation]()(out)
    return stages


# --- finding the stages in a state dict ----------------------------------------------------------------------------


def classifier_from(tensors: dict[str, torch.Tensor], source: str | None = None, prefix: str = "",
                    dtype: str | None = None, activations=None, **fixed) -> Classifier:
    """A whole classifier's state dict, whatever its attribute names: the recurrent module wherever its
    `weight_ih_l0` sits; beside it the embedding, the one (V, E) `.weight` without a bias (E the module's
    input_size); and the head, every other layer beside it, in the order the file lists them (the order the model
    registered them), each reading what the one before writes. `activations` default to the book's."""
    from .config import dtype_name, infer_config
    from .files import linear_heads, only_rnn, rnn_under
    from .session import as_tensor, check_weights

    if prefix:
        weights = rnn_under(tensors, prefix)
        if "weight_ih_l0" not in weights:
            raise InputError(f"holds no recurrent module under {prefix!r} (no {prefix}weight_ih_l0)", source)
    else:
        weights, prefix = only_rnn(tensors, source)
    stored = weights["weight_ih_l0"].dtype
    config = infer_config(weights, dtype=dtype or dtype_name(stored) or "float32", **fixed)
    beside = linear_heads(tensors, prefix, None)  # every (·, ·) .weight beside the module, with its bias if any
    tables = {place: w for place, (w, bias) in beside.items() if bias is None and w.shape[1] == config.input_size}
    if len(tables) != 1:
        found = ", ".join(map(repr, tables)) if tables else "none"
        raise InputError(f"needs one embedding table beside the {config.describe()}: a (tokens, "
                         f"{config.input_size}) .weight without a bias; found {found}", source)
    (table_place, table), = tables.items()
    layers = {place: pair for place, pair in beside.items() if place != table_place}
    if not layers:
        raise InputError(f"holds no head beside the {config.describe()}: no Linear layer besides the embedding "
                         f"{table_place[:-1]!r}", source)
    # A module beside them that is not a Linear layer (a BatchNorm, a LayerNorm) would be left out of the head
    # without a word, and the output would not be the model's: refused, named.
    parent = prefix[: prefix[:-1].rfind(".") + 1] if prefix else ""
    known = {prefix, table_place, *layers}
    others = sorted({name[: name.rfind(".") + 1] for name in tensors
                     if name.startswith(parent) and name.count(".", len(parent)) == 1} - known)
    if others:
        listed = ", ".join(repr(place[:-1]) for place in others[:5])
        raise InputError(f"holds {listed} beside the {config.describe()} and its head, which are not Linear layers: "
                         "the stepper steps a head of Linear layers and activations only", source)
    names = [place[:-1] if place.endswith(".") else place for place in layers]
    activations = check_activations(book_activations(len(layers)) if activations is None else activations,
                                    len(layers))
    convert = lambda value, what: as_tensor(value, config, what)  # noqa: E731
    weights = {k: convert(v, k) for k, v in weights.items()}
    check_weights(config, weights)
    head = [HeadLayer(name, convert(w, place + "weight"), None if b is None else convert(b, place + "bias"), act)
            for name, (place, (w, b)), act in zip(names, layers.items(), activations)]
    try:
        return Classifier(convert(table, table_place + "weight"), None, config, weights, head,
                          {"embedding": table_place[:-1], "recurrent": prefix[:-1] if prefix else ""})
    except InputError as exc:
        shapes = ", ".join(f"{layer.name} {layer.describe()}" for layer in head)
        raise InputError(f"{exc.detail} (the layers beside it, in the file's order: {shapes})", source) from None


# --- finding the stages in a model ---------------------------------------------------------------------------------


def classifier_of(model: nn.Module, embedding: nn.Module | None = None, recurrent: nn.Module | None = None,
                  head=None, activations=None) -> tuple[Classifier, str]:
    """A model someone built: its nn.Embedding and its recurrent module (each the one of its kind, or given), and
    its head: the nn.Linear layers in the order the model registered them (or given). The activations are given,
    or read off the model's activation modules when each Linear is followed by one (nn.ReLU, nn.Sigmoid, nn.Tanh,
    nn.Identity), as the book registers fc1, relu, fc2, sigmoid; else the book's. Returns the classifier and where
    its activations came from: "given", "the model's modules" or "the book's"."""
    from .cells import CELL_TYPES, reference_classes
    from .session import module_config

    named = list(model.named_modules())
    path_of = lambda module: next((p for p, m in named if m is module), "")  # noqa: E731

    def one(kind, given, what):
        if given is not None:
            return given, path_of(given)
        found = [(path, m) for path, m in named if isinstance(m, kind)]
        if len(found) != 1:
            names = ", ".join(p or "the model itself" for p, _ in found) or "none"
            raise InputError(f"the model should hold one {what}; found {names}: pass the one to use")
        return found[0][1], found[0][0]

    embedding, embedding_path = one(nn.Embedding, embedding, "nn.Embedding")
    recurrent, recurrent_path = one(reference_classes(), recurrent,
                                    " or ".join(kind.label for kind in CELL_TYPES.values()))
    linears = [m for _, m in named if isinstance(m, nn.Linear)] if head is None else list(head)
    if not linears or not all(isinstance(m, nn.Linear) for m in linears):
        raise InputError("the head should be nn.Linear layers; " + (
            "the model holds none" if not linears else "pass them in order, e.g. head=[model.fc1, model.fc2]"))
    if activations is not None:
        source = "given"
    else:
        activations = activations_registered(named, linears)
        source = "the model's modules" if activations is not None else "the book's"
        activations = activations or book_activations(len(linears))
    activations = check_activations(activations, len(linears))
    config = module_config(recurrent)
    detached = lambda t: None if t is None else t.detach().clone()  # noqa: E731
    layers = [HeadLayer(path_of(m) or f"head[{i}]", detached(m.weight), detached(m.bias), act)
              for i, (m, act) in enumerate(zip(linears, activations))]
    return Classifier(detached(embedding.weight), embedding.padding_idx, config,
                      {k: detached(v) for k, v in recurrent.state_dict().items()}, layers,
                      {"embedding": embedding_path, "recurrent": recurrent_path}), source


def activations_registered(named, linears) -> tuple[str, ...] | None:
    """The activation module registered after each head layer and before the next, where every layer has exactly
    one: the book registers fc1, relu, fc2, sigmoid. None where the modules do not say."""
    kinds = {cls: name for name, cls in ACTIVATION_MODULES.items()}
    after: list[list[str]] = []
    for _, module in named:
        if any(module is linear for linear in linears):
            after.append([])
        elif after and type(module) in kinds:
            after[-1].append(kinds[type(module)])
    if len(after) != len(linears) or any(len(found) != 1 for found in after):
        return None
    return tuple(found[0] for found in after)


# --- the JSON document ---------------------------------------------------------------------------------------------

SCHEMA = "rnn-stepper/classifier"
SCHEMA_VERSION = 1


def document(trace: ClassifierTrace) -> dict:
    """Every stage by hand and by the model's own modules, the packed cells step by step, and the verdicts."""
    from .packed import document as packed_document

    model = trace.model
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "model": model.describe(),
        "places": dict(model.places) | {"head": [layer.name for layer in model.head]},
        "activations": list(model.activations),
        "readout": model.readout,
        "assumptions": list(trace.assumptions),
        "ids": trace.ids.tolist(),
        "lengths": trace.lengths,
        "stages": {name: value.tolist() for name, value in trace.stages.items()},
        "output": trace.output.tolist(),
        "reference": {name: value.detach().tolist() for name, value in trace.reference.items()},
        "cells": packed_document(trace.cells, trace.lengths),
        "stages_equal": trace.stages_equal,
        "bitwise_equal": trace.bitwise_equal,
        "model_note": trace.model_note,
        "fused": None if trace.fused_output is None else {
            "kernel": trace.fused_kernel, "output": trace.fused_output.tolist(), "max_ulps": trace.fused_max_ulps},
    }
