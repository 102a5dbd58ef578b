"""What a weights file does not record is said in the window, not only on `trace`'s first line (issue 27 §5): the
stepper's note under its tool bar, the classifier's and the language model's above their stages, each assumption
with the flag that changes it; an option set in the window is no longer said to be assumed."""

import importlib.resources

import numpy as np
import torch

WEIGHTS = importlib.resources.files("rnn_stepper.resources") / "weights"


def test_a_checkpoint_without_its_nonlinearity_says_tanh_was_assumed_until_it_is_set(shot, capsys, tmp_path):
    torch.manual_seed(3)
    torch.save(torch.nn.RNN(4, 3, nonlinearity="relu", batch_first=True).state_dict(), tmp_path / "relu.pt")
    np.save(tmp_path / "x.npy", np.random.RandomState(0).randn(1, 5, 4).astype("float32"))
    window = shot(capsys, "--weights", str(tmp_path / "relu.pt"), "--input", str(tmp_path / "x.npy"), quiet=False)
    note = window.assumed.text()
    assert window.assumption_bar.isVisibleTo(window)
    assert "nonlinearity=tanh (--nonlinearity relu if the model was built with it)" in note
    assert "batch_first=True (--seq-first" in note
    window.model.configure(nonlinearity="relu")  # set in the window: no longer an assumption
    assert "nonlinearity" not in window.assumed.text() and "batch_first=True" in window.assumed.text()


def test_a_session_without_a_weights_file_assumes_nothing(shot, capsys):
    window = shot(capsys, "--steps", "1")
    assert not window.assumption_bar.isVisibleTo(window)


def test_the_classifier_window_says_the_head_activations_it_assumed(shot, capsys):
    window = shot(capsys, "--weights", str(WEIGHTS / "sentiment.pt"), "--input", str(WEIGHTS / "sentiment_reviews.npy"),
                  "--lengths", "6,4,3,7", quiet=False)
    assert window.assumed.isVisibleTo(window)
    assert "the head's activations relu, sigmoid, the book's (--activations" in window.assumed.text()


def test_the_language_window_says_what_it_assumed_of_the_head(shot, capsys):
    window = shot(capsys, "--weights", str(WEIGHTS / "char_lstm.pt"), "--vocab", str(WEIGHTS / "mysterious_island.txt"),
                  "--text", "The island")
    assert window.assumed.isVisibleTo(window)
    assert "the head is the Linear alone" in window.assumed.text()
