"""Stepping through a trace, without a window: the rules every view follows."""

import numpy as np
import pytest

from notebook_code import nn_rnn_hidden
from rnn_stepper.core import InputError, RNNConfig, make_session
from rnn_stepper.model import StepperModel


def shown_hidden(model):
    return model.cell.hidden[model.t, model.batch].tolist()


def test_stepping_three_times_reveals_the_notebooks_hidden_states():
    model = StepperModel()
    assert model.position == 0 and model.t is None and model.completed == []
    seen = []
    for _ in range(3):
        model.step()
        assert model.phase == "hidden"
        seen.append(shown_hidden(model))
    assert seen == nn_rnn_hidden()
    assert model.completed == [0, 1, 2] and model.at_end
    model.step()
    assert model.position == model.end  # stepping past the end stays at the end


def test_phases_walk_the_equation_in_order_and_back():
    model = StepperModel()
    phases = []
    for _ in range(5):
        model.step_phase()
        phases.append((model.t, model.phase))
    assert phases == [(0, "input_projection"), (0, "recurrent_term"), (0, "pre_activation"), (0, "hidden"),
                      (1, "input_projection")]
    assert model.completed == [0]
    assert model.revealed("input_projection") and not model.revealed("recurrent_term")
    model.back_phase()
    assert (model.t, model.phase) == (0, "hidden")
    model.step_phase()
    model.back()  # back from the middle of step 1 goes to the end of step 0
    assert (model.t, model.phase) == (0, "hidden")
    model.back()
    assert model.position == 0
    model.run_to_end()
    assert model.completed == [0, 1, 2]
    model.reset()
    assert model.position == 0


def test_events_fire_once_per_move_and_not_when_nothing_moves():
    model = StepperModel()
    moves = []
    model.events.cursor.connect(lambda: moves.append(model.position))
    model.back()
    model.step()
    model.step_phase()
    assert moves == [4, 5]


def test_a_reverse_cell_is_walked_from_the_last_timestep():
    config = RNNConfig(input_size=5, hidden_size=2, bidirectional=True)
    model = StepperModel(make_session(config))
    model.show_cell(0, 1)
    model.step()
    assert model.t == 2 and model.completed == [2]


def test_changing_the_config_recomputes_and_keeps_the_cursor():
    model = StepperModel()
    model.step()
    model.step()
    traces = []
    model.events.trace.connect(lambda: traces.append(model.trace))
    model.configure(hidden_size=3)
    assert len(traces) == 1 and model.session.config.hidden_size == 3
    assert model.position == 8 and model.t == 1 and model.trace.bitwise_equal
    model.configure(order="textbook")
    # Whether the textbook order lands on nn.RNN's bits depends on this machine's BLAS; that it was recomputed does not.
    assert len(traces) == 2 and model.trace.session.order == "textbook" and model.position == 8
    model.configure(num_layers=2, bidirectional=True)
    model.show_cell(1, 1)
    assert (model.layer, model.direction) == (1, 1)
    model.configure(num_layers=1, bidirectional=False)
    assert (model.layer, model.direction) == (0, 0)


def test_a_new_input_size_pads_or_cuts_columns():
    model = StepperModel()
    model.configure(input_size=7)
    assert model.sequence()[0, 1].tolist() == [2, 2, 2, 2, 2, 0, 0]
    model.configure(input_size=3)
    assert model.sequence()[0, 2].tolist() == [3, 3, 3]


def test_dtype_change_keeps_the_weights_and_seed_change_draws_new_ones():
    model = StepperModel()
    w = model.session.weights["weight_hh_l0"].clone()
    model.configure(dtype="float64")
    assert model.session.weights["weight_hh_l0"].float().tolist() == w.tolist()
    model.configure(seed=2)
    assert model.session.weights["weight_hh_l0"].float().tolist() != w.tolist()


def test_a_config_that_does_not_fit_changes_nothing():
    model = StepperModel()
    before = model.session
    with pytest.raises(InputError):
        model.configure(hidden_size=0)
    with pytest.raises(InputError):
        model.configure(hidden_size=10**9)
    assert model.session is before


def test_editing_a_weight_recomputes_the_comparison_and_keeps_the_cursor():
    model = StepperModel()
    model.step()
    before = shown_hidden(model)
    model.set_weight("weight_ih_l0", (0, 0), 1.5)
    assert model.position == 4
    assert model.session.weights["weight_ih_l0"][0, 0].item() == 1.5
    assert shown_hidden(model) != before and model.trace.bitwise_equal
    assert model.session.seed is None  # no longer the seeded model


def test_editing_the_sequence_and_its_length():
    model = StepperModel()
    rows = model.sequence()
    rows = np.concatenate([rows, np.full((1, 1, 5), 4.0)], axis=1)
    model.run_to_end()
    model.set_sequence(rows)
    assert model.seq_len == 4 and model.position == 12  # the cursor stays; a new step is waiting
    model.step()
    assert model.t == 3 and model.trace.bitwise_equal
    model.set_sequence(rows[:, :2])
    assert model.seq_len == 2 and model.at_end


def test_a_session_opened_at_its_cursor_is_saved_until_edited():
    model = StepperModel()
    assert not model.dirty
    changes = []
    model.events.saved.connect(lambda: changes.append(model.dirty))
    model.step()
    assert not model.dirty  # moving the cursor is not an edit
    model.configure(hidden_size=3)
    assert model.dirty and changes == [True]
    model.mark_saved()
    assert not model.dirty and changes == [True, False]
    config = RNNConfig(input_size=5, hidden_size=2, num_layers=2, bidirectional=True)
    model.open_session(make_session(config), {"position": 5, "layer": 1, "direction": 1, "batch": 9})
    assert (model.position, model.layer, model.direction, model.batch) == (5, 1, 1, 0)
    assert model.t == 1 and not model.dirty


def test_every_change_can_be_undone_and_redone_and_undoing_back_to_the_file_is_saved_again():
    model = StepperModel()
    opened = model.session
    assert not model.can_undo and not model.undo()
    model.configure(hidden_size=3)
    model.set_weight("weight_hh_l0", (0, 1), 0.5)
    edited = model.session
    assert model.can_undo and model.dirty
    assert model.undo() and model.session.config.hidden_size == 3
    assert float(model.session.weights["weight_hh_l0"][0, 1]) != 0.5
    assert model.undo() and model.session is opened and not model.dirty  # the file's own session: nothing unsaved
    assert not model.can_undo and model.can_redo
    assert model.redo() and model.redo() and model.session is edited and model.dirty
    model.undo()
    model.configure(num_layers=2)  # a new change after an undo: what was undone cannot come back
    assert not model.can_redo and model.can_undo


def test_a_whole_train_run_is_one_change_to_undo():
    from rnn_stepper.backprop import Backprop

    model = StepperModel()
    before = model.session
    Backprop(model).train(steps=40, lr=0.05)  # twenty chunks, each shown as it is trained
    assert model.session is not before
    assert model.undo() and model.session is before and not model.can_undo


def test_opening_a_file_starts_a_new_history():
    model = StepperModel()
    model.configure(hidden_size=3)
    model.open_session(make_session(RNNConfig(input_size=2, hidden_size=2), [[1.0, 2.0]]))
    assert not model.can_undo and not model.can_redo
