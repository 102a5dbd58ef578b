"""The window, driven as a user drives it: offscreen, with clicks, keys and typing."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from notebook_code import nn_rnn_hidden
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import style
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.style import vector_text


@pytest.fixture
def window(qtbot):
    w = MainWindow(StepperModel())
    w.resize(1280, 720)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def click(qtbot, window, name):
    button = window.findChild(QtWidgets.QToolBar).widgetForAction(window.actions_by_name[name])
    qtbot.mouseClick(button, QtCore.Qt.LeftButton)


def test_three_clicks_on_step_show_the_notebooks_hidden_states(qtbot, window):
    shown = []
    for _ in range(3):
        click(qtbot, window, "step")
        shown.append(window.step_view.equation.text().splitlines()[-1].strip("= ").strip())
    expected = np.array(nn_rnn_hidden(), dtype=np.float32)
    assert shown == [vector_text(h) for h in expected]
    ts, manual, reference, diff = window.comparison.plotted()
    assert np.array_equal(manual, expected) and np.array_equal(manual, reference) and ts.tolist() == [0, 1, 2]
    assert window.comparison.verdict_text() == "bitwise identical at all 3 steps"
    assert window.step_view.vectors["hidden"].cell_texts() == [[f"{v:.3f}"] for v in expected[2]]
    assert "t = 2 (step 3) of T = 3" in window.status.text()
    assert "kernel order" in window.status.text() and "bitwise identical so far" in window.status.text()
    assert not window.actions_by_name["step"].isEnabled()
    click(qtbot, window, "back")  # what the count means while the reveal is under way
    assert window.comparison.verdict_text() == "bitwise identical so far: 2 of 3 steps revealed"


def test_phases_step_one_at_a_time_with_the_keyboard_and_go_back(qtbot, window):
    window.activateWindow()
    seen = []
    for _ in range(4):
        qtbot.keyClick(window, QtCore.Qt.Key_Right, QtCore.Qt.ShiftModifier)
        seen.append(window.model.phase)
    assert seen == ["input_projection", "recurrent_term", "pre_activation", "hidden"]
    assert window.step_view.equation.text().startswith("h_0 = tanh(z_0)")
    qtbot.keyClick(window, QtCore.Qt.Key_Left, QtCore.Qt.ShiftModifier)
    assert window.model.phase == "pre_activation"
    assert np.isnan(window.step_view.vectors["hidden"].values()).all()  # not revealed yet
    assert window.step_view.equation.text().startswith("z_0 = a_0 + r_0")
    qtbot.keyClick(window, QtCore.Qt.Key_Space)
    qtbot.keyClick(window, QtCore.Qt.Key_Space)
    assert (window.model.t, window.model.phase) == (1, "hidden")
    qtbot.keyClick(window, QtCore.Qt.Key_Left)
    assert (window.model.t, window.model.phase) == (0, "hidden")
    qtbot.keyClick(window, QtCore.Qt.Key_End)
    assert window.model.at_end
    qtbot.keyClick(window, QtCore.Qt.Key_Home)
    assert window.model.position == 0 and window.comparison.verdict_text() == "Step to compare with nn.RNN"


def test_the_phase_on_show_highlights_the_weights_it_uses(qtbot, window):
    click(qtbot, window, "step_phase")
    def highlighted(kind):
        return window.weights.views[kind].vb.border.style() != QtCore.Qt.NoPen

    assert highlighted("weight_ih") and highlighted("bias_ih") and not highlighted("weight_hh")
    click(qtbot, window, "step_phase")
    assert highlighted("weight_hh") and highlighted("bias_hh") and not highlighted("weight_ih")
    click(qtbot, window, "step_phase")
    assert not any(highlighted(kind) for kind in window.weights.views)


def test_play_steps_by_itself_until_the_end(qtbot, window):
    window.speed.setValue(30)
    # The toolbar's button (its key, P, is pinned by the tooltip test): a key reaches only the active window, which
    # on a loaded CI machine an earlier test's window could still be.
    click(qtbot, window, "play")
    qtbot.waitUntil(lambda: window.model.at_end, timeout=30000)  # 3 steps at 30/s; a loaded machine is slow
    assert not window.play_timer.isActive()
    assert window.actions_by_name["play"].text() == "Play"


def test_every_control_has_a_tooltip_with_its_key(window):
    for name, action in window.actions_by_name.items():
        assert action.toolTip() and action.shortcuts(), name
    assert "(Space, Right, PgDown)" in window.actions_by_name["step"].toolTip()  # a clicker sends PgDown


def test_changing_the_config_rebuilds_the_model_and_keeps_the_cursor(qtbot, window):
    click(qtbot, window, "step")
    hidden = window.config_panel.fields["hidden_size"]
    hidden.setValue(3)
    assert window.model.session.config.hidden_size == 3
    assert window.weights.views["weight_hh"].values().shape == (3, 3)
    assert window.step_view.vectors["hidden"].values().shape == (3, 1)
    assert window.model.t == 0 and window.model.phase == "hidden"
    window.config_panel.fields["input_size"].setValue(7)
    assert "padded with zeros" in window.statusBar().currentMessage()
    window.config_panel.fields["order"].setCurrentText("textbook")
    assert "textbook order" in window.status.text()
    window.config_panel.fields["bidirectional"].setChecked(True)
    assert window.direction_box.isEnabled()
    window.direction_box.setCurrentIndex(1)
    assert window.model.direction == 1 and window.model.t == 2  # a reverse cell starts at the last timestep


def test_a_config_too_big_for_memory_is_refused_in_place(qtbot, window, monkeypatch):
    monkeypatch.setattr("rnn_stepper.core.config.memory_budget", lambda: 64 << 10)  # a 64 KiB machine
    before = window.model.session
    window.config_panel.fields["hidden_size"].setValue(200)
    assert window.model.session is before
    assert window.config_panel.fields["hidden_size"].value() == 2  # the form shows the session still open
    assert "this trace would need about" in window.config_panel.error.text()
    assert "use a smaller model" in window.statusBar().currentMessage()


def type_into(qtbot, table, row, column, text):
    """Select a cell, press F2, type, press Enter: as a person edits the table from the keyboard."""
    table.setFocus()
    table.setCurrentIndex(table.model().index(row, column))
    qtbot.keyClick(table, QtCore.Qt.Key_F2)
    [editor] = [e for e in table.viewport().findChildren(QtWidgets.QLineEdit) if e.isVisible()]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, QtCore.Qt.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QtWidgets.QAbstractItemView.EditingState)  # the commit is queued


def cell_text(table, row, column):
    return table.model().index(row, column).data()


def test_an_invalid_cell_is_marked_and_the_rest_of_the_table_is_kept(qtbot, window):
    window.side.widget().setCurrentIndex(1)  # the Input tab
    table = window.input_editor.table
    type_into(qtbot, table, 1, 2, "two")
    assert "'two' is not a number" in window.input_editor.message.text()
    assert cell_text(table, 1, 2) == "two"
    assert table.model().index(1, 2).data(QtCore.Qt.BackgroundRole).name() == "#ffd6d6"
    assert "is not a number" in table.model().index(1, 2).data(QtCore.Qt.ToolTipRole)
    assert window.model.sequence()[0, 1, 2] == 2.0  # the session keeps its last good input
    type_into(qtbot, table, 0, 0, "1.5")  # another edit still goes through, and the bad cell stays as typed
    assert window.model.sequence()[0, 0, 0] == 1.5
    assert cell_text(table, 1, 2) == "two"
    type_into(qtbot, table, 1, 2, "2.5")
    assert window.model.sequence()[0, 1, 2] == 2.5 and window.input_editor.cells.invalid == {}
    assert window.input_editor.message.text() == ""
    assert window.model.trace.bitwise_equal


def test_rows_and_presets(qtbot, window):
    editor = window.input_editor
    editor.add_row()
    assert window.model.seq_len == 4 and editor.cells.rowCount() == 4
    editor.table.setCurrentIndex(editor.cells.index(0, 0))
    editor.remove_row()
    assert window.model.sequence()[0, 0].tolist() == [2.0] * 5
    editor.fill("sine")
    assert window.model.seq_len == 3 and window.model.trace.bitwise_equal
    editor.fill("word", "hello")
    assert window.model.session.config.input_size == 4 and window.model.seq_len == 5
    assert editor.cells.columnCount() == 4
    editor.fill("notebook")
    assert window.model.sequence()[0, :, 0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_double_click_a_weight_type_a_value_and_the_comparison_updates(qtbot, window):
    click(qtbot, window, "step")
    before = window.comparison.plotted()[1].copy()
    view = window.weights.views["weight_ih"]
    where = view.cell_widget_pos(0, 1)
    # What a real double-click sends: press, release, double-click, release.
    qtbot.mouseClick(view.viewport(), QtCore.Qt.LeftButton, pos=where)
    qtbot.mouseDClick(view.viewport(), QtCore.Qt.LeftButton, pos=where)
    qtbot.mouseRelease(view.viewport(), QtCore.Qt.LeftButton, pos=where)
    editor = window.weights.editor
    assert editor.isVisible() and window.weights.editing == ("weight_ih", 0, 1)
    editor.clear()
    qtbot.keyClicks(editor, "oops")
    qtbot.keyClick(editor, QtCore.Qt.Key_Return)
    assert editor.isVisible() and "'oops' is not a number" in editor.toolTip()
    editor.clear()
    qtbot.keyClicks(editor, "2.5")
    qtbot.keyClick(editor, QtCore.Qt.Key_Return)
    assert not editor.isVisible()
    assert window.model.session.weights["weight_ih_l0"][0, 1].item() == 2.5
    after = window.comparison.plotted()
    assert window.model.position == 4 and not np.array_equal(after[1], before)
    assert np.array_equal(after[1], after[2]) and window.comparison.verdict_text().startswith("bitwise identical")


def test_hovering_a_cell_shows_its_exact_value_and_index(qtbot, window):
    view = window.weights.views["weight_hh"]
    view._hovered(view.cell_scene_pos(1, 0))
    value = np.float32(window.model.session.weights["weight_hh_l0"][1, 0].item())
    assert view.hover_text == f"Whh[1, 0] = {value!s}"


def test_big_models_show_their_first_and_last_weights_around_an_ellipsis(qtbot):
    config = RNNConfig(input_size=64, hidden_size=64)
    model = StepperModel(make_session(config, np.ones((20, 64)), seed=0))
    w = MainWindow(model)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    model.step()
    view = w.weights.views["weight_hh"]
    assert view.values().shape == (64, 64) and view.is_elided()
    rows, cols = view.shown_rows(), view.shown_columns()
    assert rows[0] == 0 and rows[-1] == 63 and None in rows and cols[0] == 0 and cols[-1] == 63
    W = model.session.weights["weight_hh_l0"].numpy()
    decimals = style.view_decimals(float(np.abs(W).max()), view.plan.digits)  # the whole matrix's decimals
    assert view.cell_texts()[-1][-1] == style.in_view(float(W[63, 63]), decimals, view.plan.digits)
    assert len(w.comparison.manual_curves) == 8  # units 0–7 are plotted; the heatmap shows all 64


def test_what_is_not_revealed_is_not_drawn(qtbot, window):
    """The short form of tests/test_curtain.py: the plots and heatmaps hold the revealed steps only."""
    def drawn_steps():
        curves = window.comparison.manual_curves + window.comparison.reference_curves + [window.sequence.norm_curve]
        return set().union(*(set(() if c.getData()[0] is None else c.getData()[0].tolist()) for c in curves))

    assert drawn_steps() == set()
    click(qtbot, window, "step")
    click(qtbot, window, "step")
    assert drawn_steps() == {0, 1}
    assert np.isnan(window.sequence.heatmap.values()[:, 2]).all()
    click(qtbot, window, "end")
    assert drawn_steps() == {0, 1, 2} and not np.isnan(window.sequence.heatmap.values()).any()
    window.config_panel.fields["bidirectional"].setChecked(True)
    window.direction_box.setCurrentIndex(1)
    window.model.reset()
    window.model.step()  # a reverse cell reveals t = 2 first: the beginning stays blank
    assert drawn_steps() == {2}
    assert np.isnan(window.sequence.heatmap.values()[:, :2]).all()


def test_cells_take_the_colormaps_colours_and_what_is_not_computed_yet_is_blank(qtbot, window):
    from rnn_stepper.ui import style

    window.model.step_phase()  # t = 0: only a_t = W_ih x_t + b_ih is computed
    vectors = window.step_view.vectors
    assert vectors["x"].levels == (-1.0, 1.0)  # one scale for the step, fitted to its largest value: x_0 = 1
    top = style.colormap().getLookupTable(nPts=256, alpha=True)[-1]
    assert (vectors["x"].image.image == top).all()  # RGBA bytes, one pixel per cell
    a_t = vectors["input_projection"].values()[:, 0]
    drawn = vectors["input_projection"].image.image.astype(int)
    assert a_t[0] < 0 < a_t[1] and drawn.shape == (2, 1, 4) and (drawn[..., 3] == 255).all()
    assert drawn[0, 0, 2] > drawn[0, 0, 0] and drawn[1, 0, 0] > drawn[1, 0, 2]  # blue below zero, red above
    assert (vectors["hidden"].image.image[..., 3] == 0).all()  # h_t: not computed yet, left blank
    assert style.cell_colours(np.array([[0.0]]), 1.0)[0, 0, :3].min() > 230  # zero is near white


def test_a_long_sequence_heatmap_shows_its_first_and_last_steps_and_zoomed_in_is_averaged_by_pyqtgraph(qtbot):
    model = StepperModel(make_session(RNNConfig(input_size=3, hidden_size=4), np.ones((1000, 3)), seed=0))
    w = MainWindow(model)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    heatmap = w.sequence.heatmap
    steps = heatmap.shown_columns()
    assert steps[0] == 0 and steps[-1] == 999 and None in steps  # around an ellipsis, with numbers
    heatmap.zoom(1.25)  # the whole sequence, averaged down to the screen
    assert heatmap.image.image.shape == (4, 1000) and heatmap.image.autoDownsample
    assert heatmap.image.levels is not None and tuple(heatmap.image.levels) == heatmap.levels


def test_at_1280_by_720_each_step_vectors_title_fits_whole_over_its_view(qtbot, window):
    from rnn_stepper.ui.typography import text_width

    window.model.step()
    for key, view in window.step_view.vectors.items():
        assert text_width(view.title.text) <= view.width() - 6, key  # over the cells and their row axis
    assert "+ b<sub>hh</sub>" in window.step_view.vectors["recurrent_term"].title.text  # on one line or wrapped, not cut


def test_the_about_box_says_what_decides_the_last_bits(qtbot, window):
    from rnn_stepper.core.machine import numeric_environment

    text = window.about_text()
    environment = numeric_environment()
    assert environment.describe() in text and environment.blas in text and environment.cpu_capability in text
    assert f"{environment.threads} threads" in text and "bit for bit on any machine" in text
    menu_titles = [a.text() for a in window.menuBar().actions()]
    assert "&Help" in menu_titles


def test_ctrl_z_undoes_a_whole_train_run_and_ctrl_shift_z_brings_it_back(qtbot, window):
    opened = window.model.session
    window.show_backward()
    panel = window.backward.training
    panel.train_steps.setValue(40)
    qtbot.mouseClick(panel.train_button, QtCore.Qt.LeftButton)
    trained = window.model.session
    assert trained is not opened and window.undo_action.isEnabled() and window.isWindowModified()
    qtbot.keyClick(window, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier)
    assert window.model.session is opened and not window.isWindowModified()  # the file's session, nothing unsaved
    assert "Undone" in window.statusBar().currentMessage() and not window.undo_action.isEnabled()
    qtbot.keyClick(window, QtCore.Qt.Key_Z, QtCore.Qt.ControlModifier | QtCore.Qt.ShiftModifier)
    assert window.model.session is trained and not window.redo_action.isEnabled()


def test_a_closed_session_panel_comes_back_from_the_view_menu(qtbot, window):
    window.side.close()
    assert not window.side.isVisible()
    offered = {action.text(): action for action in window.view_menu.actions()}
    offered["Session pa&nel"].trigger()
    assert window.side.isVisible()


def test_the_window_opens_no_larger_than_the_screen_it_is_on(qtbot, monkeypatch):
    from PySide6 import QtGui

    from rnn_stepper.ui import app

    class SmallScreen:  # a 1024×768 projector, less its panel
        def availableGeometry(self):
            return QtCore.QRect(0, 0, 1024, 740)

    qapp = QtWidgets.QApplication.instance()
    monkeypatch.setattr(QtGui.QGuiApplication, "platformName", staticmethod(lambda: "xcb"))
    monkeypatch.setattr(type(qapp), "primaryScreen", lambda self: SmallScreen())
    assert app.default_size(qapp) == (1024, 720)
    monkeypatch.setattr(QtGui.QGuiApplication, "platformName", staticmethod(lambda: "offscreen"))
    assert app.default_size(qapp) == (1280, 720)  # a screenshot keeps its size: no screen to fit


def on_screen(window) -> "QtGui.QImage":
    """What the screen shows of the window: the offscreen platform's backing store, which keeps what was painted
    where nothing asked for a repaint (grab() would draw everything again)."""
    return window.screen().grabWindow(window.winId()).toImage()


def accent_pixels(image, widget, window) -> int:
    from rnn_stepper.ui import style

    accent = QtGui.QColor(style.ACTIVE)
    top_left = widget.mapTo(window, QtCore.QPoint(0, 0))
    ratio = image.devicePixelRatio()
    count = 0
    for y in range(top_left.y(), top_left.y() + widget.height()):
        for x in range(top_left.x(), top_left.x() + widget.width()):
            colour = image.pixelColor(int(x * ratio), int(y * ratio))
            if max(abs(colour.red() - accent.red()), abs(colour.green() - accent.green()),
                   abs(colour.blue() - accent.blue())) < 24:
                count += 1
    return count


def test_a_phases_frame_leaves_no_trace_on_screen_once_the_walk_moves_on(qtbot, window):
    from rnn_stepper.ui.matrix_view import MatrixView

    def settle():
        for _ in range(5):
            QtWidgets.QApplication.processEvents()
            qtbot.wait(10)

    window.model.step_phase()  # W_ih, b_ih and a_t framed
    settle()
    framed = [view for view in window.findChildren(MatrixView) if view.isVisible() and view.is_framed()]
    assert framed and all(accent_pixels(on_screen(window), view, window) > 0 for view in framed)
    window.model.step_phase()
    settle()
    window.model.reset()
    settle()
    image = on_screen(window)
    assert [accent_pixels(image, view, window) for view in framed] == [0] * len(framed)
