"""Presentation mode: a projector-ready window driven from the keyboard or a clicker."""

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from rnn_stepper.model import StepperModel
from rnn_stepper.ui import style
from rnn_stepper.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow(StepperModel())
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    yield w
    while w.replaced_by is not None:
        w = w.replaced_by
    if w.presenting:
        w.rebuild(presenting=False)  # restore the normal fonts and colours for the next test


def test_f11_switches_to_presentation_and_back(qtbot, window):
    base = QtWidgets.QApplication.font().pointSizeF()
    window.model.step()
    qtbot.keyClick(window, QtCore.Qt.Key_F11)
    shown = window.replaced_by
    qtbot.addWidget(shown)
    assert shown.presenting and shown.isFullScreen() and not shown.side.isVisible()
    assert QtWidgets.QApplication.font().pointSizeF() == pytest.approx(base * 1.5)
    assert style.FRAME_WIDTH == 5 and style.FOREGROUND == "#000000"  # high contrast
    assert shown.model.position == 4 and shown.presentation_action.isChecked()
    qtbot.waitUntil(shown.isActiveWindow)
    qtbot.keyClick(shown, QtCore.Qt.Key_F11)
    back = shown.replaced_by
    qtbot.addWidget(back)
    assert not back.presenting and not back.isFullScreen() and back.side.isVisible()
    assert QtWidgets.QApplication.font().pointSizeF() == pytest.approx(base)


def test_a_window_replaced_by_f11_or_a_language_is_freed_and_its_successor_carries_on(qtbot, window):
    # Its actions' lambdas held it through Qt's connections, a cycle Python cannot collect, and the first window
    # held every later one through replaced_by: each F11 kept a whole window (~14 MiB) alive for the lecture
    import gc
    import weakref

    window.model.step()
    replaced = []
    for switch in (lambda w: w.rebuild(presenting=True), lambda w: w.set_language("ko"),
                   lambda w: w.rebuild(presenting=False), lambda w: w.set_language("en")):
        replaced.append(weakref.ref(window))
        window = switch(window)
        qtbot.addWidget(window)
    for _ in range(3):
        QtWidgets.QApplication.processEvents()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)
        gc.collect()
    import shiboken6

    assert not shiboken6.isValid(replaced[0]())  # deleted; Python holds it as the program holds its first window
    assert [ref() for ref in replaced[1:]] == [None] * 3  # freed
    assert replaced[0]().replaced_by is window  # which still leads to the window on show (rnn_stepper.show)
    assert [w for w in QtWidgets.QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.model is window.model] == [window]  # (other tests' windows aside)
    window.model.step()  # the last window steps the same model on
    assert window.model.position == 8 and window.step_view.vectors["hidden"].values().size


def test_the_font_scale_is_adjustable_and_remembered(qtbot, window):
    base = QtWidgets.QApplication.font().pointSizeF()
    shown = window.rebuild(presenting=True)
    qtbot.addWidget(shown)
    bigger = shown.set_view_setting("font_scale", 2.0)
    qtbot.addWidget(bigger)
    assert QtWidgets.QApplication.font().pointSizeF() == pytest.approx(base * 2.0)
    assert QtCore.QSettings().value("font_scale") in (2.0, "2.0")


def test_a_clicker_steps_with_page_down_and_back_with_page_up(qtbot, window):
    qtbot.keyClick(window, QtCore.Qt.Key_PageDown)
    qtbot.keyClick(window, QtCore.Qt.Key_PageDown)
    assert window.model.t == 1 and window.model.phase == "hidden"
    qtbot.keyClick(window, QtCore.Qt.Key_PageUp)
    assert window.model.t == 0


def test_predict_then_reveal_hides_the_new_hidden_state_until_the_next_click(qtbot, window):
    qtbot.keyClick(window, QtCore.Qt.Key_R)
    assert window.model.predict_first
    qtbot.keyClick(window, QtCore.Qt.Key_Space)
    assert window.model.phase == "pre_activation"  # z_0 is on screen; h_0 is not yet
    assert np.isnan(window.step_view.vectors["hidden"].values()).all()
    assert window.comparison.plotted()[0].size == 0
    qtbot.keyClick(window, QtCore.Qt.Key_Space)
    assert window.model.phase == "hidden" and window.model.t == 0
    assert window.comparison.plotted()[0].tolist() == [0]
    qtbot.keyClick(window, QtCore.Qt.Key_R)
    assert not window.model.predict_first


def test_a_colour_blind_safe_colormap_can_be_chosen(qtbot, window):
    successor = window.set_view_setting("colormap", "CET-CBD1")
    qtbot.addWidget(successor)
    assert style.COLORMAP == "CET-CBD1"
    assert successor.weights.views["weight_ih"].colorbar.colorMap().name == "CET-CBD1"
    assert QtCore.QSettings().value("colormap") == "CET-CBD1"
    restored = successor.set_view_setting("colormap", "CET-D1")
    qtbot.addWidget(restored)


def test_at_1280_by_720_the_focus_layout_gives_the_step_vectors_room_for_their_numbers(qtbot, window):
    window.model.step()
    window.rebuild(presenting=True)
    shown = window.replaced_by
    qtbot.addWidget(shown)
    shown.showNormal()
    shown.resize(1280, 720)
    panel = shown.step_view
    qtbot.waitUntil(lambda: shown.focused)
    assert "squashes the sum" in panel.heading.toolTip()  # the explanation, a hover away if it has to give way
    assert panel.vectors["hidden"].cell_texts() == [["-0.352"], ["0.525"]]
    assert shown.comparison.values_plot.height() > 100
