"""The honest reveal as sequences (issue 26, item 5): Reset (Home), End, Back, Step, a phase either way, predict
on and off and the language switched, in random orders a seed fixes. After every action the test reads what
pyqtgraph holds to draw in every plot and heatmap of the window, ‖h_t‖ included: nothing past the cursor, and in
predict mode nothing of the step whose h_t the class is still guessing (‖h_0‖ before the first guess)."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow
from test_curtain import drawn_columns, drawn_steps

SESSIONS = {
    "notebook": RNNConfig(),
    "LSTM": RNNConfig(cell="lstm", input_size=3, hidden_size=3),
    "GRU, 12 units": RNNConfig(cell="gru", input_size=2, hidden_size=12),
}
ACTIONS = ("reset", "end", "back", "step", "step_phase", "back_phase", "predict", "language")


def window_for(qtbot, config: RNNConfig) -> MainWindow:
    inputs = torch.randn(1, 6, config.input_size, generator=torch.Generator().manual_seed(3))
    window = MainWindow(StepperModel(make_session(config, inputs, seed=5)))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    return window


def act(qtbot, window: MainWindow, action: str, language: list[str]) -> MainWindow:
    """One action as the user takes it: a toolbar action, the predict toggle, or the language menu."""
    if action == "predict":
        window.predict_action.trigger()
    elif action == "language":
        language[0] = "ko" if language[0] == "en" else "en"
        window = window.set_language(language[0])
        qtbot.addWidget(window)
    else:
        window.actions_by_name[action].trigger()
    return window


def check(window: MainWindow, where: str) -> None:
    model = window.model
    revealed = set(model.completed)
    comparison, sequence = window.comparison, window.sequence
    curves = comparison.manual_curves + comparison.reference_curves + [comparison.diff_curve, comparison.fused_curve]
    for item in curves + [sequence.norm_curve]:
        assert drawn_steps(item) <= revealed, where
    for state, view in sequence.heatmaps.items():
        assert drawn_columns(view) <= revealed, (where, state)
        hidden = [t for t in range(model.seq_len) if t not in revealed]
        assert np.isnan(view.values()[:, hidden]).all(), (where, state)
    if model.awaiting_guess:  # the class guesses h_t: its norm is not on show either
        assert model.t not in drawn_steps(sequence.norm_curve), where
    if model.position == 0:  # Reset: nothing at all, the whole curve gone (it stayed after End then Home)
        assert drawn_steps(sequence.norm_curve) == set(), where
    assert set(comparison.plotted()[0].tolist()) == revealed, where  # what is revealed is drawn


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", list(SESSIONS))
def test_nothing_past_the_cursor_is_drawn_after_any_sequence_of_actions(qtbot, name, seed):
    rng = random.Random(seed)
    window = window_for(qtbot, SESSIONS[name])
    language = ["en"]
    done = []
    check(window, "at the start")
    for _ in range(24):
        # a language switch builds a window anew: now and then, as a lecturer would
        action = rng.choice(ACTIONS if rng.random() < 0.25 else ACTIONS[:-1])
        window = act(qtbot, window, action, language)
        done.append(action)
        check(window, " → ".join(done))


def test_predict_mode_shows_no_norm_of_h0_before_the_class_has_guessed(qtbot):
    window = window_for(qtbot, SESSIONS["notebook"])
    window.predict_action.trigger()
    window.actions_by_name["step"].trigger()
    model = window.model
    assert model.awaiting_guess and model.t == 0
    assert drawn_steps(window.sequence.norm_curve) == set()
    check(window, "predict, one step")
