"""rnn_stepper.show: the window on the caller's own nn.RNN, blocking from a script, live beside a running Qt event
loop (IPython's %gui qt, or a Qt program), and never touching the module."""

import os
import subprocess
import sys
import types

import pytest
import torch
import torch.nn as nn
from PySide6 import QtCore, QtTest, QtWidgets

import rnn_stepper
from rnn_stepper.ui import show
from rnn_stepper.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("close_shown_windows")


@pytest.fixture
def notebook():
    torch.manual_seed(1)
    rnn_layer = nn.RNN(input_size=5, hidden_size=2, num_layers=1, batch_first=True)
    x_seq = torch.tensor([[1.0] * 5, [2.0] * 5, [3.0] * 5])
    return rnn_layer, x_seq


def same_bits(a, b):
    as_bytes = [v.contiguous().view(-1).view(torch.uint8) for v in (a, b)]
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(*as_bytes)


def open_windows():
    return [w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def close_later(ms, log, title):
    """Close the window titled `title` once an event loop has run for `ms`, noting what it held."""
    def close():
        for window in open_windows():
            if window.windowTitle().startswith(title):
                log.append(("open", window.model.trace is not None))
                window.close()
    QtCore.QTimer.singleShot(ms, close)


def test_from_a_script_show_blocks_until_its_window_is_closed(qtbot, notebook, capsys):
    rnn_layer, x_seq = notebook
    log = []
    close_later(300, log, "blocking")
    rnn_stepper.show(rnn_layer, x_seq, title="blocking")
    log.append("returned")
    assert log == [("open", True), "returned"]
    assert capsys.readouterr().err == ""  # not in IPython: nothing to hint at
    assert not any(w.windowTitle().startswith("blocking") for w in open_windows())


def test_a_window_closed_after_show_is_freed_and_so_is_the_one_f11_made_of_it(qtbot, notebook):
    # Each show() in a notebook kept its closed window (~14 MiB, and its session) until the kernel ended: its slots
    # hold it through Qt's connections, a cycle Python's collector cannot see
    import gc
    import weakref

    rnn_layer, x_seq = notebook
    shown = []

    def close_after_f11():
        for window in open_windows():
            if window.windowTitle().startswith("freed"):
                successor = window.rebuild(presenting=False)  # as F11 twice, or a language, replaces it
                shown.extend([weakref.ref(window), weakref.ref(successor)])
                successor.close()
    for _ in range(2):
        QtCore.QTimer.singleShot(300, close_after_f11)
        rnn_stepper.show(rnn_layer, x_seq, title="freed")
    # A window closed in the turn that built it (F11, then close at once) may still be named by a call queued for the
    # event loop's next turns (its dock sized once the layout settles): a notebook's loop runs them, and so does
    # this, before collecting. Kept until the kernel ends is what this test is about, not for 0.2 s.
    for _ in range(2):
        QtTest.QTest.qWait(100)
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)
    gc.collect()
    assert len(shown) == 4 and [ref() for ref in shown] == [None] * 4


def run_in_event_loop(call):
    """Call `call` from inside a running Qt event loop, as a Qt program's slot would; return what it returned."""
    loop = QtCore.QEventLoop()
    result = []
    QtCore.QTimer.singleShot(0, lambda: (result.append(call()), loop.quit()))
    # Never hang on a regression; stopped once the loop returns, or it would close a later test's window.
    guard = QtCore.QTimer(singleShot=True, interval=10_000)
    guard.timeout.connect(lambda: [w.close() for w in open_windows()])
    guard.start()
    loop.exec()
    guard.stop()
    return result[0]


def test_inside_a_running_event_loop_show_returns_at_once_and_the_window_stays_live(qtbot, notebook):
    rnn_layer, x_seq = notebook
    run_in_event_loop(lambda: rnn_stepper.show(rnn_layer, x_seq, title="live"))
    window = show.windows[-1]
    assert window.isVisible() and window.windowTitle().startswith("live")
    qtbot.wait(100)
    assert window.isVisible()
    for _ in range(3):
        window.actions_by_name["step"].trigger()
    with torch.no_grad():
        expected, _ = rnn_layer(x_seq)
    assert same_bits(window.model.cell.hidden[:, 0], expected)
    assert window.model.at_end and window.model.trace.bitwise_equal


def fake_ipython(monkeypatch, eventloop, kernel_loop=None):
    """A stand-in for IPython's shell (IPython is not a dependency): what %gui qt leaves on it."""
    kernel = types.SimpleNamespace(eventloop=kernel_loop)
    shell = types.SimpleNamespace(active_eventloop=eventloop, kernel=kernel)
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))


def loop_qt(kernel):
    """Named as ipykernel names the Qt loop it runs between cells."""


@pytest.mark.parametrize("eventloop, kernel_loop", [("qt", None), ("qt6", None), (None, loop_qt)])
def test_in_ipython_with_gui_qt_show_returns_at_once(qtbot, notebook, monkeypatch, eventloop, kernel_loop, capsys):
    fake_ipython(monkeypatch, eventloop, kernel_loop)
    rnn_layer, x_seq = notebook
    assert rnn_stepper.show(rnn_layer, x_seq) is None
    window = show.windows[-1]
    assert window.isVisible() and window.model.trace is not None
    assert capsys.readouterr().err == ""


def test_in_a_notebook_without_a_qt_loop_show_says_how_to_get_one_and_blocks(qtbot, notebook, monkeypatch, capsys):
    fake_ipython(monkeypatch, None)
    rnn_layer, x_seq = notebook
    log = []
    close_later(300, log, "notebook")
    rnn_stepper.show(rnn_layer, x_seq, title="notebook")
    log.append("returned")
    assert log == [("open", True), "returned"]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "%gui qt" in err


def test_the_test_mode_leaves_the_window_open_and_a_second_call_opens_a_second_window(qtbot, notebook,
                                                                                      monkeypatch):
    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")
    rnn_layer, x_seq = notebook
    rnn_stepper.show(rnn_layer, x_seq)
    rnn_stepper.show(rnn_layer, x_seq.flip(0), order="textbook", title="flipped")
    first, second = show.windows[-2:]
    assert first is not second and first.isVisible() and second.isVisible()
    assert first.windowTitle().startswith("RNN(5, 2, batch_first=True)")
    assert second.windowTitle().startswith("flipped") and second.model.session.order == "textbook"
    assert same_bits(second.model.session.inputs, x_seq.flip(0))


def test_a_window_its_caller_deletes_is_let_go_and_the_next_show_opens_another(qtbot, notebook, monkeypatch):
    """A Qt program may delete the window it was given (deleteLater, WA_DeleteOnClose): show's list of open windows
    holds only its Python wrapper then, which must not be asked anything."""
    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")
    rnn_layer, x_seq = notebook
    rnn_stepper.show(rnn_layer, x_seq, title="deleted")
    deleted = show.windows[-1]
    deleted.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)
    assert not show.is_open(deleted)
    rnn_stepper.show(rnn_layer, x_seq, title="next")
    assert show.windows == [show.windows[-1]] and show.windows[-1].windowTitle().startswith("next")


def test_a_blocking_show_returns_when_its_window_is_deleted(qtbot, notebook):
    rnn_layer, x_seq = notebook
    log = []

    def delete():
        for window in open_windows():
            if window.windowTitle().startswith("deleted while shown"):
                log.append("deleted")
                window.deleteLater()
    QtCore.QTimer.singleShot(300, delete)
    # Never hang on a regression: every event loop is told to stop (the call's own included) after 10 s.
    guard = QtCore.QTimer(singleShot=True, interval=10_000)
    guard.timeout.connect(lambda: (log.append("stopped by the guard"), QtCore.QCoreApplication.exit(0)))
    guard.start()
    rnn_stepper.show(rnn_layer, x_seq, title="deleted while shown")
    guard.stop()
    log.append("returned")
    assert log == ["deleted", "returned"]


def test_editing_in_the_window_never_changes_the_module(qtbot, notebook, monkeypatch):
    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")
    rnn_layer, x_seq = notebook
    before = {k: v.clone() for k, v in rnn_layer.state_dict().items()}
    rng = torch.get_rng_state()
    rnn_stepper.show(rnn_layer, x_seq)
    assert torch.equal(torch.get_rng_state(), rng)
    window = show.windows[-1]
    window.model.set_weight("weight_hh_l0", (0, 0), 5.0)  # computed on the worker thread, as in the window
    qtbot.waitUntil(lambda: not window.model.busy and window.model.session.weights["weight_hh_l0"][0, 0] == 5.0)
    assert all(torch.equal(v, before[k]) for k, v in rnn_layer.state_dict().items())
    assert rnn_layer.training and all(p.grad is None for p in rnn_layer.parameters())


def test_a_model_is_shown_through_its_one_rnn_and_the_title_says_which(qtbot, monkeypatch, capsys):
    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 4), nn.RNN(4, 3, num_layers=2, bidirectional=True))
    x = torch.randn(6, 2, 4)
    rnn_stepper.show(model, x)
    window = show.windows[-1]
    assert window.windowTitle().startswith("model[1]: RNN(4, 3, num_layers=2, bidirectional=True)")
    assert "showing model[1]" in capsys.readouterr().err
    with torch.no_grad():
        expected, h_n = model[1](x)
    assert same_bits(window.model.trace.reference_output, expected) and window.model.trace.bitwise_equal
    assert same_bits(window.model.trace.h_n, h_n)
    # A language switch rebuilds the window around the same model; the title goes along.
    successor = window.set_language("ko")
    assert successor.windowTitle().startswith("model[1]: RNN(4, 3")
    assert show.latest(window) is successor


def test_bad_arguments_are_refused_before_any_window_opens(qtbot, notebook):
    rnn_layer, x_seq = notebook
    before = len(open_windows())
    with pytest.raises(TypeError, match="nn.LSTM takes its initial state as a pair"):
        rnn_stepper.show(nn.LSTM(5, 2), x_seq, torch.zeros(1, 1, 2))
    with pytest.raises(ValueError, match="each timestep has 4 values but input_size is 5"):
        rnn_stepper.show(rnn_layer, x_seq[:, :4])
    with pytest.raises(TypeError, match="title must be a string"):
        rnn_stepper.show(rnn_layer, x_seq, title=3)
    assert len(open_windows()) == before


def test_without_a_screen_show_says_so_instead_of_aborting_python():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    code = ("import torch, rnn_stepper\n"
            "try:\n"
            "    rnn_stepper.show(torch.nn.RNN(5, 2), torch.ones(3, 5))\n"
            "except RuntimeError as exc:\n"
            "    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "needs a screen" in result.stdout and "rnn_stepper.trace" in result.stdout


CONFIGS = [dict(num_layers=layers, bidirectional=bidirectional, nonlinearity=act, bias=bias, batch_first=batch_first)
           for layers in (1, 2) for bidirectional in (False, True) for act in ("tanh", "relu") for bias in (True, False)
           for batch_first in (True, False)]


# Each option both ways in float32, and the two ends in float64 (trace's tests cross every one with both dtypes).
CASES = [(c, torch.float32) for c in CONFIGS] + [(CONFIGS[0], torch.float64), (CONFIGS[-1], torch.float64)]


@pytest.mark.parametrize("config, dtype", CASES,
                         ids=["-".join(f"{k}={v}" for k, v in c.items()) + f"-{str(d)[6:]}" for c, d in CASES])
def test_every_configuration_opens_with_the_modules_own_numbers(qtbot, monkeypatch, config, dtype):
    monkeypatch.setenv("RNN_STEPPER_NO_BLOCK", "1")
    torch.manual_seed(8)
    module = nn.RNN(3, 4, dtype=dtype, **config)
    x = torch.randn(*((2, 5, 3) if config["batch_first"] else (5, 2, 3)), dtype=dtype)
    rnn_stepper.show(module, x)
    window = show.windows[-1]
    session = window.model.session
    assert {k: getattr(session.config, k) for k in config} == config and session.config.dtype == str(dtype)[6:]
    with torch.no_grad():
        output, h_n = module(x)
    assert same_bits(window.model.trace.output, output) and same_bits(window.model.trace.h_n, h_n)
    window.actions_by_name["end"].trigger()
    assert window.comparison.verdict_text() == "bitwise identical at all 5 steps"


def test_ctrl_c_closes_a_blocking_window_and_interrupts_as_any_long_call_would(qtbot, notebook):
    import signal

    rnn_layer, x_seq = notebook
    before = signal.getsignal(signal.SIGINT)
    QtCore.QTimer.singleShot(300, lambda: os.kill(os.getpid(), signal.SIGINT))
    with pytest.raises(KeyboardInterrupt):
        rnn_stepper.show(rnn_layer, x_seq, title="interrupted")
    assert not any(w.windowTitle().startswith("interrupted") for w in open_windows())
    assert signal.getsignal(signal.SIGINT) is before
