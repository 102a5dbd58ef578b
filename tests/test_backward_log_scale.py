"""The backward page's colours (issue 26, item 4): every gradient on one symmetric log scale, fixed for the walk,
so a gradient that vanishes step by step back pales decade by decade; the numbers stay the true values, and a
legend on show says it is a log scale."""

import numpy as np
import pytest

from rnn_stepper.backprop import Backprop
from rnn_stepper.core.session_file import load_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import style
from rnn_stepper.ui.backward_panel import BackwardPanel
from rnn_stepper.ui.session_files import example_sessions


@pytest.fixture
def panel(qtbot):
    model = StepperModel()
    view = BackwardPanel(model, Backprop(model))
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    return view


def walk_to(panel, t: int) -> None:
    """Step back (whole steps) until the walk shows step t's first phase onwards."""
    panel.walk.walk_back(one_phase=False)
    while panel.backprop.t != t:
        panel.walk.walk_back(one_phase=False)


def whiteness(view, row: int) -> float:
    """How close to white the drawn colour of a vector's cell is: 1 white, lower darker."""
    rgba = view.image.image[row, 0].astype(float)
    return float(rgba[:3].mean() / 255.0)


def test_the_scale_is_the_walks_largest_gradient_rounded_up_to_a_decade(panel):
    walk_to(panel, 2)
    gradients = panel.backprop.gradients
    largest = max(float(gradients.hidden.abs().max()), float(gradients.pre_activation.abs().max()))
    top = panel.walk.scale_legend.log_top
    assert largest <= top < 10 * largest or top == style.log_top(largest)
    assert top >= largest
    for view in [*panel.walk.vectors.values(), panel.walk.weight_view, panel.input_weights.input_weight_view]:
        assert view.log_top == top


def test_a_smaller_gradient_back_in_time_is_drawn_paler_not_refitted_to_its_own_view(panel):
    walk_to(panel, 2)
    late = panel.backprop.incoming()
    late_row = int(np.argmax(np.abs(late)))
    late_white = whiteness(panel.walk.vectors["incoming"], late_row)
    walk_to(panel, 0)
    early = panel.backprop.incoming()
    early_row = int(np.argmax(np.abs(early)))
    assert np.abs(early).max() < np.abs(late).max() / 5  # the default session's gradient fades step by step back
    # each the largest of its own view: fitted per view they were drawn alike (the bug); on one scale they differ
    assert whiteness(panel.walk.vectors["incoming"], early_row) > late_white + 0.05


def test_the_colour_follows_the_decade_and_the_number_stays_the_true_value(panel):
    walk_to(panel, 1)
    view = panel.walk.vectors["incoming"]
    values = panel.backprop.incoming()
    expected = style.cell_colours(style.log_position(values[:, None], panel.walk.scale_legend.log_top), 1.0)
    assert np.array_equal(view.image.image, expected)
    decimals = style.view_decimals(float(np.abs(values).max()))
    assert [row[0] for row in view.cell_texts()] == [style.in_view(float(v), decimals) for v in values]


def test_magnitudes_more_than_six_decades_under_the_top_are_drawn_as_zero(panel):
    session, _ = load_session(example_sessions()["gradient-vanishing"])
    panel.model.set_session(session)
    walk_to(panel, panel.model.cell.walk[0])
    early = panel.backprop.incoming()
    assert np.abs(early).max() < panel.walk.scale_legend.log_top * 10.0 ** -style.LOG_DECADES
    zero = style.cell_colours(np.zeros((1, 1)), 1.0)[0, 0]  # the colormap's middle, its palest
    assert (panel.walk.vectors["incoming"].image.image == zero).all()


def test_a_legend_on_show_says_it_is_a_log_scale(panel):
    legend = panel.walk.scale_legend
    assert legend.isVisible() and "log" in legend.text()
    walk_to(panel, 2)
    assert legend.isVisible() and style.power_of_ten(legend.log_top) in legend.text()
    assert "log scale" in legend.toolTip()


def test_log_position_keeps_the_sign_and_spends_the_colours_on_decades():
    values = np.array([1.0, -1.0, 1e-3, -1e-3, 1e-6, 1e-9, 0.0, np.nan, 10.0])
    position = style.log_position(values, 1.0, decades=6)
    np.testing.assert_allclose(position[:7], [1.0, -1.0, 0.5, -0.5, 0.0, 0.0, 0.0], atol=1e-12)
    assert np.isnan(position[7]) and position[8] == 1.0
    assert [style.power_of_ten(v) for v in (1.0, 10.0, 1e-3, -1e-6)] == ["1", "10", "10⁻³", "−10⁻⁶"]


def test_the_connectivity_pages_dashed_boxes_are_explained_on_the_page(qtbot, panel):
    import torch

    from rnn_stepper.core import RNNConfig, make_session

    # inputs of 10: every h_t sits at tanh's ends
    panel.model.set_session(make_session(RNNConfig(), torch.full((1, 3, 5), 10.0), seed=1))
    panel.model.run_to_end()
    panel.story.setCurrentIndex(panel.CONNECTIVITY)
    qtbot.wait(50)
    view = panel.connectivity.state_view
    assert view.saturated_cells()  # the vanishing example's states sit at tanh's ends
    assert "dashed box: saturated" in view.title.text
