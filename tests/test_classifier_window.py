"""The classifier's window (issue 27 §3, §4): the book's sentiment model over reviews of different lengths. Each
review word by word in its timestep's column, the word's embedding row lit, the packed cell's phases, the reviews
that have ended greyed and not stepped, and the head's output per review once its last real step is revealed, the
user's model's own output bit for bit."""

import importlib.resources

import numpy as np
import pytest
import torch

import rnn_stepper
from helpers import run_cli
from rnn_stepper.classifier_session import ClassifierSession
from rnn_stepper.ui import style
from rnn_stepper.ui.classifier_window import ENDED, ClassifierWindow
from test_sentiment_model import books_stages, reviews, trained_model

LENGTHS = (7, 3, 5, 2)
WEIGHTS = importlib.resources.files("rnn_stepper.resources") / "weights"


@pytest.fixture(scope="module")
def book():
    """The book's model trained a few steps, a padded batch of reviews, and the model's own output and stages."""
    model = trained_model()
    text, lengths = reviews(LENGTHS)
    output, stages = books_stages(model, text, lengths)
    return model, text, lengths, output, stages


@pytest.fixture
def window(qtbot, book, close_shown_windows):
    from rnn_stepper.ui import show

    model, text, lengths, _, _ = book
    rnn_stepper.show(model, text, lengths=lengths, block=False)
    shown = show.latest(show.windows[-1])
    assert isinstance(shown, ClassifierWindow)
    shown.resize(1280, 720)
    qtbot.waitExposed(shown)
    return shown


def output_column(window) -> list[str]:
    table = window.reviews
    return [table.item(b, table.columnCount() - 1).text() for b in range(table.rowCount())]


def test_each_review_is_written_word_by_word_with_its_padding_dotted(window, book):
    _, text, _, _, _ = book
    table = window.reviews
    for b, n in enumerate(LENGTHS):
        written = [table.item(b, t).text() for t in range(text.shape[1])]
        assert written == [f"#{int(k)}" for k in text[b, :n]] + ["·"] * (text.shape[1] - n)


def test_stepping_lights_each_words_embedding_row_and_the_cell_reads_it(window, book):
    _, text, _, _, stages = book
    s = window.session
    for t in range(max(LENGTHS)):
        s.cells.step()
        for b, n in enumerate(LENGTHS):
            s.show(b, t if t < n else None)
            if t < n:
                assert window.embedding.lit_row == int(text[b, t])
                assert np.array_equal(window.step_view.shown()["x"], stages["embedding"][b, t].numpy())
                assert f"x_t = “#{int(text[b, t])}”" in window.cell_heading.text()


def test_a_review_that_has_ended_is_greyed_not_stepped_and_its_embedding_row_not_lit(window):
    s = window.session
    s.show(3)  # two words long
    s.cells.move_to(3 * len(s.cells.phases))  # t = 2
    assert s.t == 2
    assert window.embedding.lit_row is None
    assert all(np.isnan(v).all() for v in window.step_view.shown().values())  # nothing computed for it
    assert "the review has ended after 2 words" in window.cell_heading.text()
    assert "3 of 4 reviews running" in window.cell_heading.text()
    assert window.reviews.item(3, 0).foreground().color().name() == ENDED
    assert window.reviews.item(0, 2).foreground().color().name() == style.FOREGROUND  # still running


def test_the_head_shows_each_reviews_output_once_its_last_step_is_revealed_the_models_own(window, book):
    _, _, _, output, stages = book
    s = window.session
    assert output_column(window) == ["?"] * 4
    s.cells.move_to(3 * len(s.cells.phases))  # three steps: reviews 1 and 3 (3 and 2 words) have ended
    column = output_column(window)
    assert [column[1], column[3]] == [f"{float(output[b, 0]):.3f}" for b in (1, 3)]
    assert [column[0], column[2]] == ["?", "?"]
    s.cells.run_to_end()
    assert output_column(window) == [f"{float(p):.3f}" for p in output[:, 0]]
    # the model's own numbers, bit for bit: the stages the head panel writes are the model's modules' outputs
    for b in range(4):
        s.show(b)
        assert torch.equal(s.trace.output[b], output[b])
        assert style.exact(output[b, 0].numpy()) in window.head.stages.text()
        assert style.exact(stages["fc2"][b, 0].numpy()) in window.head.stages.text()
    assert np.array_equal(window.head.bars.opts["width"], output[:, 0].numpy())
    assert "every stage bitwise equal to the model's own modules" in window.status.text()


def test_a_click_on_a_word_shows_that_review_at_that_step(window, qtbot):
    table = window.reviews
    table.cellClicked.emit(2, 3)
    assert (window.session.batch, window.session.t) == (2, 3)
    table.cellClicked.emit(1, 4)  # padding: the review, from its start
    assert window.session.batch == 1


def test_file_open_example_opens_the_shipped_sentiment_model_beside_the_stepper(qtbot):
    from rnn_stepper.ui import stages_window
    from rnn_stepper.ui.main_window import MainWindow

    stepper = MainWindow()
    qtbot.addWidget(stepper)
    stepper.classifier_example_action.trigger()
    window = stages_window.opened[-1]
    qtbot.addWidget(window)
    assert isinstance(window, ClassifierWindow) and window.isVisible()
    assert window.session.lengths == [6, 4, 3, 7]
    assert [window.reviews.item(0, t).text() for t in range(6)] == "a wonderful film with great acting".split()
    assert window.session.trace.bitwise_equal
    window.close()


def test_an_example_window_closed_is_freed_however_often_it_is_opened(qtbot):
    # Its slots held it through Qt's connections: each example opened and closed kept ~13 MiB to the program's end
    import gc
    import weakref

    from PySide6 import QtCore

    from rnn_stepper.ui import stages_window
    from rnn_stepper.ui.main_window import MainWindow

    stepper = MainWindow()
    qtbot.addWidget(stepper)
    closed = []
    for action in (stepper.classifier_example_action, stepper.language_example_action) * 2:
        action.trigger()
        window = stages_window.opened[-1]
        assert window.isVisible()
        closed.append(weakref.ref(window))
        window.close()
        del window
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)
        gc.collect()
    stages_window.opened.clear()  # as the next opening drops the closed ones
    gc.collect()
    assert [ref() for ref in closed] == [None] * 4
    stepper.model.step()  # the stepper carries on
    assert stepper.model.position == 4


def test_the_command_opens_the_window_on_a_state_dict_and_its_ids(shot, capsys):
    window = shot(capsys, "--weights", str(WEIGHTS / "sentiment.pt"), "--input", str(WEIGHTS / "sentiment_reviews.npy"),
                  "--lengths", "6,4,3,7", "--vocab", str(WEIGHTS / "sentiment_vocab.json"), "--steps", "4", "--batch",
                  "1", quiet=False)
    assert "assumed, not recorded in the weights file: the head's activations relu, sigmoid" in shot.err
    assert (window.session.batch, window.session.t) == (1, 3)
    assert window.embedding.lit_row == window.session.token_id(1, 3)
    status, _, err = run_cli(capsys, "--weights", str(WEIGHTS / "sentiment.pt"), "--input",
                             str(WEIGHTS / "sentiment_reviews.npy"), "--lengths", "6,4,3")
    assert status == 2 and err.count("\n") == 1 and "give 4" in err
    status, _, err = run_cli(capsys, "--weights", str(WEIGHTS / "sentiment.pt"), "--input",
                             str(WEIGHTS / "sentiment_reviews.npy"), "--lengths", "6,4,3,7", "--predict")
    assert status == 2 and err.count("\n") == 1 and "--predict does not apply to a classifier's window" in err


def test_the_classifier_session_steps_the_same_bits_as_the_stages():
    s = ClassifierSession.example()
    assert torch.equal(s.cells.trace.final["hidden"], s.trace.stages["h_n"])
    assert torch.equal(s.cells.trace.final["cell"], s.trace.stages["c_n"])
