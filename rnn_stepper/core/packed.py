"""Variable-length batches. PyTorch steps a `PackedSequence` with a batch that shrinks as sequences end
(`batch_sizes`); a padded tensor it steps whole, padding and all, so the h_n of a shorter sequence is the state
after its padding, not after its last real token.

The packed pass here mirrors PyTorch's packed native kernel (`PackedLayer`, `ReversedPackedLayer` and
`PackedBidirectionalLayer` in aten/src/ATen/native/RNN.cpp) call for call:

    a       = W_ih data + b_ih          one GEMM over every real timestep of every sequence, (N, G·H)
    step t  : the first batch_sizes[t] sequences (sorted longest first) step on a[offset : offset + batch_sizes[t]]
              as the cell type's kernel step does; where the batch shrinks, the rows that left are final
    reverse : walks t = T-1 … 0, the batch growing, each sequence joining with its initial state
    h_n     = the final states, longest sequence first, put back in the caller's order (unsorted_indices)

A float32 nn.LSTM on a PackedSequence of sequences of different lengths takes this native path (torch makes no
mkldnn_rnn_layer call), so the book's sentiment model is stepped exactly as it runs. When every sequence has the
same length torch does hand the batch to oneDNN's fused kernel; its distance is then measured, as for a padded
batch.

Where a batch is padded and given without lengths, the padding is stepped through, as torch.nn steps it; a batch
looks padded when some rows end in all-zero timesteps (pad_sequence's default padding_value) and others do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import layout


def trailing_padding(inputs, batch_first: bool) -> dict[int, int]:
    """For a batch of two or more sequences, each row's count of all-zero timesteps at its end, where the rows do
    not all end alike (a batch padded to its longest sequence); {} otherwise."""
    if inputs.dim() != 3:
        return {}
    rows = layout.batch_major(inputs, batch_first)  # (B, T, I)
    if rows.shape[0] < 2:
        return {}
    zero_steps = (rows == 0).all(dim=-1)  # (B, T): timesteps that are all zeros
    # the length of each row's run of zero timesteps at its end: the first nonzero step from the end
    real = (~zero_steps).flip(1).int().argmax(dim=1)
    counts = [int(n) if not bool(zero_steps[b].all()) else rows.shape[1] for b, n in enumerate(real.tolist())]
    if len(set(counts)) == 1:
        return {}
    return {b: n for b, n in enumerate(counts) if n}


def padding_note(inputs, batch_first: bool) -> str | None:
    """One line saying the padding is stepped through, or None when the batch does not look padded."""
    padded = trailing_padding(inputs, batch_first)
    if not padded:
        return None
    rows = ", ".join(f"{b} ({n})" for b, n in padded.items())
    return (f"batch rows {rows} end in all-zero timesteps (how many in brackets): if that is padding, it is being "
            "stepped through, as torch.nn steps a padded tensor, and those rows' h_n are the states after it, not "
            "the h_n a model that packs its batch (pack_padded_sequence with the lengths) uses")


# --- the packed pass -----------------------------------------------------------------------------------------------


@dataclass
class PackedCell:
    """One (layer, direction) cell over a packed batch: each step's phases, rows in sorted order (longest
    sequence first), the step at time t holding batch_sizes[t] rows."""

    layer: int
    direction: int
    steps: list[dict]  # per t (time order): phase name → (batch_sizes[t], ·)


@dataclass
class PackedTrace:
    """A recurrent module's pass over a PackedSequence, by hand and by the module itself."""

    config: object
    packed: object  # the PackedSequence stepped
    cells: list[PackedCell]
    data: object  # the output PackedSequence's data, (N, D·P), by hand
    final: dict  # h_n (and c_n), (L·D, B, ·), in the caller's order
    reference_data: object
    reference_final: dict
    fused: object = None  # reference.Fused: the module's default pass where torch hands it to a fused kernel

    @property
    def fused_max_ulps(self) -> float | None:
        from .distance import max_over, ulp_distance

        if self.fused is None:
            return None
        return max_over(ulp_distance, [(self.data, self.fused.output)] + [(self.final[s], self.fused.final[s])
                                                                          for s in self.final])

    @property
    def batch_sizes(self) -> list[int]:
        return self.packed.batch_sizes.tolist()

    @property
    def output(self):
        """The hand pass's output as the module returns it: a PackedSequence with the input's batch sizes and
        permutations."""
        return self.packed._replace(data=self.data)

    @property
    def h_n(self):
        return self.final["hidden"]

    @property
    def bitwise_equal(self) -> bool:
        from .distance import bits_equal

        pairs = [(self.data, self.reference_data)] + [(self.final[s], self.reference_final[s]) for s in self.final]
        return all(bits_equal(a, b) for a, b in pairs)

def document(trace: PackedTrace, lengths: list[int]) -> dict:
    """The packed pass as `trace --lengths --format json` writes it: the config, the packing, the output data and
    final states by hand and by the module, each cell's steps, and the verdicts."""
    states = {"hidden": "h", "cell": "c"}
    return {
        "schema": "rnn-stepper/packed",
        "schema_version": 1,
        "config": trace.config.to_dict(),
        "lengths": list(lengths),
        "batch_sizes": trace.batch_sizes,
        "sorted_indices": trace.packed.sorted_indices.tolist(),
        "output_data": trace.data.tolist(),
        **{f"{states[s]}_n": value.tolist() for s, value in trace.final.items()},
        "reference": {"output_data": trace.reference_data.tolist(),
                      **{f"{states[s]}_n": value.tolist() for s, value in trace.reference_final.items()}},
        "cells": [{"layer": cell.layer, "direction": cell.direction,
                   "steps": [{name: values.tolist() for name, values in phases.items()} for phases in cell.steps]}
                  for cell in trace.cells],
        "bitwise_equal": trace.bitwise_equal,
        "fused": None if trace.fused is None else {"kernel": trace.fused.kernel, "max_ulps": trace.fused_max_ulps},
    }


def packed_pass(module, packed, hx=None) -> PackedTrace:
    """`module(packed, hx)` by hand, phase by phase, beside the module's own pass (on its native path)."""
    import torch

    from .reference import SWITCH, Fused, as_tuple, fused_kernels, native_path
    from .session import module_config

    config = module_config(module)
    states = config.cell_type.state
    given = None if hx is None else dict(zip(states, as_tuple(hx)))
    fused = None
    with torch.no_grad():
        with native_path():
            reference_output, reference_final = module(packed, hx)
        if config.cell_type.may_fuse(config):
            with SWITCH, fused_kernels() as watch:  # oneDNN as the user left it
                fused_output, fused_final = module(packed, hx)
            if watch.seen:
                fused = Fused(sorted(watch.seen)[0], fused_output.data, dict(zip(states, as_tuple(fused_final))))
        data, sorted_final, cells = packed_hand_pass(config, dict(module.named_parameters()), packed, given)
        final = in_callers_order(sorted_final, packed)
    return PackedTrace(config, packed, cells, data, final, reference_output.data,
                       dict(zip(states, as_tuple(reference_final))), fused)


def in_callers_order(sorted_final: dict, packed) -> dict:
    """h_n (and c_n) put back in the caller's order, as torch.nn's permute_hidden does (index_select)."""
    if packed.unsorted_indices is None:
        return dict(sorted_final)
    return {s: value.index_select(1, packed.unsorted_indices) for s, value in sorted_final.items()}


def packed_hand_pass(config, weights: dict, packed, given: dict | None):
    """The packed kernel's calls for every layer and direction. Returns the output data, the final states in
    sorted order, and each cell's steps."""
    import torch

    from .steps import project_inputs
    from .trace import parameters

    kind = config.cell_type
    batch_sizes = packed.batch_sizes.tolist()
    cells_count = config.num_layers * config.num_directions
    sizes = {"hidden": config.output_size, "cell": config.hidden_size}
    if given is None:  # torch.nn's zeros, as wide as the largest batch
        initial = {s: torch.zeros(cells_count, batch_sizes[0], sizes[s], dtype=config.torch_dtype)
                   for s in kind.state}
    else:  # the caller's states, put in sorted order as torch.nn's permute_hidden does
        initial = {s: value if packed.sorted_indices is None else value.index_select(1, packed.sorted_indices)
                   for s, value in given.items()}
    starts = {s: value.unbind(0) for s, value in initial.items()}  # each cell's initial state, as _rnn_impl
    finals = {s: [] for s in kind.state}
    cells = []
    layer_input = packed.data
    for layer in range(config.num_layers):
        outputs = []
        for direction in range(config.num_directions):
            index = layer * config.num_directions + direction
            p = parameters(config.cell_type, weights, layer, direction)
            a = project_inputs(layer_input, p.W_ih, p.b_ih)  # a = W_ih data + b_ih, every real timestep at once
            start = {s: starts[s][index] for s in kind.state}
            walk = walk_forward if direction == 0 else walk_reverse
            steps, output, final = walk(a, batch_sizes, start, p, config)
            cells.append(PackedCell(layer, direction, steps))
            outputs.append(output)
            for s in kind.state:
                finals[s].append(final[s])
        # the next layer reads [forward | reverse], as PackedBidirectionalLayer's at::cat makes it
        layer_input = outputs[0] if len(outputs) == 1 else torch.cat(outputs, -1)
    return layer_input, {s: torch.stack(values, 0) for s, values in finals.items()}, cells


def _step(a_t, state, p, config) -> tuple[dict, dict]:
    """One timestep of the cell type's kernel, its phases by name."""
    kept = {}
    stored, state = config.cell_type.steps.step(a_t, state, p, config,
                                                keep=lambda term: kept.setdefault("recurrent_term", term.clone()))
    names = config.phases
    return {"input_projection": a_t, **kept, **dict(zip(names[2:], stored))}, state


def walk_forward(a, batch_sizes, start, p, config):
    """`PackedLayer`: t = 0 … T-1, the batch shrinking; the rows that leave hold their sequences' final states."""
    import torch

    steps, outputs, ended = [], [], []
    state, offset, last = start, 0, batch_sizes[0]
    for size in batch_sizes:
        a_t = a.narrow(0, offset, size)
        offset += size
        if size < last:  # sequences last..size-1 ended at the step before
            ended.append({s: v.narrow(0, size, last - size) for s, v in state.items()})
            state = {s: v.narrow(0, 0, size) for s, v in state.items()}
        last = size
        phases, state = _step(a_t, state, p, config)
        steps.append(phases)
        outputs.append(state["hidden"])
    ended.append(state)
    ended.reverse()  # longest sequence first, as the batch is sorted
    return steps, torch.cat(outputs, 0), {s: torch.cat([e[s] for e in ended], 0) for s in state}


def walk_reverse(a, batch_sizes, start, p, config):
    """`ReversedPackedLayer`: t = T-1 … 0, the batch growing; a sequence joins at its last real step with its
    initial state."""
    import torch

    steps, outputs = [], []
    last = batch_sizes[-1]
    state = {s: v.narrow(0, 0, last) for s, v in start.items()}
    offset = a.shape[0]
    for size in reversed(batch_sizes):
        if size > last:
            state = {s: torch.cat([v, start[s].narrow(0, last, size - last)], 0) for s, v in state.items()}
        a_t = a.narrow(0, offset - size, size)
        offset -= size
        last = size
        phases, state = _step(a_t, state, p, config)
        steps.append(phases)
        outputs.append(state["hidden"])
    steps.reverse()
    outputs.reverse()
    return steps, torch.cat(outputs, 0), state


# --- a session with lengths, as the window steps it ----------------------------------------------------------------


def pack_session(session):
    """The session's padded batch packed by its lengths, as its user packs it: `pack_padded_sequence(inputs,
    lengths, batch_first=…, enforce_sorted=False)`."""
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    with torch.no_grad():
        return pack_padded_sequence(session.inputs, torch.tensor(session.lengths),
                                    batch_first=session.config.batch_first, enforce_sorted=False)


def session_trace(session):
    """A session whose padded batch has lengths: `packed_pass` over `pack_padded_sequence(inputs, lengths,
    enforce_sorted=False)`, its steps put back in the (T, B, ·) grid a Trace holds, in the caller's order, 0 after
    each sequence's end as `pad_packed_sequence` pads the output. Layers below the top are checked against one-layer
    modules fed the module's packed output of the layer beneath, as reference.layer_references does for a padded
    batch."""
    import torch
    from torch.nn.utils.rnn import pad_packed_sequence

    from . import layout
    from .reference import Fused, Reference, native_path, one_layer_module
    from .session import build_module
    from .trace import CellTrace, Trace

    config = session.config
    T, D, P = session.seq_len, config.num_directions, config.output_size
    module = build_module(config, session.weights)
    packed = pack_session(session)
    result = packed_pass(module, packed, session.initial_state())

    def grid(data):  # packed rows (N, ·) → (T, B, ·), time-major, in the caller's order, zeros past each end
        return pad_packed_sequence(packed._replace(data=data), total_length=T)[0]

    def as_returned(data):  # the output as the module's caller reads it after pad_packed_sequence
        return layout.from_time_major(grid(data), config.batch_first, True)

    initial = session.time_major_state()
    with torch.no_grad():
        references, below = [], packed
        for layer in range(config.num_layers - 1):
            state = tuple(initial[s][layer * D:(layer + 1) * D] for s in config.cell_type.state)
            with native_path():
                below, _ = one_layer_module(config, session.weights, layer)(below, state if len(state) > 1
                                                                            else state[0])
            references.append(grid(below.data))
        references.append(grid(result.reference_data))

        cells, layer_input = [], layout.time_major(session.inputs, config.batch_first)
        for packed_cell in result.cells:
            layer, direction = packed_cell.layer, packed_cell.direction
            index = layer * D + direction
            # the steps hold batch_sizes[t] rows each, sorted: stacked in time order they are the packed layout
            phases = {name: grid(torch.cat([step[name] for step in packed_cell.steps], 0))
                      for name in packed_cell.steps[0]}
            walk = list(range(T)) if direction == 0 else list(range(T - 1, -1, -1))
            cells.append(CellTrace(layer, direction, walk, layer_input, {s: v[index] for s, v in initial.items()},
                                   phases, references[layer][..., direction * P:(direction + 1) * P],
                                   session.lengths))
            if direction == D - 1:
                layer_input = torch.cat([c.hidden for c in cells[-D:]], dim=-1) if D > 1 else cells[-1].hidden
    fused = None if result.fused is None else Fused(result.fused.kernel, as_returned(result.fused.output),
                                                    result.fused.final)
    reference = Reference(module, as_returned(result.reference_data), result.reference_final, references, fused)
    return Trace(session, cells, as_returned(result.data), result.final, reference, torch.get_num_threads())
