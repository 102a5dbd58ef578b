"""A whole character-level language model, stage by stage: the model of chapter 15, part 3.

    embedding   x_t = E[k_t]                          nn.Embedding: row k_t of the table is the cell's input
    cells       h_t (and c_t) from x_t and h_{t-1}    nn.RNN / nn.GRU / nn.LSTM, stepped as core/cells steps them
    head        logits_t = W h_t + b                  nn.Linear
    softmax     log p_t = s·logits_t − log Σ exp(s·logits_t),  p_t = softmax(log p_t)
                                                      Categorical(logits=logits * scale_factor)
    sampling    k_{t+1} ~ p_t                         Categorical.sample(): torch.multinomial

The book's `sample()` calls the model one token per call, `model(x[:, c].view(1), hidden, cell)`: each call is
a sequence of length 1 whose initial state is the state the call before returned. The call structure decides the
last bits (one GEMM for the input projection of a whole sequence rounds otherwise than one per step), so the hand
pass mirrors it: one token per call, each call a session of its own for the recurrent module, traced by
core/trace.py against the module's native path. Where torch would hand a float32 LSTM to oneDNN's fused kernel,
the same generation is run that way too, to measure its distance and to say whether it draws the same tokens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import RNNConfig
from .distance import abs_diff, bits_equal, max_over, ulp_distance
from .errors import InputError
from .reference import SWITCH, Reference, as_tuple, fused_kernels, layer_references, native_path
from .session import Session, build_module
from .trace import Trace, hand_pass

# --- the vocabulary ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The tokens a model's embedding rows and head outputs stand for, row k being token k: the book's
    `char_array`, with `char2int` as `index`. Tokens are characters, or words when any token is longer than one
    character (a text is then split on white space, and tokens are joined with a space)."""

    tokens: tuple[str, ...]

    @cached_property
    def index(self) -> dict[str, int]:
        return {token: k for k, token in enumerate(self.tokens)}

    @property
    def words(self) -> bool:
        return any(len(token) != 1 for token in self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def split(self, text: str) -> list[str]:
        return text.split() if self.words else list(text)

    def encode(self, text: str, source: str = "--text") -> list[int]:
        """Each token's row, as the book's `[char2int[s] for s in starting_str]`; InputError for a token the
        vocabulary lacks."""
        tokens = self.split(text)
        if not tokens:
            raise InputError("is empty; give at least one " + ("word" if self.words else "character"), source)
        for position, token in enumerate(tokens):
            if token not in self.index:
                raise InputError(f"{token!r} (at {'word' if self.words else 'character'} {position}) is not in the "
                                 f"vocabulary of {len(self)} tokens", source)
        return [self.index[token] for token in tokens]

    def joined(self, tokens: list[str]) -> str:
        return (" " if self.words else "").join(tokens)


def vocabulary_from(data, source: str) -> Vocabulary:
    """A JSON list of tokens (row k is token k), or an object mapping tokens to rows (the book's `char2int`) or
    rows to tokens (`{"0": "\\n", …}`)."""
    if isinstance(data, list):
        tokens = data
    elif isinstance(data, dict) and data:
        if all(isinstance(v, int) and not isinstance(v, bool) for v in data.values()):
            pairs = {v: k for k, v in data.items()}  # char2int
        elif all(k.isdigit() for k in data):
            pairs = {int(k): v for k, v in data.items()}  # int2char
        else:
            raise InputError("is a JSON object but neither token → row (char2int) nor row → token", source)
        if sorted(pairs) != list(range(len(data))):
            raise InputError(f"its rows are not 0 … {len(data) - 1}, each once", source)
        tokens = [pairs[k] for k in range(len(data))]
    else:
        raise InputError("holds no tokens", source)
    if not tokens or not all(isinstance(t, str) and t for t in tokens):
        raise InputError("must list tokens as non-empty strings", source)
    if len(set(tokens)) != len(tokens):
        raise InputError("lists a token twice", source)
    return Vocabulary(tuple(tokens))


def load_vocabulary(path: str) -> Vocabulary:
    """A vocabulary file: JSON (a list or object of tokens), or any other text, from which the vocabulary is
    `sorted(set(text))`, as the book builds `char_array` from the text it trains on."""
    from .files import read_text

    text = read_text(path, what="vocabulary")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, (list, dict)):
        return vocabulary_from(data, path)
    if not text:
        raise InputError("is empty: it holds no characters to build a vocabulary from", path)
    return Vocabulary(tuple(sorted(set(text))))


# --- the model -----------------------------------------------------------------------------------------------------


@dataclass
class LanguageModel:
    """The three stages' parameters: the embedding table (V, E), the recurrent module's config and state dict,
    and the head's Linear (V, H) and bias. `places` says where each sat in its file or model, e.g.
    {"embedding": "embedding.", "recurrent": "rnn.", "head": "fc."}."""

    embedding: torch.Tensor
    config: RNNConfig
    weights: dict[str, torch.Tensor]
    head_weight: torch.Tensor
    head_bias: torch.Tensor | None
    places: dict[str, str] = field(default_factory=dict)
    padding_idx: int | None = None  # the embedding row that gets no gradient (nn.Embedding's padding_idx)

    def __post_init__(self) -> None:
        V, E = self.embedding.shape
        width = self.config.output_size * self.config.num_directions
        if E != self.config.input_size:
            raise InputError(f"the embedding's rows have {E} values but the recurrent module reads "
                             f"{self.config.input_size}")
        if tuple(self.head_weight.shape) != (V, width):
            raise InputError(f"the head's weight is {tuple(self.head_weight.shape)}; a language model over the "
                             f"embedding's {V} tokens needs ({V}, {width})")

    @property
    def vocabulary_size(self) -> int:
        return self.embedding.shape[0]

    def describe(self) -> str:
        V, E = self.embedding.shape
        bias = "" if self.head_bias is not None else ", bias=False"
        return (f"Embedding({V}, {E}) → {self.config.describe()} → "
                f"Linear({self.head_weight.shape[1]}, {V}{bias})")

    def modules(self) -> tuple[nn.Embedding, nn.Module, nn.Linear]:
        """The torch modules a user would build for these parameters, in eval mode: the stages' references."""
        dtype = self.config.torch_dtype
        with torch.random.fork_rng(devices=[]):  # building draws initial weights; the caller's RNG stays as it was
            embedding = nn.Embedding(*self.embedding.shape, padding_idx=self.padding_idx, dtype=dtype)
            head = nn.Linear(self.head_weight.shape[1], self.head_weight.shape[0], bias=self.head_bias is not None,
                             dtype=dtype)
            recurrent = build_module(self.config, self.weights)
        embedding.load_state_dict({"weight": self.embedding})
        head.load_state_dict({"weight": self.head_weight} | ({} if self.head_bias is None else
                                                             {"bias": self.head_bias}))
        return embedding.eval(), recurrent, head.eval()


# --- sampling ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sampling:
    """How the next token is drawn: `Categorical(logits=logits * scale)` as the book's sample() (its
    scale_factor), or `logits / temperature` as other codes write it; under `torch.manual_seed(seed)`."""

    seed: int = 1
    scale: float | None = 1.0
    temperature: float | None = None

    def __post_init__(self) -> None:
        if (self.scale is None) == (self.temperature is None):
            raise InputError("give either a scale (the book's logits * scale_factor) or a temperature "
                             "(logits / temperature), not both")
        for name in ("scale", "temperature"):
            value = getattr(self, name)
            if value is not None and not (np.isfinite(value) and value > 0):
                raise InputError(f"the {name} must be a positive number, got {value!r}")

    def describe(self) -> str:
        return (f"Categorical(logits=logits * {self.scale!r})" if self.temperature is None else
                f"Categorical(logits=logits / {self.temperature!r})") + f", torch.manual_seed({self.seed})"

    def scaled(self, logits: torch.Tensor) -> torch.Tensor:
        return logits * self.scale if self.temperature is None else logits / self.temperature


def categorical(scaled: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """`Categorical(logits=scaled)` as torch.distributions computes it (its constraint check only reads the
    values): the logits normalised, log p = s − log Σ exp s, then p = softmax(log p). Returns (log p, p)."""
    log_probabilities = scaled - scaled.logsumexp(dim=-1, keepdim=True)
    return log_probabilities, F.softmax(log_probabilities, dim=-1)


def embed(token: int, table: torch.Tensor) -> torch.Tensor:
    """x = E[k]: row k of the embedding table, (1, E), as nn.Embedding looks it up (aten.embedding)."""
    return F.embedding(torch.tensor([token]), table)


def head_logits(output: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """logits = W h + b for the call's one output, (V,): nn.Linear on the module's (1, 1, H) output, as the book's
    `self.fc(out).reshape(out.size(0), -1)`, then `torch.squeeze(logits, 0)`."""
    return F.linear(output, weight, bias).reshape(output.size(0), -1).squeeze(0)


def draw(probabilities: torch.Tensor) -> torch.Tensor:
    """`Categorical.sample()`: one draw with replacement from torch's global generator, the token's row as a
    0-dimensional tensor."""
    return torch.multinomial(probabilities.reshape(-1, probabilities.shape[-1]), 1, True).T.reshape(())


# --- one call of the model -----------------------------------------------------------------------------------------


@dataclass
class Call:
    """One call of the model, one token in: its embedding row, the recurrent module's trace for this one
    timestep, the head's logits, the sampling distribution, and the token drawn (None where no token is drawn:
    the prompt's calls before its last)."""

    index: int
    token: int
    embedded: torch.Tensor  # (1, E): row `token` of the table
    cells: Trace  # the recurrent module's trace for a sequence of one timestep
    logits: torch.Tensor  # (V,)
    probabilities: torch.Tensor  # (V,): softmax of the scaled logits
    drawn: int | None
    # the model's own modules on the same inputs: nn.Embedding, nn.Linear and Categorical
    reference_embedded: torch.Tensor
    reference_logits: torch.Tensor
    reference_probabilities: torch.Tensor
    reference_drawn: int | None

    @property
    def state(self) -> dict[str, torch.Tensor]:
        """What this call returns for the next: h_n (and c_n), (L·D, 1, ·)."""
        return self.cells.final

    @cached_property
    def stages_equal(self) -> dict[str, bool]:
        """Each stage's bits against the model's own module."""
        same = bits_equal
        return {"embedding": same(self.embedded, self.reference_embedded),
                "cells": self.cells.bitwise_equal,
                "head": same(self.logits, self.reference_logits),
                "softmax": same(self.probabilities, self.reference_probabilities),
                "sampling": self.drawn == self.reference_drawn}


@dataclass
class FusedGeneration:
    """The same generation as the user's PyTorch runs it by default, oneDNN's fused kernel and all."""

    kernel: str
    logits: list[torch.Tensor]
    tokens: list[int]


@dataclass
class Generation:
    """The prompt fed one token per call, then `generated` tokens drawn one per call, as the book's sample()."""

    model: LanguageModel
    vocabulary: Vocabulary
    prompt: list[int]
    sampling: Sampling
    calls: list[Call]
    order: str
    fused: FusedGeneration | None = None
    # torch's generator after the last draw (before the fused run reseeds it): where a next draw would start
    rng_state: torch.Tensor | None = None

    CALL_STRUCTURE = "one token per call, as the book's sample() calls the model: model(x[:, c].view(1), hidden, cell)"

    @property
    def tokens(self) -> list[int]:
        """The prompt and every token drawn."""
        return self.prompt + [c.drawn for c in self.calls if c.drawn is not None]

    @property
    def text(self) -> str:
        """What sample() returns: the prompt plus the tokens drawn."""
        return self.vocabulary.joined([self.vocabulary.tokens[k] for k in self.tokens])

    @cached_property
    def bitwise_equal(self) -> bool:
        return all(all(c.stages_equal.values()) for c in self.calls)

    @cached_property
    def max_ulps(self) -> float:
        return max(max(c.cells.max_ulps, float(ulp_distance(c.logits, c.reference_logits).max()))
                   for c in self.calls)

    @cached_property
    def fused_agreement(self) -> tuple[int, float, float] | None:
        """Over the calls the fused generation was fed the same tokens: (how many, max ulps, max |Δ|) of its logits
        from the hand pass's."""
        if self.fused is None:
            return None
        fed = self.tokens
        same = 0
        while same < len(self.calls) and same < len(self.fused.tokens) and fed[:same + 1] == self.fused.tokens[:same + 1]:
            same += 1
        pairs = [(c.logits, f) for c, f in zip(self.calls[:same], self.fused.logits)]
        return same, max_over(ulp_distance, pairs), max_over(abs_diff, pairs)

    @property
    def fused_text(self) -> str | None:
        if self.fused is None:
            return None
        return self.vocabulary.joined([self.vocabulary.tokens[k] for k in self.fused.tokens])


def generate(model: LanguageModel, vocabulary: Vocabulary, prompt: str, generated: int = 0,
             sampling: Sampling = Sampling(), order: str = "kernel") -> Generation:
    """The book's sample(model, prompt, generated, scale_factor), every stage by hand beside the model's own.

    The prompt's tokens are fed one per call from zero states; the call fed its last token gives the logits of
    the first draw, and each token drawn is fed to the next call. With generated = 0 every prompt token is fed
    and the last call's distribution is shown without a draw."""
    check_vocabulary(model, vocabulary)
    ids = vocabulary.encode(prompt)
    embedding, recurrent, head = model.modules()
    calls: list[Call] = []
    state = initial_state(model.config)
    fed = list(ids)
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(sampling.seed)
        k = 0
        while k < len(fed):
            draws = k >= len(ids) - 1 and generated > 0
            call = model_call(k, fed[k], state, model, embedding, recurrent, head, sampling, draws, order)
            calls.append(call)
            state = call.state
            if draws and len(calls) - (len(ids) - 1) < generated:
                fed.append(call.drawn)
            k += 1
        rng_state = torch.get_rng_state()
        fused = fused_generation(model, ids, generated, sampling, embedding, recurrent, head)
    return Generation(model, vocabulary, ids, sampling, calls, order, fused, rng_state)


def generate_more(generation: Generation, more: int = 1) -> Generation:
    """`generation` with `more` tokens drawn after it: the same as generate(…, generated + more), since sample()
    draws each token from the state and the generator the token before left, but only the new calls are stepped.
    A generation that drew nothing yet starts again, its last call now drawing."""
    drawn = len(generation.tokens) - len(generation.prompt)
    if drawn == 0 or generation.rng_state is None:
        prompt = generation.vocabulary.joined([generation.vocabulary.tokens[k] for k in generation.prompt])
        return generate(generation.model, generation.vocabulary, prompt, drawn + more, generation.sampling,
                        generation.order)
    model, sampling = generation.model, generation.sampling
    embedding, recurrent, head = model.modules()
    calls = list(generation.calls)
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.set_rng_state(generation.rng_state)
        for _ in range(more):
            last = calls[-1]
            calls.append(model_call(len(calls), last.drawn, last.state, model, embedding, recurrent, head, sampling,
                                    True, generation.order))
        rng_state = torch.get_rng_state()
        fused = fused_generation(model, generation.prompt, drawn + more, sampling, embedding, recurrent, head)
    return Generation(model, generation.vocabulary, generation.prompt, sampling, calls, generation.order, fused,
                      rng_state)


def check_vocabulary(model: LanguageModel, vocabulary: Vocabulary) -> None:
    """InputError unless the vocabulary names every row of the model's embedding, each once."""
    if len(vocabulary) != model.vocabulary_size:
        raise InputError(f"the vocabulary has {len(vocabulary)} tokens but the model's embedding has "
                         f"{model.vocabulary_size} rows")


def initial_state(config: RNNConfig) -> dict[str, torch.Tensor]:
    """The book's init_hidden(1): zeros, (L·D, 1, ·) for each state."""
    cells = config.num_layers * config.num_directions
    sizes = {"hidden": config.output_size, "cell": config.hidden_size}
    return {name: torch.zeros(cells, 1, sizes[name], dtype=config.torch_dtype) for name in config.cell_type.state}


def model_call(index, token, state, model, embedding, recurrent, head, sampling, draws, order) -> Call:
    """One call: token in, every stage by hand, each checked against the model's own module fed the same input."""
    embedded = embed(token, model.embedding)  # x = E[k]: row k of the table, (1, E)
    reference_embedded = embedding(torch.tensor([token]))
    x = embedded.unsqueeze(1)  # (1, 1, E): one sequence of one timestep, as the book's .unsqueeze(1)
    config = model.config
    session = Session(config=config, weights=model.weights, inputs=x if config.batch_first else x.transpose(0, 1),
                      h0=state["hidden"], c0=state.get("cell"), order=order)
    cells = hand_pass(session, call_reference(session, recurrent))
    output = cells.output  # (1, 1, H) in the module's layout
    logits = head_logits(output, model.head_weight, model.head_bias)
    reference_logits = head(cells.reference_output).reshape(output.size(0), -1).squeeze(0)
    _, probabilities = categorical(sampling.scaled(logits))
    drawn = reference_drawn = None
    generator = torch.get_rng_state()
    reference = torch.distributions.Categorical(logits=sampling.scaled(reference_logits))
    if draws:
        drawn = int(draw(probabilities))
        torch.set_rng_state(generator)  # Categorical's own draw, from the same state of the generator
        reference_drawn = int(reference.sample())
    return Call(index, token, embedded, cells, logits, probabilities, drawn, reference_embedded, reference_logits,
                reference.probs, reference_drawn)


def call_reference(session: Session, module: nn.Module) -> Reference:
    """What the recurrent module returns for one call on its native path (see reference.reference_pass). A layer
    below the top is checked against a one-layer module built for it, whose construction draws from torch's
    generator: drawn aside, so that the sampling's random numbers stay the book's."""
    with native_path(), torch.random.fork_rng(devices=[]):
        output, final = module(session.inputs, session.initial_state())
        layers = layer_references(session, output)
    return Reference(module, output, dict(zip(session.config.cell_type.state, as_tuple(final))), layers)


def book_call(embedding, recurrent, head, tokens: torch.Tensor, state: tuple):
    """The book's RNN.forward for one token of each sequence, (B,) ids: embedding(x).unsqueeze(1), the recurrent
    module, fc, reshape."""
    out = embedding(tokens).unsqueeze(1)
    if not recurrent.batch_first:
        out = out.transpose(0, 1)
    out, final = recurrent(out, state if len(state) > 1 else state[0])
    if not recurrent.batch_first:
        out = out.transpose(0, 1)
    return head(out).reshape(out.size(0), -1), as_tuple(final)


def fused_generation(model, ids, generated, sampling, embedding, recurrent, head) -> FusedGeneration | None:
    """The generation as the model runs by default, where torch hands its recurrent module to a fused kernel:
    the model's own modules called as sample() calls them, under the same seed."""
    config = model.config
    if not config.cell_type.may_fuse(config):
        return None
    state = tuple(initial_state(config).values())
    logits, tokens = [], list(ids)
    with SWITCH, fused_kernels() as watch:  # oneDNN as the user left it
        torch.manual_seed(sampling.seed)
        for token in ids[:-1]:
            out, state = book_call(embedding, recurrent, head, torch.tensor([token]), state)
            logits.append(out.squeeze(0))
        last = ids[-1]
        for _ in range(max(generated, 1)):
            out, state = book_call(embedding, recurrent, head, torch.tensor([last]), state)
            logits.append(out.squeeze(0))
            if generated:
                last = int(torch.distributions.Categorical(logits=sampling.scaled(out.squeeze(0))).sample())
                tokens.append(last)
    if not watch.seen:
        return None
    return FusedGeneration(sorted(watch.seen)[0], logits, tokens)


# --- finding the stages in a state dict ----------------------------------------------------------------------------


def language_model_from(tensors: dict[str, torch.Tensor], source: str | None = None, prefix: str = "",
                        dtype: str | None = None, **fixed) -> LanguageModel:
    """A whole model's state dict, whatever its attribute names: the recurrent module wherever its
    `weight_ih_l0` sits, the embedding as the one (V, E) table beside it (a `.weight` with no bias, E the module's
    input_size), and the head as the one Linear beside it reading its output and writing V logits."""
    from .config import dtype_name, infer_config
    from .files import linear_heads, only_rnn, rnn_under
    from .session import as_tensor, check_weights

    if prefix:
        weights = rnn_under(tensors, prefix)
    else:
        weights, prefix = only_rnn(tensors, source)
    stored = weights["weight_ih_l0"].dtype
    config = infer_config(weights, dtype=dtype or dtype_name(stored) or "float32", **fixed)
    width = config.output_size * config.num_directions
    tables = {name[:-len("weight")]: t for name, t in tensors.items()
              if name.endswith("weight") and not name.startswith(prefix) and t.dim() == 2
              and t.shape[1] == config.input_size and name[:-len("weight")] + "bias" not in tensors}
    tables = {place: t for place, t in tables.items() if not place or place.endswith(".")}
    heads = {place: h for place, h in linear_heads(tensors, prefix, width).items()
             if any(h[0].shape[0] == t.shape[0] for t in tables.values())}
    if not tables:
        raise InputError(f"holds no embedding table: no (tokens, {config.input_size}) .weight without a bias beside "
                         f"the {config.describe()}", source)
    if len(tables) > 1:
        raise InputError(f"holds {len(tables)} tables that could be the embedding: {', '.join(map(repr, tables))}",
                         source)
    (table_place, table), = tables.items()
    heads = {place: h for place, h in heads.items() if h[0].shape[0] == table.shape[0]}
    if len(heads) != 1:
        found = ", ".join(map(repr, heads)) if heads else "none"
        raise InputError(f"needs one Linear head reading the {width} outputs of the {config.describe()} and "
                         f"writing {table.shape[0]} logits; found {found}", source)
    (head_place, (head_weight, head_bias)), = heads.items()
    convert = lambda value, what: as_tensor(value, config, what)  # noqa: E731
    weights = {k: convert(v, k) for k, v in weights.items()}
    check_weights(config, weights)
    return LanguageModel(convert(table, table_place + "weight"), config, weights,
                         convert(head_weight, head_place + "weight"),
                         None if head_bias is None else convert(head_bias, head_place + "bias"),
                         {"embedding": table_place, "recurrent": prefix, "head": head_place})


def language_model_of(model: nn.Module, embedding: nn.Module | None = None, recurrent: nn.Module | None = None,
                      head: nn.Module | None = None) -> LanguageModel:
    """A model someone built: its nn.Embedding, its recurrent module and its Linear head, found among its
    children (each one of its kind), or given."""
    from .session import module_config

    def one(kind, given, what):
        if given is not None:
            return given, next((p for p, m in model.named_modules() if m is given), "")
        found = [(path, m) for path, m in model.named_modules() if isinstance(m, kind)]
        if len(found) != 1:
            names = ", ".join(p for p, _ in found) or "none"
            raise InputError(f"the model should hold one {what}; found {names}: pass the one to use")
        return found[0][1], found[0][0]

    embedding, embedding_path = one(nn.Embedding, embedding, "nn.Embedding")
    from .cells import CELL_TYPES, reference_classes

    recurrent, recurrent_path = one(reference_classes(), recurrent,
                                    " or ".join(kind.label for kind in CELL_TYPES.values()))
    head, head_path = one(nn.Linear, head, "nn.Linear head")
    config = module_config(recurrent)
    detached = lambda t: t.detach().clone()  # noqa: E731
    return LanguageModel(detached(embedding.weight), config,
                         {k: detached(v) for k, v in recurrent.state_dict().items()}, detached(head.weight),
                         None if head.bias is None else detached(head.bias),
                         {"embedding": embedding_path, "recurrent": recurrent_path, "head": head_path},
                         embedding.padding_idx)
