"""The backward panel (issue 15): given the notebook's session run to its end, Step back shows autograd's own
gradients phase by phase with their equations, the recurrent weights' gradient filling in to autograd's .grad,
and ‖∂L/∂h_t‖ with what ρ(W_hh) and tanh' predict."""

import numpy as np
import pytest
import torch
from PySide6 import QtCore

import legibility
from rnn_stepper.backprop import Backprop
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.core.backward import autograd_gradients, next_input_loss
from rnn_stepper.core.session_file import load_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.backward_panel import BackwardPanel
from rnn_stepper.ui.session_files import SessionFiles, example_sessions
from rnn_stepper.ui.style import vector_text


@pytest.fixture
def panel(qtbot):
    model = StepperModel()
    backprop = Backprop(model)
    view = BackwardPanel(model, backprop)
    qtbot.addWidget(view)
    view.resize(1200, 500)
    view.show()
    return view


def test_step_back_is_offered_once_the_gradients_exist_and_the_forward_pass_is_at_t(qtbot, panel):
    qtbot.mouseClick(panel.walk.compute_button, QtCore.Qt.LeftButton)
    assert "runs the forward pass to its end" in panel.walk.heading.text()
    panel.model.run_to_end()
    assert panel.walk.back_button.isEnabled() and "walks t = 2 … 0" in panel.walk.heading.text()


@pytest.mark.parametrize("button", ["back_button", "phase_button"])
def test_step_back_works_from_anywhere_running_the_forward_pass_to_its_end_first(qtbot, panel, button):
    # issue 26: the buttons looked enabled and did nothing until the forward pass was at its end
    assert panel.model.position == 0 and panel.backprop.backward is None
    assert getattr(panel.walk, button).isEnabled()
    qtbot.mouseClick(getattr(panel.walk, button), QtCore.Qt.LeftButton)
    assert panel.model.at_end and panel.backprop.backward is not None
    assert panel.backprop.position == (4 if button == "back_button" else 1)
    assert panel.backprop.t == 2 and "Backward, t = 2" in panel.walk.heading.text()


def test_stepping_back_writes_each_phase_with_autograds_numbers(qtbot, panel):
    panel.backprop.compute()
    panel.model.run_to_end()
    qtbot.mouseClick(panel.walk.phase_button, QtCore.Qt.LeftButton)
    incoming = panel.backprop.incoming()
    assert panel.walk.equation.text().startswith("δh_2 = ∂L/∂h_2  (1 from the loss Σ h_n)")
    assert vector_text(incoming) in panel.walk.equation.text()
    qtbot.mouseClick(panel.walk.phase_button, QtCore.Qt.LeftButton)
    assert "δz_2 = δh_2 ⊙ (1 − h_2²)" in panel.walk.equation.text()
    assert np.array_equal(panel.walk.vectors["pre_activation"].values()[:, 0], panel.backprop.pre_activation())
    for _ in range(3 * 4 - 3):
        qtbot.mouseClick(panel.walk.phase_button, QtCore.Qt.LeftButton)
    assert np.isnan(panel.input_weights.input_weight_view.values()).all()  # not before the walk's last phase
    qtbot.mouseClick(panel.walk.phase_button, QtCore.Qt.LeftButton)
    assert panel.backprop.t == 0 and not panel.walk.back_button.isEnabled()
    # every step's share summed in: the heatmap shows autograd's ∂L/∂W_hh, bit for bit
    reference = autograd_gradients(panel.model.trace).parameters
    assert np.array_equal(panel.walk.weight_view.values(), reference["weight_hh_l0"].numpy())
    # W_ih's gradient is one product over every step: it shows whole once the walk is done, on a page of its own
    assert np.array_equal(panel.input_weights.input_weight_view.values(), reference["weight_ih_l0"].numpy())
    assert panel.story.currentIndex() == panel.INPUT_WEIGHTS and panel.input_weights.input_weight_view.isVisible()
    for kind in ("bias_ih", "bias_hh"):  # and the biases' beside it
        assert np.array_equal(panel.input_weights.bias_views[kind].values()[0], reference[f"{kind}_l0"].numpy())
    assert "the walk back ends here" in panel.walk.equation.text()


def test_the_vanishing_example_says_why_the_gradient_fades(qtbot, panel):
    session, _ = load_session(example_sessions()["gradient-vanishing"])
    panel.model.set_session(session)
    panel.backprop.compute()
    norms = panel.forgetting.norm_curve.getData()[1]
    assert norms[0] < 1e-12 * norms[-1]
    prediction = panel.forgetting.prediction.text()
    assert "ρ(W_hh) = 0.500" in prediction and "vanishes" in prediction


def test_connectivity_shows_which_inputs_a_unit_still_depends_on(qtbot, panel):
    panel.connectivity.link_time.setValue(1)
    panel.connectivity.link_unit.setValue(0)
    qtbot.mouseClick(panel.connectivity.link_button, QtCore.Qt.LeftButton)
    heights = panel.connectivity.link_bars.opts["height"]
    assert heights[0] > 0 and heights[1] > 0 and heights[2] == 0  # h_1 has read x_0 and x_1, not x_2


def test_training_plots_the_loss_and_shows_the_trained_weights(qtbot, panel):
    said = []
    panel.model.events.message.connect(said.append)
    before = panel.model.session.weights["weight_hh_l0"].clone()
    start = {name: weight.clone() for name, weight in panel.model.session.weights.items()}
    panel.training.train_steps.setValue(5)
    panel.training.train_rate.setText("0.05")
    qtbot.mouseClick(panel.training.train_button, QtCore.Qt.LeftButton)
    assert len(panel.backprop.training_losses) == 5 and panel.training.loss_plot.isVisible()
    assert not np.array_equal(panel.model.session.weights["weight_hh_l0"].numpy(), before.numpy())
    losses = panel.backprop.training_losses
    assert losses[-1] < losses[0]  # Σ h_n goes down: SGD pushes every h toward −1
    # and the window says what changed: the loss before and after, the parameter that moved most
    moved = {name: float((panel.model.session.weights[name].double() - weight.double()).abs().max())
             for name, weight in start.items()}
    most = max(moved, key=moved.get)
    assert said[-1].startswith("Trained 5 SGD steps") and f"{most} moved most, by up to {moved[most]:.3g}" in said[-1]


def test_training_with_adam_says_so_and_uses_adams_own_rate(qtbot, panel):
    said = []
    panel.model.events.message.connect(said.append)
    panel.training.train_optimizer.setCurrentIndex(panel.training.train_optimizer.findData("Adam"))
    assert panel.training.train_rate.text() == "0.01"  # the field held SGD's usual rate: it takes Adam's
    panel.training.train_steps.setValue(4)
    qtbot.mouseClick(panel.training.train_button, QtCore.Qt.LeftButton)
    losses = panel.backprop.training_losses
    assert len(losses) == 4 and losses[-1] < losses[0] and said[-1].startswith("Trained 4 Adam steps")
    assert "Loss over the Adam steps (4 so far)" in panel.training.loss_plot.getPlotItem().titleLabel.text
    panel.training.train_rate.setText("0.003")  # a rate of the user's own stays when the optimizer changes
    panel.training.train_optimizer.setCurrentIndex(panel.training.train_optimizer.findData("SGD"))
    assert panel.training.train_rate.text() == "0.003"


def test_a_learning_rate_that_is_not_a_number_gets_a_message(qtbot, panel):
    said = []
    panel.model.events.message.connect(said.append)
    panel.training.train_rate.setText("fast")
    qtbot.mouseClick(panel.training.train_button, QtCore.Qt.LeftButton)
    assert said == ["The learning rate must be a number, e.g. 0.1"] and panel.model.session.seed == 1


def test_the_loss_box_starts_on_the_next_input_as_target_where_it_fits_the_output(qtbot):
    session = make_session(RNNConfig(input_size=3, hidden_size=3), torch.randn(5, 2, 3))
    model = StepperModel(session)
    panel = BackwardPanel(model, Backprop(model))
    qtbot.addWidget(panel)
    index = panel.walk.loss.loss_box.findText("L = MSE(output, x_{t+1})")
    assert index == 0  # a task where there is one: offered first, and the page starts on it
    panel.walk.loss.loss_box.setCurrentIndex(index)
    panel.walk.loss.loss_box.activated.emit(index)
    assert panel.backprop.loss.kind == "mse"
    assert torch.equal(panel.backprop.loss.target, next_input_loss(session).target)


def test_a_classifiers_checkpoint_brings_its_head_and_a_cross_entropy_loss(qtbot, panel, tmp_path):
    # PyTorch's names tutorial keeps its nn.RNN as `rnn` and the classifier head beside it as `h2o`
    torch.manual_seed(3)
    model = torch.nn.Module()
    model.rnn, model.h2o = torch.nn.RNN(5, 2), torch.nn.Linear(2, 4)
    path = tmp_path / "char_rnn.pt"
    torch.save(model.state_dict(), path)
    window_files = SessionFiles(panel.model, panel)
    assert window_files.import_weights(str(path))
    assert list(panel.model.heads) == ["h2o."]
    index = panel.walk.loss.loss_box.findText("L = CE(h2o(h_n[-1]))")
    assert index > 0
    panel.walk.loss.loss_box.setCurrentIndex(index)
    panel.walk.loss.loss_box.activated.emit(index)
    panel.walk.loss.class_box.setValue(3)
    assert panel.walk.loss.class_box.isVisible() and panel.walk.loss.class_box.maximum() == 3
    panel.backprop.compute()
    backward = panel.backprop.backward
    assert backward.bitwise_equal and backward.trace.session is panel.model.session
    assert torch.equal(backward.manual.parameters["h2o.weight"], backward.reference.parameters["h2o.weight"])
    with torch.no_grad():
        _, h_n = model.rnn(panel.model.session.inputs.transpose(0, 1))  # the session kept batch_first
        expected = torch.nn.functional.cross_entropy(model.h2o(h_n[-1]), torch.tensor([3]))
    assert torch.equal(backward.manual.loss, expected)


def test_the_backward_pass_has_a_page_of_its_own_key_5_in_either_layout(qtbot):
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.model.run_to_end()
    qtbot.keyClick(window, QtCore.Qt.Key_5)
    assert window.backward.isVisible() and not window.comparison.isVisible()
    qtbot.mouseClick(window.backward.walk.compute_button, QtCore.Qt.LeftButton)
    qtbot.mouseClick(window.backward.walk.back_button, QtCore.Qt.LeftButton)
    assert window.model.backprop.t == 2
    # a rebuilt window (another language, presentation) shows the same gradients at the same step
    successor = window.rebuild()
    qtbot.addWidget(successor)
    assert successor.model.backprop.t == 2 and successor.backward.backprop is window.model.backprop
    window = successor
    window.resize(700, 500)  # the focus layout: the backward pass is its fifth tab
    qtbot.waitUntil(lambda: window.focused)
    qtbot.keyClick(window, QtCore.Qt.Key_5)
    assert window.backward.isVisible() and not window.step_view.isVisible()
    assert "t = 2" in window.backward.walk.heading.text()
    qtbot.keyClick(window, QtCore.Qt.Key_1)
    assert window.step_view.isVisible() and not window.backward.isVisible()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.focused is False)
    assert window.model.backprop.t == 2 and "t = 2" in window.backward.walk.heading.text()


def test_the_check_page_sets_every_gradient_beside_autograds(qtbot, panel):
    panel.backprop.compute()
    table = panel.check.check_table
    names = [table.item(r, 0).text().split()[0] for r in range(table.rowCount())]
    assert names == ["∂L/∂weight_ih_l0", "∂L/∂weight_hh_l0", "∂L/∂bias_ih_l0", "∂L/∂bias_hh_l0", "∂L/∂x"]
    assert all(table.item(r, 1).text() == "bitwise ✓" and table.item(r, 3).text() == "0"
               for r in range(table.rowCount()))
    # the textbook's order sums the same terms otherwise: its distance is shown as computed, not hidden
    from rnn_stepper.core import RNNConfig, make_session

    panel.model.open_session(make_session(RNNConfig(input_size=4, hidden_size=16), np.linspace(-1, 1, 30 * 4)
                                          .reshape(30, 4), seed=3, order="textbook"))
    panel.backprop.compute()
    rows = [(table.item(r, 1).text(), float(table.item(r, 3).text())) for r in range(table.rowCount())]
    expected = [("bitwise ✓" if same else "no: ±0" if ulps == 0 else "no", ulps)
                for _n, _s, same, _d, ulps in panel.backprop.backward.comparison()]
    assert rows == expected


def test_an_order_the_backward_does_not_step_says_so_and_offers_nothing_unchecked(qtbot, panel):
    from rnn_stepper.core import RNNConfig, make_session

    panel.model.open_session(make_session(RNNConfig(cell="gru"), order="textbook"))  # the paper's GRU
    panel.model.run_to_end()
    assert "nn.GRU is stepped and checked in the kernel order; in the textbook order it is not yet" in \
        panel.walk.heading.text()
    assert not panel.walk.compute_button.isEnabled() and not panel.training.train_button.isEnabled()
    assert not panel.walk.back_button.isEnabled() and panel.backprop.backward is None


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_a_gated_cell_walks_back_gate_by_gate_showing_the_models_numbers(qtbot, panel, cell):
    from rnn_stepper.core import RNNConfig, make_session

    panel.model.open_session(make_session(RNNConfig(cell=cell, input_size=5, hidden_size=2)))
    backprop = panel.backprop
    gates = panel.model.session.config.cell_type.gate_names
    assert panel.walk.vectors["cell"].isVisible() == (cell == "lstm") and panel.walk.vectors["carried"].isVisible()
    for phase in backprop.phases:
        qtbot.mouseClick(panel.walk.phase_button, QtCore.Qt.LeftButton)
        assert backprop.phase == phase and f"phase {backprop.phases.index(phase) + 1} of {len(backprop.phases)}" \
            in panel.walk.heading.text()
    assert backprop.t == 2
    assert np.array_equal(panel.walk.vectors["incoming"].values()[:, 0], backprop.incoming())
    assert np.array_equal(panel.walk.vectors["gates"].values().reshape(-1), backprop.pre_activation())
    assert not panel.walk.vectors["pre_activation"].isVisible()
    assert np.array_equal(panel.walk.vectors["flowing"].values()[:, 0], backprop.flowing())
    assert np.array_equal(panel.walk.vectors["carried"].values()[:, 0], backprop.carried())
    if cell == "lstm":
        assert np.array_equal(panel.walk.vectors["cell"].values()[:, 0], backprop.cell_gradient())
        assert "δc_1 = δc_2 ⊙ f_2" in panel.walk.equation.text()  # its numbers: the column beside
    else:
        assert "δh_1 += δh_2 ⊙ z_2 + δs_2 W_hh" in panel.walk.equation.text()  # its two shares: the columns beside
    backprop.step_back_phase()  # t = 1: each gate's δ, block by block beside its formula
    backprop.step_back_phase()
    if cell == "lstm":
        backprop.step_back_phase()
    assert backprop.phase == "gates"
    rows = panel.walk.vectors["gates"].values()  # a row per gate, units across
    assert np.array_equal(rows, backprop.pre_activation().reshape(len(gates), 2))
    assert "(each gate's row beside, at step 1)" in panel.walk.equation.text()
    backprop.move_to(backprop.end)
    reference = autograd_gradients(panel.model.trace).parameters
    assert np.array_equal(panel.walk.weight_view.values(), reference["weight_hh_l0"].numpy())
    assert np.array_equal(panel.input_weights.input_weight_view.values(), reference["weight_ih_l0"].numpy())


def test_an_lstm_plots_the_cell_states_gradient_beside_the_hidden_states_and_says_why(qtbot, panel):
    from rnn_stepper.core import RNNConfig, make_session

    panel.model.open_session(make_session(RNNConfig(cell="lstm", input_size=5, hidden_size=2)))
    panel.backprop.compute()
    gradients = panel.backprop.backward.cells[0]
    assert np.array_equal(panel.forgetting.norm_curve.yData, gradients.norms.numpy().astype(np.float64))
    assert np.array_equal(panel.forgetting.cell_norm_curve.yData, gradients.cell_norms.numpy().astype(np.float64))
    assert panel.forgetting.cell_norm_curve.isVisible() and panel.forgetting.norm_legend.isVisible()
    forget = float(panel.model.cell.phases["forget_gate"].double().mean())
    sentence = panel.forgetting.prediction.text()
    assert "∂c_t/∂c_{t-1} = f_t" in sentence and f"{forget:.3f}" in sentence
    panel.model.open_session(make_session(RNNConfig()))  # nn.RNN: no cell state, no second curve
    panel.backprop.compute()
    assert not panel.forgetting.cell_norm_curve.isVisible() and not panel.forgetting.norm_legend.isVisible()


def test_an_mse_target_from_a_file_is_differentiated_as_autograd_does_and_a_bad_one_gets_a_message(
        qtbot, panel, tmp_path):
    from rnn_stepper.core.backward import Loss

    messages = []
    panel.model.events.message.connect(messages.append)
    output = panel.model.trace.output
    target = torch.linspace(-1, 1, output.numel()).reshape(output.shape)
    path = tmp_path / "target.npy"
    np.save(path, target.numpy())
    assert panel.walk.loss.load_target(str(path))
    assert panel.walk.loss.loss_box.currentText() == "L = MSE(output, target.npy)"
    panel.backprop.compute()
    expected = autograd_gradients(panel.model.trace, loss=Loss("mse", target)).parameters
    assert panel.backprop.backward.bitwise_equal
    assert torch.equal(panel.backprop.backward.reference.parameters["weight_hh_l0"], expected["weight_hh_l0"])
    # a target of the wrong shape: a message naming the file, and the loss stays the file's
    (tmp_path / "short.csv").write_text("1,2\n")
    assert not panel.walk.loss.load_target(str(tmp_path / "short.csv"))
    assert "short.csv" in messages[-1] and "target" in messages[-1]
    assert panel.backprop.loss.source == str(path)


def test_opening_h_t_i_anywhere_asks_for_its_connectivity(qtbot, panel):
    from rnn_stepper.core.backward import connectivity

    panel.model.run_to_end()
    assert panel.model.select(1, "hidden", 0)
    assert (panel.connectivity.link_time.value(), panel.connectivity.link_unit.value()) == (1, 0)
    _, heights = panel.connectivity.link_bars.opts["x"], panel.connectivity.link_bars.opts["height"]
    assert np.array_equal(np.asarray(heights), connectivity(panel.model.trace, 1, 0).numpy().astype(np.float64))
    assert panel.story.currentIndex() == panel.CONNECTIVITY


def test_a_hidden_backward_page_is_not_drawn_per_forward_step_but_is_current_when_it_shows(qtbot):
    """Stepping the forward pass costs nothing on the backward page while the forward page is on show; the
    backward page shows the forward pass as it stands the moment it comes up."""
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    assert not window.backward.isVisible()
    drawn = []
    page = window.backward.connectivity
    page.draw_states = lambda original=page.draw_states: (drawn.append(1), original())
    window.model.step()
    window.model.step()
    assert drawn == []  # the forward page is on show
    qtbot.keyClick(window, QtCore.Qt.Key_5)
    assert window.backward.isVisible() and drawn == [1]
    states = window.backward.connectivity.state_view.values()
    output = window.model.cell.hidden[:, 0].numpy().T
    np.testing.assert_array_equal(states[:, :2], output[:, :2])  # the two revealed steps, the rest blank
    assert np.isnan(states[:, 2:]).all()
    window.model.step()  # on show, it follows each step
    assert drawn == [1, 1] and np.isfinite(window.backward.connectivity.state_view.values()[:, 2]).all()


SINE = str(__import__("importlib.resources").resources.files("rnn_stepper.resources") / "weights" / "sine_rnn.pt")


def test_the_sine_example_trains_on_predicting_the_next_sample_through_its_head_by_default(qtbot, panel):
    # issue 26 item 7: the checkpoint's head writes one value per input feature, so the task it was trained on,
    # predicting x_{t+1}, is the loss the page starts on; Σ h_n stays in the box, said to have no task
    assert SessionFiles(panel.model, panel).import_weights(SINE)
    assert list(panel.model.heads) == ["head."]
    wave = np.sin(0.3 * np.arange(16)).reshape(1, 16, 1)
    panel.model.set_sequence(wave)
    assert panel.walk.loss.loss_box.currentText() == "L = MSE(head(output), x_{t+1})"
    assert [panel.walk.loss.loss_box.itemText(i) for i in range(panel.walk.loss.loss_box.count())][-2:] == [
        "L = Σ h_n", "L = MSE(output, target from a file…)"]
    loss = panel.backprop.loss
    assert loss.kind == "mse" and loss.head.name == "head."
    panel.backprop.compute()
    backward = panel.backprop.backward
    assert backward.bitwise_equal and {"head.weight", "head.bias"} <= set(backward.manual.parameters)
    # the value is the user's own model's: SinePredictor's forward on the same wave, against the wave one step on
    state = torch.load(SINE)
    rnn, head = torch.nn.RNN(1, 8, batch_first=True), torch.nn.Linear(8, 1)
    rnn.load_state_dict({k[4:]: v for k, v in state.items() if k.startswith("rnn.")})
    head.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("head.")})
    x = torch.tensor(wave, dtype=torch.float32)
    target = torch.cat([x[:, 1:], x[:, -1:]], dim=1)
    with torch.no_grad():
        expected = torch.nn.functional.mse_loss(head(rnn(x)[0]), target)
    assert torch.equal(backward.manual.loss, expected)
    panel.backprop.train(20, 0.01, "Adam")
    assert panel.backprop.training_losses[-1] < panel.backprop.training_losses[0]
    assert panel.backprop.loss.head.name == "head."  # the head trained with the module, kept in the loss
    assert not torch.equal(panel.backprop.loss.head.weight, panel.model.heads["head."].weight)


def test_sum_of_h_n_chosen_stays_chosen_where_a_task_is_the_default(qtbot):
    session = make_session(RNNConfig(input_size=3, hidden_size=3), torch.randn(5, 2, 3))
    model = StepperModel(session)
    panel = BackwardPanel(model, Backprop(model))
    qtbot.addWidget(panel)
    assert panel.backprop.loss.kind == "mse"  # the output is as wide as the input: next-step prediction first
    index = panel.walk.loss.loss_box.findText("L = Σ h_n")
    panel.walk.loss.loss_box.setCurrentIndex(index)
    panel.walk.loss.loss_box.activated.emit(index)
    assert panel.backprop.loss.kind == "sum_last"
    panel.fill_losses()
    assert panel.walk.loss.loss_box.currentText() == "L = Σ h_n"


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_walk_backs_heading_is_drawn_in_the_normal_layout_too(qtbot, size):
    # issue 26 item 6: the heading ("Backward, t = …, phase … of …") said where the walk is in presentation mode
    # but was drawn 0 px tall in the normal layout: its text arrived while the page was hidden, and the label kept
    # the height it had before
    from rnn_stepper.ui.app import go_back_when_ready
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    go_back_when_ready(window, 4)
    qtbot.waitUntil(lambda: "Backward, t = 2" in window.backward.walk.heading.text())
    heading = window.backward.walk.heading
    qtbot.waitUntil(lambda: heading.height() >= heading.fontMetrics().height())
    assert heading.isVisible() and not heading.visibleRegion().isEmpty()
    assert heading.height() >= heading.heightForWidth(heading.width())  # every line of it


OPENINGS = ["key 5", "the ∂ Backward button", "--back", "its tab in the focus layout"]


@pytest.mark.parametrize("how", OPENINGS)
def test_the_backward_pass_is_built_when_first_asked_for_and_shows_what_it_did_built_with_the_window(qtbot, how):
    # issue 30: the window is ready sooner without the backward pass's 0.14-0.16 s, which no one sees until they
    # ask for it. Asked for, it shows what a panel built with the window shows, drawn the same to the pixel.
    from rnn_stepper.ui import backward_page
    from rnn_stepper.ui.app import go_back_when_ready
    from rnn_stepper.ui.main_window import MainWindow

    size = (700, 500) if how == "its tab in the focus layout" else (1280, 720)
    model = StepperModel()
    windows = []
    for _ in range(2):
        window = MainWindow(model)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
    built_with_the_window, lazy = windows
    assert built_with_the_window.backward.model is model  # asked for at once: built as every window built it before
    assert not lazy.findChildren(BackwardPanel) and not lazy.findChildren(backward_page.BackwardPage)
    model.step()
    model.step_phase()
    assert not lazy.findChildren(BackwardPanel)  # the forward pass moving builds nothing
    if how == "--back":
        built_with_the_window.show_backward()  # on show while the gradients arrive, as --back's page is
        go_back_when_ready(lazy, 3)
    else:
        model.run_to_end()
        model.backprop.compute()
        model.backprop.move_to(3)
        if how == "key 5":
            qtbot.keyClick(lazy, QtCore.Qt.Key_5)
        elif how == "the ∂ Backward button":
            lazy.backward_action.trigger()
        else:
            assert lazy.focused
            lazy.pages.tabBar().setCurrentIndex(lazy.FOCUS_PAGES.index("backward"))  # what a click on it does
        built_with_the_window.show_backward()
    assert lazy.backward_action.isChecked() and len(lazy.findChildren(BackwardPanel)) == 1
    assert lazy.backward.isVisible() and lazy.backward.story.count() == 6
    for story in range(lazy.backward.story.count()):
        pictures = []
        for window in windows:
            panel = window.backward
            panel.story.setCurrentIndex(story)
            if panel.story.widget(story) is panel.connectivity:
                panel.connectivity.show_connectivity()
            legibility.settle(window)
            pictures.append(panel.grab().toImage())
        assert pictures[0] == pictures[1], panel.story.tabText(story)
    assert lazy.backward.walk.heading.text() == built_with_the_window.backward.walk.heading.text()
    np.testing.assert_array_equal(lazy.backward.connectivity.state_view.values(),
                                  built_with_the_window.backward.connectivity.state_view.values())
