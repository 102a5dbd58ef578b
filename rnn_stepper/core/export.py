"""A trace as data other tools read: the JSON document and the CSV table (schema in README.md)."""

from __future__ import annotations

import csv
import io
import json
import math

import torch

from .. import __version__
from .trace import Trace

SCHEMA = "rnn-stepper/trace"
SCHEMA_VERSION = 1


def trace_to_dict(trace: Trace) -> dict:
    """Everything needed to rebuild every number shown: the session itself, each step's phases and nn.RNN's
    output. Floats are written exactly (a float32 read back from its JSON double is the same float32)."""
    session = trace.session
    config = session.config
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "rnn_stepper_version": __version__,
        "torch_version": torch.__version__,
        "num_threads": trace.num_threads,
        "config": {**config.to_dict(), "seed": session.seed, "order": session.order},
        "sequence_length": trace.seq_len,
        "batch_size": trace.batch_size,
        "batched": session.batched,
        "input": session.inputs.tolist(),
        "h0": None if session.h0 is None else session.h0.tolist(),
        "weights": {name: value.tolist() for name, value in session.weights.items()},
        "steps": list(iter_steps(trace)),
        "reference": {"output": trace.reference_output.tolist(), "h_n": trace.reference_h_n.tolist()},
        "manual": {"output": trace.output.tolist(), "h_n": trace.h_n.tolist()},
        "max_abs_diff": trace.max_abs_diff,
        "max_ulps": trace.max_ulps,
        "bitwise_equal": trace.bitwise_equal,
        "nonfinite": trace.nonfinite,
    }


def iter_steps(trace: Trace):
    """One record per (layer, direction, t, batch row), in the order the cells computed them."""
    for cell in trace.cells:
        for t in cell.walk:
            for b in range(trace.batch_size):
                yield {
                    "layer": cell.layer,
                    "direction": cell.direction,
                    "t": t,
                    "batch": b,
                    "x": cell.x[t, b].tolist(),
                    "h_prev": cell.h_prev[t, b].tolist(),
                    **{name: values[t, b].tolist() for name, values in cell.phases.items()},
                    "reference": cell.reference[t, b].tolist(),
                    "abs_diff": cell.abs_diff[t, b].tolist(),
                    "ulps": cell.ulps[t, b].tolist(),
                }


def trace_to_json(trace: Trace, indent: int | None = None) -> str:
    document = trace_to_dict(trace)
    try:
        return json.dumps(document, indent=indent, allow_nan=False, ensure_ascii=False)
    except ValueError:
        # Strict JSON has no NaN or Infinity; they are written as the strings "NaN", "Infinity", "-Infinity".
        return json.dumps(_strict(document), indent=indent, allow_nan=False, ensure_ascii=False)


def csv_columns(trace: Trace) -> list[str]:
    return ["layer", "direction", "t", "batch", "unit", "h_prev", *trace.cells[0].phases, "reference", "abs_diff",
            "ulps"]


def trace_to_csv(trace: Trace) -> str:
    """One row per hidden unit of each step; `x` (a different width) is in the JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = csv_columns(trace)
    writer.writerow(columns)
    for step in iter_steps(trace):
        for unit in range(len(step["hidden"])):
            writer.writerow([step[c] if c in ("layer", "direction", "t", "batch") else
                             unit if c == "unit" else _float(step[c][unit]) for c in columns])
    return out.getvalue()


def _float(value: float) -> str:
    return repr(value) if math.isfinite(value) else {math.inf: "Infinity", -math.inf: "-Infinity"}.get(value, "NaN")


def _strict(node):
    if isinstance(node, float) and not math.isfinite(node):
        return _float(node)
    if isinstance(node, list):
        return [_strict(v) for v in node]
    if isinstance(node, dict):
        return {k: _strict(v) for k, v in node.items()}
    return node
