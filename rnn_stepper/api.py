"""The public Python API behind `rnn_stepper.show`, `rnn_stepper.trace` and `rnn_stepper.load_session`.

Everything here reads a user's own objects (an `nn.RNN`, or a model holding one, and its input as a tensor,
a numpy array or nested lists), checks them with a message saying what was expected, and hands the core a
Session made of copies: the user's module is never changed. No Qt here; only `show` loads it, in ui/show.py.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from .core.errors import InputError
from .core.session import Session, session_from_module
from .core.trace import Trace as _CoreTrace
from .core.distance import abs_diff, bits_equal, ulp_distance
from .core.trace import compute_trace

ACCEPTED = "a torch.nn.RNN (or a model that contains exactly one)"


# --- finding the nn.RNN --------------------------------------------------------------------------------------------

def find_rnn(module) -> tuple[nn.RNN, str]:
    """The `nn.RNN` to step and its attribute path inside `module` ('' when `module` is one itself).

    GRU and LSTM are refused by name until their cells exist; a model holding several RNNs is refused with
    their paths, so the caller can pass the one they mean."""
    if isinstance(module, nn.RNN):
        return module, ""
    if isinstance(module, nn.RNNBase):
        raise TypeError(f"rnn_stepper steps {ACCEPTED}; {_kind(module)} is not supported yet")
    if not isinstance(module, nn.Module):
        raise TypeError(f"rnn_stepper steps {ACCEPTED}; got {type(module).__module__}.{type(module).__qualname__}")
    recurrent = [(path, m) for path, m in module.named_modules() if path and isinstance(m, nn.RNNBase)]
    rnns = [(path, m) for path, m in recurrent if isinstance(m, nn.RNN)]
    if len(rnns) == 1:
        return rnns[0][1], rnns[0][0]
    owner = type(module).__name__
    if rnns:
        paths = ", ".join(attribute_path(path) for path, _ in rnns)
        raise ValueError(f"this {owner} holds {len(rnns)} nn.RNN modules: {paths}; pass the one to step, "
                         f"e.g. rnn_stepper.show({attribute_path(rnns[0][0])}, x)")
    if recurrent:
        found = ", ".join(f"{attribute_path(path)} ({_kind(m)})" for path, m in recurrent)
        raise TypeError(f"this {owner} holds no nn.RNN, only {found}; rnn_stepper steps {ACCEPTED}, and GRU and "
                        "LSTM are not supported yet")
    raise TypeError(f"this {owner} holds no nn.RNN; rnn_stepper steps {ACCEPTED}")


def attribute_path(path: str, root: str = "model") -> str:
    """`named_modules`' 'encoder.layers.0.rnn' as Python spells it: model.encoder.layers[0].rnn."""
    return root + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in path.split(".") if part)


def _kind(module: nn.Module) -> str:
    return f"nn.{type(module).__name__}" if type(module).__module__.startswith("torch.nn") else type(module).__name__


# --- reading the user's objects ------------------------------------------------------------------------------------

def check_module(rnn: nn.RNN) -> torch.dtype:
    """The dtype of a module the stepper can show, or an error saying how to make it one."""
    parameters = list(rnn.parameters())
    devices = sorted({str(p.device) for p in parameters})
    if devices != ["cpu"]:
        raise ValueError(f"the nn.RNN's parameters are on {', '.join(devices)}; the stepper computes on the CPU, "
                         "as nn.RNN's CPU kernel does: pass a CPU copy, e.g. copy.deepcopy(rnn).cpu()")
    dtypes = {p.dtype for p in parameters}
    if len(dtypes) != 1 or not dtypes <= {torch.float32, torch.float64}:
        shown = ", ".join(sorted(str(d) for d in dtypes))
        raise TypeError(f"the nn.RNN's parameters are {shown}; the stepper shows torch.float32 and torch.float64: "
                        "pass a copy in one of them, e.g. copy.deepcopy(rnn).float()")
    return dtypes.pop()


def as_tensor(value, what: str, dtype: torch.dtype, hint: str = "") -> torch.Tensor:
    """A tensor, numpy array or nested lists of numbers as a CPU tensor of `dtype`, copied.

    A tensor must already have the module's dtype, as nn.RNN itself demands; numpy arrays and lists are numbers
    written down, converted as `torch.tensor(values, dtype=dtype)` would."""
    from .core.files import rectangular

    if isinstance(value, (list, tuple)) and value and all(isinstance(v, torch.Tensor) for v in value):
        value = torch.stack(list(value))  # e.g. a list of per-timestep tensors
    if isinstance(value, torch.Tensor):
        if value.device.type != "cpu":
            raise ValueError(f"{what} is on {value.device}; the stepper computes on the CPU: pass {what}.cpu()")
        if value.is_complex() or not value.is_floating_point():
            ids = "" if value.is_complex() or value.dtype == torch.bool else (
                " (token ids go through an embedding first)")
            raise TypeError(f"{what} is {value.dtype}, but an nn.RNN reads {dtype} vectors{hint or ids}")
        if value.dtype != dtype:
            raise TypeError(f"{what} is {value.dtype} but the nn.RNN's parameters are {dtype}, which nn.RNN "
                            f"refuses too: pass {what}.to({dtype})")
        return value.detach().clone()
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "fiu":
            raise TypeError(f"{what} is a numpy array of {value.dtype}; give numbers (float or int){hint}")
        return torch.from_numpy(np.array(value, dtype=np.float64)).to(dtype)
    if isinstance(value, (list, tuple)):
        array = rectangular(as_lists(value), what)  # InputError: a ValueError
        return torch.from_numpy(array).to(dtype)
    raise TypeError(f"{what} must be a torch.Tensor, a numpy array or nested lists of numbers, got "
                    f"{type(value).__name__}")


def as_lists(value):
    """Nested tuples as nested lists: the file loaders' checks read lists, and Python users write either."""
    return [as_lists(v) for v in value] if isinstance(value, (list, tuple)) else value


def make_session(module, x, h0=None, order: str = "kernel") -> tuple[Session, str]:
    """The session of `module(x, h0)` with copies of everything, and where the nn.RNN sits in `module`."""
    if order not in ("kernel", "textbook"):
        raise ValueError(f"order must be 'kernel' or 'textbook', got {order!r}")
    rnn, path = find_rnn(module)
    dtype = check_module(rnn)
    # A model's own input (token ids, say) is not its RNN's input: say how to get that.
    hint = (f"; if the model embeds its input first, pass the embedded sequence to {attribute_path(path)}"
            if path else "")
    inputs = as_tensor(x, "x", dtype, hint)
    initial = None if h0 is None else as_tensor(h0, "h0", dtype)
    try:
        session = session_from_module(rnn, inputs, initial, order)
    except InputError as exc:
        where = f" ({attribute_path(path)}: {rnn})" if path else f" ({rnn})"
        raise ValueError(f"{exc}{where}{hint}") from None
    return session, path


def say_which(path: str, module, rnn_description: str, verb: str) -> None:
    """A model was given: name the nn.RNN found inside it, so nobody wonders which one is on show."""
    if path:
        print(f"rnn_stepper: {verb} {attribute_path(path)}, the nn.RNN inside this {type(module).__name__}: "
              f"{rnn_description}", file=sys.stderr)


# --- the public functions ------------------------------------------------------------------------------------------

def trace(module, x, h0=None, *, order: str = "kernel") -> Trace:
    session, path = make_session(module, x, h0, order)
    say_which(path, module, session.config.describe(), "tracing")
    return Trace._compute(session, path)


def load_session(path) -> Trace:
    from .core.session_file import load_session as read

    session, _ = read(str(path))  # InputError, a ValueError, says what is wrong with the file
    return Trace._compute(session, "")


def show(module, x, h0=None, *, order: str = "kernel", title: str | None = None, block: bool | None = None) -> None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    session, path = make_session(module, x, h0, order)
    say_which(path, module, session.config.describe(), "showing")
    if title is None:
        title = f"{attribute_path(path)}: {session.config.describe()}" if path else session.config.describe()
    from .ui.show import show_session

    show_session(session, title, block)


# --- what trace() returns ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """How far some hidden states are from a trace's: `bitwise_equal` (every value the same bits; NaN matches
    NaN), `max_abs_diff` and `max_ulps` (how many representable floats apart, at most)."""

    bitwise_equal: bool
    max_abs_diff: float
    max_ulps: float


class Trace:
    """Every number of `module(x, h0)`, recomputed by hand one phase at a time and checked against nn.RNN.

    Fields (tensors are copies the caller may keep):

    - `config`: the nn.RNN's options read from the module (input_size, hidden_size, num_layers, nonlinearity,
      bias, batch_first, bidirectional, dropout, dtype); dropout only acts in training mode, and the trace
      evaluates in eval mode, as `module.eval()` would.
    - `order`: "kernel" (PyTorch's own operation order, bitwise equal to nn.RNN on any CPU) or "textbook" (the
      notebook's `(x W_ih^T + b_ih) + h W_hh^T + b_hh`, its distance from nn.RNN measured on this machine).
    - `module_path`: where the nn.RNN was found inside the model given ("rnn" for `model.rnn`), "" when the
      module was an nn.RNN itself.
    - `input`, `h0`: as nn.RNN received them (`h0` None for zeros); `batched` is False for a 2-D input.
    - `sequence_length`, `batch_size`: T and B.
    - `output`, `h_n`: the hand computation, shaped as nn.RNN's `output, h_n = module(x, h0)`.
    - `reference_output`, `reference_h_n`: what nn.RNN itself returned.
    - `bitwise_equal`: True when every hidden value has the same bits as nn.RNN's.
    - `max_abs_diff`, `max_ulps`: the largest difference from nn.RNN anywhere, absolute and in ulps.
    - `nonfinite`: True when a hidden state holds NaN or ±Inf.

    `phase(name, layer, direction)` gives one phase for every timestep; `compare(values)` measures a
    hand-written loop's hidden states against this trace (what an autograder needs); `to_dict()`/`to_json()`
    give the document `rnn-stepper trace --format json` writes, `to_dataframe()` one row per hidden unit of each
    step (needs pandas), `save_session(path)` a `*.rnnstep.json` file the window opens.
    """

    def __init__(self, core: _CoreTrace, module_path: str = ""):
        self._core = core
        self.module_path = module_path

    @classmethod
    def _compute(cls, session: Session, module_path: str) -> Trace:
        # Building nn.RNN draws its initial weights from torch's global generator before they are replaced: the
        # caller's random numbers must not change because they looked at their model.
        with torch.random.fork_rng(devices=[]):
            return cls(compute_trace(session), module_path)

    @property
    def session(self) -> Session:
        return self._core.session

    @property
    def config(self) -> dict:
        return self._core.config.to_dict()

    @property
    def order(self) -> str:
        return self.session.order

    @property
    def input(self) -> torch.Tensor:
        return self.session.inputs.clone()

    @property
    def h0(self) -> torch.Tensor | None:
        return None if self.session.h0 is None else self.session.h0.clone()

    @property
    def batched(self) -> bool:
        return self.session.batched

    @property
    def sequence_length(self) -> int:
        return self._core.seq_len

    @property
    def batch_size(self) -> int:
        return self._core.batch_size

    @property
    def output(self) -> torch.Tensor:
        return self._core.output.clone()

    @property
    def h_n(self) -> torch.Tensor:
        return self._core.h_n.clone()

    @property
    def reference_output(self) -> torch.Tensor:
        return self._core.reference_output.detach().clone()

    @property
    def reference_h_n(self) -> torch.Tensor:
        return self._core.reference_h_n.detach().clone()

    @property
    def bitwise_equal(self) -> bool:
        return self._core.bitwise_equal

    @property
    def max_abs_diff(self) -> float:
        return self._core.max_abs_diff

    @property
    def max_ulps(self) -> float:
        return self._core.max_ulps

    @property
    def nonfinite(self) -> bool:
        return self._core.nonfinite

    @property
    def phases(self) -> tuple[str, ...]:
        """One step's phases in order, the cell type's: for nn.RNN input_projection, recurrent_term,
        pre_activation, hidden."""
        return self._core.phases

    def phase(self, name: str, layer: int = 0, direction: int = 0) -> torch.Tensor:
        """One phase of one cell for every timestep, (T, B, hidden_size), indexed by t whichever way the cell
        walked: 'input_projection' (a_t), 'recurrent_term' (r_t), 'pre_activation' (z_t) or 'hidden' (h_t)."""
        if name not in self.phases:
            raise ValueError(f"phase must be one of {', '.join(self.phases)}; got {name!r}")
        config = self._core.config
        if not (0 <= layer < config.num_layers and 0 <= direction < config.num_directions):
            raise ValueError(f"this nn.RNN has layers 0 … {config.num_layers - 1} and "
                             f"{'directions 0 and 1' if config.bidirectional else 'direction 0 only'}; got "
                             f"layer={layer}, direction={direction}")
        return self._core.cell(layer, direction).phases[name].clone()

    def compare(self, values) -> Comparison:
        """How far `values` are from this trace's `output` (the hand pass in this trace's order; in kernel order
        that is nn.RNN's own bits).

        `values` has `output`'s shape, or is a list of T per-timestep hidden states, as the notebook's `out_man`:
        each is reshaped to one timestep of `output` (batch × units). Its dtype must be the trace's."""
        expected = self._core.output
        time_axis = 1 if self.batched and self._core.config.batch_first else 0
        step_shape = expected.shape[:time_axis] + expected.shape[time_axis + 1:]
        if isinstance(values, (list, tuple)) and values and all(isinstance(v, torch.Tensor) for v in values):
            if len(values) != expected.shape[time_axis]:
                raise ValueError(f"got {len(values)} timesteps, the trace has {expected.shape[time_axis]}")
            try:
                values = torch.stack([v.detach().reshape(step_shape) for v in values], dim=time_axis)
            except RuntimeError:
                raise ValueError(f"each timestep should hold {tuple(step_shape)} values; got "
                                 f"{', '.join(str(tuple(v.shape)) for v in values[:3])}") from None
        got = as_tensor(values, "values", expected.dtype)
        if got.shape != expected.shape:
            raise ValueError(f"values have shape {tuple(got.shape)}, the trace's output {tuple(expected.shape)}")
        a, b = got.numpy(), expected.numpy()
        return Comparison(bits_equal(a, b), float(abs_diff(a, b).max(initial=0.0)),
                          float(ulp_distance(a, b).max(initial=0.0)))

    def module(self) -> nn.RNN:
        """A new `nn.RNN` with this trace's options and weights, in eval mode."""
        with torch.random.fork_rng(devices=[]):
            return self.session.module()

    def to_dict(self) -> dict:
        """The JSON document of `rnn-stepper trace --format json` (schema in README.md), as Python objects; NaN
        and ±Inf appear as the strings "NaN", "Infinity", "-Infinity", as in the file."""
        return json.loads(self.to_json())

    def to_json(self, indent: int | None = None) -> str:
        """The document `rnn-stepper trace --format json` writes; floats written exactly, NaN and ±Inf as "NaN",
        "Infinity", "-Infinity"."""
        from .core.export import trace_to_json

        text = trace_to_json(self._core)
        return text if indent is None else json.dumps(json.loads(text), indent=indent, ensure_ascii=False)

    def to_dataframe(self):
        """A pandas DataFrame with one row per hidden unit of each step, the columns of `trace --format csv`:
        layer, direction, t, batch, unit, h_prev, the four phases, reference, abs_diff, ulps.

        pandas is not a dependency of RNN Stepper: install it to use this (pip install pandas)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Trace.to_dataframe needs pandas, which RNN Stepper does not install: pip install "
                              "pandas (to_json() and the fields need nothing more)") from None
        from .core.export import csv_columns, iter_steps

        columns = csv_columns(self._core)
        table: dict[str, list] = {c: [] for c in columns}
        for step in iter_steps(self._core):
            for unit in range(len(step["hidden"])):
                for c in columns:
                    table[c].append(step[c] if c in ("layer", "direction", "t", "batch") else
                                    unit if c == "unit" else step[c][unit])
        return pandas.DataFrame(table, columns=columns)

    def save_session(self, path) -> str:
        """Write this trace's session (module, input, h0, order) as a `*.rnnstep.json` file, which the window's
        File ▸ Open and `rnn_stepper.load_session` read back bit for bit. Returns the path written."""
        from .core.session_file import save_session

        try:
            save_session(str(path), self.session)
        except InputError as exc:
            raise OSError(str(exc)) from None
        return str(path)

    def __repr__(self) -> str:
        verdict = "bitwise equal to nn.RNN" if self.bitwise_equal else f"{self.max_ulps:g} ulp from nn.RNN"
        where = f" at {attribute_path(self.module_path)}" if self.module_path else ""
        return (f"<rnn_stepper.Trace {self._core.config.describe()}{where}, T={self.sequence_length}, "
                f"batch={self.batch_size}, {self.order} order: {verdict}>")
