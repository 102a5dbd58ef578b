"""Issue 12 §2, the state that flows: the step strip shows the state a step reads as a vector of its own, h_{t-1}
(h_{t+1} in the reverse direction; the initial state h₀ where the walk starts), with the arrow from h_t back to
it; the reverse direction says t+1 wherever it names that state; a higher layer's x_t is the layer below's
[forward ‖ reverse] output, its halves marked. Every number is compared with the trace computed in the same run."""

import numpy as np
import pytest

from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.core.equations import previous_state_label
from rnn_stepper.model import StepperModel
from standalone_panels import step_panel

SEQUENCE = [[0.5 * t - 1.0] * 3 for t in range(4)]


def session(cell="rnn", **options):
    config = RNNConfig(cell=cell, input_size=3, hidden_size=2, **options)
    cells = config.num_layers * config.num_directions
    # a non-zero initial state, so that "the initial state" is told apart from zeros
    h0 = np.linspace(-0.7, 0.6, cells * 2).reshape(cells, 1, 2)
    c0 = np.linspace(0.3, -0.4, cells * 2).reshape(cells, 1, 2) if cell == "lstm" else None
    return make_session(config, SEQUENCE, seed=3, h0=h0, c0=c0)


@pytest.fixture
def panel(qtbot):
    return lambda model: step_panel(qtbot, model, size=(1400, 500))


def strip(panel, name):
    return panel.vectors[name].values().ravel()


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("direction", [0, 1])
def test_the_strip_shows_the_state_each_step_reads_from_the_initial_state_on(panel, cell, direction):
    model = StepperModel(session(cell, bidirectional=True))
    model.show_cell(0, direction)
    view = panel(model)
    trace_cell = model.cell
    states = {"h_prev": "hidden"} | ({"c_prev": "cell"} if cell == "lstm" else {})
    # before the first click the strip already shows what the first step will read: the initial state
    for name, state in states.items():
        assert np.array_equal(strip(view, name), trace_cell.initial[state][0].numpy())
    for i, t in enumerate(trace_cell.walk):
        model.step()
        assert model.t == t
        for name, state in states.items():
            expected = trace_cell.initial[state][0] if i == 0 else trace_cell.phases[state][trace_cell.walk[i - 1], 0]
            assert np.array_equal(strip(view, name), expected.numpy())
            assert np.array_equal(strip(view, name), getattr(trace_cell, name)[t, 0].numpy())
        # in the reverse direction that is the state computed at t + 1
        if i and direction == 1:
            assert np.array_equal(strip(view, "h_prev"), trace_cell.hidden[t + 1, 0].numpy())


def test_a_previous_state_stands_just_before_the_first_phase_that_reads_it(panel):
    rnn = panel(StepperModel(session("rnn")))
    assert list(rnn.vectors) == ["x", "input_projection", "h_prev", "recurrent_term", "pre_activation", "hidden"]
    lstm = panel(StepperModel(session("lstm")))
    names = list(lstm.vectors)
    assert names.index("h_prev") == names.index("recurrent_term") - 1
    assert names.index("c_prev") == names.index("cell") - 1
    assert lstm.loop.ends == ("hidden", "h_prev")  # the arrow from this step's h_t back to the next step's h_{t-1}


def test_the_initial_state_is_labelled_h0_initial_and_later_states_by_their_timestep(panel):
    model = StepperModel(session("gru"))
    view = panel(model)
    model.step()
    title, _, subtitle = view.vectors["h_prev"]._title
    assert title == "h<sub>t-1</sub>" and subtitle == "h₀ (initial)"
    model.step()
    assert view.vectors["h_prev"]._title[2] == "= h<sub>0</sub>"
    assert previous_state_label("h", [0, 1, 2], 0) == "h₀ (initial)"
    assert previous_state_label("h", [0, 1, 2], 2) == "h_1 (t-1)"


def test_the_reverse_direction_says_t_plus_1_in_the_strip_the_equation_and_the_explanation(panel):
    model = StepperModel(session("rnn", bidirectional=True))
    model.show_cell(0, 1)
    view = panel(model)
    model.step()
    model.step()  # t = T-2, which reads h_{T-1}
    assert model.t == len(SEQUENCE) - 2
    assert view.vectors["h_prev"]._title[0].startswith("h<sub>t+1</sub>")
    assert "h<sub>t+1</sub>" in view.vectors["recurrent_term"]._title[2]
    model.move_to(model.position - 2)  # the recurrent term of the same step
    assert model.phase == "recurrent_term"
    assert f"W_hh h_{len(SEQUENCE) - 1}" in view.equation.text() and "t-1" not in view.equation.text()
    assert "h_t+1" in view.explanation.text()
    texts = [v._title[0] + v._title[2] + v.toolTip() for v in view.vectors.values()]
    assert not any("t-1" in text for text in texts)


def test_the_forward_direction_never_speaks_of_t_plus_1(panel):
    model = StepperModel(session("rnn"))
    view = panel(model)
    model.step()
    model.step()
    model.move_to(model.position - 2)
    assert "t+1" not in view.explanation.text() + view.equation.text()
    assert all("t+1" not in v._title[0] + v._title[2] for v in view.vectors.values())


def test_a_second_layer_reads_the_first_layers_forward_and_reverse_halves_marked_apart(panel):
    model = StepperModel(session("rnn", num_layers=2, bidirectional=True))
    model.show_cell(1, 0)
    view = panel(model)
    model.step()
    x = view.vectors["x"]
    below = model.trace.cell(0, 0).hidden[model.t, 0], model.trace.cell(0, 1).hidden[model.t, 0]
    assert np.array_equal(x.values().ravel(), np.concatenate([b.numpy() for b in below]))
    assert x._blocks == ("→", "←") and len(x._separators) == 1  # one line between the two halves
    assert [x._label("left", r) for r in range(4)] == ["→0", "→1", "←0", "←1"]
    assert "layer 0" in x._title[2] and "[→ ‖ ←]" in x._title[2]
    assert "forward" in x.toolTip() and "reverse" in x.toolTip()
    model.show_cell(0, 0)  # layer 0 reads the input itself: no halves
    assert view.vectors["x"]._blocks == () and view.vectors["x"]._title[2] == "input"


def test_a_second_layer_of_a_one_way_model_reads_the_first_layers_h(panel):
    model = StepperModel(session("gru", num_layers=2))
    model.show_cell(1, 0)
    view = panel(model)
    assert view.vectors["x"]._blocks == () and "layer 0" in view.vectors["x"]._title[2]


def test_trace_text_says_where_a_higher_layers_input_comes_from(capsys):
    from rnn_stepper.cli import main

    assert main(["trace", "--num-layers", "2", "--bidirectional", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    layer1 = out.split("== layer 1, forward ==")[1]
    assert layer1.lstrip().startswith("input x_t = [forward ‖ reverse] h_t of layer 0")
    assert "of layer" not in out.split("== layer 1, forward ==")[0]


def test_a_long_strip_goes_onto_two_rows_where_one_would_not_hold_its_numbers_and_keeps_every_vector(panel):
    from rnn_stepper.ui.step_panel import strip_rows

    model = StepperModel(session("lstm"))
    view = panel(model)  # 1,400 px: room for all eleven vectors on one row
    assert view.strip_plan[1] == () and view.loop.ends == ("hidden", "h_prev")
    view.resize(500, 500)  # too narrow for eleven: what the step reads above, what it computes below
    above, below = view.strip_plan
    assert set(above) == {"x", "h_prev", "c_prev", "input_projection", "recurrent_term"}
    assert below == tuple(name for name in view.vectors if name not in above)
    assert all(vector.isVisibleTo(view) for vector in view.vectors.values())
    assert view.loop.ends is None  # h_{t-1} stands above h_t: its caption says where it comes from
    view.resize(1400, 500)
    assert view.strip_plan[1] == () and view.loop.ends == ("hidden", "h_prev")
    # the planner alone: an nn.RNN's short strip keeps one row at any width
    names = ("x", "input_projection", "h_prev", "recurrent_term", "pre_activation", "hidden")
    assert strip_rows(names, ("x", "h_prev"), 100, 20) == (names, ())
    short = panel(StepperModel(session("rnn")))
    short.resize(400, 500)  # an nn.RNN's strip is short: its h_{t-1} always stays
    assert short.vectors["h_prev"].isVisibleTo(short)
