"""Any cell type's forward pass, recomputed by hand one phase at a time over layers, directions and time, and
checked against the torch module itself. The equations are the cell type's (core/cells); nothing here names a gate.

The trace is computed once per session; a viewer moves a cursor through it and never recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import torch

from . import layout
from .cells import Parameters
from .config import cell_suffix
from .distance import abs_diff, bits_differ, bits_equal, max_over, numbers, rowwise_max, spectral_radius, ulp_distance
from .reference import Fused, Reference, reference_pass
from .session import Session


@dataclass
class CellTrace:
    """Every number of one (layer, direction) cell. Arrays are (T, B, ·) and indexed by t, whichever way the
    cell walked; `walk` is the order it visited the timesteps (T-1 … 0 for the reverse direction)."""

    layer: int
    direction: int
    walk: list[int]
    x: torch.Tensor
    initial: dict[str, torch.Tensor]  # each state's value before the first step, (B, ·): "hidden", "cell"
    phases: dict[str, torch.Tensor]  # the cell type's phases, in click order; "hidden" is h_t
    reference: torch.Tensor  # the torch module's hidden state for this cell
    # A packed batch's lengths (core/packed.py): sequence b is stepped at t < lengths[b] only, and every phase is
    # 0 after its end, as pad_packed_sequence pads the output. None: every sequence is stepped to T.
    lengths: tuple[int, ...] | None = None

    @property
    def h0(self) -> torch.Tensor:
        return self.initial["hidden"]

    @property
    def hidden(self) -> torch.Tensor:
        return self.phases["hidden"]

    def previous(self, state: str) -> torch.Tensor:
        """A state one step earlier in the walk, for every t: its initial value where the walk starts."""
        values, start = self.phases[state], self.initial[state].unsqueeze(0)
        if self.direction == 0:
            return torch.cat([start, values[:-1]])
        previous = torch.cat([values[1:], start])
        for b, n in self._joining():  # a shorter sequence's reverse walk starts at its own last step
            previous[n - 1, b] = self.initial[state][b]
        return previous

    def previous_at(self, state: str, t: int) -> torch.Tensor:
        """The state one step earlier in the walk at t, (B, ·), without building `previous` for every t."""
        if t == self.walk[0]:
            return self.initial[state]
        previous = self.phases[state][t - 1 if self.direction == 0 else t + 1]
        joining = [b for b, n in self._joining() if n - 1 == t]
        if joining:  # in the reverse walk these sequences join the batch at t, from their initial state
            previous = previous.clone()
            previous[joining] = self.initial[state][joining]
        return previous

    def _joining(self) -> list[tuple[int, int]]:
        """(b, length) of the sequences shorter than T, in the reverse direction of a packed batch: each joins the
        reverse walk at its last real step (ReversedPackedLayer), not at T - 1."""
        if self.lengths is None or self.direction == 0:
            return []
        T = self.phases["hidden"].shape[0]
        return [(b, n) for b, n in enumerate(self.lengths) if n < T]

    def length(self, b: int) -> int:
        """How many timesteps batch row b is stepped at, t < length: its length in a packed batch, else all T."""
        return self.x.shape[0] if self.lengths is None else self.lengths[b]

    def ended(self, t: int) -> list[int]:
        """The batch rows whose sequences have ended before t: a packed batch no longer steps them."""
        return [] if self.lengths is None else [b for b in range(len(self.lengths)) if self.length(b) <= t]

    @cached_property
    def h_prev(self) -> torch.Tensor:
        """h_{t-1} for every t (h_{t+1} in the reverse direction). Made on first use, so the loop never stores it."""
        return self.previous("hidden")

    @cached_property
    def c_prev(self) -> torch.Tensor:
        return self.previous("cell")

    def hidden_at(self, t: int) -> torch.Tensor:
        """h_t as a tensor of its own, as the kernel made it: a fresh allocation, aligned as a GEMM operand is."""
        return self.hidden[t].clone()

    def h_prev_at(self, t: int) -> torch.Tensor:
        """h_{t-1} as the kernel's step read it: h0's own view where the walk starts, else a fresh tensor."""
        return self.read_at("hidden", t)

    def c_prev_at(self, t: int) -> torch.Tensor:
        """An LSTM's c_{t-1} as the kernel's step read it, as h_prev_at."""
        return self.read_at("cell", t)

    def read_at(self, state: str, t: int) -> torch.Tensor:
        previous = self.previous_at(state, t)
        return previous if t == self.walk[0] else previous.clone()

    def phase_at(self, phase: str, t: int) -> torch.Tensor:
        """A phase at t as a tensor of its own, as the kernel made it (fresh, aligned as an operand is)."""
        return self.phases[phase][t].clone()

    def final(self, state: str = "hidden") -> torch.Tensor:
        if self.lengths is None or self.direction == 1:  # the reverse walk of every sequence ends at t = 0
            return self.phases[state][self.walk[-1]]
        last = torch.tensor(self.lengths) - 1  # a packed sequence's final state is its last real step's
        return self.phases[state][last, torch.arange(len(self.lengths))]

    @cached_property
    def abs_diff(self) -> np.ndarray:
        """|manual − torch| for every hidden value, (T, B, P)."""
        return abs_diff(self.hidden, self.reference)

    @cached_property
    def ulps(self) -> np.ndarray:
        return ulp_distance(self.hidden, self.reference)

    @cached_property
    def step_abs_diff(self) -> np.ndarray:
        """max |manual − torch| at each t, over batch rows and units."""
        return rowwise_max(abs_diff, self.hidden, self.reference)

    @cached_property
    def step_ulps(self) -> np.ndarray:
        return rowwise_max(ulp_distance, self.hidden, self.reference)

    @cached_property
    def hidden_norms(self) -> np.ndarray:
        """‖h_t‖ of every t and batch row, (T, B): once per trace, not over every revealed step at each click."""
        # float16's norms can overflow where the vector's values do not (the largest float16 is 65504): summed in float32
        return np.linalg.norm(numbers(self.hidden).astype(np.float32, copy=False), axis=-1)

    def extent(self, phase: str) -> np.ndarray:
        """max |v| over the finite values of a phase at each t and batch row, (T, B), 0 where none: a colour scale
        fitted to any set of steps without reading their values again."""
        extents = self.__dict__.setdefault("_extents", {})
        if phase not in extents:
            magnitude = np.abs(numbers(self.phases[phase]))
            magnitude[~np.isfinite(magnitude)] = 0
            extents[phase] = magnitude.reshape(*magnitude.shape[:2], -1).max(axis=-1, initial=0)
        return extents[phase]

    @cached_property
    def step_bits_equal(self) -> np.ndarray:
        """Whether h_t has the reference's bits at each t: 0 ulp is not enough, a zero may differ in sign."""
        return rowwise_max(bits_differ, self.hidden, self.reference) == 0

    @cached_property
    def bitwise_equal(self) -> bool:
        return bits_equal(self.hidden, self.reference)


@dataclass
class Trace:
    session: Session
    cells: list[CellTrace]  # in h_n's order: layer * num_directions + direction
    output: torch.Tensor  # the manual pass, in the module's layout
    final: dict[str, torch.Tensor]  # h_n, and an LSTM's c_n, as the module returns them
    reference: Reference
    num_threads: int
    _per_cell: dict = field(default_factory=dict, repr=False)  # a cell's figures, computed when first read

    @property
    def config(self):
        return self.session.config

    @property
    def phases(self) -> tuple[str, ...]:
        return tuple(self.cells[0].phases)

    @property
    def h_n(self) -> torch.Tensor:
        return self.final["hidden"]

    @property
    def reference_output(self) -> torch.Tensor:
        return self.reference.output

    @property
    def reference_h_n(self) -> torch.Tensor:
        return self.reference.final["hidden"]

    @property
    def fused(self) -> Fused | None:
        """The module's default float32 pass where torch hands it to a fused kernel (oneDNN's LSTM), else None."""
        return self.reference.fused

    @property
    def seq_len(self) -> int:
        return self.cells[0].x.shape[0]

    @property
    def batch_size(self) -> int:
        return self.cells[0].x.shape[1]

    def cell(self, layer: int, direction: int = 0) -> CellTrace:
        return self.cells[layer * self.config.num_directions + direction]

    def _pairs(self, other_output, other_final) -> list:
        return [(self.output, other_output)] + [(self.final[s], other_final[s]) for s in self.final]

    @cached_property
    def max_abs_diff(self) -> float:
        return max(max_over(abs_diff, self._pairs(self.reference.output, self.reference.final)),
                   *(float(c.step_abs_diff.max(initial=0.0)) for c in self.cells))

    @cached_property
    def max_ulps(self) -> float:
        return max(max_over(ulp_distance, self._pairs(self.reference.output, self.reference.final)),
                   *(float(c.step_ulps.max(initial=0.0)) for c in self.cells))

    @cached_property
    def fused_max_ulps(self) -> float | None:
        """How far the fused kernel's output and final states land from the hand pass, in ulps."""
        fused = self.fused
        return None if fused is None else max_over(ulp_distance, self._pairs(fused.output, fused.final))

    @cached_property
    def fused_max_abs_diff(self) -> float | None:
        fused = self.fused
        return None if fused is None else max_over(abs_diff, self._pairs(fused.output, fused.final))

    def fused_step_abs_diff(self, layer: int, direction: int = 0) -> np.ndarray | None:
        """max |by hand − fused kernel| at each t of one cell, over batch rows and units (as step_abs_diff is to the
        native pass), computed once per trace; None without a fused pass, and for a lower layer: the fused kernel
        returns the last layer's outputs over t, a lower layer's only in its final state."""
        fused, config = self.fused, self.config
        if fused is None or layer != config.num_layers - 1:
            return None
        key = ("fused", layer, direction)
        if key not in self._per_cell:
            P = config.output_size
            output = layout.time_major(fused.output, config.batch_first)[..., direction * P:(direction + 1) * P]
            self._per_cell[key] = rowwise_max(abs_diff, self.cell(layer, direction).hidden, output)
        return self._per_cell[key]

    @cached_property
    def bitwise_equal(self) -> bool:
        return (all(bits_equal(a, b) for a, b in self._pairs(self.reference.output, self.reference.final))
                and all(c.bitwise_equal for c in self.cells))

    def spectral_radius(self, layer: int, direction: int = 0) -> float:
        """ρ(W_hh) of one cell, computed once per trace (an eigendecomposition is not free at H = 1024)."""
        key = ("radius", layer, direction)
        if key not in self._per_cell:
            self._per_cell[key] = spectral_radius(self.session.weights["weight_hh" + cell_suffix(layer, direction)],
                                                  self.config.hidden_size)
        return self._per_cell[key]

    @cached_property
    def padded_rows(self) -> dict[int, int]:
        """Batch rows that end in all-zero timesteps while others do not, and how many (core/packed.py): padding
        being stepped through, unless the session's lengths pack the batch."""
        from .packed import trailing_padding

        if self.session.lengths is not None:
            return {}
        return trailing_padding(self.session.inputs, self.config.batch_first)

    @cached_property
    def nonfinite(self) -> bool:
        """NaN or ±Inf anywhere in the hidden states: they propagate as PyTorch propagates them."""
        return not all(bool(torch.isfinite(c.hidden).all()) for c in self.cells)


def compute_trace(session: Session, progress=None) -> Trace:
    """Run the session's torch module, then recompute it by hand in the session's operation order.

    `progress(done, total)`, when given, hears how far the computation is every few hundred timesteps; it may
    raise (e.g. `Cancelled`) to stop it. The module's own pass counts as half the work."""
    report = progress or (lambda done, total: None)
    if session.lengths is not None:
        from .packed import session_trace

        return session_trace(session)
    cell_steps = session.config.num_layers * session.config.num_directions * session.seq_len
    report(0, 2 * cell_steps)
    per_layer = cell_steps // session.config.num_layers
    reference = reference_pass(session, lambda layers: report(layers * per_layer, 2 * cell_steps))
    report(cell_steps, 2 * cell_steps)
    trace = hand_pass(session, reference, lambda done: report(cell_steps + done, 2 * cell_steps))
    report(2 * cell_steps, 2 * cell_steps)
    return trace


def hand_pass(session: Session, reference: Reference, progress=lambda done: None) -> Trace:
    """Every phase of every timestep of every cell, in the session's order; `progress(done)` counts timesteps."""
    config = session.config
    kind = config.cell_type
    step = getattr(kind.steps, session.order)  # the cell type's kernel(...) or textbook(...)
    x = layout.time_major(session.inputs, config.batch_first)
    initial = session.time_major_state()
    T, P = x.shape[0], config.output_size
    # The module's own parameters, not copies: they require grad, and whether a GEMM operand requires grad
    # changes how at::matmul folds a 3-D product, and so the last bits of the result.
    weights = dict(reference.module.named_parameters())
    # no_grad, as reference_pass runs the module: under inference mode the same kernels would run, but composite
    # ops (linear) would reach a TorchDispatchMode undecomposed, and the test that compares our calls with the
    # module's could no longer see them. (oneDNN's switch decides only which path nn.LSTM takes, not these calls.)
    with torch.no_grad():
        cells: list[CellTrace] = []
        layer_input = x
        for layer in range(config.num_layers):
            outputs = []
            for direction in range(config.num_directions):
                index = layer * config.num_directions + direction
                walk = list(range(T)) if direction == 0 else list(range(T - 1, -1, -1))
                start = {name: value[index] for name, value in initial.items()}
                phases = step(layer_input, start, parameters(kind, weights, layer, direction), config, walk,
                              lambda done, before=index * T: progress(before + done))
                cell = CellTrace(layer, direction, walk, layer_input, start, phases,
                                 reference.layers[layer][..., direction * P:(direction + 1) * P])
                cells.append(cell)
                outputs.append(cell.hidden)
            # Layer l + 1 reads the contiguous [forward | reverse] concatenation, as the kernel's at::cat makes it.
            layer_input = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-1)

        output = layout.from_time_major(layer_input, config.batch_first, session.batched)
        final = {}
        for state in kind.state:
            value = torch.stack([c.final(state) for c in cells], 0)
            final[state] = value if session.batched else value.squeeze(1)
    return Trace(session, cells, output, final, reference, torch.get_num_threads())


def parameters(kind, weights: dict, layer: int, direction: int) -> Parameters:
    """One cell's parameters under the textbook's names, with the cell type's extra ones (W_hr) where present."""
    suffix = cell_suffix(layer, direction)
    return Parameters(weights[f"weight_ih{suffix}"], weights[f"weight_hh{suffix}"], weights.get(f"bias_ih{suffix}"),
                      weights.get(f"bias_hh{suffix}"),
                      **{extra.symbol: weights.get(f"{extra.kind}{suffix}") for extra in kind.extra_parameters})
