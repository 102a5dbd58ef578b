"""Performance figures, each beside a baseline measured in the same run on the same machine (issue 5).

    make bench        (or: .venv/bin/python benchmarks/run.py [--runs 5])

Prints one line per figure, then one JSON line. Process figures are medians of --runs fresh processes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time

PAINTED = r"""
import os, resource, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6 import QtCore, QtWidgets

class FirstPaint(QtCore.QObject):
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Paint:
            print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
            os._exit(0)
        return False
"""

BASELINE = PAINTED + r"""
import pyqtgraph as pg
if {torch}:
    import torch
app = QtWidgets.QApplication([])
window = pg.PlotWidget()
window.resize(1280, 720)
watch = FirstPaint()
window.viewport().installEventFilter(watch)  # a QGraphicsView paints in its viewport
window.show()
app.exec()
"""

BARE = PAINTED + r"""
app = QtWidgets.QApplication([])
window = QtWidgets.QMainWindow()
window.setCentralWidget(QtWidgets.QLabel("RNN Stepper"))
window.resize(1280, 720)
watch = FirstPaint()
window.centralWidget().installEventFilter(watch)
window.show()
app.exec()
"""

APP = r"""
import os, resource, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6 import QtCore, QtWidgets
from rnn_stepper.ui.app import open_window

painted = []  # [first frame, ready]

def seen():
    painted.append(time.time())
    if len(painted) == 2:
        print(*painted, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
        os._exit(0)

class FirstFrame(QtCore.QObject):
    # The first window to paint its centre: the frame open_window paints before the stepper window is built
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Paint and isinstance(obj, QtWidgets.QWidget):
            window = obj.window()
            if isinstance(window, QtWidgets.QMainWindow) and obj is window.centralWidget():
                app.removeEventFilter(self)
                seen()
        return False

class Ready(QtCore.QObject):
    def eventFilter(self, obj, event):
        if event.type() == QtCore.QEvent.Paint:
            obj.removeEventFilter(self)
            seen()
        return False

app = QtWidgets.QApplication([sys.argv[0]])  # open_window's, made here to be watched from its first event
first_frame, ready = FirstFrame(), Ready()
app.installEventFilter(first_frame)
app, window = open_window(restore=False)
# Ready: the comparison of the manual pass with nn.RNN is drawn.
window.model.events.trace.connect(lambda: window.comparison.values_plot.viewport().installEventFilter(ready))
app.exec()
"""


def paints(code: str, runs: int) -> list[float]:
    """Medians over `runs` fresh processes of what `code` prints: seconds from process start to each paint it
    watches, then its peak RSS (KiB)."""
    rows = []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        *painted, rss = (float(v) for v in out.stdout.split())
        rows.append([p - start for p in painted] + [rss])
    return [statistics.median(column) for column in zip(*rows)]


def step_latency(hidden: int, steps: int, cell: str = "rnn", presenting: bool = False, length: int = 1000) -> dict:
    """Step, one click each, from the click to the end of the repaint, in the normal layout at 1280×720 or in
    presentation mode at 1024×768 (the smaller projector, where the strip is laid out otherwise): the first `steps`
    timesteps of T = `length`, then the last `steps`, since a step's cost must not grow with the steps revealed
    before it (the first 200 alone hid a ‖h_t‖ curve that cost 12 ms a step by t = 900). At T ≤ MAX_MARKERS (200)
    the plots mark every step and draw 2-px antialiased lines: another path, which T = 1,000 never took."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6 import QtWidgets

    from rnn_stepper.core import RNNConfig, make_session
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    inputs = np.random.default_rng(0).standard_normal((length, hidden))
    model = StepperModel(make_session(RNNConfig(input_size=hidden, hidden_size=hidden, cell=cell), inputs, seed=0))
    window = MainWindow(model, presenting=presenting)
    window.resize(*((1024, 768) if presenting else (1280, 720)))
    window.show()
    for _ in range(5):
        app.processEvents()
    gc.collect()  # the windows measured before this one are garbage in cycles: not this window's steps' to collect
    latencies = []
    for first in (0, window.model.seq_len - steps):
        if first:
            window.model.move_to(first * len(window.model.phases))  # as a click on the h heatmap's column jumps
            for _ in range(5):
                app.processEvents()
        for _ in range(steps):
            start = time.perf_counter()
            window.actions_by_name["step"].trigger()
            app.processEvents()  # until the repaint has finished (offscreen paints synchronously here)
            latencies.append((time.perf_counter() - start) * 1000)
    window.model.mark_saved()
    window.close()
    return {"p50": round(statistics.median(latencies), 2),
            "p95": round(float(np.percentile(latencies, 95)), 2), "T": length}


def step_back_latency(hidden: int, steps: int, cell: str = "rnn") -> dict:
    """Step back, one click each, through the last `steps` timesteps of T = 1,000 once the gradients exist: from
    the click to the end of the repaint of the backward panel, as step_latency measures Step. A gated cell's click
    walks one timestep too, through each of its phases."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6 import QtWidgets

    from rnn_stepper.backprop import Backprop
    from rnn_stepper.core import RNNConfig, make_session
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.backward_panel import BackwardPanel

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    inputs = np.random.default_rng(0).standard_normal((1000, hidden))
    model = StepperModel(make_session(RNNConfig(input_size=hidden, hidden_size=hidden, cell=cell), inputs, seed=0))
    backprop = Backprop(model)
    panel = BackwardPanel(model, backprop)
    panel.resize(1280, 720)
    panel.show()
    backprop.compute()
    model.run_to_end()
    for _ in range(5):
        app.processEvents()
    gc.collect()  # as step_latency
    latencies = []
    for _ in range(steps):
        start = time.perf_counter()
        panel.walk.back_button.click()
        app.processEvents()
        latencies.append((time.perf_counter() - start) * 1000)
    panel.close()
    return {"p50": round(statistics.median(latencies), 2),
            "p95": round(float(np.percentile(latencies, 95)), 2)}


def trace_cost(runs: int, hidden: int = 256, length: int = 10_000) -> dict:
    """Medians over `runs` interleaved rounds: one nn.RNN forward (the baseline), the hand pass in kernel order
    (the trace itself), and the whole compute_trace, which runs nn.RNN's own pass as well to compare with it."""
    import torch

    from rnn_stepper.core import RNNConfig, make_session
    from rnn_stepper.core.reference import reference_pass
    from rnn_stepper.core.trace import compute_trace, hand_pass

    session = make_session(RNNConfig(input_size=hidden, hidden_size=hidden),
                           torch.randn(1, length, hidden, generator=torch.Generator().manual_seed(0)), seed=0)
    module = session.module()
    reference = reference_pass(session)
    times: dict[str, list[float]] = {"forward": [], "hand": [], "whole": []}
    for _ in range(runs):
        # In inference mode, the fastest way to run nn.RNN (no_grad is ~15 % slower), as the hand pass runs.
        with torch.inference_mode():
            start = time.perf_counter()
            module(session.inputs)
            times["forward"].append(time.perf_counter() - start)
        start = time.perf_counter()
        hand_pass(session, reference)
        times["hand"].append(time.perf_counter() - start)
        start = time.perf_counter()
        compute_trace(session)
        times["whole"].append(time.perf_counter() - start)
    return medians_and_ratios(times, "forward")


def backward_cost(runs: int, hidden: int = 256, length: int = 10_000, cell: str = "rnn") -> dict:
    """Medians over `runs` interleaved rounds: one `loss.backward()` through the module for L = Σ h_n (the baseline,
    on the native path the hand backward mirrors; its forward pass, with the graph it records, is left out of the
    timing) and the hand backward of the same session's trace, every step's gradients kept for Step back."""
    import torch

    from rnn_stepper.core import RNNConfig, collector, compute_trace, make_session
    from rnn_stepper.core.backward import hand_backward
    from rnn_stepper.core.reference import native_path
    from rnn_stepper.core.session import build_module

    session = make_session(RNNConfig(input_size=hidden, hidden_size=hidden, cell=cell),
                           torch.randn(1, length, hidden, generator=torch.Generator().manual_seed(0)), seed=0)
    trace = compute_trace(session)
    times: dict[str, list[float]] = {"autograd": [], "hand": []}
    for _ in range(runs):
        module = build_module(session.config, session.weights)
        with native_path():
            _, final = module(session.inputs.clone().requires_grad_(True))
            loss = (final[0] if isinstance(final, tuple) else final).sum()
            start = time.perf_counter()
            loss.backward()
            times["autograd"].append(time.perf_counter() - start)
        del module, final, loss
        start = time.perf_counter()
        with collector.paused():  # as the window runs it (model.run): its tensors make no cycles
            hand_backward(trace)
        times["hand"].append(time.perf_counter() - start)
    return medians_and_ratios(times, "autograd")


def medians_and_ratios(times: dict[str, list[float]], baseline: str) -> dict:
    """Each timing's median, and under "ratio" each one's median ratio to the baseline of its own round: this
    machine's speed drifts by 1.7x within an hour, and a round's two timings, taken a second apart, drift together
    where the medians of separate lists need not."""
    out: dict = {name: statistics.median(values) for name, values in times.items()}
    out["ratio"] = {name: statistics.median(v / b for v, b in zip(values, times[baseline]))
                    for name, values in times.items() if name != baseline}
    return out


def big_trace_memory(hidden: int = 1024, length: int = 10_000) -> tuple[float, float]:
    """MiB the window's process grows by when it shows a 10,000 × 1,024 float32 session, against the MiB of the
    trace's own arrays: views that copied the trace would show as a ratio well above 1. Measured in a fresh
    process, as resident memory now rather than the peak: in this one the backward cost's kept gradients set a
    peak no session reaches, and the allocator keeps what earlier figures freed (the line printed 0–1 MiB)."""
    out = subprocess.run([sys.executable, __file__, "--big-trace", str(hidden), str(length)],
                         capture_output=True, text=True, timeout=600)
    grown, held = (float(v) for v in out.stdout.split())
    return grown, held


def resident_mib() -> float:
    """This process's resident memory now (Linux's /proc; the peak where there is none)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def grow_by_big_trace(hidden: int, length: int) -> tuple[float, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6 import QtWidgets

    from rnn_stepper.core import RNNConfig, make_session
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    window = MainWindow(StepperModel())  # the plain runner: set_session returns with the session on show
    window.resize(1280, 720)
    window.show()
    for _ in range(5):
        app.processEvents()
    inputs = np.random.default_rng(0).standard_normal((length, hidden)).astype(np.float32)
    gc.collect()
    before = resident_mib()
    window.model.set_session(make_session(RNNConfig(input_size=hidden, hidden_size=hidden), inputs, seed=0))
    for _ in range(5):
        window.model.step()
        app.processEvents()
    gc.collect()
    grown = resident_mib() - before
    cell = window.model.cell
    arrays = [cell.x, cell.reference, *cell.phases.values()]
    held = sum(a.numel() * a.element_size() for a in arrays) / 2**20
    window.model.mark_saved()  # else closing would ask, in a modal dialog, whether to save it
    window.close()
    return grown, held


def time_estimates() -> list[tuple[str, float, float]]:
    """(what, measured s, estimated s) of whole traces: the estimate jobs are refused by (issue 17), against the
    time the same job takes here. Building the module dominates a deep model, the steps a long sequence."""
    import numpy as np

    from rnn_stepper.core import RNNConfig, compute_trace, make_session
    from rnn_stepper.core.config import estimated_seconds

    cases = (("RNN H=2 T=20,000", RNNConfig(input_size=1), 20_000),
             ("LSTM H=256 T=1,000", RNNConfig(cell="lstm", input_size=256, hidden_size=256), 1_000),
             ("GRU H=1,024 T=200", RNNConfig(cell="gru", input_size=64, hidden_size=1024), 200),
             ("RNN 1,500 layers T=3", RNNConfig(num_layers=1500), 3))
    out = []
    for what, config, T in cases:
        inputs = np.random.default_rng(0).standard_normal((T, config.input_size))
        start = time.perf_counter()
        compute_trace(make_session(config, inputs, seed=0))
        out.append((what, time.perf_counter() - start, estimated_seconds(config, T, 1)))
    return out


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop: how fast this shared machine runs now. The same loop has taken from
    0.11 s to 0.19 s here within one hour, and every latency moves with it."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - start


def target(hidden: int) -> float:
    """Step and step back p95, ms: a frame at 60 Hz up to H = 256, two at H = 1,024 (issue 30)."""
    return 16.7 if hidden <= 256 else 33.3


SHORT = 200  # a sequence short enough for the plots to mark every step (plots.MAX_MARKERS)


def latency_line(what: str, key: str, figures: dict) -> None:
    cell, hidden = key.split("-")
    verdict = "met" if figures["p95"] < target(int(hidden)) else "MISSED"
    print(f"{what:16s} {cell:4s} H={int(hidden):<5d} T={figures.get('T', 1000):<6d} p50 {figures['p50']:7.2f} ms   "
          f"p95 {figures['p95']:7.2f} ms   (target p95 < {target(int(hidden))} ms: {verdict})", flush=True)


def latency_table(steps: int) -> dict:
    """Step p95 for each cell type in both layouts, and step back, at H = 2, 64, 256 and 1,024 with T = 1,000; and
    a step at H ≤ 256 with T = SHORT, whose plots mark every step: each against its target, one line each, and the
    misses counted."""
    table: dict = {}
    for cell in ("rnn", "gru", "lstm"):
        for hidden in (2, 64, 256, 1024):
            clicks = steps if hidden < 1024 else max(steps // 4, 20)
            rows = [("step", step_latency, clicks, {}),
                    ("step, presenting", step_latency, clicks, {"presenting": True}),
                    ("step back", step_back_latency, clicks, {})]
            if hidden <= 256:  # the first and the last half: every step of it once
                rows.append(("step, short", step_latency, min(clicks, SHORT // 2), {"length": SHORT}))
            for what, measure, count, options in rows:
                figures = table.setdefault(what, {})[f"{cell}-{hidden}"] = measure(hidden, count, cell, **options)
                latency_line(what, f"{cell}-{hidden}", figures)
    return table


def median_table(tables: list[dict]) -> dict:
    """Each figure's median over whole runs of latency_table, printed as latency_table prints its lines."""
    print(f"median of {len(tables)} runs")
    table: dict = {}
    for what, rows in tables[0].items():
        for key, first in rows.items():
            figures = table.setdefault(what, {})[key] = {
                stat: round(statistics.median(t[what][key][stat] for t in tables), 2) for stat in ("p50", "p95")}
            if "T" in first:
                figures["T"] = first["T"]
            latency_line(what, key, figures)
    return table


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def compile_package() -> None:
    """The package's bytecode, written as installing it writes it: PySide6, pyqtgraph and torch come with theirs,
    and a checkout run with PYTHONDONTWRITEBYTECODE (as here) would otherwise compile every module of ours in
    every process measured, ~0.27 s for all of them, which no installed copy does."""
    import compileall

    compileall.compile_dir(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rnn_stepper"),
                           quiet=1)


def start_up(runs: int) -> tuple[float, ...]:
    """First frame and ready, each beside its baselines, one line each: seconds from process start (medians of
    `runs` fresh processes), and the peak RSS of the ready baseline and of the window."""
    compile_package()
    bare, _ = paints(BARE, runs)
    base, _ = paints(BASELINE.format(torch=False), runs)
    base_torch, base_torch_rss = paints(BASELINE.format(torch=True), runs)
    first, ready, app_rss = paints(APP, runs)
    print(f"first frame   {first:6.2f} s   baseline (PySide6 + pyqtgraph PlotWidget) {base:6.2f} s   "
          f"ratio {first / base:.2f}   (target <= 1.1)")
    print(f"              {first:6.2f} s   baseline (a bare PySide6 QMainWindow)     {bare:6.2f} s   "
          f"ratio {first / bare:.2f}   (target <= 1.5)")
    print(f"ready         {ready:6.2f} s   baseline (+ import torch)                {base_torch:6.2f} s   "
          f"ratio {ready / base_torch:.2f}   (target <= 1.0)", flush=True)
    return bare, base, base_torch, base_torch_rss, first, ready, app_rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--latency-only", action="store_true",
                        help="only the step and step-back latencies of every cell type in both layouts")
    parser.add_argument("--repeat", type=int, default=1,
                        help="with --latency-only: the whole table this many times, then each figure's median "
                             "(issue 30 asks for three)")
    parser.add_argument("--start-up-only", action="store_true",
                        help="only first frame and ready, each beside its baselines")
    parser.add_argument("--big-trace", type=int, nargs=2, metavar=("HIDDEN", "T"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.big_trace:  # big_trace_memory's fresh process
        print(*grow_by_big_trace(*args.big_trace))
        return
    if args.start_up_only:
        print(load())
        bare, base, base_torch, _, first, ready, _ = start_up(args.runs)
        print(load())
        print(json.dumps({"first_frame_ratio": round(first / base, 3), "first_frame_bare_ratio": round(first / bare, 3),
                          "ready_ratio": round(ready / base_torch, 3)}))
        return
    if args.latency_only:
        tables = []
        for run in range(max(args.repeat, 1)):
            if args.repeat > 1:
                print(f"run {run + 1} of {args.repeat}")
            print(load())
            tables.append(latency_table(args.steps))
            print(load())
        table = tables[0] if len(tables) == 1 else median_table(tables)
        missed = sum(f["p95"] >= target(int(key.split("-")[1])) for rows in table.values() for key, f in rows.items())
        print(json.dumps({"latency_ms": table, "missed": missed, "runs": len(tables)}))
        return

    speed = machine_speed()
    print(f"machine speed {speed:6.2f} s   a fixed pure-Python loop (0.11 s here when the machine is fast, 0.19 s "
          f"when it is slow: absolute latencies move with it)")
    print(load())
    bare, base, base_torch, base_torch_rss, first, ready, app_rss = start_up(args.runs)
    # Before any window exists, so the latency windows' objects cannot weigh on it. (Its old spread, 1.6x to
    # 2.2x, was the cyclic collector's full passes; the hand pass now pauses it.)
    cost = trace_cost(max(args.runs, 3))
    ratio = cost["ratio"]["hand"]
    print(f"trace cost    {cost['hand']:6.2f} s   baseline (one nn.RNN forward, inference mode, H=256, T=10000) "
          f"{cost['forward']:6.2f} s   ratio {ratio:.2f}   (target <= 2; the hand pass in kernel order)")
    whole = cost["ratio"]["whole"]
    print(f"  with nn.RNN {cost['whole']:6.2f} s   the trace plus nn.RNN's own pass to compare with   "
          f"ratio {whole:.2f}   (at least 1 + the line above)")
    back_ratios = {}
    for cell, length in (("rnn", 10_000), ("gru", 2_000), ("lstm", 2_000)):  # a gated cell's hand pass is slower
        back = backward_cost(max(args.runs, 3), length=length, cell=cell)
        back_ratios[cell] = back["ratio"]["hand"]
        print(f"backward cost {back['hand']:6.2f} s   baseline (one loss.backward() through nn.{cell.upper()}, H=256, "
              f"T={length}) {back['autograd']:6.2f} s   ratio {back_ratios[cell]:.2f}   (target <= 2; the hand "
              "backward, L = sum of h_n)")
    back_ratio = back_ratios["rnn"]
    steps = latency_table(args.steps)
    print(f"memory        {app_rss / 1024:6.0f} MiB   baseline (ready script) {base_torch_rss / 1024:6.0f} MiB   "
          f"ratio {app_rss / base_torch_rss:.2f}   (target <= 1.2)")
    grown, held = big_trace_memory()
    print(f"  big trace   {grown:6.0f} MiB more for a 10,000 x 1,024 float32 session, whose trace holds "
          f"{held:.0f} MiB   ratio {grown / held:.2f}   (no copy per view)")
    estimates = time_estimates()
    for what, measured, estimated in estimates:
        print(f"time estimate {what:22s} measured {measured:6.2f} s   estimated {estimated:6.2f} s   "
              f"ratio {estimated / measured:.2f}   (an estimate to refuse by: within 0.3 … 3 of the measured)")
    print(load())
    print(json.dumps({"machine_speed_s": round(speed, 3), "time_estimate_ratios": {w: round(e / m, 2) for w, m, e in estimates},
                      "first_frame_ratio": round(first / base, 3), "first_frame_bare_ratio": round(first / bare, 3),
                      "ready_ratio": round(ready / base_torch, 3),
                      "latency_ms": steps, "trace_ratio": round(ratio, 3),
                      "backward_ratio": round(back_ratio, 3),
                      "backward_ratios": {cell: round(r, 3) for cell, r in back_ratios.items()},
                      "trace_with_reference_ratio": round(whole, 3), "big_trace_memory_ratio": round(grown / held, 3),
                      "memory_ratio": round(app_rss / base_torch_rss, 3)}))


if __name__ == "__main__":
    main()
