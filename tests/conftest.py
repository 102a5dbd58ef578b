import os

# Before anything can load Qt: tests never open a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


import pytest  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def torch_threads():
    """`make exactness` runs the exactness tests with other thread counts. torch caps OMP_NUM_THREADS at the number
    of cores, so a count above it (4 on a 2-core machine) is set here, with set_num_threads, which does not."""
    threads = os.environ.get("TORCH_THREADS")
    if threads:
        import torch

        torch.set_num_threads(int(threads))


MACHINE_REPORT = pytest.StashKey[list]()


@pytest.fixture
def machine_report(request):
    """Lines about this machine's numbers (e.g. its distance from the notebook's printout), printed at the end of
    the run: what was measured here, not asserted for every machine."""
    lines = request.config.stash.setdefault(MACHINE_REPORT, [])
    return lines.append


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(MACHINE_REPORT, [])
    if lines:
        from rnn_stepper.core.machine import numeric_environment

        terminalreporter.section("this machine's numbers")
        terminalreporter.write_line(numeric_environment().describe())
        for line in dict.fromkeys(lines):
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """Every test gets its own QSettings and data folder: nothing leaks between tests or into the user's."""
    try:
        from PySide6 import QtCore
    except ImportError:
        yield
        return
    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.IniFormat, QtCore.QSettings.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    QtCore.QCoreApplication.setOrganizationName("RNN Stepper tests")
    QtCore.QCoreApplication.setApplicationName("rnn-stepper-tests")
    yield


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch, request):
    """A modal dialog would wait forever offscreen: answers are recorded, unsaved work is discarded on close
    unless a test asks otherwise."""
    try:
        from PySide6 import QtWidgets

        from rnn_stepper.ui.session_files import SessionFiles
    except ImportError:
        yield []
        return
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *args: shown.append(args[1:]))
    monkeypatch.setattr(SessionFiles, "ask_unsaved", lambda self: QtWidgets.QMessageBox.Discard)
    yield shown


@pytest.fixture(scope="session", autouse=True)
def one_qapplication():
    """The one application object of the test process is a QApplication: the trace command would otherwise
    make a bare QCoreApplication for its translations, and no widget could be made after it."""
    from PySide6 import QtWidgets

    return QtWidgets.QApplication.instance() or QtWidgets.QApplication([])


@pytest.fixture
def close_shown_windows():
    """Windows that rnn_stepper.show opened are closed after the test, so none outlives it."""
    from rnn_stepper.ui import show

    yield
    import shiboken6

    for window in map(show.latest, show.windows):
        if shiboken6.isValid(window):  # a test may have deleted it
            window.close()
    show.windows.clear()


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A test that switches the language (the window's menu, `trace --lang ko` in-process) leaves English behind: a
    translator installed in this process would otherwise turn the next test's window Korean."""
    yield
    from rnn_stepper import i18n

    if i18n._installed:
        i18n.install("en")
