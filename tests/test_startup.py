"""Start-up (issue 30): a window paints before numpy, pyqtgraph or torch have loaded, and torch is already loading
on a thread of its own while the stepper window is built."""

import json
import subprocess
import sys

FIRST_FRAME = """
import json, os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6 import QtCore, QtWidgets

looked_for = {}  # module -> (the thread that looked for it first, the threads running then)
class Spy:  # only watches: finds nothing, so every import goes on as it would
    def find_spec(self, name, path, target=None):
        if name in ("torch", "rnn_stepper.ui.main_window") and name not in looked_for:
            looked_for[name] = (threading.get_ident(), {t.ident for t in threading.enumerate()})
        return None
sys.meta_path.insert(0, Spy())

first_paint = []  # what had loaded when the first widget painted
class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Paint and not first_paint:
            first_paint.append(sorted(m for m in ("numpy", "pyqtgraph", "torch") if m in sys.modules))
        return False
app = QtWidgets.QApplication([sys.argv[0]])
watch = FirstPaint()
app.installEventFilter(watch)

from rnn_stepper.ui.app import open_window
from rnn_stepper.ui.background import load_torch
app, window = open_window(restore=False)
while not first_paint:  # painted already: open_window returns once its first frame is on screen
    app.processEvents()
load_torch()  # waits for the import under way
torch_thread, _ = looked_for["torch"]
_, running = looked_for["rnn_stepper.ui.main_window"]
print(json.dumps({"loaded at the first paint": first_paint[0],
                  "torch off the GUI thread": torch_thread != threading.main_thread().ident,
                  "torch loading before the window was built": torch_thread in running,
                  "returned": type(window).__name__, "shown": window.isVisible(),
                  "windows on show": sum(w.isVisible() for w in app.topLevelWidgets() if w.isWindow())}), flush=True)
os._exit(0)  # torch's thread may still be finishing
"""


def test_the_first_frame_paints_before_numpy_pyqtgraph_and_torch_and_torch_loads_meanwhile():
    result = subprocess.run([sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["loaded at the first paint"] == []
    assert seen["torch off the GUI thread"]
    assert seen["torch loading before the window was built"]
    # open_window still returns the stepper window, shown; the frame it took the place of has gone
    assert (seen["returned"], seen["shown"], seen["windows on show"]) == ("MainWindow", True, 1)


TORCH_HALF_LOADED = """
import sys, time
from rnn_stepper.ui.background import load_torch, start_loading_torch
loading = start_loading_torch()
while "torch" not in sys.modules:  # the import has begun: the module is there, not yet filled in
    time.sleep(0.001)
load_torch()
torch = sys.modules["torch"]
print(loading.name != "MainThread", getattr(torch.__spec__, "_initializing", False),
      torch.nn.RNN(2, 3).hidden_size, flush=True)
"""


def test_a_computation_that_needs_torch_while_it_loads_waits_for_the_whole_module():
    result = subprocess.run([sys.executable, "-c", TORCH_HALF_LOADED], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "3"]


COMMAND_FIRST_FRAME = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_DATA_HOME"] = sys.argv[1]  # no settings or autosave of the user's
from PySide6 import QtCore, QtWidgets

class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Paint:
            loaded = sorted(m for m in ("numpy", "pyqtgraph", "torch") if m in sys.modules)
            print(json.dumps(loaded), flush=True)
            os._exit(0)
        return False
app = QtWidgets.QApplication([sys.argv[0]])
watch = FirstPaint()
app.installEventFilter(watch)
from rnn_stepper.cli import main
main([])
"""


def test_the_commands_first_frame_paints_before_numpy_pyqtgraph_and_torch_too(tmp_path):
    """`rnn-stepper` as a person types it: the command line is parsed before the frame, and loads none of them."""
    result = subprocess.run([sys.executable, "-c", COMMAND_FIRST_FRAME, str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
