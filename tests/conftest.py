"""The suite's fixtures and markers.

Markers (pyproject.toml registers them; `make test-fast` leaves out gui and slow):
- gui: the test needs Qt. Set here for every test that asks for qtbot or qapp, or whose module imports Qt or
  rnn_stepper.ui (but for its QT_FREE modules); only these get a QApplication, private QSettings and recorded
  dialogs. The rest run without Qt.
- exactness: parity with PyTorch, bit for bit (the files in EXACTNESS); `make exactness` reruns them under other
  numeric environments.
- slow: the files in SLOW, which take tens of seconds each (property tests, fresh processes, long sequences).
"""

import os
import sys
from pathlib import Path

# Before anything can load Qt: tests never open a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


import pytest  # noqa: E402

EXACTNESS = {"test_kernel_order.py", "test_addition_order.py", "test_notebook.py", "test_backward.py",
             "test_optimizers.py", "test_model_backward.py", "test_sentiment_model.py"}
SLOW = {"test_kernel_order.py", "test_hostile.py", "test_long_computations.py", "test_fuzz_loaders.py",
        "test_monkey.py", "test_legibility.py", "test_explain.py", "test_backward.py", "test_installed_wheel.py"}
QT_FIXTURES = {"qtbot", "qapp"}
QT_PACKAGES = ("PySide6", "pyqtgraph", "shiboken6", "rnn_stepper.ui")
# Modules of ui/ without Qt (pyproject.toml's import contracts keep them so): their tests need no QApplication.
QT_FREE = ("rnn_stepper.ui.matrix_plan", "rnn_stepper.ui.number_format")


def imports_qt(module) -> bool:
    """Whether a test module imported Qt or the window at its top (the names it holds come from there)."""
    for value in vars(module).values():
        name = value.__name__ if isinstance(value, type(sys)) else getattr(value, "__module__", None) or ""
        if name.startswith(QT_PACKAGES) and not name.startswith(QT_FREE):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    qt_modules = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module not in qt_modules:
            qt_modules[module] = imports_qt(module)
        if QT_FIXTURES & set(item.fixturenames) or qt_modules.get(module):
            item.add_marker(pytest.mark.gui)
        name = Path(str(item.path)).name
        if name in EXACTNESS:
            item.add_marker(pytest.mark.exactness)
        if name in SLOW:
            item.add_marker(pytest.mark.slow)


APPLICATION = pytest.StashKey[object]()


def pytest_collection_finish(session):
    """The one application object of a run that holds a gui test is a QApplication, made before any test: the
    trace command would otherwise make a bare QCoreApplication for its translations, and no widget could be made
    after it. A run without gui tests makes none."""
    if any(item.get_closest_marker("gui") for item in session.items):
        from PySide6 import QtWidgets

        session.config.stash[APPLICATION] = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])


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
def private_folders(tmp_path, monkeypatch):
    """Every test gets its own data and config folders: nothing leaks between tests or into the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(autouse=True)
def qt_for_gui_tests(request):
    """A gui test gets its private QSettings and recorded dialogs; any other test loads no Qt."""
    if request.node.get_closest_marker("gui"):
        request.getfixturevalue("private_settings")
        request.getfixturevalue("no_modal_dialogs")
        request.getfixturevalue("collector_as_in_the_window")


@pytest.fixture
def collector_as_in_the_window():
    """A gui test builds widgets outside a window too (a panel, a plot): for all of it, Python's cyclic collector
    runs from the event loop only, as it does while a window is open (ui/collection.py says why)."""
    from rnn_stepper.ui import collection

    test = object()
    collection.hold_while_open(test)
    yield
    collection.release_window(test)


@pytest.fixture
def private_settings(tmp_path):
    """Every gui test gets its own QSettings."""
    from PySide6 import QtCore

    QtCore.QSettings.setDefaultFormat(QtCore.QSettings.IniFormat)
    QtCore.QSettings.setPath(QtCore.QSettings.IniFormat, QtCore.QSettings.UserScope, str(tmp_path / "settings"))
    QtCore.QCoreApplication.setOrganizationName("RNN Stepper tests")
    QtCore.QCoreApplication.setApplicationName("rnn-stepper-tests")


@pytest.fixture
def no_modal_dialogs(monkeypatch):
    """A modal dialog would wait forever offscreen: answers are recorded, unsaved work is discarded on close
    unless a test asks otherwise."""
    from PySide6 import QtWidgets

    from rnn_stepper.ui.session_files import SessionFiles

    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *args: shown.append(args[1:]))
    monkeypatch.setattr(SessionFiles, "ask_unsaved", lambda self: QtWidgets.QMessageBox.Discard)
    return shown


@pytest.fixture
def shot(monkeypatch, qtbot, tmp_path):
    """Runs the screenshot path and hands back the window it would have drawn, instead of a PNG. The run says
    nothing on stderr, unless `quiet=False` (what a weights file did not record is said there): `shot.err`."""
    from helpers import run_cli
    from rnn_stepper.ui import app
    from rnn_stepper.ui.main_window import MainWindow

    windows = []

    def keep(window, path):
        qtbot.addWidget(window)
        windows.append(window)
        return 0

    monkeypatch.setattr(app, "save_screenshot", keep)
    monkeypatch.setattr(MainWindow, "font_scale_for_this_run", None)  # the class attribute --font-scale sets

    def screenshot(capsys, *argv, quiet=True):
        status, out, err = run_cli(capsys, *argv, "--screenshot", str(tmp_path / "shot.png"))
        assert status == 0, err
        if quiet:
            assert err == "", err
        screenshot.err = err
        return windows[-1]

    yield screenshot
    for window in windows:
        while window.replaced_by is not None:  # a window replaced (F11, a language) is deleted: its successor
            window = window.replaced_by
        if window.presenting:
            window.rebuild(presenting=False).close()  # normal fonts and colours for the next test


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """A window replaced by rebuild (F11, a language, a look) is deleted from the event loop (MainWindow.closeEvent):
    pytest-qt, which closes every widget a test registered, passes over those already gone."""
    widgets = getattr(item, "qt_widgets", None)
    if widgets:  # a test that registered widgets has loaded Qt: a core test loads none here
        import shiboken6

        item.qt_widgets = [(ref, before) for ref, before in widgets if ref() is None or shiboken6.isValid(ref())]
    return (yield)


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
    from rnn_stepper.ui import i18n

    if i18n._installed:
        i18n.install("en")


@pytest.fixture(scope="module")
def baseline_rss():
    """Peak memory of the notebook's own `trace --format json`, the floor the hostile files are measured from."""
    from helpers import peak

    status, rss = peak("trace", "--format", "json")
    assert status == 0
    return rss
