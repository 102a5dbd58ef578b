"""`rnn-stepper trace --weights F --vocab V --text PROMPT --generate N`: the book's part-3 model, saved as a
state dict, generates through the command what the book's sample() generates, characters and logits bit for bit."""

import json

import pytest
import torch

from book_models import TEXT, books_generation, trained_model
from helpers import run_cli


def run(capsys, *argv):
    return run_cli(capsys, "trace", *argv)


@pytest.fixture(scope="module", params=["lstm", "rnn"])
def files(request, tmp_path_factory):
    model, char_array, char2int = trained_model(request.param)
    folder = tmp_path_factory.mktemp("lm")
    torch.save(model.state_dict(), folder / "model.pt")
    (folder / "book.txt").write_text(TEXT)  # the vocabulary is sorted(set(text)), as the book builds it
    return model, char_array, char2int, str(folder / "model.pt"), str(folder / "book.txt")


def test_json_carries_the_books_generated_text_and_every_logits_bit_for_bit(capsys, files):
    model, char_array, char2int, weights, vocab = files
    status, out, err = run(capsys, "--weights", weights, "--vocab", vocab, "--text", "The island", "--generate",
                           "30", "--seed", "1", "--format", "json")
    assert status == 0, err
    document = json.loads(out)
    expected, logits = books_generation(model, char_array, char2int, "The island", 30, seed=1)
    assert document["generated"] == expected
    assert document["call_structure"] == "one token per call"
    assert len(document["steps"]) == len(logits)
    for step, expected_logits in zip(document["steps"], logits):
        # JSON holds each float32 as the float64 of the same value: read back as float32, the bits are the same
        assert torch.equal(torch.tensor(step["logits"], dtype=torch.float32), expected_logits)
    assert document["bitwise_equal"] is True
    assert all(all(step["bitwise_equal"].values()) for step in document["steps"])
    assert (document["fused"] is None) == (model.rnn.__class__.__name__ != "LSTM")


def test_the_text_says_what_it_assumed_which_call_structure_it_mirrors_and_what_it_drew(capsys, files):
    model, char_array, char2int, weights, vocab = files
    status, out, _ = run(capsys, "--weights", weights, "--vocab", vocab, "--text", "The", "--generate", "4",
                         "--scale", "0.5", "--seed", "3")
    assert status == 0
    lines = out.splitlines()
    assert "assumed, not recorded in the file:" in lines[0] and "Categorical(logits=logits * 0.5)" in lines[0]
    if model.rnn.__class__.__name__ == "RNN":  # the one option of nn.RNN a state dict does not record
        assert "nonlinearity=tanh (--nonlinearity relu" in lines[0]
    assert lines[1].startswith("call structure: one token per call")
    expected, _ = books_generation(model, char_array, char2int, "The", 4, scale=0.5, seed=3)
    assert f"generated: {expected!r}" in lines
    assert any(line.startswith("every stage bitwise identical") and line.endswith("yes") for line in lines)
    if model.rnn.__class__.__name__ == "LSTM":
        assert "fused kernel (mkldnn_rnn_layer)" in lines[-1]


def test_a_relu_rnn_is_stepped_as_relu_when_told(capsys, tmp_path):
    model, char_array, char2int = trained_model("rnn", steps=3, nonlinearity="relu")
    torch.save(model.state_dict(), tmp_path / "relu.pt")
    (tmp_path / "vocab.json").write_text(json.dumps(char_array))
    status, out, _ = run(capsys, "--weights", str(tmp_path / "relu.pt"), "--vocab", str(tmp_path / "vocab.json"),
                         "--text", "The island", "--generate", "10", "--nonlinearity", "relu", "--format", "json")
    assert status == 0
    assert json.loads(out)["generated"] == books_generation(model, char_array, char2int, "The island", 10)[0]
    assert json.loads(out)["bitwise_equal"] is True


@pytest.mark.parametrize("extra, message", [
    (["--text", "The"], "--text and --vocab go together"),
    (["--vocab", "VOCAB", "--text", "Thé"], "'é' (at character 2) is not in the vocabulary"),
    (["--vocab", "VOCAB", "--text", "The", "--hidden-size", "3"], "--hidden-size does not apply to --text"),
    (["--vocab", "VOCAB", "--text", "The", "--format", "csv"], "--format csv does not apply to --text"),
    (["--vocab", "VOCAB", "--text", ""], "--text: is empty"),
])
def test_bad_language_model_options_are_one_line_and_status_2(capsys, files, extra, message):
    _, _, _, weights, vocab = files
    status, out, err = run(capsys, "--weights", weights, *[vocab if a == "VOCAB" else a for a in extra])
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_vocabulary_of_another_size_than_the_embedding_is_refused(capsys, files, tmp_path):
    _, _, _, weights, _ = files
    (tmp_path / "small.json").write_text(json.dumps(["T", "h", "e"]))
    status, _, err = run(capsys, "--weights", weights, "--vocab", str(tmp_path / "small.json"), "--text", "The")
    assert status == 2 and "the vocabulary has 3 tokens but the model's embedding has 35 rows" in err
