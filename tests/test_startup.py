"""Start-up (issue 30): a window paints before numpy, pyqtgraph or torch have loaded, and torch is already loading
on a thread of its own while the stepper window is built."""

import subprocess
import sys

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
