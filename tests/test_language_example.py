"""The shipped character model (resources/weights/char_lstm.pt, trained by train_char_lstm.py on the opening of
The Mysterious Island beside it): small, credited, and generating through `trace --text` what the book's sample()
generates on the same model, characters and logits bit for bit."""

import importlib.resources
import json

import torch

from book_models import RNN, books_generation
from helpers import run_cli

WEIGHTS = importlib.resources.files("rnn_stepper.resources") / "weights"
MODEL, TEXT = WEIGHTS / "char_lstm.pt", WEIGHTS / "mysterious_island.txt"


def books_model():
    """The shipped state dict in the book's own class, and the book's char_array and char2int for its text."""
    text = TEXT.read_text(encoding="utf-8")
    char_array = sorted(set(text))
    state = torch.load(str(MODEL), weights_only=True)
    V, E = state["embedding.weight"].shape
    model = RNN(V, E, state["rnn.weight_hh_l0"].shape[1])
    model.load_state_dict(state)
    return model.eval(), char_array, {ch: i for i, ch in enumerate(char_array)}


def test_the_example_is_small_public_domain_and_credited():
    assert len(MODEL.read_bytes()) < 1_000_000
    text = TEXT.read_text(encoding="utf-8")
    assert "Project Gutenberg" in text.splitlines()[0] and "#1268" in text.splitlines()[0]
    assert len(text.encode("utf-8")) < 8_000  # a few kilobytes of the book, not the book
    assert (WEIGHTS / "train_char_lstm.py").is_file()


def test_the_shipped_model_generates_through_trace_as_the_books_sample(capsys):
    model, char_array, char2int = books_model()
    status, out, err = run_cli(capsys, "trace", "--weights", str(MODEL), "--vocab", str(TEXT), "--text",
                               "The island", "--generate", "40", "--seed", "1", "--format", "json")
    assert status == 0, err
    document = json.loads(out)
    expected, logits = books_generation(model, char_array, char2int, "The island", 40, seed=1)
    assert document["generated"] == expected
    assert len(document["steps"]) == len(logits)
    for step, expected_logits in zip(document["steps"], logits):
        assert torch.equal(torch.tensor(step["logits"], dtype=torch.float32), expected_logits)
    assert document["bitwise_equal"] is True


def test_the_shipped_model_has_learnt_letters_from_its_text():
    """Trained, not random: after "The island" its most probable next characters are ones the text uses there
    (a space or a letter), and what it draws is mostly letters and spaces."""
    model, char_array, char2int = books_model()
    text, _ = books_generation(model, char_array, char2int, "The island", 60, seed=1)
    drawn = text[len("The island"):]
    assert sum(ch.isalpha() or ch == " " for ch in drawn) >= 0.85 * len(drawn)
