"""A trace as data other tools read: the JSON document and the CSV table (schema in README.md)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from .. import __version__

if TYPE_CHECKING:  # a trace exists only once torch has loaded; the window imports this module before that
    from .trace import Trace

SCHEMA = "rnn-stepper/trace"
SCHEMA_VERSION = 1


BLOCK_ROWS = 1024  # timesteps converted to Python floats at a time: memory stays that of a block, whatever T is


def trace_document(trace: Trace) -> dict:
    """Everything needed to rebuild every number shown: the session itself, each step's phases and nn.RNN's
    output. Big arrays stay tensors and `steps` a generator, so `write_json` can write them a block at a time."""
    import torch

    from .machine import numeric_environment
    from .notebook import distance_from_notebook

    session = trace.session
    config = session.config
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "rnn_stepper_version": __version__,
        "torch_version": torch.__version__,
        "num_threads": trace.num_threads,
        "environment": numeric_environment().to_dict(),
        "config": {**config.to_dict(), "seed": session.seed, "order": session.order},
        "sequence_length": trace.seq_len,
        "batch_size": trace.batch_size,
        "batched": session.batched,
        "input": session.inputs,
        "h0": session.h0,
        "weights": dict(session.weights),
        "steps": iter_steps(trace),
        "reference": {"output": trace.reference_output, "h_n": trace.reference_h_n},
        "manual": {"output": trace.output, "h_n": trace.h_n},
        "max_abs_diff": trace.max_abs_diff,
        "max_ulps": trace.max_ulps,
        "bitwise_equal": trace.bitwise_equal,
        "nonfinite": trace.nonfinite,
        "notebook_distance": {d.phase: d.step_ulps for d in distance_from_notebook(trace)} or None,
    }


def iter_steps(trace: Trace):
    """One record per (layer, direction, t, batch row), in the order the cells computed them, converted a block of
    timesteps at a time: |Δ| and ulps are never held for the whole trace."""
    from .distance import abs_diff, ulp_distance

    for cell in trace.cells:
        h_prev = cell.h0.numpy()
        for start in range(0, len(cell.walk), BLOCK_ROWS):
            ts = cell.walk[start:start + BLOCK_ROWS]
            lo, hi = min(ts), max(ts) + 1
            block = {name: values[lo:hi].numpy() for name, values in cell.phases.items()}
            x, reference = cell.x[lo:hi].numpy(), cell.reference[lo:hi].numpy()
            diffs = abs_diff(block["hidden"], reference)
            ulps = ulp_distance(block["hidden"], reference)
            for t in ts:
                i = t - lo
                for b in range(trace.batch_size):
                    yield {
                        "layer": cell.layer,
                        "direction": cell.direction,
                        "t": t,
                        "batch": b,
                        "x": x[i, b].tolist(),
                        "h_prev": h_prev[b].tolist(),
                        **{name: values[i, b].tolist() for name, values in block.items()},
                        "reference": reference[i, b].tolist(),
                        "abs_diff": diffs[i, b].tolist(),
                        "ulps": ulps[i, b].tolist(),
                    }
                h_prev = block["hidden"][i]  # h_{t-1} of the next step in the walk


def write_json(trace: Trace, out: TextIO) -> None:
    """The JSON document, written as it is made: memory does not grow with the output."""
    _write_json(out, trace_document(trace))


def trace_to_json(trace: Trace) -> str:
    out = io.StringIO()
    write_json(trace, out)
    return out.getvalue()


def _write_json(out: TextIO, node) -> None:
    import torch

    if isinstance(node, dict):
        out.write("{")
        for i, (key, value) in enumerate(node.items()):
            out.write(("" if i == 0 else ", ") + json.dumps(key, ensure_ascii=False) + ": ")
            _write_json(out, value)
        out.write("}")
    elif isinstance(node, torch.Tensor) and node.dim() > 2:  # e.g. (1, T, H) batch_first: T sits one level down
        out.write("[")
        for i, part in enumerate(node):
            out.write("" if i == 0 else ", ")
            _write_json(out, part)
        out.write("]")
    elif isinstance(node, torch.Tensor) and node.dim() == 2:
        out.write("[")
        for start in range(0, len(node), BLOCK_ROWS):
            rows = node[start:start + BLOCK_ROWS].tolist()
            out.write(("" if start == 0 else ", ") + ", ".join(_json_value(row) for row in rows))
        out.write("]")
    elif isinstance(node, Iterator):
        out.write("[")
        for i, item in enumerate(node):
            out.write(("" if i == 0 else ", ") + _json_value(item))
        out.write("]")
    else:
        out.write(_json_value(node.tolist() if isinstance(node, torch.Tensor) else node))


def _json_value(value) -> str:
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)
    except ValueError:
        # Strict JSON has no NaN or Infinity; they are written as the strings "NaN", "Infinity", "-Infinity".
        return json.dumps(_strict(value), allow_nan=False, ensure_ascii=False)


def csv_columns(trace: Trace) -> list[str]:
    return ["layer", "direction", "t", "batch", "unit", "h_prev", *trace.cells[0].phases, "reference", "abs_diff",
            "ulps"]


def write_csv(trace: Trace, out: TextIO) -> None:
    """One row per hidden unit of each step, written as it is made; `x` (a different width) is in the JSON."""
    writer = csv.writer(out, lineterminator="\n")
    columns = csv_columns(trace)
    writer.writerow(columns)
    for step in iter_steps(trace):
        for unit in range(len(step["hidden"])):
            writer.writerow([step[c] if c in ("layer", "direction", "t", "batch") else
                             unit if c == "unit" else _float(step[c][unit]) for c in columns])


def trace_to_csv(trace: Trace) -> str:
    out = io.StringIO()
    write_csv(trace, out)
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


def python_snippet(session) -> str:
    """A script that rebuilds this exact session with torch and runs the notebook's manual loop over it, in the
    session's operation order, printing each hidden state beside nn.RNN's. It runs as written."""
    config = session.config
    dtype = f"torch.{config.dtype}"
    weights = ",\n".join(f"    {name!r}: torch.tensor({value.tolist()!r}, dtype={dtype})"
                         for name, value in session.weights.items())
    h0 = "None" if session.h0 is None else f"torch.tensor({session.h0.tolist()!r}, dtype={dtype})"
    activation = "torch.tanh" if config.nonlinearity == "tanh" else "torch.relu"
    if session.order == "kernel":
        loop = '''        # PyTorch's CPU kernel order: all input projections in one product, then one fused-bias product a step
        projections = F.linear(layer_input, W_ih, b_ih)
        for t in steps:
            h = ACTIVATION(F.linear(h, W_hh, b_hh) + projections[t])
            outputs[t] = h'''
    else:
        loop = '''        # the notebook's order: (x W_ih^T + b_ih) + h W_hh^T + b_hh, one timestep at a time
        for t in steps:
            a = layer_input[t] @ W_ih.T + (b_ih if b_ih is not None else 0)
            z = a + h @ W_hh.T
            h = ACTIVATION(z + b_hh if b_hh is not None else z)
            outputs[t] = h'''
    loop = "\n".join("    " + line for line in loop.replace("ACTIVATION", activation).splitlines())
    return f'''# Rebuilds an RNN Stepper session ({session.order} order) and recomputes nn.RNN by hand, as the notebook does.
import torch
import torch.nn as nn
import torch.nn.functional as F

rnn = nn.RNN({config.input_size}, {config.hidden_size}, num_layers={config.num_layers}, nonlinearity={config.nonlinearity!r},
             bias={config.bias}, batch_first={config.batch_first}, bidirectional={config.bidirectional}, dtype={dtype})
rnn.load_state_dict({{
{weights},
}})
rnn.eval()
x = torch.tensor({session.inputs.tolist()!r}, dtype={dtype})
h0 = {h0}
layers, directions, hidden_size = {config.num_layers}, {config.num_directions}, {config.hidden_size}

with torch.no_grad():
    output, h_n = rnn(x, h0)
    # as nn.RNN sees it: a batch dimension for a single sequence, time first
    layer_input = x if x.dim() == 3 else x.unsqueeze(0 if rnn.batch_first else 1)
    layer_input = layer_input.transpose(0, 1) if rnn.batch_first else layer_input
    T, B = layer_input.shape[:2]
    h_start = torch.zeros(layers * directions, B, hidden_size, dtype={dtype}) if h0 is None else (
        h0 if h0.dim() == 3 else h0.unsqueeze(1))
    for layer in range(layers):
        outputs_by_direction = []
        for direction in range(directions):
            suffix = f"_l{{layer}}" + ("_reverse" if direction else "")
            # nn.RNN's own parameters: they require grad, which decides how matmul folds a 3-D product
            W_ih, W_hh = getattr(rnn, "weight_ih" + suffix), getattr(rnn, "weight_hh" + suffix)
            b_ih, b_hh = getattr(rnn, "bias_ih" + suffix, None), getattr(rnn, "bias_hh" + suffix, None)
            h = h_start[layer * directions + direction]
            steps = range(T) if direction == 0 else range(T - 1, -1, -1)
            outputs = [None] * T
{loop}
            outputs_by_direction.append(torch.stack(outputs))
            for t in steps:
                print(f"layer {{layer}} direction {{direction}} time step {{t}} =>")
                print("   output (manual) :", outputs[t].numpy())
        layer_input = torch.cat(outputs_by_direction, dim=-1)
    reference = output if output.dim() == 3 else output.unsqueeze(0 if rnn.batch_first else 1)
    reference = reference.transpose(0, 1) if rnn.batch_first else reference
    print("nn.RNN output:")
    print(reference.numpy())
    print("bitwise identical to nn.RNN:", torch.equal(layer_input, reference))
'''


def phase_latex(cell, t: int, batch: int, phase: str, config) -> str:
    """The equation of one phase with its numbers, as LaTeX (amsmath's bmatrix)."""
    def vec(values) -> str:
        # numpy's str of a float32 or float64 scalar: the shortest digits that give back the same value
        return r"\begin{bmatrix}" + r" \\ ".join(str(v) for v in values.numpy()) + r"\end{bmatrix}"

    v = {name: vec(values[t, batch]) for name, values in cell.phases.items()}
    x, h_prev = vec(cell.x[t, batch]), vec(cell.h_prev[t, batch])
    act = r"\tanh" if config.nonlinearity == "tanh" else r"\operatorname{relu}"
    b_ih, b_hh = (r" + b_{ih}", r" + b_{hh}") if config.bias else ("", "")
    return {
        "input_projection": rf"a_{{{t}}} = W_{{ih}} x_{{{t}}}{b_ih} = W_{{ih}} {x}{b_ih} = {v['input_projection']}",
        "recurrent_term": rf"r_{{{t}}} = W_{{hh}} h_{{{t}-1}}{b_hh} = W_{{hh}} {h_prev}{b_hh} = {v['recurrent_term']}",
        "pre_activation": rf"z_{{{t}}} = a_{{{t}}} + r_{{{t}}} = {v['input_projection']} + {v['recurrent_term']}"
                          rf" = {v['pre_activation']}",
        "hidden": rf"h_{{{t}}} = {act}(z_{{{t}}}) = {act}\left({v['pre_activation']}\right) = {v['hidden']}",
    }[phase]
