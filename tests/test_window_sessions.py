"""Sessions in the window: open, save, recent files, the unsaved mark, closing, autosave and restore."""

import json
from dataclasses import replace

import pytest
import torch
import torch.nn as nn
from PySide6 import QtWidgets

from instances import killed
from rnn_stepper.core import compute_trace
from rnn_stepper.core.session_file import SUFFIX, load_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.session_files import SessionFiles, autosave_path, example_sessions


@pytest.fixture
def window(qtbot):
    w = MainWindow(StepperModel())
    qtbot.addWidget(w)
    w.show()
    return w


def test_save_then_open_gives_the_same_session_at_the_same_cursor(qtbot, window, tmp_path):
    window.model.step()
    window.model.set_weight("weight_hh_l0", (0, 1), 0.75)
    assert window.isWindowModified() and window.windowTitle().startswith("untitled[*]")
    path = str(tmp_path / "lecture")
    assert window.files.save_to(path)
    assert window.files.path == path + SUFFIX and not window.isWindowModified()
    assert window.windowTitle().startswith("lecture.rnnstep.json")
    other = MainWindow(StepperModel())
    qtbot.addWidget(other)
    assert other.files.open_path(path + SUFFIX)
    assert other.model.session.weights["weight_hh_l0"][0, 1].item() == 0.75
    assert other.model.position == 4 and not other.model.dirty
    assert other.files.recent()[0].endswith("lecture.rnnstep.json")


def test_a_bad_file_is_refused_and_the_open_session_is_untouched(window, tmp_path, no_modal_dialogs):
    window.model.configure(hidden_size=3)
    before = window.model.session
    path = tmp_path / f"newer{SUFFIX}"
    doc = json.loads(open(example_sessions()["notebook"]).read())
    doc["version"] = 7
    path.write_text(json.dumps(doc))
    assert not window.files.open_path(str(path))
    assert window.model.session is before and window.model.dirty
    assert "made by a newer RNN Stepper" in no_modal_dialogs[-1][1]


def test_every_example_session_opens_and_matches_its_module(window):
    names = example_sessions()
    assert set(names) == {"notebook", "addition-order", "relu", "two-layer-bidirectional", "saturating",
                          "gru-notebook", "lstm-notebook", "lstm-forget-gate-memory", "gradient-vanishing",
                          "gradient-exploding", "lstm-gradient-surviving", "packed-batch"}
    for name, path in names.items():
        window.files.open_example(path)
        # addition-order opens in textbook order: its lesson is the few ulps it lands from nn.RNN
        assert window.model.trace.bitwise_equal == (window.model.session.order == "kernel"), name
        assert window.files.path is None  # Save asks where: the example stays as shipped
    window.files.open_example(names["saturating"])
    assert window.model.trace.spectral_radius(0) == pytest.approx(1.8)  # students watch the state saturate


def same_bits(a, b):
    as_bytes = [v.contiguous().view(-1).view(torch.uint8) for v in (a, b)]
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(*as_bytes)


def own_pass(session):
    """The session's torch module on its own input, on the cell PyTorch runs step by step (oneDNN off); a batch with
    lengths packed as the module's user packs it, its output padded back."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    x = session.inputs
    if session.lengths is not None:
        x = pack_padded_sequence(x, torch.tensor(session.lengths), batch_first=session.config.batch_first,
                                 enforce_sorted=False)
    with torch.no_grad(), torch.backends.mkldnn.flags(enabled=False):
        output, final = session.module()(x, session.initial_state())
    if session.lengths is not None:
        output, _ = pad_packed_sequence(output, batch_first=session.config.batch_first,
                                        total_length=session.seq_len)
    return output, final if isinstance(final, tuple) else (final,)


@pytest.mark.parametrize("name", sorted(example_sessions()))
def test_each_example_in_kernel_order_is_bitwise_its_module(name):
    session, _ = load_session(example_sessions()[name])
    trace = compute_trace(replace(session, order="kernel"))
    output, final = own_pass(session)
    assert same_bits(trace.output, output), name
    for state, value in zip(session.config.cell_type.state, final):
        assert same_bits(trace.final[state], value), (name, state)


@pytest.mark.parametrize("cell, module", [("gru", nn.GRU), ("lstm", nn.LSTM)])
def test_the_gru_and_lstm_examples_are_the_notebook_built_with_another_class(cell, module):
    session, _ = load_session(example_sessions()[f"{cell}-notebook"])
    torch.manual_seed(1)  # as the notebook does
    expected = module(input_size=5, hidden_size=2, num_layers=1, batch_first=True)
    assert session.config.cell == cell and session.seed == 1
    assert all(torch.equal(session.weights[k], v) for k, v in expected.state_dict().items())
    assert torch.equal(session.inputs, torch.tensor([[[1.0] * 5, [2.0] * 5, [3.0] * 5]]))


def test_the_memory_example_still_carries_its_pulse_in_c_at_t_50():
    session, _ = load_session(example_sessions()["lstm-forget-gate-memory"])
    assert session.inputs.shape == (1, 51, 1) and session.inputs[0, 0, 0] == 1 and not session.inputs[0, 1:].any()
    cell = compute_trace(session).cell(0).phases["cell"]  # (T, B, H)
    silent = compute_trace(replace(session, inputs=torch.zeros_like(session.inputs))).cell(0).phases["cell"]
    written = cell[0, 0]  # what the pulse wrote into c at t = 0, per unit
    remembered = cell[50, 0] - silent[50, 0]  # what of it is left at t = 50, beside the same LSTM never pulsed
    H, f = session.config.hidden_size, session.config.cell_type.gate_names.index("f")
    forget = torch.sigmoid(session.weights["bias_ih_l0"][f * H:(f + 1) * H])  # the forget gate, as its bias sets it
    assert forget[0] > 0.999 and forget[1] == 0.5
    assert remembered[0] > 0.9 * written[0]  # the unit whose f ≈ 1 keeps the pulse
    assert abs(remembered[1]) < 1e-6 * written[1]  # the unit whose f = 0.5 has lost it


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(qtbot, window, monkeypatch):
    window.model.configure(seed=5)
    monkeypatch.setattr(SessionFiles, "ask_unsaved", lambda self: QtWidgets.QMessageBox.Cancel)
    assert not window.close() and window.isVisible()
    monkeypatch.setattr(SessionFiles, "ask_unsaved", lambda self: QtWidgets.QMessageBox.Discard)
    assert window.close()


def test_autosave_then_restore_after_a_crash(qtbot, window):
    window.model.configure(hidden_size=4)
    window.model.step()
    window.files.autosave(block=True)
    assert autosave_path().exists()
    assert load_session(str(autosave_path()))[0].config.hidden_size == 4
    killed()  # the process dies here; the next start finds the autosave and offers it
    fresh = MainWindow(StepperModel())
    qtbot.addWidget(fresh)
    assert fresh.files.offer_restore(ask=lambda orphan: True)
    assert fresh.model.session.config.hidden_size == 4 and fresh.model.position == 4
    assert fresh.model.dirty  # restored work is not saved anywhere yet


def test_autosave_writes_on_a_worker_thread_and_only_when_the_session_changed(window, monkeypatch):
    import threading

    from rnn_stepper.ui import session_files

    writes = []
    monkeypatch.setattr(session_files, "save_session",
                        lambda path, session, cursor: writes.append((threading.current_thread(), session)))
    window.model.configure(hidden_size=4)
    window.files.autosave(block=True)
    window.model.step()  # moving the cursor is not new work
    window.files.autosave(block=True)
    assert len(writes) == 1 and writes[0][0] is not threading.main_thread()
    window.model.configure(hidden_size=5)
    window.files.autosave(block=True)
    assert len(writes) == 2 and writes[1][1] is window.model.session


def test_a_session_too_big_to_autosave_is_not_written_and_the_window_says_so(window, monkeypatch):
    import numpy as np

    from rnn_stepper.ui import session_files

    monkeypatch.setattr(session_files, "MAX_AUTOSAVE_NUMBERS", 1000)
    messages = []
    window.model.events.message.connect(messages.append)
    window.model.set_sequence(np.ones((1, 300, 5)))
    window.files.autosave(block=True)
    assert not autosave_path().exists()
    assert "too many to autosave" in messages[-1] and "Ctrl+S" in messages[-1]


def test_a_clean_close_leaves_nothing_to_restore(window):
    window.model.configure(hidden_size=4)
    window.files.autosave(block=True)
    window.close()
    assert not autosave_path().exists()
    assert not MainWindow(StepperModel()).files.offer_restore(ask=lambda orphan: pytest.fail("nothing to offer"))


def test_saving_to_a_read_only_place_says_so(window, tmp_path, no_modal_dialogs):
    folder = tmp_path / "locked"
    folder.mkdir()
    assert not window.files.save_to(str(folder / "missing-subfolder" / "s"))
    assert "cannot write here" in no_modal_dialogs[-1][1]
