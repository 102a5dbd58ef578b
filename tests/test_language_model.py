"""The book's character-level language model (chapter 15, part 3), trained a few steps and saved as a state
dict, generates through the stepper what the book's own sample() generates: the same characters and the same
logits, bit for bit, every stage (embedding, cells, head, softmax, sampling) against the model's own modules.

The book's model and sample() are written here as the book writes them, at small sizes (Embedding(V, 8) →
LSTM(8, 16) → Linear(16, V) instead of 256 and 512)."""

import json

import pytest
import torch
import torch.nn as nn
from torch.distributions.categorical import Categorical

from book_models import books_generation, trained_model
from rnn_stepper.core.distance import ulp_distance
from rnn_stepper.core.errors import InputError
from rnn_stepper.core.files import load_tensors
from rnn_stepper.core.language_model import (
    Sampling,
    Vocabulary,
    generate,
    generate_more,
    language_model_from,
    language_model_of,
    load_vocabulary,
)
from rnn_stepper.core.reference import native_path


@pytest.fixture(scope="module", params=["lstm", "rnn"])
def saved(request, tmp_path_factory):
    model, char_array, char2int = trained_model(request.param)
    path = tmp_path_factory.mktemp("lm") / "model.pt"
    torch.save(model.state_dict(), path)
    return model, char_array, char2int, str(path)


def test_the_stepper_generates_the_books_sample_bit_for_bit(saved):
    model, char_array, char2int, path = saved
    expected, expected_logits = books_generation(model, char_array, char2int, "The island", 40)
    lm = language_model_from(load_tensors(path))
    generation = generate(lm, Vocabulary(tuple(char_array)), "The island", 40, Sampling(seed=1, scale=1.0))
    assert generation.text == expected
    assert len(generation.calls) == len(expected_logits) == len("The island") - 1 + 40
    for call, logits in zip(generation.calls, expected_logits):
        assert torch.equal(call.logits, logits)
    assert generation.bitwise_equal
    assert all(all(call.stages_equal.values()) for call in generation.calls)


def test_drawing_one_more_token_steps_only_the_new_call_and_is_the_books_sample_of_one_more(saved):
    # Sample in the window draws from where the last draw left the state and the generator, so a click costs one
    # call, not the whole text again: the same text and logits as the book's sample() with one more token
    model, char_array, char2int, path = saved
    lm, vocabulary = language_model_from(load_tensors(path)), Vocabulary(tuple(char_array))
    sampling = Sampling(seed=3, scale=2.0)
    generation = generate(lm, vocabulary, "The", 0, sampling)
    for n in range(1, 6):
        before = generation.calls
        generation = generate_more(generation)
        expected, expected_logits = books_generation(model, char_array, char2int, "The", n, scale=2.0, seed=3)
        assert generation.text == expected
        assert all(torch.equal(c.logits, l) for c, l in zip(generation.calls, expected_logits))
        if n > 1:  # the calls already stepped are kept as they are: only the new one is computed
            assert all(a is b for a, b in zip(generation.calls, before))
        assert generation.bitwise_equal
        assert (generation.fused is None) == (model.rnn.__class__.__name__ != "LSTM")


def test_a_scale_factor_below_one_draws_as_the_book_does(saved):
    model, char_array, char2int, path = saved
    expected, _ = books_generation(model, char_array, char2int, "The", 30, scale=0.5, seed=7)
    generation = generate(language_model_from(load_tensors(path)), Vocabulary(tuple(char_array)), "The", 30,
                          Sampling(seed=7, scale=0.5))
    assert generation.text == expected and generation.bitwise_equal


def test_the_fused_lstm_is_the_books_default_run_and_its_distance_is_measured(saved):
    model, char_array, char2int, path = saved
    lm = language_model_from(load_tensors(path))
    generation = generate(lm, Vocabulary(tuple(char_array)), "The island", 25)
    default_text, default_logits = books_generation(model, char_array, char2int, "The island", 25, native=False)
    if lm.config.cell != "lstm":  # nn.RNN runs its own cell: nothing fused
        assert generation.fused is None and generation.text == default_text
        return
    assert generation.fused.kernel == "mkldnn_rnn_layer"
    assert generation.fused_text == default_text
    assert all(torch.equal(a, b) for a, b in zip(generation.fused.logits, default_logits))
    # Call k is fed character k of the text: the calls before the first character the two runs drew apart were
    # fed the same characters, and their logits are comparable.
    apart = next((k for k, (a, b) in enumerate(zip(generation.text, default_text)) if a != b), len(default_text))
    same = min(apart, len(generation.calls))
    assert generation.fused_agreement[:2] == (same, max(
        float(ulp_distance(call.logits.numpy(), logits.numpy()).max())
        for call, logits in zip(generation.calls[:same], default_logits)))


def test_without_generation_every_prompt_character_is_fed_and_the_next_distribution_shown(saved):
    model, char_array, char2int, path = saved
    generation = generate(language_model_from(load_tensors(path)), Vocabulary(tuple(char_array)), "The", 0)
    assert [c.token for c in generation.calls] == [char2int[ch] for ch in "The"]
    assert all(c.drawn is None for c in generation.calls) and generation.text == "The"
    with torch.no_grad(), native_path():
        hidden, cell = model.init_hidden(1)
        for ch in "The":
            logits, hidden, cell = model(torch.tensor([char2int[ch]]), hidden, cell)
    assert torch.equal(generation.calls[-1].logits, logits.squeeze(0))
    assert torch.equal(generation.calls[-1].probabilities, Categorical(logits=logits.squeeze(0)).probs)


def test_a_model_object_is_taken_apart_into_its_stages(saved):
    model, char_array, char2int, _ = saved
    lm = language_model_of(model)
    assert lm.places == {"embedding": "embedding", "recurrent": "rnn", "head": "fc"}
    expected, _ = books_generation(model, char_array, char2int, "The", 10)
    assert generate(lm, Vocabulary(tuple(char_array)), "The", 10).text == expected


def test_stages_are_found_under_any_prefix(tmp_path):
    model, char_array, _ = trained_model("lstm", steps=1)
    nested = {"model": {f"net.{k}": v for k, v in model.state_dict().items()}, "epoch": torch.tensor(3)}
    torch.save(nested, tmp_path / "checkpoint.ckpt")
    lm = language_model_from(load_tensors(str(tmp_path / "checkpoint.ckpt")))
    assert lm.places == {"embedding": "model.net.embedding.", "recurrent": "model.net.rnn.", "head": "model.net.fc."}
    assert lm.describe() == f"Embedding({len(char_array)}, 8) → LSTM(8, 16, batch_first=True) → Linear(16, {len(char_array)})"


def test_a_vocabulary_is_a_json_list_or_object_or_the_sorted_set_of_a_text(tmp_path):
    (tmp_path / "list.json").write_text(json.dumps(["a", "b", " "]))
    (tmp_path / "char2int.json").write_text(json.dumps({"a": 0, "b": 1, " ": 2}))
    (tmp_path / "int2char.json").write_text(json.dumps({"0": "a", "1": "b", "2": " "}))
    (tmp_path / "book.txt").write_text("ab ba")
    for name in ("list.json", "char2int.json", "int2char.json"):
        assert load_vocabulary(str(tmp_path / name)).tokens == ("a", "b", " ")
    assert load_vocabulary(str(tmp_path / "book.txt")).tokens == tuple(sorted(set("ab ba")))


def test_a_prompt_character_outside_the_vocabulary_is_named():
    with pytest.raises(InputError, match=r"'z' \(at character 2\) is not in the vocabulary of 3 tokens"):
        Vocabulary(("a", "b", " ")).encode("abz")


# The constraint check Categorical runs on its logits by default (torch.distributions' validate_args) only reads
# them: no value of the generation comes from these calls.
VALIDATION = {"eq", "all", "_is_all_true", "_local_scalar_dense"}


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_one_call_by_hand_makes_the_book_models_own_calls_embedding_cells_head_softmax_and_draw(cell):
    from aten_calls import arithmetic_calls, first_difference
    from rnn_stepper.core.language_model import call_reference, categorical, draw, embed, head_logits, initial_state
    from rnn_stepper.core.session import Session
    from rnn_stepper.core.trace import hand_pass

    model, char_array, char2int = trained_model(cell, steps=2)
    lm = language_model_of(model)
    token = char2int["i"]
    # a state the call before left: the book's model fed "Th" one character per call
    with torch.no_grad(), native_path():
        hidden, cell_state = model.init_hidden(1)
        for ch in "Th":
            _, hidden, cell_state = model(torch.tensor([char2int[ch]]), hidden, cell_state)
    state = {"hidden": hidden} | ({"cell": cell_state} if cell == "lstm" else {})
    x = embed(token, lm.embedding).unsqueeze(1)
    session = Session(config=lm.config, weights=lm.weights, inputs=x, h0=state["hidden"], c0=state.get("cell"))
    reference = call_reference(session, lm.modules()[1])
    assert set(initial_state(lm.config)) == set(state)

    def by_hand():
        torch.manual_seed(5)
        embedded = embed(token, lm.embedding)
        cells = hand_pass(Session(config=lm.config, weights=lm.weights, inputs=embedded.unsqueeze(1),
                                  h0=state["hidden"], c0=state.get("cell")), reference)
        _, probabilities = categorical(head_logits(cells.output, lm.head_weight, lm.head_bias) * 0.5)
        draw(probabilities)

    def the_books_call():
        torch.manual_seed(5)
        with native_path():
            logits, _, _ = model(torch.tensor([token]).view(1), hidden, cell_state)
        Categorical(logits=torch.squeeze(logits, 0) * 0.5).sample()

    with torch.no_grad():
        ours = arithmetic_calls(by_hand)
        theirs = [c for c in arithmetic_calls(the_books_call) if c.op.split(".")[0] not in VALIDATION]
    assert ours == theirs, first_difference(ours, theirs)
    assert {c.op.split(".")[0] for c in ours} >= {"embedding", "addmm", "logsumexp", "_softmax", "multinomial"}


def test_the_api_takes_the_whole_model_a_prompt_and_the_books_char_array(saved):
    import numpy as np

    import rnn_stepper

    model, char_array, char2int, _ = saved
    expected, logits = books_generation(model, char_array, char2int, "The island", 20, seed=1)
    torch.manual_seed(42)
    after = torch.rand(2)
    torch.manual_seed(42)
    traced = rnn_stepper.trace(model, "The island", vocab=np.array(char_array), generate=20)
    assert torch.equal(torch.rand(2), after)  # the caller's random numbers are left as they were
    assert traced.text == expected and traced.bitwise_equal
    assert torch.equal(traced.logits(), torch.stack(logits))
    assert traced.places == {"embedding": "embedding", "recurrent": "rnn", "head": "fc"}
    assert traced.to_dict()["generated"] == expected


class AnyCharModel(nn.Module):
    """The same shape with any recurrent module in it (d2l's RNNModel, the PyTorch char-RNN tutorial)."""

    def __init__(self, rnn, vocab_size=7):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, rnn.input_size)
        self.rnn = rnn
        self.out = nn.Linear((rnn.proj_size or rnn.hidden_size) * (2 if rnn.bidirectional else 1), vocab_size)


def sampled_one_token_per_call(model, ids, n, seed, native):
    """sample()'s loop for any recurrent module: the state it returns fed back in, one token per call."""
    logits_seen, tokens, state = [], list(ids), None
    torch.manual_seed(seed)
    with torch.no_grad(), (native_path() if native else torch.enable_grad()):
        for k in range(len(ids) - 1 + n):
            x = model.emb(torch.tensor([tokens[k]])).unsqueeze(1)
            x = x if model.rnn.batch_first else x.transpose(0, 1)
            out, state = model.rnn(x, state)
            logits = model.out(out).reshape(1, -1).squeeze(0)
            logits_seen.append(logits)
            if k >= len(ids) - 1:
                tokens.append(int(Categorical(logits=logits).sample()))
    return tokens, logits_seen


@pytest.mark.parametrize("rnn", [lambda: nn.GRU(4, 6, batch_first=True), lambda: nn.LSTM(4, 6, num_layers=2),
                                 lambda: nn.LSTM(4, 6, proj_size=3, batch_first=True),
                                 lambda: nn.RNN(4, 6, bidirectional=True).double()])
def test_any_recurrent_module_between_an_embedding_and_a_head_generates_bit_for_bit(rnn):
    torch.manual_seed(0)
    model = AnyCharModel(rnn())
    model = model.to(next(model.rnn.parameters()).dtype).eval()
    vocabulary = Vocabulary(tuple("abcdefg"))
    generation = generate(language_model_of(model), vocabulary, "abc", 12, Sampling(seed=3))
    tokens, logits = sampled_one_token_per_call(model, [0, 1, 2], 12, seed=3, native=True)
    assert generation.tokens == tokens and generation.bitwise_equal
    assert all(torch.equal(call.logits, expected) for call, expected in zip(generation.calls, logits))
    if generation.fused is not None:  # what the model draws as torch runs it by default, fused kernel and all
        assert generation.fused.tokens == sampled_one_token_per_call(model, [0, 1, 2], 12, seed=3, native=False)[0]
