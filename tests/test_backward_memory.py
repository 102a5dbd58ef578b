"""The hand backward's memory: each step allocates a share of ∂L/∂W_hh and a new running sum (16 MB each for an
nn.LSTM at H = 1,024) between small tensors kept for Step back. Left to glibc's moving mmap threshold those blocks
came from the heap, which grew without bound: 8.7 GB for an LSTM over 300 steps, 23.7 GB for a GRU over 1,000, and
the window was killed. Measured in a fresh process, as resident memory, since the allocator keeps what a process
freed before."""

import subprocess
import sys

import pytest

MEASURE = r"""
import resource, sys
import numpy as np
from rnn_stepper.core import RNNConfig, compute_trace, make_session
from rnn_stepper.core.backward import hand_backward

H, T = 1024, int(sys.argv[1])
session = make_session(RNNConfig(cell="lstm", input_size=8, hidden_size=H),
                       np.random.default_rng(0).standard_normal((T, 8)), seed=0)
trace = compute_trace(session)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
hand_backward(trace)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the heap measured is glibc's")
def test_the_hand_backward_of_a_large_lstm_frees_each_steps_weight_share_as_it_goes():
    # 120 steps of 16-MB shares: 3.8 GB if each stayed on the heap; the walk's own tensors are a few MB
    out = subprocess.run([sys.executable, "-c", MEASURE, "120"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    grown_mib = float(out.stdout.split()[-1])
    assert grown_mib < 600, f"the hand backward grew the process by {grown_mib:.0f} MiB"
