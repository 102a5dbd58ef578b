"""Click any number, see its arithmetic (issue 12 §1), in the window: a click or Enter on any revealed element of the
step strip or the h heatmap opens its breakdown in the equation's place; its value is the trace's bit for bit and
its terms the session's own weights and inputs; what it reads is lit up in place; nothing after the cursor opens."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

import legibility
from helpers import refused_cli
from rnn_stepper.core import InputError, RNNConfig, make_session
from rnn_stepper.core.config import cell_suffix
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import i18n
from rnn_stepper.ui.explain_panel import breakdown_of
from rnn_stepper.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]


def session(cell="rnn", order="kernel", T=2, B=1, seed=3, **options):
    import torch

    config = RNNConfig(cell=cell, input_size=3, hidden_size=options.pop("hidden_size", 2), batch_first=True,
                       **options)
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn((B, T, 3), generator=gen).to(config.torch_dtype)
    return make_session(config, inputs=inputs, order=order, seed=seed)


@pytest.fixture
def window(qtbot):
    def make(model=None, size=(1920, 1080)):
        w = MainWindow(model or StepperModel())
        w.resize(*size)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        return w
    return make


def click_cell(qtbot, view, r, c=0):
    qtbot.mouseClick(view.viewport(), QtCore.Qt.LeftButton, pos=view.cell_widget_pos(r, c))


def check_breakdown(model, key):
    """The open breakdown is `key`'s: its value the trace's bit for bit, its terms the session's weights and the
    vector the trace holds."""
    assert model.selected == key
    layer, direction, t, batch, phase, unit = key
    breakdown = breakdown_of(model)
    cell = model.trace.cell(layer, direction)
    dtype = model.session.config.dtype
    assert np.array(breakdown.returned, dtype=dtype).tobytes() == cell.phases[phase][t, batch, unit].numpy().tobytes()
    if breakdown.is_product:
        kind, row = breakdown.parameters[0]
        W = model.session.weights[kind + cell_suffix(layer, direction)]
        assert [term.weight for term in breakdown.terms] == W[row].tolist()
        vector, _ = breakdown.reads[-1]
        values = {"x": cell.x, "h_prev": cell.h_prev}.get(vector, cell.phases.get(vector))[t, batch]
        assert [term.value for term in breakdown.terms] == values.tolist()
        assert all(term.product == Fraction(term.weight) * Fraction(term.value) for term in breakdown.terms)
    return breakdown


SESSIONS = {
    "2 layers, bidirectional, batch 2": dict(num_layers=2, bidirectional=True, B=2),
    "no bias, relu, float64, textbook": dict(bias=False, nonlinearity="relu", dtype="float64", order="textbook"),
    "relu, textbook": dict(nonlinearity="relu", order="textbook"),
    "GRU": dict(cell="gru"),
    "GRU, textbook": dict(cell="gru", order="textbook"),
    "LSTM": dict(cell="lstm"),
    "LSTM with proj_size, textbook, float64": dict(cell="lstm", proj_size=1, hidden_size=2, order="textbook",
                                                   dtype="float64"),
}


@pytest.mark.parametrize("options", SESSIONS.values(), ids=SESSIONS.keys())
def test_clicking_every_revealed_element_of_the_strip_opens_the_traces_own_arithmetic(qtbot, window, options):
    options = dict(options)
    w = window(StepperModel(session(**options)))
    m = w.model
    config = m.session.config
    # the last cell of a stacked, bidirectional session: its x_t is the layer below's [forward ‖ reverse]
    m.show_cell(config.num_layers - 1, config.num_directions - 1, m.trace.batch_size - 1)
    strip = w.step_view
    for position in range(1, m.end + 1):
        m.step_phase()
        qtbot.wait(1)
        whole_step = position % len(m.phases) == 0  # every element then; between, the first of each vector
        for key, view in strip.vectors.items():
            rows = [r for r in view.shown_rows() if r is not None]
            for row in rows if whole_step else rows[:1]:
                m.clear_selection()
                click_cell(qtbot, view, row)
                if key.endswith("_prev"):  # the previous step's state, opened at that step (none at the first)
                    state = {"h_prev": "hidden", "c_prev": "cell"}[key]
                    step = m.cell.walk.index(m.t)
                    assert m.selected == (None if step == 0 else (m.layer, m.direction, m.cell.walk[step - 1],
                                                                   m.batch, state, row)), (key, row)
                    continue
                if key == "x" or not m.revealed(key):
                    assert m.selected is None, (key, row)  # the input, or a number not computed yet
                    continue
                breakdown = check_breakdown(m, (m.layer, m.direction, m.t, m.batch, key, row))
                assert strip.breakdown.isVisible() and not strip.equation.isVisible()
                assert strip.breakdown.lines() == breakdown.lines()
                assert view.marked_cell() == (row, 0)


def test_a_click_on_a_revealed_h_heatmap_cell_opens_it_and_one_past_the_cursor_does_not(qtbot, window):
    w = window()
    m = w.model
    m.step()
    heatmap = w.sequence.heatmap
    click_cell(qtbot, heatmap, 1, 0)  # unit 1 at t = 0
    check_breakdown(m, (0, 0, 0, 0, "hidden", 1))
    m.clear_selection()
    click_cell(qtbot, heatmap, 0, 1)  # t = 1 is not computed yet
    assert m.selected is None and not m.select(1, "hidden", 0)


def test_the_notebooks_first_projection_lights_up_its_row_its_bias_and_its_input(qtbot, window):
    w = window()
    m = w.model
    m.step()
    click_cell(qtbot, w.step_view.vectors["input_projection"], 0)
    breakdown = check_breakdown(m, (0, 0, 0, 0, "input_projection", 0))
    assert len(breakdown.terms) == 5
    views = w.weights.views
    assert views["weight_ih"].marked_rows() == (0, 1) and views["bias_ih"].marked_rows() == (0, 1)
    assert views["weight_hh"].marked_rows() is None and views["bias_hh"].marked_rows() is None
    assert w.step_view.vectors["x"].is_framed() and not w.step_view.vectors["hidden"].is_framed()
    text = w.step_view.breakdown.text()
    assert "cannot be observed" in text and f"{breakdown.ulps:g} ulp" in w.step_view.breakdown.title.text()
    m.clear_selection()  # the phase's own highlight is back
    assert views["weight_ih"].marked_rows() is None and w.step_view.vectors["hidden"].is_framed()
    assert w.step_view.equation.isVisible() and not w.step_view.breakdown.isVisible()


def test_enter_on_a_focused_cell_opens_it_arrows_move_it_and_esc_closes(qtbot, window):
    w = window()
    m = w.model
    m.step()
    view = w.step_view.vectors["hidden"]
    view.setFocus(QtCore.Qt.TabFocusReason)
    assert view.focusPolicy() & QtCore.Qt.TabFocus  # Tab reaches it
    if view.focused_cell() is None:  # focused without Tab (an inactive offscreen window): the first arrow
        qtbot.keyClick(view, QtCore.Qt.Key_Down)  # lands on the first cell
    assert view.focused_cell() == (0, 0)
    qtbot.keyClick(view, QtCore.Qt.Key_Down)
    assert view.focused_cell() == (1, 0)
    qtbot.keyClick(view, QtCore.Qt.Key_Right)  # the cell's, not the window's Step, while a cell has the keyboard
    assert m.position == 4 and view.focused_cell() == (1, 0)
    qtbot.keyClick(view, QtCore.Qt.Key_Return)
    check_breakdown(m, (0, 0, 0, 0, "hidden", 1))
    qtbot.keyClick(view, QtCore.Qt.Key_Escape)
    assert m.selected is None and w.step_view.equation.isVisible()


def test_the_breakdown_copies_as_text_and_as_latex(qtbot, window):
    w = window()
    m = w.model
    m.step()
    m.select(0, "input_projection", 1)
    panel = w.step_view.breakdown
    clipboard = QtWidgets.QApplication.clipboard()
    qtbot.mouseClick(panel.copy_text, QtCore.Qt.LeftButton)
    assert clipboard.text() == breakdown_of(m).text()
    qtbot.mouseClick(panel.copy_latex, QtCore.Qt.LeftButton)
    assert clipboard.text() == breakdown_of(m).latex()
    clipboard.setText("")
    panel.body.setFocus()
    qtbot.keyClick(panel.body, QtCore.Qt.Key_C, QtCore.Qt.ControlModifier)  # nothing selected in it: all of it
    assert clipboard.text() == breakdown_of(m).text()
    qtbot.mouseClick(panel.close_button, QtCore.Qt.LeftButton)
    assert m.selected is None


@pytest.fixture
def english():
    yield
    i18n.install("en")


def test_in_korean_the_breakdown_says_its_sentences_in_korean_with_the_same_numbers(qtbot, english):
    model = StepperModel()
    model.step()
    model.select(0, "input_projection", 0)
    i18n.install("ko")
    window = MainWindow(model)
    qtbot.addWidget(window)
    english_lines = breakdown_of(model).lines()
    korean = window.step_view.breakdown.lines()
    assert korean != english_lines and len(korean) == len(english_lines)
    assert korean[:8] == english_lines[:8]  # the equation and its terms: numbers and symbols
    assert any("정확한 합" in line for line in korean) and any("BLAS" in line for line in korean)
    assert "계산" in window.step_view.breakdown.title.text()


def test_every_sentence_of_a_breakdown_has_a_korean_translation(tmp_path):
    ts = ROOT / "resources" / "translations" / "rnn_stepper_ko.ts"
    fresh = tmp_path / "ko.ts"
    shutil.copy(ts, fresh)
    tools = Path(sys.executable).parent
    subprocess.run([str(tools / "pyside6-lupdate"), str(ROOT / "rnn_stepper" / "core" / "explain.py"), "-ts",
                    str(fresh)], check=True, capture_output=True)
    explain = [c for c in ET.parse(fresh).getroot() if c.findtext("name") == "Explain"]
    messages = [m for c in explain for m in c.iter("message")]
    assert len(messages) >= 8
    assert all((m.find("translation").text or "").strip() and m.find("translation").get("type") is None
               for m in messages)


def test_a_selection_never_outlives_its_reveal_or_its_session():
    model = StepperModel()
    assert not model.select(0, "hidden", 0)  # nothing revealed yet
    model.step()
    assert model.select(0, "pre_activation", 1)
    model.back_phase()  # h_0 hidden again; z_0 still shown
    assert model.selected == (0, 0, 0, 0, "pre_activation", 1)
    model.back_phase()
    assert model.selected is None  # z_0 is no longer revealed
    model.step()
    model.select(0, "hidden", 1)
    model.set_weight("weight_hh_l0", (0, 0), 0.5)  # same shape: it stays, with the new numbers
    assert model.selected == (0, 0, 0, 0, "hidden", 1)
    model.configure(hidden_size=1)  # unit 1 is gone
    assert model.selected is None
    with pytest.raises(InputError, match="no element"):
        model.select(0, "hidden", 5)
    seen = []
    model.events.selected.connect(lambda: seen.append(model.selected))
    model.select(0, "hidden", 0)
    model.show_cell(0, 0, 0)
    model.clear_selection()
    assert seen == [(0, 0, 0, 0, "hidden", 0), None]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_with_a_breakdown_open_the_presentation_window_stays_legible(qtbot, english, lang, cell):
    i18n.install(lang)
    QtCore.QSettings().setValue("font_scale", 1.0)
    model = StepperModel(make_session(RNNConfig(cell=cell)))
    model.step()
    model.select(0, "input_projection", 0)
    window = MainWindow(model, presenting=True)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    legibility.settle(window)
    assert window.step_view.breakdown.isVisible()
    minimums = legibility.PRESENTATION_MINIMUM_PX
    if cell != "rnn":  # as tests/test_legibility.py holds a gated cell's strip: its stacked vectors at 20 px
        minimums = minimums | {"strip number": minimums["heatmap number"]}
    assert legibility.problems(window, minimums) == []
    body = window.step_view.breakdown.body
    assert QtGui.QFontInfo(body.font()).pixelSize() >= legibility.PRESENTATION_MINIMUM_PX["title"]
    window.rebuild(presenting=False).close()


# --- the window opened with a breakdown: `--select PHASE,UNIT[,T]` ------------------------------------------------

def test_select_opens_the_window_with_that_elements_breakdown(capsys, shot):
    window = shot(capsys, "--steps", "1", "--select", "input_projection,0")
    assert window.model.selected == (0, 0, 0, 0, "input_projection", 0)
    assert window.step_view.breakdown.isVisible() and len(breakdown_of(window.model).terms) == 5
    window = shot(capsys, "--cell", "gru", "--steps", "2", "--select", "candidate,1,0")  # an earlier t
    assert window.model.selected == (0, 0, 0, 0, "candidate", 1)


@pytest.mark.parametrize("argv, says", [
    (["--select", "hidden,0"], "not revealed at this cursor"),
    (["--steps", "1", "--select", "forget_gate,0"], "the phases of this session are input_projection"),
    (["--steps", "1", "--select", "hidden,5"], "no element hidden[t=0, unit 5]"),
    (["--select", "hidden"], "is not PHASE,UNIT[,T]"),
    (["--select", "hidden,a"], "must be whole numbers")])
def test_a_selection_that_cannot_open_is_one_line(capsys, monkeypatch, qtbot, argv, says):
    from rnn_stepper.ui import app

    monkeypatch.setattr(app, "save_screenshot", lambda window, path: qtbot.addWidget(window) or 0)
    refused_cli(capsys, *argv, "--screenshot", "x.png", says=says)


def test_in_the_focus_layout_a_heatmap_click_brings_its_breakdown_up_on_the_step_tab(qtbot, window, english):
    i18n.install("en")
    w = window(size=(1280, 720))
    QtCore.QSettings().setValue("font_scale", 1.0)
    w = w.rebuild(presenting=True)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    qtbot.waitUntil(lambda: w.pages is not None)
    w.model.step()
    w.show_focus_page("sequence")
    legibility.settle(w)  # the page switch ripples through several event passes before the heatmap has its place
    click_cell(qtbot, w.sequence.heatmap, 0, 0)
    check_breakdown(w.model, (0, 0, 0, 0, "hidden", 0))
    assert w.pages.currentIndex() == 0 and w.step_view.breakdown.isVisible()
    w.rebuild(presenting=False).close()
