"""The layout a window takes from its size and its font, and what a lecture hall's back row can read in it.

A window small for its font (a projector at 1280 × 720 in presentation mode, or 2× at 1920 × 1080) shows the
step in focus: the step strip, the equation and the comparison fill it, and the weights, the sequence and the
session wait behind tabs, keyed 1–4. A larger room keeps every panel on show.
"""

from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

import legibility
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import style, typography
from rnn_stepper.ui.main_window import MainWindow


@pytest.fixture
def open_window(qtbot):
    """open_window(size, presenting=False, scale=1.5, session=None, steps=0): a shown window of that size, its model
    stepped `steps` times before it shows (as --steps does); fonts and colours are back to normal after the test."""
    made = []

    def open_window(size, presenting=False, scale=1.5, session=None, steps=0):
        QtCore.QSettings().setValue("font_scale", scale)
        model = StepperModel(session)
        for _ in range(steps):
            model.step()
        window = MainWindow(model, presenting=presenting)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield open_window
    if any(w.presenting for w in made):
        normal = MainWindow(StepperModel(), presenting=False)  # the normal font and colours for the next test
        qtbot.addWidget(normal)




@pytest.mark.parametrize("size, presenting, scale, focus", [
    ((1280, 720), True, 1.25, True),
    ((1280, 720), True, 1.5, True),
    ((1280, 720), True, 2.0, True),
    ((1920, 1080), True, 2.0, True),
    ((1920, 1080), True, 1.25, False),
    ((3840, 2160), True, 2.0, False),
    ((1920, 1080), False, 1.5, False),
    ((1280, 720), False, 1.5, False),
    ((1024, 768), False, 1.5, False),
])
def test_the_layout_is_chosen_from_the_window_size_and_the_font_scale(open_window, size, presenting, scale, focus):
    window = open_window(size, presenting, scale)
    assert window.focused is focus
    if focus:
        assert window.pages.isVisible() and window.step_view.isVisible() and window.comparison.isVisible()
        assert not window.weights.isVisible() and not window.sequence.isVisible() and not window.side.isVisible()
    else:
        assert window.pages is None
        assert all(p.isVisible() for p in (window.weights, window.step_view, window.comparison, window.sequence))


def test_a_resize_rearranges_the_same_panels_without_recomputing(qtbot, open_window):
    window = open_window((1280, 720))
    model = window.model
    model.step()
    trace, panels_before = model.trace, (window.weights, window.step_view, window.comparison, window.sequence)
    assert not window.focused and window.side.isVisible()
    window.resize(700, 500)
    qtbot.waitUntil(lambda: window.focused and window.step_view.isVisible())  # a new layout shows once Qt is idle
    assert not window.side.isVisible()
    assert "tabs" in window.statusBar().currentMessage()  # the window says where the other panels went
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.focused is False and window.weights.isVisible())
    assert (window.weights, window.step_view, window.comparison, window.sequence) == panels_before
    assert all(p.isVisible() for p in panels_before) and window.side.isVisible()
    assert model.trace is trace and model.position == 4  # the same numbers, the cursor where it was
    assert window.side.widget() is window.session_tabs


def test_a_session_panel_the_user_closed_stays_closed_after_the_focus_layout(qtbot, open_window):
    window = open_window((1280, 720))
    window.side.close()
    window.resize(700, 500)
    qtbot.waitUntil(lambda: window.focused)
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.focused is False)
    assert not window.side.isVisible()


def test_in_the_focus_layout_keys_1_to_4_and_the_tabs_reach_every_panel(qtbot, open_window):
    window = open_window((1280, 720), presenting=True)
    pages = window.pages
    for key, shown in ((QtCore.Qt.Key_2, window.weights), (QtCore.Qt.Key_3, window.sequence),
                       (QtCore.Qt.Key_4, window.session_tabs), (QtCore.Qt.Key_1, window.step_view)):
        qtbot.keyClick(window, key)
        assert shown.isVisible()
    bar = pages.tabBar()
    for index, shown in ((1, window.weights), (2, window.sequence), (0, window.comparison)):
        qtbot.mouseClick(bar, QtCore.Qt.LeftButton, pos=bar.tabRect(index).center())
        assert pages.currentIndex() == index and shown.isVisible()
    # Each tab says its key, on the tab and in its tooltip.
    assert [bar.tabText(i).split()[0] for i in range(4)] == ["1", "2", "3", "4"]
    assert all(f"key {i + 1}" in bar.tabToolTip(i) for i in range(4))


def test_bringing_the_session_panel_back_in_the_focus_layout_shows_the_session_tab(qtbot, open_window):
    window = open_window((1280, 720), presenting=True)
    window.side.show()  # as its entry in the toolbar's context menu does
    assert not window.side.isVisible() and window.pages.currentWidget() is window.session_tabs


def test_a_digit_typed_into_a_field_of_the_session_stays_in_the_field(qtbot, open_window):
    window = open_window((1280, 720), presenting=True)
    qtbot.keyClick(window, QtCore.Qt.Key_4)
    field = window.config_panel.findChild(QtWidgets.QSpinBox)
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, QtCore.Qt.Key_3)
    assert window.pages.currentWidget() is window.session_tabs and field.text().startswith("3")


@pytest.mark.parametrize("scale", [1.25, 1.5, 2.0])
def test_in_presentation_the_equation_is_at_least_28_px_high_and_not_cut(open_window, scale):
    window = open_window((1280, 720), presenting=True, scale=scale)
    window.model.step()
    legibility.settle(window)
    equation = window.step_view.equation
    assert QtGui.QFontInfo(equation.font()).pixelSize() >= 28
    assert equation.height() >= equation.heightForWidth(equation.width())  # every line of it shows


def test_the_equation_grows_with_the_room_but_stays_a_minority_of_the_step_panel(open_window):
    window = open_window((3840, 2160), presenting=True, scale=1.25)
    window.model.step()
    legibility.settle(window)
    panel = window.step_view
    low, high = panel.equation_px_range()
    assert low < panel.equation.font().pixelSize() <= high
    assert panel.equation.height() <= 0.35 * panel.height()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size, presenting, scale", [((1280, 720), True, 1.25), ((1280, 720), True, 2.0),
                                                     ((1024, 768), False, 1.5), ((1920, 1080), True, 1.5)])
def test_the_toolbar_boxes_are_never_narrower_than_their_text(open_window, size, presenting, scale, lang):
    from rnn_stepper.ui import i18n

    i18n.install(lang)
    window = open_window(size, presenting, scale)
    legibility.settle(window)
    for box in (window.direction_box, window.speed, window.layer_box, window.batch_box):
        if box.isVisible():  # a toolbar short of room keeps the others behind its » button
            assert box.width() >= box.sizeHint().width()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)])
def test_on_a_projector_every_control_is_on_the_tool_bar_and_the_way_out_of_presentation_on_screen(
        open_window, size, lang):
    from rnn_stepper.ui import i18n

    i18n.install(lang)
    window = open_window(size, presenting=True, scale=1.5)
    legibility.settle(window)
    bar = window.findChild(QtWidgets.QToolBar)
    behind = [action.text() for action in bar.actions()
              if not action.isSeparator() and action.isVisible() and not bar.widgetForAction(action).isVisible()]
    assert behind == []  # nothing behind the » button
    corner = window.menuBar().cornerWidget(QtCore.Qt.TopRightCorner)
    assert corner.defaultAction() is window.presentation_action and corner.isVisible()
    assert corner.mapTo(window, corner.rect().bottomRight()).x() < window.width()
    i18n.install("en")


def test_in_presentation_plot_titles_and_tick_labels_are_at_least_20_px(open_window):
    window = open_window((1920, 1080), presenting=True, scale=1.25)
    for plot in (window.comparison.values_plot, window.comparison.diff_plot, window.sequence.norm_plot):
        item = plot.getPlotItem()
        for side in ("left", "bottom"):
            assert QtGui.QFontInfo(item.getAxis(side).style["tickFont"]).pixelSize() >= 20
        assert f"font-size:{typography.label_px()}px" in item.titleLabel.text and typography.label_px() >= 20


def tick_label_rects(axis):
    image = QtGui.QImage(10, 10, QtGui.QImage.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [rect for rect, _, _ in texts]


@pytest.mark.parametrize("height", [150, 200, 450])
def test_the_log_axis_of_differences_never_writes_one_power_of_ten_over_another(qtbot, open_window, height):
    window = open_window((1280, 720), presenting=True, scale=1.5)
    plot = window.comparison.diff_plot
    plot.setFixedHeight(height)
    legibility.settle(window)
    axis = plot.getPlotItem().getAxis("left")
    rects = tick_label_rects(axis)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    label = QtGui.QFontMetricsF(axis.style["tickFont"]).height()
    if axis.height() >= 2 * label:
        assert rects  # however short, an axis with room for a label keeps one
    if axis.height() >= 8 * label:
        assert len(rects) >= 3  # with room, every decade of the empty 10⁻⁹ … 10⁻⁵ frame is named


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_at_1024_by_768_no_plot_title_is_cut(open_window, lang):
    from rnn_stepper.ui import i18n

    i18n.install(lang)
    window = open_window((1024, 768), session=make_session(RNNConfig(cell="lstm")))
    legibility.settle(window)
    for plot in (window.comparison.values_plot, window.comparison.diff_plot, window.sequence.norm_plot):
        item = plot.getPlotItem()
        assert item.geometry().width() <= plot.width()  # a title wider than its plot pushed the plot off its view
        title = item.titleLabel
        assert title.item.boundingRect().width() <= title.geometry().width() + 1


@pytest.fixture
def in_language():
    """in_language(lang): the interface in that language for this test, in English again after it."""
    from rnn_stepper.ui import i18n

    yield i18n.install
    i18n.install("en")


def colour_pixels(widget, colour: str) -> int:
    """How many pixels of the widget as drawn are `colour`, exactly: a curve's or a marker's own."""
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    bgr = rows[:, :image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3]
    ink = QtGui.QColor(colour)
    return int((bgr == (ink.blue(), ink.green(), ink.red())).all(axis=-1).sum())


@pytest.mark.parametrize("size, presenting, scale, lang, order", [
    ((1024, 768), True, 1.25, "en", "kernel"), ((1024, 768), True, 1.5, "en", "kernel"),
    ((1024, 768), True, 1.5, "ko", "kernel"), ((1280, 720), True, 1.5, "en", "kernel"),
    ((1280, 720), False, 1.5, "en", "kernel"), ((1280, 720), False, 1.5, "ko", "kernel"),
    ((1024, 768), True, 1.25, "en", "textbook"), ((1280, 720), False, 1.5, "en", "textbook")])
def test_an_lstms_lesson_leaves_both_comparison_plots_room_to_draw_their_curves(
        open_window, in_language, size, presenting, scale, lang, order):
    # On a projector an LSTM's plot titles wrap to five lines, and the lesson on its two references took a third
    # of the column: at 1024 × 768 the distances had 0 px to draw in and h_t's curves 32 px. In textbook order the
    # sentence on ulps takes its lines too: 0 and 4 px in the window at 1280 × 720.
    from rnn_stepper.ui.comparison_panel import PLOT_AREA_LINES, QWIDGETSIZE_MAX

    in_language(lang)
    session = replace(make_session(RNNConfig(cell="lstm")), order=order)
    window = open_window(size, presenting, scale, session=session)
    for _ in range(3):
        window.actions_by_name["step"].trigger()
    legibility.settle(window)
    comparison = window.comparison
    assert comparison.lesson_room.isVisible() and comparison.diff_plot.isVisible()
    assert comparison.ulps_room.isVisible() is (order == "textbook")
    if order == "textbook":  # the sentence on ulps gives way too, to its first line
        assert comparison.ulps_room.height() >= comparison.ulps_note.fontMetrics().lineSpacing()
    lesson, room = comparison.lesson, comparison.lesson_room
    # its first two lines (a Korean line is a few pixels taller than the font's line spacing)
    least = lesson.heightForWidth(QWIDGETSIZE_MAX) + lesson.fontMetrics().lineSpacing()
    areas = [plot.getPlotItem().vb.height() for plot in (comparison.values_plot, comparison.diff_plot)]
    assert min(areas) > 0.8 * max(areas)  # they share what their frames leave, 1 : 1 beside the lesson
    assert min(areas) >= typography.label_px()  # a line of their labels at least, in the window's 254-px panel
    if presenting:  # four lines of labels each, where the lesson has no more than its first two lines
        assert min(areas) >= PLOT_AREA_LINES * typography.label_px() or room.height() <= least + 8
    # what is drawn there: h_t's first unit by hand and nn.LSTM's, and the fused kernel's distances (an area of
    # 0 px drew none of them)
    assert colour_pixels(comparison.values_plot, style.UNIT_COLORS[0]) >= 5
    assert colour_pixels(comparison.diff_plot, style.FUSED) >= 5
    # the lesson shows its first two lines at least, and scrolls to the rest
    image = room.viewport().grab().toImage().convertToFormat(QtGui.QImage.Format_Grayscale8)
    grey = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    ink = np.flatnonzero((grey[:, :image.width()] < 128).any(axis=1))
    assert ink.size and ink[-1] - ink[0] >= 1.5 * lesson.fontMetrics().lineSpacing()
    assert room.verticalScrollBar().value() == 0 and room.verticalScrollBar().maximum() > 0


@pytest.mark.parametrize("cell, scale, lang, whole", [
    ("lstm", 1.25, "en", False), ("rnn", 1.5, "en", False), ("rnn", 1.25, "en", True), ("lstm", 1.5, "ko", True)])
def test_on_a_projector_both_tabs_under_the_plots_are_in_full_view(
        open_window, in_language, cell, scale, lang, whole):
    # "This step, unit by unit" was cut behind the tab bar's scroll arrows at 1024 × 768: where the bar has no room
    # for it, the tab is named by its first words and its whole name is its tooltip.
    in_language(lang)
    window = open_window((1024, 768), True, scale, session=make_session(RNNConfig(cell=cell)))
    legibility.settle(window)
    tabs = window.comparison.lower_tabs
    bar = tabs.tabBar()
    assert tabs.isVisible() and bar.count() == 2
    assert bar.tabRect(1).right() < bar.width() and bar.tabRect(0).left() >= 0  # no scroll arrows needed
    full = window.comparison.tr("This step, unit by unit")
    assert (bar.tabText(1) == full) is whole and bar.tabToolTip(1) == full


@pytest.mark.parametrize("scale", [1.25, 1.5])
def test_a_window_opened_already_stepped_lays_its_strip_out_as_stepping_it_live_does(open_window, scale):
    # `--steps 2` steps before the window shows. An LSTM(8)'s h_t, written whole, took ten lines at 1024 × 768; the
    # strip was planned under it on one row, without h_{t-1} and c_{t-1}, and one row left the equation its room.
    layouts = []
    for steps_first in (2, 0):
        window = open_window((1024, 768), True, scale, make_session(RNNConfig(cell="lstm", hidden_size=8)), steps_first)
        legibility.settle(window)
        for _ in range(2 - steps_first):
            window.model.step()
        legibility.settle(window)
        panel = window.step_view
        layouts.append((panel.strip_plan, panel.equation.text()))
        assert "h_prev" in panel.strip_plan[0] and "c_prev" in panel.strip_plan[0] and panel.strip_plan[1]
    assert layouts[0] == layouts[1]


def radius_text(open_window, nonlinearity="tanh", cell="rnn", grow=False):
    config = RNNConfig(cell=cell) if cell != "rnn" else RNNConfig(nonlinearity=nonlinearity)
    window = open_window((1280, 720), session=make_session(config))
    if grow:  # W_hh scaled up until its spectral radius passes 1
        name = "weight_hh_l0"
        for r, c in np.ndindex(*window.model.session.weights[name].shape):
            window.model.set_weight(name, (r, c), 3.0 if r == c else 0.0)
    return window.sequence.radius.text()


def test_the_spectral_radius_note_speaks_of_saturation_only_for_tanh(open_window):
    assert "saturation" in radius_text(open_window, "tanh")
    assert "saturates at ±1" in radius_text(open_window, "tanh", grow=True)
    relu = radius_text(open_window, "relu")
    assert "far from saturation" not in relu and "ReLU" in relu  # saturation is tanh's, not ReLU's
    assert "without bound" in radius_text(open_window, "relu", grow=True)
    for cell in ("gru", "lstm"):
        assert "gates" in radius_text(open_window, cell=cell)


def test_the_hidden_state_over_t_is_coloured_on_its_values_scale_or_on_plus_minus_1(qtbot, open_window):
    window = open_window((1920, 1080))
    window.model.run_to_end()
    hidden = window.model.cell.hidden[:, 0].numpy()
    top = float(np.abs(hidden).max())
    assert window.sequence.heatmap.levels == pytest.approx((-top, top))  # ±0.76 fills the scale, not a pale ±1
    action = window.unit_scale_action
    assert not action.isChecked()
    action.trigger()
    unit = window.replaced_by
    qtbot.addWidget(unit)
    assert unit.unit_scale_action.isChecked() and unit.sequence.heatmap.levels == (-1.0, 1.0)


def test_saturation_is_marked_on_bounded_values_only(open_window):
    tanh = open_window((1920, 1080))
    tanh.model.step()
    assert tanh.step_view.vectors["hidden"].bounds == (-1.0, 1.0)  # tanh's range, apart from the colour scale
    assert tanh.sequence.heatmap.bounds == (-1.0, 1.0)
    assert tanh.step_view.vectors["pre_activation"].bounds is None  # a sum has no end to saturate at
    relu = open_window((1920, 1080), session=make_session(RNNConfig(nonlinearity="relu")))
    assert relu.step_view.vectors["hidden"].bounds is None and relu.sequence.heatmap.bounds is None
    gru = open_window((1920, 1080), session=make_session(RNNConfig(cell="gru")))
    assert gru.step_view.vectors["reset_gate"].bounds == (0.0, 1.0)
