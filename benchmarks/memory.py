"""Peak memory of `rnn-stepper trace` in each format, and of the window, against the program's own estimate.

    make bench-memory            # or: .venv/bin/python benchmarks/memory.py [--sizes T,I,H ...]

The estimate (`core.config.estimated_bytes`) is what the program refuses a job by, before anything is allocated.
For each size and each way of running the job, one process runs it; its peak RSS (from wait4) less the peak of
the same command on a one-step input (Python, torch and Qt themselves) is what the job held. The target: that is
at most 1.5 times the estimate. Output goes to /dev/null, so what is measured is what the program keeps.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SIZES = [(100_000, 1, 2), (20_000, 64, 64), (4_000, 256, 256)]  # (T, input_size, hidden_size)
JOBS = {  # how each job is run, given the options that describe the session
    "text": lambda session: ["trace", *session, "--format", "text"],
    "json": lambda session: ["trace", *session, "--format", "json"],
    "csv": lambda session: ["trace", *session, "--format", "csv"],
    "window": lambda session: [*session, "--steps", "3", "--screenshot", os.devnull + ".png"],
}


def peak_mib(argv: list[str]) -> float:
    """Peak resident memory of one process running `python -m rnn_stepper argv`, in MiB."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "rnn_stepper", *argv], stdout=sink, stderr=subprocess.PIPE,
                                   env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        error = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"python -m rnn_stepper {' '.join(argv)} failed: {error.strip()}")
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=[",".join(map(str, s)) for s in SIZES], metavar="T,I,H")
    parser.add_argument("--jobs", nargs="*", default=list(JOBS), choices=list(JOBS))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from rnn_stepper.core.config import RNNConfig, estimated_bytes

    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            T, I, H = (int(n) for n in size.split(","))
            inputs, one_step = Path(folder) / "x.npy", Path(folder) / "x1.npy"
            values = np.random.default_rng(0).standard_normal((T, I)).astype(np.float32)
            np.save(inputs, values)
            np.save(one_step, values[:1])
            estimate = estimated_bytes(RNNConfig(input_size=I, hidden_size=H), T, 1) / 2**20
            model = ["--hidden-size", str(H), "--seed", "0", "--input"]
            for job in args.jobs:
                baseline = peak_mib(JOBS[job]([*model, str(one_step)]))
                held = peak_mib(JOBS[job]([*model, str(inputs)])) - baseline
                ratio = held / estimate
                worst = max(worst, ratio)
                print(f"T={T:<7d} I={I:<4d} H={H:<4d} {job:<6s}  held {held:7.1f} MiB   estimate {estimate:7.1f} MiB"
                      f"   ratio {ratio:4.2f}   (target <= 1.5)", flush=True)
    print(f"worst ratio {worst:.2f}")


if __name__ == "__main__":
    main()
