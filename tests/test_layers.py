"""The numeric core stays free of Qt, so the CLI and the tests run without a display.

import-linter (`lint-imports`, run by `make test`) checks the import graph; these tests check what a fresh
interpreter actually loads, which also catches an import made at run time."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = "('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6')"


def qt_modules_after(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter; it fails, naming them, if any Qt module was loaded."""
    check = (f"; import sys; bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT});"
             "sys.stderr.write(repr(bad)); sys.exit(1 if bad else 0)")
    return subprocess.run([sys.executable, "-c", code + check], capture_output=True, text=True)


def test_the_core_loads_no_qt():
    result = qt_modules_after("import rnn_stepper.core, rnn_stepper.core.files, rnn_stepper.core.export, "
                              "rnn_stepper.core.backward, rnn_stepper.model, rnn_stepper.backprop, rnn_stepper.api")
    assert result.returncode == 0, result.stderr


def test_trace_as_json_loads_no_qt():
    result = qt_modules_after("from rnn_stepper.cli import main; main(['trace', '--format', 'json'])")
    assert result.returncode == 0, result.stderr


def test_parsing_the_window_options_loads_no_qt():
    result = qt_modules_after("from rnn_stepper.cli import build_parser; "
                              "args = build_parser().parse_args(['--presentation', '--font-scale', '1.5']); "
                              "assert args.font_scale == 1.5")
    assert result.returncode == 0, result.stderr


@pytest.mark.slow  # a pytest run inside the test
def test_core_tests_run_without_qt():
    """tests/conftest.py gives Qt (a QApplication, private QSettings, recorded dialogs) to gui tests only: a run of
    core tests, with pytest-qt switched off, loads no Qt module at all."""
    probe = ("import sys, pytest\n"
             "class Probe:\n"
             "    def pytest_sessionfinish(self, session):\n"
             f"        self.qt = sorted(m for m in sys.modules if m.split('.')[0] in {QT})\n"
             "probe = Probe()\n"
             "status = pytest.main(['-q', '-p', 'no:cacheprovider', '-p', 'no:pytest-qt',\n"
             "                      '-W', 'ignore::pytest.PytestConfigWarning',\n"
             "                      'tests/test_torch_private.py', 'tests/test_numerics.py'], plugins=[probe])\n"
             "sys.stderr.write(repr(probe.qt)); sys.exit(status or (1 if probe.qt else 0))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
