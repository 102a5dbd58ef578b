"""What several test files share: running the command line in-process, and hypothesis' random sessions.

Fixtures (a window's screenshot path, the QApplication) are in conftest.py; the tests' other shared modules say
what they are in their names (aten_calls, notebook_code, instances, legibility, standalone_panels)."""

from __future__ import annotations

import os
import subprocess
import sys

import torch
from hypothesis import strategies as st

from rnn_stepper.cli import main
from rnn_stepper.core import RNNConfig, Session
from rnn_stepper.core.cells import CELL_TYPES
from rnn_stepper.core.session import seeded_weights

CELLS = tuple(CELL_TYPES)  # the registered cell types, as the program knows them


# --- the command line, in this process ----------------------------------------------------------------------------

def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """`rnn-stepper ARGV`: its exit status, standard output and standard error."""
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def run(capsys, *argv) -> tuple[int, str, str]:
    """`rnn-stepper trace ARGV`, in English whatever the machine's language (a later --lang wins)."""
    return run_cli(capsys, "trace", "--lang", "en", *argv)


def refused_by(result: tuple[int, str, str], says: str) -> str:
    """A refusal as every bad input gets one: exit status 2, nothing on stdout, one line on stderr saying `says`."""
    status, out, err = result
    assert status == 2, (out, err)
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    assert says in err, err
    return err


def refused(capsys, *argv, says: str) -> str:
    """`rnn-stepper trace ARGV` is refused with one line that says `says`."""
    return refused_by(run(capsys, *argv), says)


def refused_cli(capsys, *argv, says: str) -> str:
    """`rnn-stepper ARGV` (the window, slides) is refused with one line that says `says`."""
    return refused_by(run_cli(capsys, *argv), says)


# --- peak memory of the command line, in a fresh process -----------------------------------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PEAK = """
import resource, sys
from rnn_stepper.cli import main
status = main(sys.argv[1:])
print(status, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def peak(*argv) -> tuple[int, int]:
    """(exit status, peak RSS in bytes) of `rnn-stepper ARGV` in a fresh process."""
    done = subprocess.run([sys.executable, "-c", PEAK, *argv], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": ROOT}, timeout=300)
    status, rss = done.stdout.split()[-2:]
    return int(status), int(rss)


MiB = 1 << 20
# Reading a few-MiB file and refusing it may hold the file's bytes a few times over (the read, the header's
# objects, torch's archive reader); 64 MiB above the notebook's own trace bounds that with room to spare, while
# materialising what these files claim would take gigabytes.
SLACK = 64 * MiB


# --- random sessions ------------------------------------------------------------------------------------------------

@st.composite
def sessions(draw, order="kernel", cells=CELLS, dtypes=("float32", "float64")):
    """Any session torch.nn can run: every cell type and option, sizes that miss alignment boundaries, batched or
    not, with or without initial states, in float32 or float64 (or the `dtypes` given)."""
    cell = draw(st.sampled_from(cells))
    # 15 and 17 make B·H·itemsize miss every 64-byte boundary: where alignment decides MKL's code path.
    hidden_size = draw(st.one_of(st.integers(1, 40), st.sampled_from([15, 17])))
    config = RNNConfig(
        cell=cell,
        input_size=draw(st.integers(1, 12)),
        hidden_size=hidden_size,
        num_layers=draw(st.integers(1, 3)),
        nonlinearity=draw(st.sampled_from(["tanh", "relu"])) if cell == "rnn" else "tanh",
        proj_size=draw(st.sampled_from([0, 0, *range(1, hidden_size)][:5])) if cell == "lstm" else 0,
        bias=draw(st.booleans()),
        batch_first=draw(st.booleans()),
        bidirectional=draw(st.booleans()),
        dtype=draw(st.sampled_from(dtypes)),
    )
    T, B = draw(st.integers(1, 12)), draw(st.integers(1, 8))
    unbatched = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1))
    gen = torch.Generator().manual_seed(seed)
    if unbatched:
        shape = (T, config.input_size)
    else:
        shape = (B, T, config.input_size) if config.batch_first else (T, B, config.input_size)
    inputs = (torch.randn(shape, generator=gen) * draw(st.sampled_from([0.5, 1.0, 4.0]))).to(config.torch_dtype)
    cells_ = config.num_layers * config.num_directions
    states = {}
    for name, size in (("h0", config.output_size), ("c0", config.hidden_size)):
        if (name == "h0" or cell == "lstm") and draw(st.booleans()):
            states[name] = torch.randn((cells_, size) if unbatched else (cells_, B, size), generator=gen).to(
                config.torch_dtype)
    return Session(config=config, weights=seeded_weights(config, seed), inputs=inputs, order=order, seed=seed,
                   **states)
