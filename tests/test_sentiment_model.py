"""The book's sentiment model (chapter 15, part 2): padded reviews of different lengths, embedded, packed with
enforce_sorted=False, the LSTM's h_n, hidden[-1] through fc1, ReLU, fc2 and sigmoid. The stepper computes every
stage by hand and gets the model's own output bit for bit, through the API and through files, making the model's
own aten calls; the packed float32 LSTM runs its native cell, so this holds in the model's default configuration.

The model and its training loop are written here as the book writes them, at small sizes (Embedding(V, 8) →
LSTM(8, 12) → Linear(12, 10) → Linear(10, 1)), and once at the book's (20, 64, 64)."""

import json

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

import rnn_stepper
from helpers import refused, run
from rnn_stepper.core.classifier import classifier_from, classifier_of, classify
from rnn_stepper.core.files import load_tensors
from rnn_stepper.core.reference import fused_kernels

VOCABULARY_SIZE = 30


class RNN(nn.Module):
    """The book's part-2 model."""

    def __init__(self, vocab_size, embed_dim, rnn_hidden_size, fc_hidden_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.rnn = nn.LSTM(embed_dim, rnn_hidden_size, batch_first=True)
        self.fc1 = nn.Linear(rnn_hidden_size, fc_hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(fc_hidden_size, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, text, lengths):
        out = self.embedding(text)
        out = nn.utils.rnn.pack_padded_sequence(out, lengths.cpu().numpy(), enforce_sorted=False, batch_first=True)
        out, (hidden, cell) = self.rnn(out)
        out = hidden[-1, :, :]
        out = self.fc1(out)
        out = self.relu(out)
        out = self.fc2(out)
        out = self.sigmoid(out)
        return out


def reviews(lengths=(7, 3, 5, 2), seed=0):
    """A padded batch of reviews as the book's collate_batch makes it: pad_sequence(batch_first=True) pads with
    id 0, the embedding's padding_idx."""
    generator = torch.Generator().manual_seed(seed)
    texts = [torch.randint(1, VOCABULARY_SIZE, (n,), generator=generator) for n in lengths]
    return pad_sequence(texts, batch_first=True), torch.tensor(lengths)


def trained_model(sizes=(8, 12, 10), steps=3, seed=1):
    """The book's model and training loop (BCELoss, Adam), a few steps on random labelled reviews."""
    torch.manual_seed(seed)
    model = RNN(VOCABULARY_SIZE, *sizes)
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(steps):
        text_batch, lengths = reviews((6, 4, 5, 3), seed=100 + step)
        label_batch = torch.tensor([1.0, 0.0, 1.0, 0.0])
        optimizer.zero_grad()
        pred = model(text_batch, lengths)[:, 0]
        loss = loss_fn(pred, label_batch)
        loss.backward()
        optimizer.step()
    return model.eval()


def books_stages(model, text, lengths):
    """model(text, lengths) as the book calls it, on torch's default path, each module's own output kept."""
    seen = {}
    hooks = [getattr(model, name).register_forward_hook(lambda m, i, o, name=name: seen.__setitem__(name, o))
             for name in ("embedding", "rnn", "fc1", "relu", "fc2", "sigmoid")]
    try:
        with torch.no_grad():
            output = model(text, lengths)
    finally:
        for hook in hooks:
            hook.remove()
    _, (h_n, c_n) = seen["rnn"]
    return output, {"embedding": seen["embedding"], "h_n": h_n, "c_n": c_n, "fc1": seen["fc1"],
                    "relu(fc1)": seen["relu"], "fc2": seen["fc2"], "sigmoid(fc2)": seen["sigmoid"]}


@pytest.fixture(scope="module")
def model():
    return trained_model()


def test_the_api_steps_the_books_model_to_its_own_output_bit_for_bit(model):
    text, lengths = reviews()
    output, stages = books_stages(model, text, lengths)
    traced = rnn_stepper.trace(model, text, lengths=lengths)
    assert torch.equal(traced.output, output)  # the sigmoid probabilities, one per review
    for name, value in stages.items():
        assert torch.equal(traced.stages[name], value), name
    assert torch.equal(traced.stages["hidden[-1]"], stages["h_n"][-1])
    assert traced.bitwise_equal and all(traced.stages_equal.values())
    assert traced.model_note is None and traced.fused_output is None
    # the batch shrinks as the reviews end: 4 running, then 3, …, the longest alone at the end
    assert traced.cells.batch_sizes == [4, 4, 3, 2, 2, 1, 1]
    assert "read off the activation modules" in traced.assumptions[0]


def test_at_the_books_sizes_the_output_is_the_models_bit_for_bit():
    torch.manual_seed(1)
    model = RNN(VOCABULARY_SIZE, 20, 64, 64).eval()  # embed_dim 20, rnn_hidden_size 64, fc_hidden_size 64
    text, lengths = reviews((12, 5, 9, 1, 7))
    output, stages = books_stages(model, text, lengths)
    traced = rnn_stepper.trace(model, text, lengths=lengths)
    assert traced.bitwise_equal
    assert torch.equal(traced.output, output)
    assert all(torch.equal(traced.stages[name], stages[name]) for name in ("h_n", "c_n", "fc1", "fc2"))


def test_a_packed_float32_lstm_runs_its_native_cell_so_the_default_model_is_stepped_exactly(model):
    text, lengths = reviews()
    with torch.no_grad(), fused_kernels() as watch:
        model(text, lengths)
    assert "mkldnn_rnn_layer" not in watch.seen


def test_when_every_review_is_as_long_torch_fuses_and_its_distance_is_measured(model):
    text, lengths = reviews((5, 5, 5))
    with torch.no_grad(), fused_kernels() as watch:
        output = model(text, lengths)
    assert "mkldnn_rnn_layer" in watch.seen
    traced = rnn_stepper.trace(model, text, lengths=lengths)
    assert traced.fused_kernel == "mkldnn_rnn_layer"
    assert torch.equal(traced.fused_output, output)  # what the model returns by default, measured beside
    assert traced.fused_max_ulps is not None and all(traced.stages_equal.values())


def test_the_state_dict_and_ids_files_give_the_models_output_through_the_command(capsys, tmp_path, model):
    text, lengths = reviews()
    output, stages = books_stages(model, text, lengths)
    torch.save(model.state_dict(), tmp_path / "model.pt")
    np.save(tmp_path / "ids.npy", text.numpy())
    files = ("--weights", str(tmp_path / "model.pt"), "--input", str(tmp_path / "ids.npy"), "--lengths", "7,3,5,2")
    status, out, err = run(capsys, *files, "--format", "json")
    assert status == 0, err
    document = json.loads(out)
    # JSON holds each float32 as the float64 of the same value: read back as float32, the bits are the same
    as_float32 = lambda values: torch.tensor(values, dtype=torch.float32)  # noqa: E731
    assert torch.equal(as_float32(document["output"]), output)
    for name in ("h_n", "c_n", "fc1", "relu(fc1)", "fc2"):
        assert torch.equal(as_float32(document["stages"][name]), stages[name]), name
    assert document["bitwise_equal"] is True and document["cells"]["batch_sizes"] == [4, 4, 3, 2, 2, 1, 1]
    assert document["places"] == {"embedding": "embedding", "recurrent": "rnn", "head": ["fc1", "fc2"]}
    status, out, err = run(capsys, *files)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Embedding(30, 8) → LSTM(8, 12, batch_first=True) → hidden[-1] → Linear(12, 10) → "
                               "relu → Linear(10, 1) → sigmoid")
    assert "assumed, not recorded in the weights file: the head's activations relu, sigmoid, the book's " \
           "(--activations" in lines[0] and "batch_first=True: the ids are (batch, T) (--seq-first" in lines[0]
    for probability in output:
        assert f"   sigmoid(fc2) : {np.array2string(probability.numpy())}" in lines  # each review's output
    assert lines[-1].endswith("stage by stage: yes")


def test_other_activations_are_said_and_stepped(capsys, tmp_path, model):
    text, lengths = reviews()
    torch.save(model.state_dict(), tmp_path / "model.pt")
    np.save(tmp_path / "ids.npy", text.numpy())
    status, out, _ = run(capsys, "--weights", str(tmp_path / "model.pt"), "--input", str(tmp_path / "ids.npy"),
                         "--lengths", "7,3,5,2", "--activations", "tanh,none", "--format", "json")
    assert status == 0
    document = json.loads(out)
    with torch.no_grad():
        h = model.rnn(nn.utils.rnn.pack_padded_sequence(model.embedding(text), lengths, batch_first=True,
                                                        enforce_sorted=False))[1][0][-1]
        expected = model.fc2(torch.tanh(model.fc1(h)))
    assert torch.equal(torch.tensor(document["output"], dtype=torch.float32), expected)
    assert document["activations"] == ["tanh", "none"] and not any("activations" in a for a in document["assumptions"])


# --- the aten calls ------------------------------------------------------------------------------------------------


def test_the_hand_pass_makes_the_books_models_own_calls_embedding_packed_cells_and_head(model):
    from aten_calls import arithmetic_calls, first_difference
    from rnn_stepper.core.classifier import embed, head_pass, pack, read_out
    from rnn_stepper.core.packed import in_callers_order, packed_hand_pass

    text, lengths = reviews()
    classifier, _ = classifier_of(model)

    def by_hand():
        packed = pack(embed(text, classifier.embedding, classifier.padding_idx), lengths.tolist(), True)
        _, sorted_final, _ = packed_hand_pass(classifier.config, classifier.weights, packed, None)
        h_n = in_callers_order(sorted_final, packed)["hidden"]
        head_pass(read_out(h_n, classifier.readout), classifier.head)

    # torch.nn reads batch_sizes[0] as a Python int (_local_scalar_dense): a count read, not arithmetic
    counted = lambda calls: [c for c in calls if not c.op.startswith("_local_scalar_dense")]  # noqa: E731
    with torch.no_grad():  # the model's default path: a packed float32 LSTM runs its native cell
        theirs = counted(arithmetic_calls(lambda: model(text, lengths)))
        ours = counted(arithmetic_calls(by_hand))
    assert ours == theirs, first_difference(ours, theirs)
    ops = [c.op.split(".")[0] for c in ours]
    assert ops[0] == "embedding" and "_pack_padded_sequence" in ops and "index_select" in ops
    assert ops[-4:] == ["addmm", "relu", "addmm", "sigmoid"]  # fc1, ReLU, fc2, sigmoid


# --- finding the stages ---------------------------------------------------------------------------------------------


def test_the_stages_are_found_under_any_prefix_of_a_checkpoint(tmp_path, model):
    nested = {"model": {f"net.{k}": v for k, v in model.state_dict().items()}, "epoch": torch.tensor(3)}
    torch.save(nested, tmp_path / "checkpoint.ckpt")
    classifier = classifier_from(load_tensors(str(tmp_path / "checkpoint.ckpt")))
    assert classifier.places == {"embedding": "model.net.embedding", "recurrent": "model.net.rnn"}
    assert [layer.name for layer in classifier.head] == ["model.net.fc1", "model.net.fc2"]
    text, lengths = reviews()
    assert torch.equal(classify(classifier, text, lengths).output, books_stages(model, text, lengths)[0])


class FunctionalHead(nn.Module):
    """A model that applies its activations in forward (F.relu, torch.sigmoid), registering no module for them."""

    def __init__(self, activation=F.relu):
        super().__init__()
        self.emb = nn.Embedding(VOCABULARY_SIZE, 6)
        self.gru = nn.GRU(6, 5, batch_first=True, bidirectional=True)
        self.hidden_layer = nn.Linear(10, 4)
        self.out = nn.Linear(4, 1)
        self.activation = activation

    def forward(self, text, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(text), lengths, enforce_sorted=False, batch_first=True)
        _, hidden = self.gru(packed)
        out = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)  # the book's bidirectional variant
        return torch.sigmoid(self.out(self.activation(self.hidden_layer(out))))


def test_activations_not_registered_are_the_books_and_the_models_own_forward_checks_them():
    torch.manual_seed(0)
    model = FunctionalHead().eval()
    text, lengths = reviews()
    traced = rnn_stepper.trace(model, text, lengths=lengths)
    with torch.no_grad():
        assert torch.equal(traced.output, model(text, lengths))
    assert traced.model.readout == "cat(hidden[-2], hidden[-1])"
    assert "the book's" in traced.assumptions[0] and traced.model_note is None and traced.bitwise_equal


def test_a_model_whose_forward_applies_other_activations_is_said_to_differ_until_told():
    torch.manual_seed(0)
    model = FunctionalHead(torch.tanh).eval()
    text, lengths = reviews()
    assumed = rnn_stepper.trace(model, text, lengths=lengths)
    assert not assumed.bitwise_equal and "model(ids, lengths) differs from the stages" in assumed.model_note
    told = rnn_stepper.trace(model, text, lengths=lengths, activations=("tanh", "sigmoid"))
    assert told.bitwise_equal and told.assumptions == ["the head's activations as given: tanh, sigmoid"]


def test_token_ids_without_lengths_ask_for_them(model):
    with pytest.raises(TypeError, match="pass the embedded sequence to model.rnn; or trace the whole model: token "
                                        "ids with lengths="):
        rnn_stepper.trace(model, reviews()[0])
    with pytest.raises(ValueError, match=r"the lengths \[7.0, 3.5, 5.0, 2.0\] are not whole numbers"):
        rnn_stepper.trace(model, reviews()[0], lengths=[7.0, 3.5, 5.0, 2.0])
    with pytest.raises(ValueError, match=r"token id 30 \(review 1, position 0\) is outside the vocabulary"):
        rnn_stepper.trace(model, reviews()[0].index_fill(0, torch.tensor([1]), 30), lengths=[7, 3, 5, 2])


# --- bad input ------------------------------------------------------------------------------------------------------


@pytest.fixture()
def files(tmp_path, model):
    torch.save(model.state_dict(), tmp_path / "model.pt")
    np.save(tmp_path / "ids.npy", reviews()[0].numpy())
    return str(tmp_path / "model.pt"), str(tmp_path / "ids.npy"), tmp_path


@pytest.mark.parametrize("lengths, says", [
    ("7,3,5", "3 lengths [7, 3, 5] do not fit 4 reviews padded to 7 tokens: give 4 lengths, each from 1 to 7"),
    ("7,3,5,9", "give 4 lengths, each from 1 to 7"),
])
def test_lengths_that_do_not_fit_the_ids_are_one_line(capsys, files, lengths, says):
    weights, ids, _ = files
    refused(capsys, "--weights", weights, "--input", ids, "--lengths", lengths, says=says)


def test_ids_outside_the_vocabulary_or_not_whole_are_one_line(capsys, files):
    weights, _, folder = files
    text = reviews()[0].numpy()
    text[2, 1] = VOCABULARY_SIZE + 4
    np.save(folder / "outside.npy", text)
    refused(capsys, "--weights", weights, "--input", str(folder / "outside.npy"), "--lengths", "7,3,5,2",
            says="outside.npy: token id 34 (review 2, position 1) is outside the vocabulary: the embedding has 30 "
                 "rows, ids 0 … 29")
    np.save(folder / "fractions.npy", text / 3)
    refused(capsys, "--weights", weights, "--input", str(folder / "fractions.npy"), "--lengths", "7,3,5,2",
            says="holds numbers that are not whole")


def test_a_head_that_does_not_fit_is_one_line(capsys, files, model):
    _, ids, folder = files
    broken = dict(model.state_dict()) | {"fc2.weight": torch.zeros(1, 7)}  # fc1 writes 10 values, fc2 reads 7
    torch.save(broken, folder / "broken.pt")
    refused(capsys, "--weights", str(folder / "broken.pt"), "--input", ids, "--lengths", "7,3,5,2",
            says="the head's layer fc2 reads 7 values but fc1 before it writes 10")
    lstm_only = {k[len("rnn."):]: v for k, v in model.state_dict().items() if k.startswith("rnn.")}
    torch.save(lstm_only, folder / "lstm.pt")
    refused(capsys, "--weights", str(folder / "lstm.pt"), "--input", ids, "--lengths", "7,3,5,2",
            says="needs one embedding table beside the LSTM(8, 12, batch_first=True)")


@pytest.mark.parametrize("extra, says", [
    (["--activations", "relu"], "1 activation given for a head of 2 Linear layers"),
    (["--hidden-size", "3"], "--hidden-size does not apply to a classifier's token ids"),
    (["--format", "csv"], "--format csv does not apply to a classifier's token ids"),
])
def test_options_that_do_not_fit_a_classifier_are_one_line(capsys, files, extra, says):
    weights, ids, _ = files
    refused(capsys, "--weights", weights, "--input", ids, "--lengths", "7,3,5,2", *extra, says=says)


def test_activations_without_a_classifier_are_refused(capsys, files):
    weights, ids, _ = files
    refused(capsys, "--weights", weights, "--input", ids, "--activations", "relu,sigmoid",
            says="--activations is a classifier's head: give its token ids in --input with --lengths")


# --- the shipped example --------------------------------------------------------------------------------------------


def test_the_shipped_sentiment_example_steps_bit_for_bit_as_the_readme_says(capsys, monkeypatch):
    import importlib.resources
    import re
    from pathlib import Path

    folder = importlib.resources.files("rnn_stepper.resources") / "weights"
    weights, ids = str(folder / "sentiment.pt"), str(folder / "sentiment_reviews.npy")
    assert (folder / "sentiment.pt").stat().st_size < 1_000_000
    vocabulary = json.loads((folder / "sentiment_vocab.json").read_text())
    reviews_text = [line.split("\t") for line in (folder / "sentiment_reviews.txt").read_text().splitlines()]
    text = torch.from_numpy(np.load(ids))
    lengths = [int(n) for n, _ in reviews_text]
    # the ids are the reviews' words, row k of the embedding being word k, padded with "<pad>" (id 0)
    for row, n, (_, review) in zip(text.tolist(), lengths, reviews_text):
        assert [vocabulary[k] for k in row[:n]] == review.split() and set(row[n:]) <= {0}
    state = torch.load(weights, weights_only=True)
    model = RNN(len(vocabulary), state["rnn.weight_ih_l0"].shape[1], state["rnn.weight_hh_l0"].shape[1],
                state["fc1.weight"].shape[0])
    model.load_state_dict(state)
    expected, _ = books_stages(model.eval(), text, torch.tensor(lengths))
    checkout = Path(__file__).resolve().parents[1]
    command = re.search(r"rnn-stepper trace (--weights resources/weights/sentiment\.pt [^`]*)",
                        (checkout / "README.md").read_text()).group(1).split()
    assert command[command.index("--lengths") + 1] == ",".join(map(str, lengths))
    monkeypatch.chdir(checkout)  # the README's paths are the checkout's
    status, out, err = run(capsys, *command, "--format", "json")
    assert status == 0, err
    document = json.loads(out)
    assert torch.equal(torch.tensor(document["output"], dtype=torch.float32), expected)
    assert document["bitwise_equal"] is True
    assert document["reviews"] == [review.split() for _, review in reviews_text]


# --- other shapes of the same model ---------------------------------------------------------------------------------


class BareHead(nn.Module):
    """Embedding → GRU → one Linear layer, its sigmoid applied in forward: a bare Linear head."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY_SIZE, 6, padding_idx=0)
        self.gru = nn.GRU(6, 5, batch_first=True)
        self.out = nn.Linear(5, 1)

    def forward(self, text, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(text), lengths, enforce_sorted=False,
                                                   batch_first=True)
        return torch.sigmoid(self.out(self.gru(packed)[1][-1]))


def test_a_bare_linear_head_in_float64_is_stepped_bit_for_bit():
    torch.manual_seed(0)
    model = BareHead().double().eval()
    text, lengths = reviews()
    traced = rnn_stepper.trace(model, text.numpy(), lengths=lengths.tolist())  # numpy ids and a list of lengths
    with torch.no_grad():
        assert torch.equal(traced.output, model(text, lengths))
    assert list(traced.stages)[-2:] == ["out", "sigmoid(out)"] and traced.bitwise_equal
    assert traced.output.dtype == torch.float64
    # told which: the head alone, its activation as one name
    told = rnn_stepper.trace(model, text, lengths=lengths, head=model.out, activations="sigmoid")
    assert torch.equal(told.output, traced.output) and told.assumptions[0].endswith("as given: sigmoid")


class TextOnlyForward(RNN):
    """The book's model, its forward taking the ids alone (lengths counted from the padding)."""

    def forward(self, text):
        return super().forward(text, (text != 0).sum(dim=1))


def test_a_model_that_cannot_be_called_with_ids_and_lengths_is_said_to_be_unchecked(model):
    other = TextOnlyForward(VOCABULARY_SIZE, 8, 12, 10)
    other.load_state_dict(model.state_dict())
    traced = rnn_stepper.trace(other.eval(), *reviews()[:1], lengths=[7, 3, 5, 2])
    assert traced.bitwise_equal and traced.model_note is None
    assert "model(ids, lengths) could not be called (TypeError" in traced.assumptions[-1]


def test_seq_first_ids_of_a_model_that_is_not_batch_first_give_the_same_output(capsys, files):
    weights, ids, folder = files
    np.save(folder / "time_major.npy", np.load(ids).T)  # (T, batch)
    outputs = []
    for given in ((ids,), (str(folder / "time_major.npy"), "--seq-first")):
        status, out, err = run(capsys, "--weights", weights, "--input", *given, "--lengths", "7,3,5,2",
                               "--format", "json")
        assert status == 0, err
        document = json.loads(out)
        assert document["bitwise_equal"] is True
        outputs.append(document["output"])
    assert outputs[0] == outputs[1]  # the LSTM's arithmetic does not depend on the layout it reads


def test_a_prefix_picks_the_classifier_among_several(capsys, tmp_path, model):
    twice = {f"{name}.{k}": v for name in ("student", "teacher") for k, v in model.state_dict().items()}
    torch.save(twice, tmp_path / "two.pt")
    np.save(tmp_path / "ids.npy", reviews()[0].numpy())
    files = ("--weights", str(tmp_path / "two.pt"), "--input", str(tmp_path / "ids.npy"), "--lengths", "7,3,5,2")
    refused(capsys, *files, says="holds 2 recurrent modules, under 'student.rnn.' (nn.LSTM(8, 12)), 'teacher.rnn.'")
    status, out, err = run(capsys, *files, "--prefix", "teacher.rnn", "--format", "json")
    assert status == 0, err
    assert json.loads(out)["places"]["head"] == ["teacher.fc1", "teacher.fc2"]


def test_a_layer_beside_the_head_that_is_not_linear_is_refused_not_left_out(capsys, files, model):
    _, ids, folder = files
    normed = dict(model.state_dict()) | {f"norm.{k}": v for k, v in nn.BatchNorm1d(10).state_dict().items()}
    torch.save(normed, folder / "normed.pt")
    refused(capsys, "--weights", str(folder / "normed.pt"), "--input", ids, "--lengths", "7,3,5,2",
            says="holds 'norm' beside the LSTM(8, 12, batch_first=True) and its head, which are not Linear layers")


def test_a_trace_says_in_one_line_what_it_is(model):
    traced = rnn_stepper.trace(model, reviews()[0], lengths=[7, 3, 5, 2])
    assert repr(traced) == ("<ClassifierTrace Embedding(30, 8, padding_idx=0) → LSTM(8, 12, batch_first=True) → "
                            "hidden[-1] → Linear(12, 10) → relu → Linear(10, 1) → sigmoid, lengths [7, 3, 5, 2]: "
                            "bitwise equal to the model's own modules>")


def test_token_ids_given_without_lengths_get_a_hint_to_add_them(capsys, files):
    weights, ids, _ = files
    status, out, err = run(capsys, "--weights", weights, "--input", ids)
    # the line before the error says which recurrent module of the file was taken, as for any whole model's file
    assert status == 2 and out == "" and err.startswith("rnn-stepper: using the nn.LSTM(8, 12) under 'rnn.'")
    assert err.splitlines()[-1].endswith("each timestep has 7 values but input_size is 8; if these are token ids for "
                                         f"the whole model in {weights}, add --lengths (each sequence's length) to "
                                         "step it as a classifier")


def test_a_vocabulary_spells_the_reviews_and_each_token_beside_its_row(capsys, files):
    weights, ids, folder = files
    words = ["<pad>"] + [f"w{k}" for k in range(1, VOCABULARY_SIZE)]
    (folder / "vocab.json").write_text(json.dumps(words))
    text, lengths = reviews()
    files = ("--weights", weights, "--input", ids, "--lengths", "7,3,5,2", "--vocab", str(folder / "vocab.json"))
    status, out, err = run(capsys, *files)
    assert status == 0, err
    first = text[1, :3].tolist()
    review = " ".join(words[k] for k in first)
    assert f"review 1 (length 3): {review!r}: ids {first}, padding [0, 0, 0, 0]" in out
    assert f"   x_0 = E[{first[0]}] {words[first[0]]!r} : " in out
    assert f"review 1 (length 3) {review!r}" in out.splitlines()
    status, out, err = run(capsys, *files, "--format", "json")
    assert json.loads(out)["reviews"][1] == review.split()
    (folder / "short.json").write_text(json.dumps(words[:5]))
    refused(capsys, *files[:-1], str(folder / "short.json"),
            says="short.json: the vocabulary has 5 tokens but the model's embedding has 30 rows")
