"""Details a careful reader catches (issue 13, item 6): the seed of a session that has none, the Input tab in a
narrow dock, the CSV's digits, and the Korean names of phase and step."""

import csv
import io
import re

import numpy as np
import pytest
from PySide6 import QtWidgets

import legibility
from rnn_stepper.cli import main
from rnn_stepper.core import compute_trace, make_session
from rnn_stepper.core.config import RNNConfig
from rnn_stepper.core.distance import ulp_distance
from rnn_stepper.core.export import csv_columns, trace_to_csv
from rnn_stepper.core.session import seeded_weights
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.font_scales import FONT_SCALES
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.session_files import example_sessions

# --- the seed ----------------------------------------------------------------------------------------------------

def test_a_session_without_a_seed_shows_none_and_typing_one_draws_from_it(qtbot):
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    assert window.files.open_path(example_sessions()["saturating"])
    assert window.model.session.seed is None
    box = window.config_panel.fields["seed"]
    assert box.text() == "" and box.value() is None and box.placeholderText()
    box.editingFinished.emit()  # leaving the empty box changes nothing
    assert window.model.session.seed is None and not window.model.dirty
    box.setText("3")
    box.editingFinished.emit()
    assert window.model.session.seed == 3 and box.text() == "3"
    expected = seeded_weights(window.model.session.config, 3)
    assert all(np.array_equal(window.model.session.weights[k], v) for k, v in expected.items())


# --- the Input tab ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("scale", [None, *FONT_SCALES])
def test_the_input_tab_shows_every_column_and_the_whole_word(qtbot, monkeypatch, lang, scale):
    from rnn_stepper.ui import i18n

    i18n.install(lang)
    monkeypatch.setattr(MainWindow, "font_scale_for_this_run", scale)
    window = MainWindow(StepperModel(), presenting=scale is not None)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    if window.focus_pages():  # a projector's focus layout keeps the session on a tab of its own (key 4)
        window.show_focus_page("session")
    else:
        window.side.setVisible(True)  # presentation mode hides it; a lecturer can bring it back
    window.session_tabs.setCurrentIndex(1)
    legibility.settle(window)  # the tab's table sizes its columns over several event passes
    editor = window.input_editor
    table = editor.table
    widths = [table.columnWidth(c) for c in range(editor.cells.columnCount())]
    assert len(widths) == 5
    assert sum(widths) <= table.viewport().width() and not table.horizontalScrollBar().isVisible()
    assert min(widths) >= table.fontMetrics().horizontalAdvance("-0.8…")
    word = editor.word
    assert word.width() >= word.fontMetrics().horizontalAdvance("hello") + 8, "the word is cut"
    assert editor.preset.width() >= editor.preset.sizeHint().width()
    if scale is not None:
        window.rebuild(presenting=False).close()


# --- trace --format csv -------------------------------------------------------------------------------------------

def csv_table(trace) -> list[dict]:
    return list(csv.DictReader(io.StringIO(trace_to_csv(trace))))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("order", ["kernel", "textbook"])
def test_csv_values_are_the_shortest_digits_that_round_trip_in_their_own_dtype(dtype, order):
    trace = compute_trace(make_session(RNNConfig(input_size=5, dtype=dtype), order=order))
    rows = csv_table(trace)
    own = np.dtype(dtype).type
    cell = trace.cell(0, 0)
    for row in rows:
        t, unit = int(row["t"]), int(row["unit"])
        for phase, values in cell.phases.items():
            value = values[t, 0, unit].item()
            text = row[phase]
            assert own(text) == own(value)  # the same number, back
            assert text == (str(own(value)) if dtype == "float32" else repr(value))  # numpy's/Python's shortest
        assert own(row["reference"]) == own(cell.reference[t, 0, unit].item())
        assert float(row["abs_diff"]) == abs(float(own(row["hidden"])) - float(own(row["reference"])))
        assert re.fullmatch(r"\d+", row["ulps"]), row["ulps"]


def test_float32_digits_are_those_numpy_prints_not_float64s(capsys):
    status = main(["trace", "--format", "csv"])
    out = capsys.readouterr().out
    assert status == 0
    first = next(csv.DictReader(io.StringIO(out)))
    trace = compute_trace(make_session())
    value = trace.cell(0).phases["input_projection"][0, 0, 0]
    assert first["input_projection"] == str(value.numpy())  # e.g. -0.4701929
    assert first["input_projection"] != repr(value.item())  # not -0.47019290924072266
    assert first["ulps"] == "0"


def test_ulps_are_written_as_the_whole_number_of_floats_between_hand_and_module():
    # The textbook order over 16 units and 8 steps: the sums are long enough to land some ulps off nn.RNN.
    session = make_session(RNNConfig(input_size=5, hidden_size=16), np.linspace(-3, 3, 40).reshape(8, 5),
                           order="textbook")
    trace = compute_trace(session)
    rows = csv_table(trace)
    assert csv_columns(trace)[-1] == "ulps"
    assert all(re.fullmatch(r"\d+", row["ulps"]) for row in rows)
    cell = trace.cell(0, 0)
    expected = ulp_distance(cell.phases["hidden"].numpy(), cell.reference.numpy())  # (T, batch, H), row order
    assert [int(row["ulps"]) for row in rows] == expected.reshape(-1).astype(int).tolist()


# --- Korean ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [None, *FONT_SCALES])
def test_korean_phase_and_step_buttons_are_distinct_words_and_stay_on_the_toolbar(qtbot, monkeypatch, scale):
    from rnn_stepper.ui import i18n

    i18n.install("ko")
    monkeypatch.setattr(MainWindow, "font_scale_for_this_run", scale)
    window = MainWindow(StepperModel(), presenting=scale is not None)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    legibility.settle(window)  # the toolbar lays its buttons out after the window's own layout
    acts = window.actions_by_name
    assert (acts["step_phase"].text(), acts["back_phase"].text(), acts["step"].text()) == (
        "연산 ▷", "◁ 연산", "타임 스텝 ▶")
    bar = window.findChild(QtWidgets.QToolBar, "stepping")
    for name in ("reset", "back", "back_phase", "step_phase", "step", "end", "play"):
        button = bar.widgetForAction(acts[name])
        assert button.isVisible(), f"{acts[name].text()} went into the toolbar's overflow menu"
        assert button.width() >= button.sizeHint().width()
    if scale is not None:
        window.rebuild(presenting=False).close()


@pytest.mark.parametrize("cell, module", [("rnn", "nn.RNN"), ("gru", "nn.GRU"), ("lstm", "nn.LSTM")])
def test_korean_trace_names_the_module_as_english_does(capsys, cell, module):
    main(["trace", "--cell", cell, "--lang", "ko"])
    korean = capsys.readouterr().out
    main(["trace", "--cell", cell, "--lang", "en"])
    english = capsys.readouterr().out
    assert english.count(f"{module} output") == 3
    assert len(re.findall(rf"^   {re.escape(module)} 출력 +: ", korean, re.M)) == 3
