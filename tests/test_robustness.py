"""Nothing crashes, nothing is lost, nothing untrusted runs."""

import socket

import pytest
import shiboken6
from PySide6 import QtCore, QtWidgets

from rnn_stepper.core.session_file import load_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.crash import CrashGuard, log_path
from rnn_stepper.ui.main_window import MainWindow


def test_an_unexpected_error_is_logged_explained_and_the_session_kept(qtbot, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "critical", lambda *args: shown.append(args[2]))
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.model.step()
    before = window.model.session

    def broken(*_):
        raise RuntimeError("a bug in a panel")

    guard = CrashGuard().install()
    try:
        window.model.events.cursor.connect(broken)
        try:
            window.model.step()
        except RuntimeError as exc:  # a slot called from Python raises here; Qt would hand it to the hook
            guard.handle(type(exc), exc, exc.__traceback__)
    finally:
        guard.uninstall()
    assert "RuntimeError: a bug in a panel" in shown[0] and "was kept" in shown[0]
    assert "a bug in a panel" in log_path().read_text()
    assert window.model.session is before
    window.model.events.cursor.disconnect(broken)
    assert window.files.save_to(str(tmp_path / "after-the-error"))
    assert load_session(str(tmp_path / "after-the-error.rnnstep.json"))[0].config == before.config


def test_the_program_opens_no_socket(qtbot, monkeypatch, tmp_path):
    attempts = []

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            attempts.append(args)
            raise OSError("network access is not allowed in this test")

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a) or pytest.fail("connect"))
    from rnn_stepper.cli import main
    from rnn_stepper.ui.session_files import example_sessions

    assert main(["trace", "--format", "json", "--num-layers", "2"]) == 0
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.show()
    for path in example_sessions().values():
        window.files.open_example(path)
    window.model.run_to_end()
    window.files.save_to(str(tmp_path / "s"))
    window.files.import_weights(str(__import__("importlib.resources").resources.files("rnn_stepper.resources")
                                     / "weights" / "sine_rnn.pt"))
    window.exports.plot(str(tmp_path / "p.png"))
    window.exports.snippet(str(tmp_path / "s.py"))
    window = window.set_language("ko").set_language("en")
    qtbot.addWidget(window)
    assert attempts == []


KILLED_SESSION = r"""
import os, signal, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication([])
app.setOrganizationName("RNN Stepper kill test")
app.setApplicationName("rnn-stepper-kill-test")
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow
window = MainWindow(StepperModel())
window.show()
window.model.configure(hidden_size=7)
window.model.step()
print(window.files.autosave_timer.interval(), flush=True)
QtCore.QTimer.singleShot(int(sys.argv[1]), lambda: os.kill(os.getpid(), signal.SIGKILL))
app.exec()
"""


def test_killing_the_process_loses_at_most_the_last_seconds(tmp_path):
    import subprocess
    import sys

    env = {**__import__("os").environ, "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-c", KILLED_SESSION, "6500"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == -9  # killed, no chance to clean up
    interval_ms = int(result.stdout.split()[0])
    assert interval_ms <= 5000
    [autosave] = (tmp_path / "data").rglob("autosave-*.rnnstep.json")
    session, cursor = load_session(str(autosave))
    assert session.config.hidden_size == 7 and cursor["position"] == 4


def test_a_read_only_target_gets_a_clear_message(qtbot, monkeypatch, tmp_path, no_modal_dialogs):
    import tempfile

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    assert not window.files.save_to(str(tmp_path / "s"))
    assert "cannot write here (Permission denied); choose another folder" in no_modal_dialogs[-1][1]
    assert window.model.dirty is False and not (tmp_path / "s.rnnstep.json").exists()


def top_level_widgets() -> dict[int, QtWidgets.QWidget]:
    """Qt's top-level widgets by their C++ address: a wrapper's Python id says nothing once it is freed."""
    return {shiboken6.getCppPointer(w)[0]: w for w in QtWidgets.QApplication.topLevelWidgets()}


def widgets_left_for_the_collector(make_and_delete) -> list[tuple[str, str]]:
    """The top-level widgets that `make_and_delete` made and left to Python (owned by their wrappers) once Qt has
    handled its deferred deletes. Python's cyclic collector is held off meanwhile: these are what it would delete,
    at an unknown moment."""
    import gc

    before = top_level_widgets().keys()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        make_and_delete()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)  # the event loop's next turn
        return [(type(w).__name__, w.windowTitle()) for address, w in top_level_widgets().items()
                if address not in before and shiboken6.ownedByPython(w)]
    finally:
        if enabled:
            gc.enable()


def test_a_deleted_window_takes_every_widget_it_made_with_it(qtbot):
    """Issue 25's crash. pyqtgraph made each plot's "Plot Options" menu with no parent: a top-level widget that
    outlived the window until Python's cyclic collector freed it, at whatever allocation started a collection. One
    such allocation is QApplication.topLevelWidgets() wrapping Qt's list for Python, which then read the freed menu
    further down that list. Nothing the window makes may wait for the collector."""
    def deleted_window():
        window = MainWindow(StepperModel())
        window.show()
        window.show_backward()  # every panel built, the backward pass's plots too
        window.deleteLater()  # as pytest-qt does with a test's window, or a Qt program with WA_DeleteOnClose

    assert widgets_left_for_the_collector(deleted_window) == []


WINDOW_FREED_BY_THE_COLLECTOR = r"""
import gc, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication([])
from rnn_stepper.model import StepperModel
from rnn_stepper.ui.main_window import MainWindow
kept = MainWindow(StepperModel())  # its popups and submenus are made by Qt: wrapping them for Python allocates
kept.show()
gc.collect()
gc.disable()
window = MainWindow(StepperModel())
window.show()
app.processEvents()  # its timers fire, as in a running program: they hold it until then
successor = window.set_language("en")  # the replaced window no longer hears its model, and deletes itself
app.processEvents()
QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)  # (MainWindow.closeEvent)
del window  # garbage now
top_level_widgets = QtWidgets.QApplication.topLevelWidgets
thresholds = gc.get_threshold()
gc.set_threshold(1, 1, 1)  # a collection at every allocation, those in the middle of the wrapping included
gc.enable()
widgets = top_level_widgets()
gc.set_threshold(*thresholds)
print(len(widgets), "top-level widgets")
"""


def test_a_collection_while_qt_lists_its_windows_finds_nothing_to_delete(tmp_path):
    """The crash itself, made certain: a replaced window deleted (it deletes itself), then the collector run at every
    allocation while QApplication.topLevelWidgets() wraps Qt's list. It was a segmentation fault: the collector freed
    the deleted window's plot menus, whose pointers were further down the list being wrapped."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-X", "faulthandler", "-c", WINDOW_FREED_BY_THE_COLLECTOR], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "top-level widgets" in result.stdout
