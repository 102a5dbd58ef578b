"""A trace as data other tools read: the JSON document and the CSV table (schema in docs/formats.md), the LaTeX of one
phase and a Python script that recomputes the session. All of them read the phases from the cell type."""

from __future__ import annotations

import csv
import inspect
import io
import json
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from ..version import __version__

if TYPE_CHECKING:  # a trace exists only once torch has loaded; the window imports this module before that
    from .trace import Trace

SCHEMA = "rnn-stepper/trace"
SCHEMA_VERSION = 2  # 2: cell types (GRU, LSTM): `cell` describes the phases; c0, c_n and the fused kernel


BLOCK_ROWS = 1024  # timesteps converted to Python floats at a time: memory stays that of a block, whatever T is


def state_keys(trace: Trace) -> dict[str, str]:
    """The cell type's states by their symbols, e.g. {"hidden": "h", "cell": "c"}: h_prev, h0, h_n and c_prev,
    c0, c_n in the documents."""
    symbols = {phase.name: phase.symbol for phase in trace.config.cell_type.phases(trace.config)}
    return {state: symbols[state] for state in trace.config.cell_type.state}


def cell_description(trace: Trace) -> dict:
    """What a reader needs to know each step's keys: the module, its states, and its phases in click order, each
    with its symbol, its equation in this session's order and its size; a stacked phase (3H, 4H) names its gate
    blocks, top to bottom."""
    from .equations import fill

    config = trace.config
    kind = config.cell_type
    cell = trace.cells[0]
    return {
        "name": kind.name,
        "module": kind.label,
        "states": [f"{symbol}_prev" for symbol in state_keys(trace).values()],
        "phases": [{
            "name": phase.name,
            "symbol": phase.symbol,
            "title": phase.title,
            # `t` is this step, `prev` the one before it in the walk (t+1 in the reverse direction)
            "equation": fill(phase.equation_for(trace.session.order), bias=config.bias, t="t", prev="prev"),
            "size": int(cell.phases[phase.name].shape[-1]),
            "blocks": list(kind.gate_names) if phase.width > 1 else None,
        } for phase in kind.phases(config)],
        "textbook": kind.textbook_name,
    }


def backward_document(backward) -> dict:
    """The backward pass (issue 15): the loss, ∂L/∂h_t and ∂L/∂z_t of every cell, and every gradient by hand beside
    autograd's, with their distance."""
    manual, reference = backward.manual, backward.reference
    gradients = {name: {"manual": manual.parameters[name], "autograd": reference.parameters[name]}
                 for name in reference.parameters}
    gradients["input"] = {"manual": manual.input, "autograd": reference.input}
    for state in ("h0", "c0"):
        if getattr(reference, state) is not None:
            gradients[state] = {"manual": getattr(manual, state), "autograd": getattr(reference, state)}
    fused = backward.fused
    return {
        "loss": backward.loss.describe(),
        "value": {"manual": manual.loss, "autograd": reference.loss},
        # dL_dz: ∂L/∂z_t, or a gated cell's gate arguments stacked (gate_names' blocks); dL_dc: an LSTM's ∂L/∂c_t
        "cells": [{"layer": cell.layer, "direction": cell.direction, "dL_dh": cell.hidden,
                   "dL_dz": cell.pre_activation, "dL_dh_norm": cell.norms,
                   **({} if cell.cell is None else {"dL_dc": cell.cell, "dL_dc_norm": cell.cell_norms})}
                  for cell in backward.cells],
        "gradients": gradients,
        "bitwise_equal": backward.bitwise_equal,
        "max_ulps": backward.max_ulps,
        # PyTorch's default backward where it runs a fused kernel (a float32 nn.LSTM's oneDNN): measured, not stepped
        "fused": None if fused is None else {
            "kernel": fused.kernel,
            "gradients": {name: theirs for name, _mine, theirs in backward.fused_pairs()},
            "max_ulps": backward.fused_max_ulps,
            "max_abs_diff": backward.fused_max_abs_diff,
        },
    }


def trace_document(trace: Trace, backward=None) -> dict:
    """Everything needed to rebuild every number shown: the session itself, each step's phases and the module's
    output, and the backward pass when given. Big arrays stay tensors and `steps` a generator, so `write_json` can
    write them a block at a time."""
    import torch

    from .machine import numeric_environment
    from .notebook import distance_from_notebook

    session = trace.session
    config = session.config
    states = state_keys(trace)
    fused = trace.fused
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "rnn_stepper_version": __version__,
        "torch_version": torch.__version__,
        "num_threads": trace.num_threads,
        "environment": numeric_environment().to_dict(),
        "config": {**config.to_dict(), "seed": session.seed, "order": session.order},
        "cell": cell_description(trace),
        "sequence_length": trace.seq_len,
        "batch_size": trace.batch_size,
        "batched": session.batched,
        "input": session.inputs,
        **{f"{symbol}0": getattr(session, f"{symbol}0") for symbol in states.values()},
        "weights": dict(session.weights),
        "steps": iter_steps(trace),
        "reference": {"output": trace.reference_output,
                      **{f"{symbol}_n": trace.reference.final[state] for state, symbol in states.items()}},
        "manual": {"output": trace.output, **{f"{symbol}_n": trace.final[state] for state, symbol in states.items()}},
        "max_abs_diff": trace.max_abs_diff,
        "max_ulps": trace.max_ulps,
        "bitwise_equal": trace.bitwise_equal,
        "fused": None if fused is None else {
            "kernel": fused.kernel,
            "output": fused.output,
            **{f"{symbol}_n": fused.final[state] for state, symbol in states.items()},
            "max_abs_diff": trace.fused_max_abs_diff,
            "max_ulps": trace.fused_max_ulps,
        },
        "nonfinite": trace.nonfinite,
        "notebook_distance": {d.phase: d.step_ulps for d in distance_from_notebook(trace)} or None,
        **({} if backward is None else {"backward": backward_document(backward)}),
    }


class Step(dict):
    """One step's record. A stacked phase's gate blocks can be read as keys of their own (`input_projection_r`),
    so a table can give each block a column, hidden_size rows long; the JSON holds only the stacked vector."""

    def __init__(self, values: dict, blocks: dict[str, tuple[str, int, int]]):
        super().__init__(values)
        self.blocks = blocks

    def __missing__(self, key: str):
        phase, start, stop = self.blocks[key]
        return self[phase][start:stop]


def gate_blocks(trace: Trace) -> dict[str, tuple[str, int, int]]:
    """Each gate block of each stacked phase: its column name and where it sits in the phase's vector."""
    config = trace.config
    kind, H = config.cell_type, config.hidden_size
    return {f"{phase.name}_{gate}": (phase.name, k * H, (k + 1) * H)
            for phase in kind.phases(config) if phase.width > 1 for k, gate in enumerate(kind.gate_names)}


def iter_steps(trace: Trace):
    """One record per (layer, direction, t, batch row), in the order the cells computed them, converted a block of
    timesteps at a time: |Δ| and ulps are never held for the whole trace."""
    from .distance import abs_diff, numbers, ulp_distance

    states = state_keys(trace)
    blocks = gate_blocks(trace)
    for cell in trace.cells:
        previous = {state: numbers(cell.initial[state]) for state in states}
        for start in range(0, len(cell.walk), BLOCK_ROWS):
            ts = cell.walk[start:start + BLOCK_ROWS]
            lo, hi = min(ts), max(ts) + 1
            block = {name: numbers(values[lo:hi]) for name, values in cell.phases.items()}
            x, reference = numbers(cell.x[lo:hi]), numbers(cell.reference[lo:hi])
            diffs = abs_diff(cell.hidden[lo:hi], cell.reference[lo:hi])
            ulps = ulp_distance(cell.hidden[lo:hi], cell.reference[lo:hi])
            for t in ts:
                i = t - lo
                for b in range(trace.batch_size):
                    yield Step({
                        "layer": cell.layer,
                        "direction": cell.direction,
                        "t": t,
                        "batch": b,
                        "x": x[i, b].tolist(),
                        **{f"{symbol}_prev": previous[state][b].tolist() for state, symbol in states.items()},
                        **{name: values[i, b].tolist() for name, values in block.items()},
                        "reference": reference[i, b].tolist(),
                        "abs_diff": diffs[i, b].tolist(),
                        "ulps": ulps[i, b].tolist(),
                    }, blocks)
                previous = {state: block[state][i] for state in states}  # the next step in the walk reads these


def write_json(trace: Trace, out: TextIO, backward=None) -> None:
    """The JSON document, written as it is made: memory does not grow with the output."""
    _write_json(out, trace_document(trace, backward))


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
    elif isinstance(node, list) and any(isinstance(item, (dict, torch.Tensor)) for item in node):
        out.write("[")  # e.g. the backward pass's cells: records holding tensors
        for i, item in enumerate(node):
            out.write("" if i == 0 else ", ")
            _write_json(out, item)
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


def backward_blocks(trace: Trace) -> dict[str, tuple[str, int, int]]:
    """A gated cell's ∂L/∂z_t, stacked as its gates are, as one column per gate block (dL_dz_r, …)."""
    kind, H = trace.config.cell_type, trace.config.hidden_size
    return {} if kind.gates == 1 else {f"dL_dz_{gate}": ("dL_dz", k * H, (k + 1) * H)
                                       for k, gate in enumerate(kind.gate_names)}


def backward_columns(trace: Trace) -> list[str]:
    """∂L/∂h_t, ∂L/∂z_t (a gated cell's per gate block) and an LSTM's ∂L/∂c_t."""
    return ["dL_dh", *(backward_blocks(trace) or ["dL_dz"]),
            *(["dL_dc"] if "cell" in trace.config.cell_type.state else [])]


def csv_columns(trace: Trace, backward=None) -> list[str]:
    """layer, direction, t, batch, unit, the previous states, each phase (a stacked phase as one column per gate
    block), the module's output, |Δ| and ulps, then with the backward pass ∂L/∂h_t, ∂L/∂z_t (per gate block) and
    an LSTM's ∂L/∂c_t: each column a vector, one row per unit."""
    blocks = gate_blocks(trace)
    stacked = {phase for phase, _, _ in blocks.values()}
    phases = [column for name in trace.phases
              for column in ([c for c, (phase, _, _) in blocks.items() if phase == name] if name in stacked else [name])]
    return ["layer", "direction", "t", "batch", "unit",
            *(f"{symbol}_prev" for symbol in state_keys(trace).values()), *phases, "reference", "abs_diff", "ulps",
            *(backward_columns(trace) if backward is not None else ())]


INDEX_COLUMNS = ("layer", "direction", "t", "batch")


def csv_rows(trace: Trace, backward=None) -> Iterator[list]:
    """The table's rows: one per unit of each step. With an LSTM's proj_size, h (and the module's output) has
    fewer units than c and the gates; its columns are None past its last unit."""
    columns = csv_columns(trace, backward)
    D = trace.config.num_directions
    blocks = None if backward is None else gate_blocks(trace) | backward_blocks(trace)
    for step in iter_steps(trace):
        if backward is not None:
            cell = backward.cells[step["layer"] * D + step["direction"]]
            t, b = step["t"], step["batch"]
            gradients = {"dL_dh": cell.hidden[t, b].tolist(), "dL_dz": cell.pre_activation[t, b].tolist()}
            if cell.cell is not None:
                gradients["dL_dc"] = cell.cell[t, b].tolist()
            step = Step({**step, **gradients}, blocks)
        vectors = {c: step[c] for c in columns if c not in INDEX_COLUMNS and c != "unit"}
        for unit in range(max(len(v) for v in vectors.values())):
            yield [step[c] if c in INDEX_COLUMNS else unit if c == "unit" else
                   vectors[c][unit] if unit < len(vectors[c]) else None for c in columns]


def write_csv(trace: Trace, out: TextIO, backward=None) -> None:
    """The table, written as it is made; `x` (a different width) is in the JSON. An empty field is a unit the
    column's vector does not have.

    Each value is written with the shortest digits that read back as the same number of its own dtype: a float32
    as numpy prints it (-0.4701929, not the float64 expansion -0.47019290924072266 of the same bits), |Δ| (the
    exact difference, computed in float64) as a float64, and ulps, a count, as a whole number."""

    columns = csv_columns(trace, backward)
    own = trace.config.dtype
    formats = [str if c in INDEX_COLUMNS or c == "unit" else _count if c == "ulps" else
               _float if c == "abs_diff" else (lambda v: _float(v, own)) for c in columns]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in csv_rows(trace, backward):
        writer.writerow(["" if v is None else write(v) for write, v in zip(formats, row)])


def trace_to_csv(trace: Trace) -> str:
    out = io.StringIO()
    write_csv(trace, out)
    return out.getvalue()


def _float(value: float, dtype: str | None = None) -> str:
    """The shortest digits that round-trip `value` as `dtype` (distance.exact_text), or as a Python float;
    NaN and ±Inf as JSON's strings."""
    from .distance import exact_text

    if not math.isfinite(value):
        return {math.inf: "Infinity", -math.inf: "-Infinity"}.get(value, "NaN")
    return repr(value) if dtype is None else exact_text(value, dtype)


def _count(value: float) -> str:
    """ulps: a whole number of representable floats, or Infinity when only one side is NaN."""
    return str(int(value)) if math.isfinite(value) else _float(value)


def _strict(node):
    if isinstance(node, float) and not math.isfinite(node):
        return _float(node)
    if isinstance(node, list):
        return [_strict(v) for v in node]
    if isinstance(node, dict):
        return {k: _strict(v) for k, v in node.items()}
    return node


def python_snippet(session) -> str:
    """A script that rebuilds this exact session with torch and recomputes it by hand, in the session's operation
    order, with the cell type's own step function (copied from core/cells, as the program runs it), printing each
    state beside the module's and whether they are bitwise identical. It runs as written, with torch alone."""
    config = session.config
    kind = config.cell_type
    module = kind.label
    step = getattr(kind.steps, session.order)
    dtype = f"torch.{config.dtype}"
    symbols = {phase.name: phase.symbol for phase in kind.phases(config)}
    sizes = {name: int(value.shape[-1]) for name, value in session.time_major_state().items()}
    weights = ",\n".join(f"    {name!r}: {_tensor(value, dtype)}" for name, value in session.weights.items())
    state = session.initial_state()
    state = "None" if state is None else _tensor(state, dtype) if not isinstance(state, tuple) else (
        "(" + ", ".join(_tensor(s, dtype) for s in state) + ")")
    options = ", ".join(f"{k}={v!r}" for k, v in kind.module_options(config).items())
    imports, definitions = _definitions(step)
    fields, kinds = _parameter_names(kind)
    if kind.reference is not None:  # a module of plain torch ops, not torch.nn's: its classes, written out too
        import torch

        reference = kind.reference_class()
        module = reference.__name__
        for cls in reversed(reference.__mro__[:reference.__mro__.index(torch.nn.Module)]):
            more, source = _definitions(cls)
            imports |= more
            definitions += "\n\n\n" + source
    fused = f'''
    # What {module} computes by default: in {config.dtype} your PyTorch may hand each layer to oneDNN's fused kernel, whose
    # GEMMs, bias additions and activations are its own, so its last bits can differ from the step-by-step cell.
    default_output, default_final = module(x, state)
    print("{module} by default (oneDNN's fused kernel, where your PyTorch takes it), bitwise identical:",
          bitwise_equal(default_output, output), "max |Δ| =", (default_output - manual_output).abs().max().item())
''' if kind.fuses is not None else ""
    state_lines = "\n".join(
        f'                    print("   {"output" if name == "hidden" else name} (manual) :", '
        f'phases[{name!r}][t]{as_numpy(config)})' for name in kind.state)
    return f'''# Rebuilds an RNN Stepper session and recomputes {module} by hand in the {session.order} order, printing each
# state beside {module}'s. The step function below is RNN Stepper's own ({step.__module__}).
from __future__ import annotations

import warnings
from collections import namedtuple
from types import SimpleNamespace
{"".join(line + chr(10) for line in sorted(imports))}
import torch
import torch.nn as nn

{definitions}

# mkldnn.flags() below also re-sets oneDNN's TF32 switch, which warns on a CPU-only build, and torch warns when a
# module oneDNN cannot run falls back to the native cell: neither is about these numbers
warnings.filterwarnings("ignore", message="TF32 acceleration on top of oneDNN")
warnings.filterwarnings("ignore", message=".* not supported with oneDNN")
Parameters = namedtuple("Parameters", "{fields}")


def bitwise_equal(a, b):
    """Every value the same bits, as RNN Stepper compares: a NaN matches a NaN (torch.equal says NaN != NaN, and
    the program computes the same NaN the module does; its payload bits are not part of the arithmetic)."""
    bits = {{torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32,
            torch.float64: torch.int64}}[a.dtype]
    return a.shape == b.shape and a.dtype == b.dtype and bool(
        ((a.view(bits) == b.view(bits)) | (a.isnan() & b.isnan())).all())

STATES = {kind.state!r}  # {", ".join(f"{name}: {symbols[name]}" for name in kind.state)}

module = {module}({config.input_size}, {config.hidden_size}, {options}, dtype={dtype})
module.load_state_dict({{
{weights},
}})
module.eval()
config = SimpleNamespace(**{config.to_dict()!r})
x = torch.tensor({python_list(session.inputs)}, dtype={dtype})
state = {state}  # what {module} takes{" as (h0, c0)" if len(kind.state) > 1 else " as h0"}; None is zeros
layers, directions, sizes = {config.num_layers}, {config.num_directions}, {sizes!r}

with torch.no_grad():
    # oneDNN off: {module} then runs its native cell, step by step, which the step function replays call for call.
    # (For nn.RNN and nn.GRU it changes nothing; a float32 nn.LSTM would otherwise run oneDNN's fused kernel.)
    with torch.backends.mkldnn.flags(enabled=False):
        output, final = module(x, state)
        final = final if isinstance(final, tuple) else (final,)
        # as the module's kernel sees the input: a batch dimension for a single sequence, time first (a view)
        layer_input = x if x.dim() == 3 else x.unsqueeze(0 if module.batch_first else 1)
        layer_input = layer_input.transpose(0, 1) if module.batch_first else layer_input
        T, B = layer_input.shape[:2]
        given = (state,) if torch.is_tensor(state) else state
        start = {{name: torch.zeros(layers * directions, B, sizes[name], dtype={dtype}) if given is None else
                 given[i] if given[i].dim() == 3 else given[i].unsqueeze(1) for i, name in enumerate(STATES)}}
        finals = {{name: [] for name in STATES}}
        cells = {{}}  # (layer, direction) → what the backward pass reads of it
        for layer in range(layers):
            outputs = []
            for direction in range(directions):
                suffix = f"_l{{layer}}" + ("_reverse" if direction else "")
                # the module's own parameters: they require grad, which decides how matmul folds a 3-D product
                p = Parameters(*(getattr(module, name + suffix, None) for name in {kinds!r}))
                walk = list(range(T)) if direction == 0 else list(range(T - 1, -1, -1))
                index = layer * directions + direction
                phases = {step.__name__}(layer_input, {{name: value[index] for name, value in start.items()}}, p, config,
                                walk, lambda done: None)
                for t in walk:
                    print(f"layer {{layer}} direction {{direction}} time step {{t}} =>")
{state_lines}
                cells[layer, direction] = (walk, layer_input, {{name: value[index] for name, value in start.items()}},
                                           phases)
                outputs.append(phases["hidden"])
                for name in STATES:
                    finals[name].append(phases[name][walk[-1]])
            # the next layer reads the contiguous [forward | reverse] concatenation, as the kernel's at::cat makes it
            layer_input = outputs[0] if directions == 1 else torch.cat(outputs, dim=-1)
        manual_output = layer_input.transpose(0, 1) if module.batch_first else layer_input
        manual_output = manual_output if x.dim() == 3 else manual_output.squeeze(0 if module.batch_first else 1)
        manual_final = [torch.stack(finals[name]) if x.dim() == 3 else torch.stack(finals[name]).squeeze(1)
                        for name in STATES]
    print("{module} output:")
    print(output{as_numpy(config)})
    print("bitwise identical to {module}:", bitwise_equal(manual_output, output)
          and all(bitwise_equal(a, b) for a, b in zip(manual_final, final)))
{fused}{_backward_check(session)}'''


def _parameter_names(kind) -> tuple[str, tuple[str, ...]]:
    """The fields of the snippet's Parameters (the textbook's names, with the cell type's extra ones such as W_hr)
    and the state dict's kinds they are read from, in the same order."""
    fields = ("W_ih", "W_hh", "b_ih", "b_hh") + tuple(extra.symbol for extra in kind.extra_parameters)
    kinds = ("weight_ih", "weight_hh", "bias_ih", "bias_hh") + tuple(extra.kind for extra in kind.extra_parameters)
    return " ".join(fields), kinds


def _backward_check(session) -> str:
    """For a cell type whose backward RNN Stepper steps: BPTT by hand for L = Σ h_n with its own backward step
    function, every gradient compared with what loss.backward() leaves in .grad, ∂L/∂x, ∂L/∂h0 and an LSTM's
    ∂L/∂c0."""
    from .steps import project_inputs_backward

    kind = session.config.cell_type
    backward = getattr(kind.steps, f"{session.order}_backward", None)
    if backward is None:
        return ""
    module = kind.label
    dtype = f"torch.{session.config.dtype}"
    textbook = session.order == "textbook"
    imports, definitions = _definitions(backward)
    project = "" if textbook else _definitions(project_inputs_backward)[1]
    indent = "\n".join("    " + line if line else line for line in (definitions + "\n\n" + project).splitlines())
    extra = "".join("    " + line + "\n" for line in sorted(imports))
    given = [name for name, value in (("hidden", session.h0), ("cell", session.c0)) if value is not None]
    return f'''

# Backpropagation through time by hand, for L = sum of h_n, with RNN Stepper's own backward step
# ({session.order} order, rnn_stepper/core/cells/{kind.module}.py), beside loss.backward() through {module}.
if True:
{extra}{indent}


    class Cell:
        """What the backward pass reads of one cell's forward pass, as RNN Stepper's CellTrace hands it."""

        def __init__(self, walk, x, initial, phases):
            self.walk, self.x, self.initial, self.phases = walk, x, initial, phases

        def hidden_at(self, t):
            return self.phases["hidden"][t].clone()  # a tensor of its own, as the kernel made h_t

        def phase_at(self, phase, t):
            return self.phases[phase][t].clone()

        def read_at(self, state, t):  # the state one step earlier, as the kernel's step read it
            if t == self.walk[0]:
                return self.initial[state]
            return self.phases[state][self.walk[self.walk.index(t) - 1]].clone()

        def h_prev_at(self, t):
            return self.read_at("hidden", t)

        def c_prev_at(self, t):
            return self.read_at("cell", t)

    GIVEN = {given!r}  # the initial states given: leaves whose gradients autograd leaves in .grad
    x_leaf = x.clone().requires_grad_(True)
    state_leaf = None if state is None else tuple(
        s.clone().requires_grad_(name in GIVEN) for name, s in zip(STATES, state if isinstance(state, tuple) else
                                                                   (state,)))
    with torch.backends.mkldnn.flags(enabled=False):
        _, final_leaf = module(x_leaf, None if state_leaf is None else state_leaf if len(STATES) > 1 else
                               state_leaf[0])
        (final_leaf[0] if len(STATES) > 1 else final_leaf).sum().backward()
    H = sizes["hidden"]
    with torch.no_grad():
        ones = torch.ones((), dtype={dtype}).expand(layers * directions, B, H)  # ∂L/∂h_n of L = sum of h_n
        grads, initial_grads, from_above = {{}}, {{}}, None
        for layer in reversed(range(layers)):
            input_grad = None
            for direction in range(directions):
                walk, cell_x, initial, phases = cells[layer, direction]
                index = layer * directions + direction
                mine = None if from_above is None else from_above[..., direction * H:(direction + 1) * H]

                def incoming(t, flowing, walk=walk, index=index, mine=mine):
                    sources = [s for s in (ones[index] if t == walk[-1] else None,
                                           None if mine is None else mine[t], flowing) if s is not None]
                    return sources[0] if len(sources) == 1 else sources[0] + sources[1]

                suffix = f"_l{{layer}}" + ("_reverse" if direction else "")
                p = Parameters(*(getattr(module, name + suffix, None) for name in {_parameter_names(kind)[1]!r}))
                result = {backward.__name__}(Cell(walk, cell_x, initial, phases), p, config, incoming,
                                  need_initial=set(GIVEN))
                grad_pre = torch.stack([result["pre_activation"][t] for t in range(T)])
                {"grad_x, grad_W_ih, grad_b = result['input'], result['weight_ih'], result['bias_ih']" if textbook else
                 "grad_x, grad_W_ih, grad_b = project_inputs_backward(grad_pre, cell_x, p.W_ih, p.b_ih is not None)"}
                grads["weight_ih" + suffix], grads["weight_hh" + suffix] = grad_W_ih, result["weight_hh"]
                if p.b_ih is not None:
                    grads["bias_ih" + suffix], grads["bias_hh" + suffix] = grad_b, result["bias_hh"]
                for extra in {_parameter_names(kind)[1][4:]!r}:  # the cell type's extra parameters (an LSTM's W_hr)
                    if getattr(module, extra + suffix, None) is not None:
                        grads[extra + suffix] = result[extra]
                initial_grads[index] = result["initial"]
                input_grad = grad_x if input_grad is None else input_grad + grad_x
            from_above = input_grad
        grad_x = from_above.transpose(0, 1) if module.batch_first else from_above
        grad_x = grad_x if x.dim() == 3 else grad_x.squeeze(0 if module.batch_first else 1)
        pairs = [(name, grads[name], parameter.grad) for name, parameter in module.named_parameters()]
        pairs.append(("x", grad_x, x_leaf.grad))
        for name, leaf in zip(STATES, state_leaf or ()):
            if name in GIVEN:  # h0, c0: (L·D, B, ·) leaves, each cell's gradient stacked
                grad = torch.stack([initial_grads[i][name] for i in range(layers * directions)])
                pairs.append(({{"hidden": "h0", "cell": "c0"}}[name], grad if leaf.dim() == 3 else grad.squeeze(1),
                              leaf.grad))
    for name, manual, reference in pairs:
        print(f"dL/d{{name}} (manual):", manual{as_numpy(session.config)}.ravel()[:6], "bitwise identical to autograd:",
              bitwise_equal(manual, reference))
    print("every gradient bitwise identical to autograd:", all(bitwise_equal(m, r) for _, m, r in pairs))
'''


def as_numpy(config) -> str:
    """How the script prints a tensor as numpy does: numpy has no bfloat16, so a bfloat16 tensor is printed as
    its float32 image, the same values (core/distance.numbers)."""
    return ".float().numpy()" if config.dtype == "bfloat16" else ".numpy()"


def _tensor(value, dtype: str) -> str:
    # tolist() gives each float32 as the double that names it exactly; torch.tensor rounds it back to itself
    return f"torch.tensor({python_list(value)}, dtype={dtype})"


def python_list(value) -> str:
    """A tensor's numbers as a Python literal: repr of its nested lists, with NaN and ±Inf written as
    float('nan') and float('inf') (repr's bare nan and inf are names Python does not know)."""
    import torch

    values = value.tolist()
    if bool(torch.isfinite(torch.as_tensor(value)).all()):
        return repr(values)

    def literal(node) -> str:
        if isinstance(node, list):
            return "[" + ", ".join(map(literal, node)) + "]"
        if math.isnan(node):
            return "float('nan')"
        if math.isinf(node):
            return "float('inf')" if node > 0 else "-float('inf')"
        return repr(node)

    return literal(values)


def _definitions(function) -> tuple[set[str], str]:
    """The source of `function` and of every function, class and constant of RNN Stepper it reads, dependencies
    first, and the imports of what it reads from elsewhere: the cell type's step, runnable on its own."""
    imports: set[str] = set()
    blocks: list[str] = []
    seen: set[str] = set()

    def names(code) -> set[str]:
        found = set(code.co_names)
        for const in code.co_consts:
            if inspect.iscode(const):
                found |= names(const)
        return found

    def visit(obj) -> None:
        functions = [obj] if inspect.isfunction(obj) else [v for v in vars(obj).values() if inspect.isfunction(v)]
        for function in functions:
            for name in sorted(names(function.__code__)):
                if name in seen or name not in function.__globals__:
                    continue
                seen.add(name)
                value = function.__globals__[name]
                if inspect.ismodule(value):
                    imports.add(f"import {value.__name__} as {name}")
                elif (inspect.isfunction(value) or inspect.isclass(value)) and not value.__module__.startswith(
                        "rnn_stepper"):
                    imports.add(f"from {value.__module__} import {name}")
                elif inspect.isfunction(value) or inspect.isclass(value):
                    visit(value)
                    blocks.append(inspect.getsource(value))
                else:
                    blocks.append(f"{name} = {value!r}\n")
    visit(function)
    return imports, "\n\n".join(blocks + [inspect.getsource(function)])


def phase_latex(cell, t: int, batch: int, phase: str, config, order: str = "kernel") -> str:
    """The equation of one phase with its numbers, as LaTeX (amsmath's bmatrix): what the window writes out, in
    the session's order."""
    from types import SimpleNamespace

    from .distance import exact_text
    from .equations import written_out

    def vec(values) -> str:
        # the shortest digits that give back the same value of the session's dtype, as numpy's str of a scalar
        return r"\begin{bmatrix}" + r" \\ ".join(exact_text(v, config.dtype) for v in values) + r"\end{bmatrix}"

    declared = next(p for p in config.cell_type.phases(config) if p.name == phase)
    equation, numbers, result = written_out(declared, SimpleNamespace(config=config, order=order), cell, t, batch,
                                            vec, latex=True)
    # parentheses around matrices grow with them
    numbers = numbers.replace("(", r"\left(").replace(")", r"\right)")
    return f"{equation} = {numbers} = {result}"
