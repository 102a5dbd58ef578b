"""The numeric core stays free of Qt, so the CLI and the tests run without a display."""

import subprocess
import sys


def test_core_and_cli_load_no_qt():
    code = (
        "import sys; import rnn_stepper.core, rnn_stepper.core.files, rnn_stepper.core.export, rnn_stepper.cli;"
        "from rnn_stepper.cli import main; main(['trace', '--format', 'json']) ;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'PyQt5', 'PyQt6'));"
        "sys.stderr.write(repr(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
