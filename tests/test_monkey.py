"""A monkey at the keyboard: thousands of seeded random user actions, and after each one the window still shows
the core's trace for the session it holds, and that trace is still nn.RNN's bit for bit in kernel order.

CI runs RNN_STEPPER_MONKEY_ACTIONS actions (default 5000); the README gives the figures of the last long run."""

import os
import random

import numpy as np
import torch
from PySide6 import QtWidgets

from rnn_stepper.core import compute_trace
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.editors import SeedBox
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.session_files import example_sessions
from rnn_stepper.ui.step_panel import StepPanel
from rnn_stepper.ui.style import vector_text

ACTIONS = int(os.environ.get("RNN_STEPPER_MONKEY_ACTIONS", "5000"))
TEXTS = ["0.5", "-1.25", "1e-3", "", "abc", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "한국어", "1,5", "0x10",
         "  2  ", "−3", "1e400", "--1", "💥", "0"]
CONFIG_VALUES = {
    "input_size": [1, 2, 3, 5, 7, 32], "hidden_size": [1, 2, 3, 4, 16, 48], "num_layers": [1, 2, 3],
    "nonlinearity": ["tanh", "relu"], "bias": [True, False], "bidirectional": [True, False],
    "batch_first": [True, False], "seed": [0, 1, 2, 2**31 - 1, 2**31, 2**64 - 1, -1], "dtype": ["float32", "float64"],
    "order": ["kernel", "textbook"], "cell": ["RNN", "GRU", "LSTM"], "proj_size": [0, 1, 2],
}


def check(window: MainWindow) -> None:
    m = window.model
    trace = compute_trace(m.session)
    if m.session.order == "kernel":
        assert trace.bitwise_equal
    cell, fresh = m.cell, trace.cell(m.layer, m.direction)
    for name in fresh.phases:
        assert torch.equal(cell.phases[name], fresh.phases[name]) or (
            torch.isnan(cell.phases[name]).any() and np.array_equal(cell.phases[name].numpy(),
                                                                     fresh.phases[name].numpy(), equal_nan=True))
    shown = window.step_view.shown()
    t = m.t if m.t is not None else cell.walk[0]
    for name, values in cell.phases.items():
        expected = values[t, m.batch].numpy() if m.revealed(name) else np.full_like(shown[name], np.nan)
        assert np.array_equal(window.step_view.vectors[name].values().ravel(), expected, equal_nan=True)
    if m.phase is not None:
        last = window.step_view.equation.text().split("\n    = ")[-1]  # the result, however numpy wrapped it
        result = cell.phases[m.phase][t, m.batch].numpy()
        # in full, or summarised as far as the equation is written shorter to fit the step panel
        assert last.split() in [vector_text(result, edgeitems=edgeitems).split()
                                for edgeitems, _ in StepPanel.EQUATION_DETAIL]
    for kind, name in window.weights.names().items():
        if name in m.session.weights:
            assert np.array_equal(window.weights.views[kind].values().ravel(),
                                  m.session.weights[name].numpy().ravel(), equal_nan=True)
    ts, manual, reference, _ = window.comparison.plotted()
    assert ts.tolist() == sorted(m.completed)
    assert np.array_equal(manual, cell.hidden[ts, m.batch, :manual.shape[1]].numpy(), equal_nan=True)


def test_thousands_of_random_actions_never_break_the_window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QtWidgets.QMessageBox, "critical", lambda *a: (_ for _ in ()).throw(AssertionError(a)))
    rng = random.Random(20261128)
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    saved: list[str] = []
    corrupt = tmp_path / "corrupt.rnnstep.json"
    corrupt.write_text('{"format": "rnn-stepper/session", "version": 1, "config": {"hidden_size": -1}}')
    counts: dict[str, int] = {}
    for i in range(ACTIONS):
        m = window.model
        action = rng.choices(
            ["step", "phase", "back", "back_phase", "reset", "end", "play", "config", "cell", "table", "rows",
             "preset", "weight", "cursor_cell", "save", "open", "language"],
            weights=[12, 10, 5, 5, 2, 2, 1, 10, 5, 10, 3, 2, 6, 4, 2, 2, 0.1])[0]
        counts[action] = counts.get(action, 0) + 1
        if action in ("step", "phase", "back", "back_phase", "reset", "end"):
            window.actions_by_name[{"phase": "step_phase"}.get(action, action)].trigger()
        elif action == "play":
            window.toggle_play()
            QtWidgets.QApplication.processEvents()
            window.toggle_play() if window.play_timer.isActive() else None
        elif action == "config":
            key = rng.choice(list(CONFIG_VALUES))
            widget = window.config_panel.fields[key]
            value = rng.choice(CONFIG_VALUES[key])
            if isinstance(widget, (QtWidgets.QSpinBox, SeedBox)):
                widget.setValue(value)
            elif isinstance(widget, QtWidgets.QComboBox):
                widget.setCurrentText(value)
            else:
                widget.setChecked(value)
        elif action == "cell":
            window.layer_box.setValue(rng.randrange(0, 3))
            window.direction_box.setCurrentIndex(rng.randrange(0, 2))
            window.batch_box.setValue(rng.randrange(0, 3))
        elif action == "table":
            cells = window.input_editor.cells
            index = cells.index(rng.randrange(cells.rowCount()), rng.randrange(cells.columnCount()))
            cells.setData(index, rng.choice(TEXTS))
        elif action == "rows":
            (window.input_editor.add_row if rng.random() < 0.5 or m.seq_len < 3 else window.input_editor.remove_row)()
        elif action == "preset":
            window.input_editor.fill(rng.choice(["notebook", "sine", "random", "word"]), rng.choice(["hi", "", "ab"]))
        elif action == "weight":
            kind = rng.choice(["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
            view = window.weights.views[kind]
            if view.isVisible() and view.values().size:
                rows, cols = view.values().shape
                window.weights.begin_edit(kind, rng.randrange(rows), rng.randrange(cols))
                window.weights.editor.setText(rng.choice(TEXTS))
                window.weights.commit_edit()
                window.weights.cancel_edit()
        elif action == "cursor_cell":
            m.move_to(rng.randrange(0, m.end + 1))
        elif action == "save":
            path = str(tmp_path / f"s{i}")
            if window.files.save_to(path):
                saved.append(path + ".rnnstep.json")
        elif action == "open":
            choice = rng.random()
            path = (rng.choice(saved) if saved and choice < 0.5 else
                    str(corrupt) if choice < 0.7 else rng.choice(list(example_sessions().values())))
            before = m.session
            if not window.files.open_path(path):
                assert window.model.session is before  # a refused file touches nothing
        elif action == "language":
            window = window.set_language(rng.choice(["ko", "en"]))
            qtbot.addWidget(window)
        check(window)
    window.set_language("en") if window.model else None
    assert sum(counts.values()) == ACTIONS
