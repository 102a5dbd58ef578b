"""The forward pass of `nn.RNN`, recomputed by hand one phase at a time, and checked against `nn.RNN` itself.

One timestep of one cell (PyTorch's names; the textbook's W_xh, W_hh, b_xh, b_hh):

    input projection   a_t = W_ih x_t + b_ih
    recurrent term     r_t = W_hh h_{t-1} + b_hh
    pre-activation     z_t = a_t + r_t
    hidden state       h_t = tanh(z_t)        (relu(z_t) when nonlinearity='relu')

The trace is computed once per session; a viewer moves a cursor through it and never recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import torch
import torch.nn.functional as F

from . import collector
from .config import cell_suffix
from .phases import PHASES
from .session import Session, build_module


# f(z) -> h, each returning a fresh tensor as ATen's tanh and relu do inside nn.RNN's kernel.
ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}
BLOCK = 256  # timesteps stored, and reported to `progress`, at a time: often enough to cancel quickly


def kernel_cell(x, h0, W_ih, W_hh, b_ih, b_hh, activation, walk, progress):
    """PyTorch's CPU kernel (`FullLayer` + `SimpleCell` in aten/src/ATen/native/RNN.cpp), which reproduces
    `nn.RNN` bit for bit: one GEMM projects every timestep at once, then each step adds a fused-bias GEMM of h.

    Every call is the kernel's own, on operands of the same shapes, strides and memory alignment: MKL picks its
    code path by all three, and another path can round differently. So each step computes into fresh tensors, as
    the kernel does, and only then are they stored in the (T, B, H) trace; no GEMM reads or writes through it."""
    # a_t for every t in one GEMM, on x as strided as nn.RNN sees it. Indexed step by step rather than unbound
    # up front: T views held at once would cost hundreds of bytes a step, more than the numbers at small H.
    a = input_projections = F.linear(x, W_ih, b_ih)
    r = recurrent_terms = torch.empty_like(input_projections)
    store = StepStore(walk, progress)
    W_hh_T = W_hh.T
    h_prev = h0
    for t in walk:
        # a_t = W_ih x_t + b_ih is a[t], computed above
        recurrent_term = linear(h_prev, W_hh_T, b_hh)  # r_t = W_hh h_{t-1} + b_hh
        r[t].copy_(recurrent_term)  # kept before the kernel's in-place add turns it into z_t
        pre_activation = recurrent_term.add_(a[t])  # z_t = r_t + a_t
        hidden = activation(pre_activation)  # h_t = f(z_t)
        store.add(pre_activation, hidden)
        h_prev = hidden
    return dict(zip(PHASES, (input_projections, recurrent_terms, *store.finish())))


def linear(h, W_T, bias):
    """`F.linear(h, W, b)` for a 2-D h, as at::linear does it: addmm with the bias fused into the GEMM, or a
    plain mm without one. W_T is transposed once per cell rather than once per step: the same view either way."""
    return torch.mm(h, W_T) if bias is None else torch.addmm(bias, h, W_T)


def textbook_cell(x, h0, W_ih, W_hh, b_ih, b_hh, activation, walk, progress):
    """The notebook's loop: `(x W_ih^T + b_ih) + h W_hh^T + b_hh`, one timestep at a time, added left to right.

    It differs from the kernel in the last bits: one GEMM per step instead of one for the whole sequence, and
    the bias added after the product instead of fused into it. As in the notebook, every h is a fresh tensor
    (its `out_man` list), read by the next step's product."""
    store = StepStore(walk, progress)
    h_prev = h0
    for t in walk:
        recurrent_product = h_prev @ W_hh.T
        input_projection = plus_bias(x[t] @ W_ih.T, b_ih)  # a_t = W_ih x_t + b_ih
        recurrent_term = plus_bias(recurrent_product, b_hh)  # r_t = W_hh h_{t-1} + b_hh
        pre_activation = plus_bias(input_projection + recurrent_product, b_hh)  # z_t = (a_t + W_hh h_{t-1}) + b_hh
        hidden = activation(pre_activation)  # h_t = f(z_t)
        store.add(input_projection, recurrent_term, pre_activation, hidden)
        h_prev = hidden
    return dict(zip(PHASES, store.finish()))


class StepStore:
    """Each timestep's fresh tensors, stacked into preallocated (T, B, ·) trace tensors a block at a time.

    One `stack` per block of steps costs far less than a copy per step, and the block bounds the memory held
    beyond the trace; `progress(done)` hears after each block, and may raise to stop the pass."""

    def __init__(self, walk: list[int], progress):
        self.walk, self.progress = walk, progress
        self.traces: list[torch.Tensor] | None = None
        self.pending: list[tuple[torch.Tensor, ...]] = []
        self.done = 0

    def add(self, *values: torch.Tensor) -> None:
        if self.traces is None:
            self.traces = [v.new_empty(len(self.walk), *v.shape) for v in values]
        self.pending.append(values)
        if len(self.pending) == BLOCK:
            self.flush()

    def flush(self) -> None:
        ts = self.walk[self.done:self.done + len(self.pending)]
        lo, hi = min(ts), max(ts) + 1
        for trace, steps in zip(self.traces, zip(*self.pending)):
            # a reverse walk visited t = hi-1 … lo
            torch.stack(steps if ts[0] == lo else steps[::-1], out=trace[lo:hi])
        self.done += len(self.pending)
        self.pending = []
        self.progress(self.done)

    def finish(self) -> list[torch.Tensor]:
        if self.pending:
            self.flush()
        return self.traces


def plus_bias(product: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    # bias=False means no addition at all: adding zeros would turn -0.0 into +0.0.
    return product if bias is None else product + bias


CELLS = {"kernel": kernel_cell, "textbook": textbook_cell}


@dataclass
class CellTrace:
    """Every number of one (layer, direction) cell. Arrays are (T, B, ·) and indexed by t, whichever way the
    cell walked; `walk` is the order it visited the timesteps (T-1 … 0 for the reverse direction)."""

    layer: int
    direction: int
    walk: list[int]
    x: torch.Tensor
    h0: torch.Tensor  # (B, H)
    phases: dict[str, torch.Tensor]
    reference: torch.Tensor  # nn.RNN's hidden state for this cell

    @property
    def hidden(self) -> torch.Tensor:
        return self.phases["hidden"]

    @cached_property
    def h_prev(self) -> torch.Tensor:
        """h_{t-1} for every t: h0 where the walk starts, else the hidden state one step earlier in the walk.
        Made from the hidden states on first use, so the loop never stores it."""
        start = self.h0.unsqueeze(0)
        if self.direction == 0:
            return torch.cat([start, self.hidden[:-1]])
        return torch.cat([self.hidden[1:], start])

    @property
    def final_hidden(self) -> torch.Tensor:
        return self.hidden[self.walk[-1]]

    @cached_property
    def abs_diff(self) -> np.ndarray:
        """|manual − nn.RNN| for every hidden value, (T, B, H)."""
        return abs_diff(self.hidden.numpy(), self.reference.numpy())

    @cached_property
    def ulps(self) -> np.ndarray:
        return ulp_distance(self.hidden.numpy(), self.reference.numpy())

    @cached_property
    def step_abs_diff(self) -> np.ndarray:
        """max |manual − nn.RNN| at each t, over batch rows and units."""
        return rowwise_max(abs_diff, self.hidden.numpy(), self.reference.numpy())

    @cached_property
    def step_ulps(self) -> np.ndarray:
        return rowwise_max(ulp_distance, self.hidden.numpy(), self.reference.numpy())

    @cached_property
    def bitwise_equal(self) -> bool:
        return bits_equal(self.hidden.numpy(), self.reference.numpy())


@dataclass
class Trace:
    session: Session
    cells: list[CellTrace]  # in h_n's order: layer * num_directions + direction
    output: torch.Tensor  # the manual pass, in nn.RNN's layout
    h_n: torch.Tensor
    reference_output: torch.Tensor  # nn.RNN's own
    reference_h_n: torch.Tensor
    num_threads: int
    _spectral_radii: dict = field(default_factory=dict, repr=False)

    @property
    def config(self):
        return self.session.config

    @property
    def seq_len(self) -> int:
        return self.cells[0].x.shape[0]

    @property
    def batch_size(self) -> int:
        return self.cells[0].x.shape[1]

    def cell(self, layer: int, direction: int = 0) -> CellTrace:
        return self.cells[layer * self.config.num_directions + direction]

    @cached_property
    def max_abs_diff(self) -> float:
        return self._max_over_all(abs_diff, "step_abs_diff")

    @cached_property
    def max_ulps(self) -> float:
        return self._max_over_all(ulp_distance, "step_ulps")

    def _max_over_all(self, distance, per_step: str) -> float:
        pairs = [(self.output, self.reference_output), (self.h_n, self.reference_h_n)]
        rows = [rowwise_max(distance, *(v.numpy().reshape(-1, v.shape[-1]) for v in pair)) for pair in pairs]
        rows += [getattr(c, per_step) for c in self.cells]
        return float(max([float(r.max()) if r.size else 0.0 for r in rows]))

    @cached_property
    def bitwise_equal(self) -> bool:
        return (
            bits_equal(self.output.numpy(), self.reference_output.numpy())
            and bits_equal(self.h_n.numpy(), self.reference_h_n.numpy())
            and all(c.bitwise_equal for c in self.cells)
        )

    def spectral_radius(self, layer: int, direction: int = 0) -> float:
        """ρ(W_hh) of one cell, computed once per trace (an eigendecomposition is not free at H = 1024)."""
        key = (layer, direction)
        if key not in self._spectral_radii:
            self._spectral_radii[key] = spectral_radius(self.session.weights["weight_hh" + cell_suffix(*key)])
        return self._spectral_radii[key]

    @cached_property
    def nonfinite(self) -> bool:
        """NaN or ±Inf anywhere in the hidden states: they propagate as PyTorch propagates them."""
        return not all(bool(torch.isfinite(c.hidden).all()) for c in self.cells)


def compute_trace(session: Session, progress=None) -> Trace:
    """Run the session's `nn.RNN`, then recompute it by hand in the session's operation order.

    `progress(done, total)`, when given, hears how far the computation is every few hundred timesteps; it may
    raise (e.g. `Cancelled`) to stop it. nn.RNN's own pass counts as half the work."""
    report = progress or (lambda done, total: None)
    cell_steps = session.config.num_layers * session.config.num_directions * session.seq_len
    report(0, 2 * cell_steps)
    per_layer = cell_steps // session.config.num_layers
    reference = reference_pass(session, lambda layers: report(layers * per_layer, 2 * cell_steps))
    report(cell_steps, 2 * cell_steps)
    trace = hand_pass(session, reference, lambda done: report(cell_steps + done, 2 * cell_steps))
    report(2 * cell_steps, 2 * cell_steps)
    return trace


@dataclass
class Reference:
    """What nn.RNN itself returns for a session, and the module that returned it."""

    module: torch.nn.RNN
    output: torch.Tensor
    h_n: torch.Tensor
    layers: list[torch.Tensor]  # every layer's hidden states, (T, B, D·H): see layer_references


def reference_pass(session: Session, progress=lambda layers: None) -> Reference:
    """nn.RNN's own pass; `progress(layers)` hears after each layer below the top is checked, and may raise to
    stop (nn.RNN's forward itself is one call that cannot be stopped)."""
    with torch.no_grad():
        module = build_module(session.config, session.weights)
        output, h_n = module(session.inputs, session.h0)
        x, h0 = time_major(session)
        return Reference(module, output, h_n, layer_references(session, x, h0, output, progress))


def hand_pass(session: Session, reference: Reference, progress=lambda done: None) -> Trace:
    """Every phase of every timestep of every cell, in the session's order; `progress(done)` counts timesteps."""
    config = session.config
    activation = ACTIVATIONS[config.nonlinearity]
    x, h0 = time_major(session)
    T = x.shape[0]
    # The module's own parameters, not copies: they require grad, and whether a GEMM operand requires grad
    # changes how at::matmul folds a 3-D product, and so the last bits of the result.
    weights = dict(reference.module.named_parameters())
    # no_grad, as reference_pass runs nn.RNN: under inference mode the same kernels would run, but composite ops
    # (linear) would reach a TorchDispatchMode undecomposed, and the test that compares our calls with nn.RNN's
    # could no longer see them. The loop makes no reference cycles, so the cyclic collector is paused: it would
    # walk every live object a few times per pass (~70 ms each time).
    with torch.no_grad(), collector.paused():
        cells: list[CellTrace] = []
        layer_input = x
        for layer in range(config.num_layers):
            outputs = []
            for direction in range(config.num_directions):
                index = layer * config.num_directions + direction
                cell = run_cell(
                    CELLS[session.order], layer, direction, layer_input, h0[index], weights, activation,
                    reference.layers[layer][..., direction * config.hidden_size:(direction + 1) * config.hidden_size],
                    lambda done, before=index * T: progress(before + done),
                )
                cells.append(cell)
                outputs.append(cell.hidden)
            # Layer l + 1 reads the contiguous [forward | reverse] concatenation, as the kernel's at::cat makes it.
            layer_input = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-1)

        output = from_time_major(session, layer_input)
        h_n = torch.stack([c.final_hidden for c in cells], 0)
        if not session.batched:
            h_n = h_n.squeeze(1)
    return Trace(session, cells, output, h_n, reference.output, reference.h_n, torch.get_num_threads())


def run_cell(cell_fn, layer, direction, x, h0, weights, activation, reference, progress) -> CellTrace:
    suffix = cell_suffix(layer, direction)
    W_ih, W_hh = weights[f"weight_ih{suffix}"], weights[f"weight_hh{suffix}"]
    b_ih, b_hh = weights.get(f"bias_ih{suffix}"), weights.get(f"bias_hh{suffix}")
    T = x.shape[0]
    walk = list(range(T)) if direction == 0 else list(range(T - 1, -1, -1))
    phases = cell_fn(x, h0, W_ih, W_hh, b_ih, b_hh, activation, walk, progress)
    return CellTrace(layer=layer, direction=direction, walk=walk, x=x, h0=h0, phases=phases, reference=reference)


def time_major(session: Session) -> tuple[torch.Tensor, torch.Tensor]:
    """The (T, B, I) input and (L·D, B, H) h0 exactly as nn.RNN hands them to its kernel: a batch dim added to
    unbatched input, and batch_first transposed as a view, not made contiguous (strides pick the GEMM)."""
    config = session.config
    x = session.inputs
    if not session.batched:
        x = x.unsqueeze(0 if config.batch_first else 1)
    if config.batch_first:
        x = x.transpose(0, 1)
    if session.h0 is None:
        h0 = torch.zeros(
            config.num_layers * config.num_directions, x.shape[1], config.hidden_size, dtype=config.torch_dtype
        )
    else:
        h0 = session.h0 if session.batched else session.h0.unsqueeze(1)
    return x, h0


def from_time_major(session: Session, y: torch.Tensor) -> torch.Tensor:
    if session.config.batch_first:
        y = y.transpose(0, 1)
    if not session.batched:
        y = y.squeeze(0 if session.config.batch_first else 1)
    return y


def to_time_major(session: Session, y: torch.Tensor) -> torch.Tensor:
    if not session.batched:
        y = y.unsqueeze(0 if session.config.batch_first else 1)
    return y.transpose(0, 1) if session.config.batch_first else y


def layer_references(session: Session, x, h0, reference_output, progress=lambda layers: None) -> list[torch.Tensor]:
    """nn.RNN's hidden states for every layer, (T, B, D·H) each.

    nn.RNN returns only the last layer's; a layer below is checked against a one-layer nn.RNN holding that
    layer's weights, fed the reference output of the layer beneath it — the same calls the full module makes.
    """
    config = session.config
    D = config.num_directions
    references = []
    layer_input = x
    for layer in range(config.num_layers - 1):
        one_config = config.replace(input_size=config.layer_input_size(layer), num_layers=1, batch_first=False,
                                    dropout=0.0)
        # Layer l's own parameters under layer 0's names, looked up by name: a scan of every weight per layer
        # would make many layers quadratic.
        one = build_module(one_config, {
            name: session.weights[name.replace(cell_suffix(0, 0), cell_suffix(layer, 0))]
            for name in one_config.parameter_shapes()})
        layer_input, _ = one(layer_input, h0[layer * D:(layer + 1) * D])
        references.append(layer_input)
        progress(layer + 1)
    references.append(to_time_major(session, reference_output))
    return references


def abs_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b|, with two NaNs at the same place counted as agreeing."""
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    both_nan = np.isnan(a) & np.isnan(b)
    same = (a == b)  # ±Inf against itself gives NaN above
    d[both_nan | same] = 0.0
    d[np.isnan(d)] = np.inf
    return d


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable floats apart a and b are: 0 when equal, inf when only one is NaN."""
    signed, unsigned = {4: (np.int32, np.uint32), 8: (np.int64, np.uint64)}[a.dtype.itemsize]
    smallest = np.iinfo(signed).min

    def line(v):  # sign-magnitude bit patterns laid out on one integer line, in float order
        i = np.ascontiguousarray(v).view(signed)
        return np.where(i < 0, smallest - i, i)

    ia, ib = line(a), line(b)
    # The true distance is below 2**bits, so unsigned wrap-around subtraction gives it exactly.
    d = np.where(ia >= ib, ia.astype(unsigned) - ib.astype(unsigned), ib.astype(unsigned) - ia.astype(unsigned))
    d = d.astype(np.float64)
    a_nan, b_nan = np.isnan(a), np.isnan(b)
    d[a_nan & b_nan] = 0.0
    d[a_nan ^ b_nan] = np.inf
    return d


def bits_equal(a: np.ndarray, b: np.ndarray) -> bool:
    """The same bits everywhere; any NaN matches any NaN (payloads are not part of the arithmetic)."""
    if a.shape != b.shape:
        return False
    signed = {4: np.int32, 8: np.int64}[a.dtype.itemsize]
    same_bits = np.ascontiguousarray(a).view(signed) == np.ascontiguousarray(b).view(signed)
    return bool(np.all(same_bits | (np.isnan(a) & np.isnan(b))))


def rowwise_max(distance, a: np.ndarray, b: np.ndarray, rows: int = 1024) -> np.ndarray:
    """max of `distance(a, b)` over everything but the first axis, a block of rows at a time: the float64
    distances of a 10,000 × 1,024 trace would otherwise be 80 MB each, held only to take their maxima."""
    out = np.zeros(a.shape[0])
    if a.size == 0:
        return out
    for start in range(0, a.shape[0], rows):
        d = distance(a[start:start + rows], b[start:start + rows])
        out[start:start + rows] = d.reshape(d.shape[0], -1).max(axis=1)
    return out


def spectral_radius(W_hh: torch.Tensor) -> float:
    """ρ(W_hh) = max |λ|. Below 1 the recurrence forgets old inputs geometrically; above 1 it can amplify them
    until the nonlinearity saturates."""
    W = W_hh.detach().double().numpy()
    if not np.isfinite(W).all():
        return float("nan")  # an edited NaN or Inf weight has no spectrum
    return float(np.abs(np.linalg.eigvals(W)).max())
