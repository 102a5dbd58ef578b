"""Issue 12 §3, Predict, then reveal as an exercise: when the step stops before h_t, h_t's cells show "?", a prompt
asks for a guess, and the class types one per unit; the reveal shows each guess beside the truth and the error,
computed from the trace in the same run. A guess that is not a number gets a clear message, never a crash. The
guesses are the model's and go with the step they were typed at."""

import numpy as np
import pytest

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.core.errors import InputError
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.guess_row import parse_guesses
from standalone_panels import step_panel


def predicting(hidden_size=2, cell="rnn"):
    model = StepperModel(make_session(RNNConfig(cell=cell, hidden_size=hidden_size)))
    model.set_predict(True)
    return model


@pytest.fixture
def panel(qtbot):
    return lambda model: step_panel(qtbot, model, size=(1400, 600))


def type_into(qtbot, field, text):
    """As a person types it and presses Enter (a character no key makes, like −, is pasted)."""
    field.setFocus()
    field.selectAll()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:
        field.insert(text)
    qtbot.keyClick(field, "\r")


# --- the model ---------------------------------------------------------------------------------------------------

def test_guesses_belong_to_the_step_they_were_typed_at():
    model = predicting()
    model.step()
    assert model.awaiting_guess and model.phase == "pre_activation"
    heard = []
    model.events.guesses.connect(lambda: heard.append(dict(model.guesses)))
    model.set_guess(0, 0.25)
    model.set_guess(1, -0.5)
    assert model.guesses == {0: 0.25, 1: -0.5} and heard[-1] == {0: 0.25, 1: -0.5}
    assert model.guess_errors() == {}  # nothing to compare with before the reveal
    model.step()  # the reveal
    assert not model.awaiting_guess and model.phase == "hidden"
    truth = model.cell.hidden[model.t, 0].double().numpy()
    errors = model.guess_errors()
    assert errors == {0: (0.25, truth[0], 0.25 - truth[0]), 1: (-0.5, truth[1], -0.5 - truth[1])}
    model.step()  # the next step starts without them
    assert model.awaiting_guess and model.guesses == {}
    model.back()
    assert model.guesses == {}  # and they do not come back


def test_a_guess_for_a_unit_h_t_does_not_have_is_refused_with_a_message():
    model = predicting()
    model.step()
    with pytest.raises(InputError, match="units 0 … 1"):
        model.set_guess(2, 0.0)
    assert model.guesses == {}


def test_another_cell_or_a_new_session_forgets_the_guesses():
    model = predicting()
    model.step()
    model.set_guess(0, 0.1)
    model.configure(seed=7)
    assert model.guesses == {}


def test_without_predict_then_reveal_there_is_nothing_to_guess():
    model = StepperModel(make_session(RNNConfig()))
    model.step()
    assert not model.awaiting_guess


# --- the window ----------------------------------------------------------------------------------------------------

def test_the_hidden_cells_show_a_question_mark_and_the_prompt_asks_for_a_guess(panel):
    model = predicting()
    view = panel(model)
    assert not view.guess_row.isVisible() and not view.question_marks
    model.step()
    assert np.isnan(view.vectors["hidden"].values()).all()
    marks = [mark.textItem.toPlainText() for mark in view.question_marks]
    assert marks == ["?", "?"]  # one per cell of h_t on show
    assert view.guess_row.isVisible() and "Guess h_t" in view.guess_row.prompt.text()
    assert [field.objectName() for field in view.guess_row.fields] == ["guess-0", "guess-1"]
    model.step()
    assert not view.question_marks


def test_typed_guesses_are_revealed_beside_the_truth_and_the_error(qtbot, panel):
    model = predicting()
    view = panel(model)
    model.step()
    model.step()
    model.step()  # t = 1, waiting
    first, second = view.guess_row.fields
    type_into(qtbot, first, "0.5")
    type_into(qtbot, second, "−0.25")  # a typographic minus, as a slide would have it
    assert model.guesses == {0: 0.5, 1: -0.25}
    model.step()
    truth = model.cell.hidden[1, 0].double().numpy()
    text = view.guess_row.result.text()
    assert view.guess_row.result.isVisible() and "Your guess" in view.guess_row.prompt.text()
    for guess, value in zip((0.5, -0.25), truth):
        error = guess - value
        assert f"{value:.4g}"[:5] in text
        assert f"error {'+' if error > 0 else ''}{error:.3g}"[:10] in text
    assert not any(field.isVisible() or field.isEnabled() for field in view.guess_row.fields)  # no more guessing


def test_a_guess_that_is_not_a_number_says_how_to_fix_it_and_changes_nothing(qtbot, panel):
    model = predicting()
    view = panel(model)
    messages = []
    model.events.message.connect(messages.append)
    model.step()
    field = view.guess_row.fields[0]
    type_into(qtbot, field, "about a half")
    assert model.guesses == {}
    assert messages and "is not a number" in messages[-1] and "0.5" in messages[-1]
    assert "ffd6d6" in field.styleSheet() and "not a number" in field.toolTip()
    type_into(qtbot, field, "0.5")
    assert model.guesses == {0: 0.5} and field.styleSheet() == ""


def test_a_wide_h_t_takes_its_guess_as_one_vector(qtbot, panel):
    model = predicting(hidden_size=12)
    view = panel(model)
    model.step()
    (field,) = view.guess_row.fields
    messages = []
    model.events.message.connect(messages.append)
    type_into(qtbot, field, "0.1 0.2")
    assert model.guesses == {} and "12 units" in messages[-1]
    type_into(qtbot, field, " ".join(str(k / 10) for k in range(12)))
    assert model.guesses == {k: k / 10 for k in range(12)}
    model.step()
    assert "12 guesses in all" in view.guess_row.result.text()


def test_parse_guesses_reads_commas_spaces_and_brackets():
    assert parse_guesses("[0.5, -1e-3]", 2) == [0.5, -0.001]
    with pytest.raises(InputError, match="type 3 numbers"):
        parse_guesses("1 2", 3)
    with pytest.raises(InputError, match="not a number"):
        parse_guesses("1 x", 2)


def test_a_guess_typed_without_enter_is_taken_when_step_is_clicked(qtbot):
    # issue 26: a toolbar button takes no focus, so the last field never finished its editing and its guess was
    # dropped; with only that one guess typed, no comparison appeared at all
    from rnn_stepper.ui.main_window import MainWindow

    model = predicting()
    window = MainWindow(model)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    model.step()
    assert model.awaiting_guess
    fields = window.step_view.guess_row.fields
    fields[-1].setFocus()
    qtbot.keyClicks(fields[-1], "0.5")  # no Enter, no Tab
    window.actions_by_name["step"].trigger()
    truth = float(model.cell.hidden[model.t, 0, len(fields) - 1])
    assert model.guess_errors() == {len(fields) - 1: (0.5, truth, 0.5 - truth)}
    assert "0.5" in window.step_view.guess_row.result.text()
