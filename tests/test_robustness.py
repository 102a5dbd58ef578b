"""Nothing crashes, nothing is lost, nothing untrusted runs."""

import socket

import pytest
from PySide6 import QtWidgets

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
