"""The whole model's backward (issue 28, item 4): the book's character model trained on next-character targets,
every gradient — the embedding table's, the recurrent module's, the head's — by hand, and bit for bit equal to
`loss.backward()` through the user's own model, called as the user's code calls it: one token per call as the
book's training loop, or one call per sequence as pytorch/examples' word_language_model. Adam over the whole model
equals torch.optim.Adam bit for bit."""

import copy
import json
from collections import Counter

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aten_calls import arithmetic_calls
from book_models import TEXT, trained_model
from helpers import run_cli
from rnn_stepper.core import InputError
from rnn_stepper.core.language_model import Vocabulary, language_model_of
from rnn_stepper.core.model_backward import (
    STRUCTURES,
    TrainingBatch,
    autograd_gradients,
    hand_gradients,
    model_backward,
    optimizer_step,
    training_text,
)
from rnn_stepper.core.optimizers import Adam
from rnn_stepper.core.reference import native_path

CHARS = sorted(set(TEXT))
ENCODED = torch.tensor([CHARS.index(ch) for ch in TEXT])


def chunks(batch_size, steps, seed=0):
    """A batch of the book's text chunks: each sequence a stretch of the text, its targets the stretch one later."""
    starts = torch.randint(0, len(ENCODED) - steps - 1, (batch_size,), generator=torch.Generator().manual_seed(seed))
    seq = torch.stack([ENCODED[s:s + steps] for s in starts])
    return seq, torch.stack([ENCODED[s + 1:s + steps + 1] for s in starts])


def books_training_step(model, seq, target):
    """The body of the book's train loop, on the user's own model: the loss summed over one call per character."""
    loss_fn = nn.CrossEntropyLoss()
    hidden, cell = model.init_hidden(seq.shape[0])
    model.zero_grad()
    loss = 0
    with native_path():  # the native path the hand pass steps; torch's default fused LSTM is measured apart
        for c in range(seq.shape[1]):
            pred, hidden, cell = model(seq[:, c], hidden, cell)
            loss += loss_fn(pred, target[:, c])
        loss.backward()
    return loss.detach()


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_the_books_training_step_by_hand_is_the_users_loss_backward_bit_for_bit(cell):
    model, _, _ = trained_model(cell, steps=3)
    seq, target = chunks(batch_size=4, steps=15)
    backward = model_backward(language_model_of(model), TrainingBatch(seq, target), "per_token")
    loss = books_training_step(model, seq, target)
    assert torch.equal(backward.loss, loss)
    named = dict(model.named_parameters())
    assert set(backward.manual) == set(named)
    for name, parameter in named.items():
        assert torch.equal(backward.manual[name], parameter.grad), name
    assert backward.bitwise_equal


class WordLanguageModel(nn.Module):
    """pytorch/examples' word_language_model, shortened: the whole sequence in one call."""

    def __init__(self, V, E, H, cls, batch_first):
        super().__init__()
        self.encoder = nn.Embedding(V, E)
        self.rnn = cls(E, H, batch_first=batch_first)
        self.decoder = nn.Linear(H, V)

    def forward(self, x):
        output, _ = self.rnn(self.encoder(x))
        return self.decoder(output)


@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
@pytest.mark.parametrize("batch_first", [True, False])
def test_one_call_per_sequence_is_the_users_loss_backward_bit_for_bit(cls, batch_first):
    torch.manual_seed(5)
    model = WordLanguageModel(len(CHARS), 7, 9, cls, batch_first)
    seq, target = chunks(batch_size=3, steps=11, seed=1)
    backward = model_backward(language_model_of(model), TrainingBatch(seq, target), "per_sequence")
    x, y = (seq, target) if batch_first else (seq.t().contiguous(), target.t().contiguous())
    with native_path():
        loss = F.cross_entropy(model(x).reshape(-1, len(CHARS)), y.reshape(-1))
        loss.backward()
    assert torch.equal(backward.loss, loss.detach())
    for name, parameter in model.named_parameters():
        assert torch.equal(backward.manual[name], parameter.grad), name


class CharModel(nn.Module):
    def __init__(self, V, E, cls, **options):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = cls(E, options.pop("hidden_size"), **options)
        width = (options.get("proj_size") or self.rnn.hidden_size) * (2 if options.get("bidirectional") else 1)
        self.fc = nn.Linear(width, V)


@st.composite
def whole_models(draw):
    cls = draw(st.sampled_from([nn.RNN, nn.GRU, nn.LSTM]))
    hidden_size = draw(st.sampled_from([1, 5, 15, 17]))
    options = {"hidden_size": hidden_size, "num_layers": draw(st.integers(1, 2)), "bias": draw(st.booleans()),
               "batch_first": draw(st.booleans()), "bidirectional": draw(st.booleans()),
               "dtype": draw(st.sampled_from([torch.float32, torch.float64]))}
    if cls is nn.RNN:
        options["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if cls is nn.LSTM:
        options["proj_size"] = draw(st.sampled_from([0, *range(1, hidden_size)][:3]))
    V, E = draw(st.integers(2, 13)), draw(st.integers(1, 9))
    torch.manual_seed(draw(st.integers(0, 2**31 - 1)))
    model = CharModel(V, E, cls, **options).to(options["dtype"])
    B, T = draw(st.integers(1, 5)), draw(st.integers(1, 9))
    ids = torch.randint(0, V, (B, T + 1))
    return model, TrainingBatch(ids[:, :-1], ids[:, 1:]), draw(st.sampled_from(sorted(STRUCTURES)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(whole_models())
def test_every_gradient_of_the_whole_model_is_autograds_for_every_cell_option_and_call_structure(case):
    model, batch, structure = case
    backward = model_backward(language_model_of(model), batch, structure)
    assert backward.bitwise_equal, [row for row in backward.comparison() if not row[2]]


def test_a_token_fed_again_gathers_every_positions_share_and_the_padding_row_gets_none():
    torch.manual_seed(2)
    model = CharModel(6, 4, nn.LSTM, hidden_size=5, batch_first=True)
    model.embedding.padding_idx = 0
    seq = torch.tensor([[3, 3, 0, 3, 1], [0, 0, 2, 3, 3]])  # token 3 five times, the padding row 0 four times
    target = torch.tensor([[3, 0, 3, 1, 2], [0, 2, 3, 3, 4]])
    lm = language_model_of(model)
    assert lm.padding_idx == 0
    backward = model_backward(lm, TrainingBatch(seq, target), "per_sequence")
    grad = backward.manual["embedding.weight"]
    assert torch.equal(grad[0], torch.zeros(4)) and torch.equal(backward.reference["embedding.weight"][0], grad[0])
    assert torch.equal(grad[[4, 5]], torch.zeros(2, 4))  # rows never fed
    assert backward.bitwise_equal and bool(grad[3].abs().sum() > 0)
    # Row 3 is the five positions' shares added in position order; any other order would be a different sum.
    _, reference = autograd_gradients(lm, TrainingBatch(seq, target), "per_sequence")
    assert torch.equal(grad[3], reference["embedding.weight"][3])


@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
@pytest.mark.parametrize("structure", sorted(STRUCTURES))
def test_the_whole_model_backward_makes_autograds_own_calls(cls, structure):
    # As for the module alone (test_backward.py), the calls are compared as collections: the engine orders
    # independent branches its own way. Two differences, each said: the embedding's backward is written out row by
    # row (one add_ per position fed, embedding_dense_backward's own loop) where autograd makes one call per use of
    # the table; and a gated cell recomputes one value a step that autograd kept (RECOMPUTED in test_backward.py).
    torch.manual_seed(0)
    model = CharModel(11, 6, cls, hidden_size=8, batch_first=True)
    lm = language_model_of(model)
    seq, target = torch.randint(0, 11, (3, 4)), torch.randint(0, 11, (3, 4))
    batch = TrainingBatch(seq, target)
    backward = model_backward(lm, batch, structure)
    recorded = []
    original = torch.Tensor.backward

    def recording(self, *args, **kwargs):
        recorded.extend(arithmetic_calls(lambda: original(self, *args, **kwargs)))

    torch.Tensor.backward = recording
    try:
        autograd_gradients(lm, batch, structure)
    finally:
        torch.Tensor.backward = original
    with torch.no_grad():
        ours = arithmetic_calls(lambda: hand_gradients(lm, backward.calls))
    missing, extra = Counter(recorded) - Counter(ours), Counter(ours) - Counter(recorded)
    uses_of_the_table = 4 if structure == "per_token" else 1
    assert Counter(c.op for c in missing.elements()) == {"embedding_dense_backward.default": uses_of_the_table}
    recomputed = {nn.RNN: {}, nn.GRU: {"sub.Tensor": 4}, nn.LSTM: {"tanh.default": 4}}[cls]
    assert Counter(c.op for c in extra.elements()) == {"add_.Tensor": seq.numel(), **recomputed}
    assert all(c.inputs[1].shape == (6,) for c in extra.elements() if c.op == "add_.Tensor")  # one row each


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_adam_on_the_character_model_is_torch_optim_adam_bit_for_bit(cell):
    model, _, _ = trained_model(cell, steps=1)
    theirs = copy.deepcopy(model)
    optimizer = torch.optim.Adam(theirs.parameters(), lr=0.01)
    ours, adam = language_model_of(model), Adam(lr=0.01)
    for step in range(3):
        seq, target = chunks(batch_size=2, steps=10, seed=step)
        gradients = model_backward(ours, TrainingBatch(seq, target), "per_token").manual
        ours = optimizer_step(ours, gradients, adam)
        books_training_step(theirs, seq, target)
        optimizer.step()
        stepped = language_model_of(theirs)
        assert torch.equal(ours.embedding, stepped.embedding) and torch.equal(ours.head_weight, stepped.head_weight)
        assert torch.equal(ours.head_bias, stepped.head_bias)
        for name, value in stepped.weights.items():
            assert torch.equal(ours.weights[name], value), (step, name)


def test_training_text_and_bad_batches_say_what_is_wrong():
    vocabulary = Vocabulary(tuple(CHARS))
    batch = training_text(vocabulary, "The island")
    assert vocabulary.joined([CHARS[k] for k in batch.inputs[0].tolist()]) == "The islan"
    assert vocabulary.joined([CHARS[k] for k in batch.targets[0].tolist()]) == "he island"
    with pytest.raises(InputError, match="at least two tokens"):
        training_text(vocabulary, "T")
    model, _, _ = trained_model("rnn", steps=1)
    lm = language_model_of(model)
    with pytest.raises(InputError, match="outside 0"):
        model_backward(lm, TrainingBatch(torch.tensor([[0, 99]]), torch.tensor([[1, 2]])))
    with pytest.raises(InputError, match="same shape"):
        TrainingBatch(torch.tensor([[0, 1]]), torch.tensor([[1]]))
    with pytest.raises(InputError, match="call structure"):
        model_backward(lm, batch, "per_word")


@pytest.fixture(scope="module", params=["lstm", "rnn"])
def files(request, tmp_path_factory):
    model, _, _ = trained_model(request.param, steps=2)
    folder = tmp_path_factory.mktemp("model-backward")
    torch.save(model.state_dict(), folder / "model.pt")
    (folder / "book.txt").write_text(TEXT)
    return model, str(folder / "model.pt"), str(folder / "book.txt")


def test_trace_backward_on_a_text_is_the_books_training_step_in_text_and_json(capsys, files):
    model, weights, vocab = files
    status, out, err = run_cli(capsys, "trace", "--weights", weights, "--vocab", vocab, "--text", "The island",
                               "--backward")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[1].startswith("call structure: one token per call, as the book's training loop")
    assert "training on: inputs 'The islan', targets 'he island'" in out
    assert lines[-1] == "bitwise identical to loss.backward() through the model's own modules: yes"
    for name, _ in model.named_parameters():
        assert any(line.strip().startswith(f"dL/d{name} ") and line.endswith("bitwise identical to loss.backward()")
                   for line in lines), name
    status, out, _ = run_cli(capsys, "trace", "--weights", weights, "--vocab", vocab, "--text", "The island",
                             "--backward", "--format", "json")
    document = json.loads(out)
    ids = torch.tensor([CHARS.index(ch) for ch in "The island"]).unsqueeze(0)
    loss = books_training_step(model, ids[:, :-1], ids[:, 1:])
    assert document["call_structure"] == "per_token" and document["bitwise_equal"] is True
    assert torch.equal(torch.tensor(document["loss"], dtype=torch.float32), loss)
    for name, parameter in model.named_parameters():
        # JSON holds each float32 as the float64 of the same value: read back as float32, the bits are the same
        assert torch.equal(torch.tensor(document["gradients"][name]["values"], dtype=torch.float32), parameter.grad)
    assert (document["fused"] is None) == (model.rnn.__class__.__name__ != "LSTM")


def test_trace_backward_takes_the_call_structure_and_refuses_what_does_not_apply(capsys, files):
    _, weights, vocab = files
    status, out, _ = run_cli(capsys, "trace", "--weights", weights, "--vocab", vocab, "--text", "The island",
                             "--backward", "--calls", "per-sequence")
    assert status == 0 and "call structure: one call per sequence" in out
    for extra, said in ((("--generate", "3"), "--generate does not apply"), (("--order", "textbook"), "kernel order"),
                        ((), "at least two tokens")):
        text = "T" if not extra else "The"
        status, out, err = run_cli(capsys, "trace", "--weights", weights, "--vocab", vocab, "--text", text,
                                   "--backward", *extra)
        assert status == 2 and said in err and len(err.strip().splitlines()) == 1, err
    status, _, err = run_cli(capsys, "trace", "--weights", weights, "--vocab", vocab, "--text", "The",
                             "--calls", "per-sequence")
    assert status == 2 and "--calls without --backward" in err


def test_the_python_api_differentiates_the_prompts_training_step_on_the_users_model():
    import rnn_stepper

    model, char_array, _ = trained_model("lstm", steps=2)
    backward = rnn_stepper.trace(model, "The island", vocab=char_array).backward()
    ids = torch.tensor([CHARS.index(ch) for ch in "The island"]).unsqueeze(0)
    assert torch.equal(backward.loss, books_training_step(model, ids[:, :-1], ids[:, 1:]))
    for name, parameter in model.named_parameters():
        assert torch.equal(backward.manual[name], parameter.grad), name
    with pytest.raises(ValueError, match="per-token"):
        rnn_stepper.trace(model, "The island", vocab=char_array).backward(calls="per-call")
