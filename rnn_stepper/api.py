"""The public Python API behind `rnn_stepper.trace` and `rnn_stepper.load_session`, and the session `show` opens.

Everything here reads a user's own objects (an `nn.RNN`, `nn.GRU` or `nn.LSTM`, or a model holding one, and its
input as a tensor, a numpy array or nested lists), checks them with a message saying what was expected, and hands
the core a Session made of copies: the user's module is never changed. No Qt here, and no ui: `show` itself is
in ui/show.py, which builds its session with make_session below (import-linter checks this layering).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from .core.cells import reference_classes
from .core.config import DTYPES
from .core.distance import abs_diff, bits_equal, ulp_distance
from .core.errors import InputError
from .core.reference import native_path
from .core.session import Session, module_config, session_from_module
from .core.trace import Trace as _CoreTrace
from .core.trace import compute_trace

ACCEPTED = "a torch.nn.RNN, nn.GRU or nn.LSTM (or a model that contains exactly one)"


# --- finding the recurrent module ----------------------------------------------------------------------------------

def find_rnn(module) -> tuple[nn.Module, str]:
    """The nn.RNN, nn.GRU or nn.LSTM to step and its attribute path inside `module` ('' when `module` is one itself).

    A model holding several is refused with their paths and types, so the caller can pass the one they mean; a
    recurrent module the stepper has no cell for (a subclass of nn.RNNBase of one's own) is refused by name."""
    if isinstance(module, reference_classes()):
        return module, ""
    if isinstance(module, nn.RNNBase):
        raise TypeError(f"rnn_stepper steps {ACCEPTED}; {_kind(module)} is none of them")
    if not isinstance(module, nn.Module):
        raise TypeError(f"rnn_stepper steps {ACCEPTED}; got {type(module).__module__}.{type(module).__qualname__}")
    recurrent = [(path, m) for path, m in module.named_modules() if path and isinstance(m, nn.RNNBase)]
    stepped = [(path, m) for path, m in recurrent if isinstance(m, reference_classes())]
    if len(stepped) == 1:
        return stepped[0][1], stepped[0][0]
    owner = type(module).__name__
    if stepped:
        found = ", ".join(f"{attribute_path(path)} ({_kind(m)})" for path, m in stepped)
        raise ValueError(f"this {owner} holds {len(stepped)} recurrent modules: {found}; pass the one to step, "
                         f"e.g. rnn_stepper.show({attribute_path(stepped[0][0])}, x)")
    if recurrent:
        found = ", ".join(f"{attribute_path(path)} ({_kind(m)})" for path, m in recurrent)
        raise TypeError(f"this {owner} holds no nn.RNN, nn.GRU or nn.LSTM, only {found}; rnn_stepper steps "
                        f"{ACCEPTED}")
    raise TypeError(f"this {owner} holds no nn.RNN, nn.GRU or nn.LSTM; rnn_stepper steps {ACCEPTED}")


def attribute_path(path: str, root: str = "model") -> str:
    """`named_modules`' 'encoder.layers.0.rnn' as Python spells it: model.encoder.layers[0].rnn."""
    return root + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in path.split(".") if part)


def _kind(module: nn.Module) -> str:
    return f"nn.{type(module).__name__}" if type(module).__module__.startswith("torch.nn") else type(module).__name__


# --- reading the user's objects ------------------------------------------------------------------------------------

def check_module(rnn: nn.Module) -> torch.dtype:
    """The dtype of a module the stepper can show, or an error saying how to make it one."""
    parameters = list(rnn.parameters())
    kind = _kind(rnn)
    devices = sorted({str(p.device) for p in parameters})
    if devices != ["cpu"]:
        raise ValueError(f"the {kind}'s parameters are on {', '.join(devices)}; the stepper computes on the CPU, "
                         f"as {kind}'s CPU kernel does: pass a CPU copy, e.g. copy.deepcopy(rnn).cpu()")
    dtypes = {p.dtype for p in parameters}
    if len(dtypes) != 1 or not dtypes <= {getattr(torch, name) for name in DTYPES}:
        shown = ", ".join(sorted(str(d) for d in dtypes))
        raise TypeError(f"the {kind}'s parameters are {shown}; the stepper shows "
                        f"{', '.join(f'torch.{name}' for name in DTYPES)}: pass a copy in one of them, e.g. "
                        "copy.deepcopy(rnn).float()")
    return dtypes.pop()


def as_tensor(value, what: str, dtype: torch.dtype, hint: str = "") -> torch.Tensor:
    """A tensor, numpy array or nested lists of numbers as a CPU tensor of `dtype`, copied.

    A tensor must already have the module's dtype, as the module itself demands; numpy arrays and lists are numbers
    written down, converted as `torch.tensor(values, dtype=dtype)` would."""
    from .core.files import rectangular

    if isinstance(value, (list, tuple)) and value and all(isinstance(v, torch.Tensor) for v in value):
        ragged = next((i for i, v in enumerate(value) if v.shape != value[0].shape), None)
        if ragged is not None:
            raise ValueError(f"{what} is a list of tensors of different shapes: {what}[0] is {tuple(value[0].shape)} "
                             f"but {what}[{ragged}] is {tuple(value[ragged].shape)}; a sequence's timesteps all have "
                             "one shape (pad them, or trace each sequence on its own)")
        value = torch.stack(list(value))  # e.g. a list of per-timestep tensors
    if isinstance(value, torch.Tensor):
        if value.device.type != "cpu":
            raise ValueError(f"{what} is on {value.device}; the stepper computes on the CPU: pass {what}.cpu()")
        if value.is_complex() or not value.is_floating_point():
            ids = "" if value.is_complex() or value.dtype == torch.bool else (
                " (token ids go through an embedding first)")
            raise TypeError(f"{what} is {value.dtype}, but a recurrent module reads {dtype} vectors{hint or ids}")
        if value.dtype != dtype:
            raise TypeError(f"{what} is {value.dtype} but the module's parameters are {dtype}, which the module "
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


def initial_states(rnn: nn.Module, state, dtype: torch.dtype) -> dict:
    """The state argument as the module takes it, split into the session's h0 and c0: one tensor h0 for nn.RNN
    and nn.GRU, the pair (h0, c0) for nn.LSTM (either may be None for zeros, as in the window)."""
    if state is None:
        return {}
    kind = module_config(rnn).cell_type
    names = tuple(declared.argument for declared in kind.states)
    if len(names) == 1:
        if isinstance(state, tuple) and len(state) == 2 and all(isinstance(s, torch.Tensor) for s in state):
            raise TypeError(f"h0 is a pair of tensors, but {kind.label}'s initial state is one tensor h0 "
                            "(the pair (h0, c0) is what nn.LSTM takes)")
        return {"h0": as_tensor(state, "h0", dtype)}
    # nn.LSTM takes a tuple; a list of tensors is read as one too, but nested lists of numbers are a single array
    pair = isinstance(state, tuple) or isinstance(state, list) and all(
        value is None or isinstance(value, torch.Tensor) for value in state)
    if not pair or len(state) != len(names):
        raise TypeError(f"{kind.label} takes its initial state as a pair ({', '.join(names)}), as "
                        f"module(x, ({', '.join(names)})) does; got {type(state).__name__}")
    return {name: None if value is None else as_tensor(value, name, dtype) for name, value in zip(names, state)}


def make_session(module, x, h0=None, order: str = "kernel") -> tuple[Session, str]:
    """The session of `module(x, h0)` with copies of everything, and where the recurrent module sits in `module`.
    For an nn.LSTM, `h0` is its state argument, the pair (h0, c0)."""
    if order not in ("kernel", "textbook"):
        raise ValueError(f"order must be 'kernel' or 'textbook', got {order!r}")
    rnn, path = find_rnn(module)
    dtype = check_module(rnn)
    # A model's own input (token ids, say) is not its RNN's input: say how to get that.
    hint = (f"; if the model embeds its input first, pass the embedded sequence to {attribute_path(path)}"
            if path else "")
    if token_ids(x) and holds_embedding(module, {}):
        hint += ("; or trace the whole model: token ids with lengths= (each sequence's length) as a classifier, or "
                 "a prompt with vocab= as a language model")
    inputs = as_tensor(x, "x", dtype, hint)
    states = initial_states(rnn, h0, dtype)
    try:
        session = session_from_module(rnn, inputs, order=order, **states)
    except InputError as exc:
        where = f" ({attribute_path(path)}: {rnn})" if path else f" ({rnn})"
        raise ValueError(f"{exc}{where}{hint}") from None
    return session, path


def say_which(path: str, module, config, verb: str, inputs=None) -> None:
    """A model was given: name the recurrent module found inside it, so nobody wonders which one is on show. A
    batch that looks padded is said to be stepped through, padding and all."""
    from .core.packed import padding_note

    note = None if inputs is None else padding_note(inputs, config.batch_first)
    if note:
        print(f"rnn_stepper: {note}", file=sys.stderr)
    if path:
        print(f"rnn_stepper: {verb} {attribute_path(path)}, the {config.cell_type.label} inside this "
              f"{type(module).__name__}: {config.describe()}", file=sys.stderr)


# --- the public functions ------------------------------------------------------------------------------------------

def trace(module, x, h0=None, *, order: str = "kernel", vocab=None, lengths=None,
          **generation) -> Trace | TextTrace:
    if vocab is not None:
        return trace_text(module, x, vocab, order=order, **generation)
    if lengths is not None and token_ids(x) and holds_embedding(module, generation):
        return trace_classifier(module, x, lengths, order=order, **generation)
    if lengths is not None or isinstance(x, nn.utils.rnn.PackedSequence):
        return trace_packed(module, x, h0, lengths, order)
    if generation:
        raise TypeError(f"{', '.join(generation)}: these options are a language model's; give vocab= and a prompt")
    session, path = make_session(module, x, h0, order)
    say_which(path, module, session.config, "tracing", session.inputs)
    result = Trace._compute(session, path)
    result.module_note = own_forward_differs(find_rnn(module)[0], path, session)
    if result.module_note:
        print(f"rnn_stepper: {result.module_note}", file=sys.stderr)
    return result


# --- the user's module is the reference ----------------------------------------------------------------------------

def own_forward_differs(rnn: nn.Module, path: str, session: Session) -> str | None:
    """None when the user's own module, called on the trace's input, returns the same bits as the cell's equations
    (an nn.RNN, nn.GRU or nn.LSTM built from its parameters, which the hand pass is checked against); else one line
    saying how far it is and what in the module is not those equations: a subclass's forward, hooks, a forward
    replaced on the instance.

    The module runs as it is, hooks and all, in eval mode (restored after) on copies of the input, with torch's
    random state restored: looking at a model changes nothing in it."""
    from .core.session import build_module

    config = session.config
    kind = f"nn.{config.cell_type.module_name}"

    def state():
        given = session.initial_state()
        return tuple(s.clone() for s in given) if isinstance(given, tuple) else (
            None if given is None else given.clone())

    was_training = rnn.training
    try:
        with torch.random.fork_rng(devices=[]), torch.no_grad(), native_path():
            equations = build_module(config, session.weights)(session.inputs.clone(), state())
            rnn.train(False)
            returned = rnn(session.inputs.clone(), state())
    except Exception as exc:  # the user's forward may fail on its own terms; the equations did not
        return (f"{_module_name(rnn, path)}'s own forward failed ({type(exc).__name__}: {exc}); the trace steps "
                f"{kind}'s equations for its parameters, which that forward does not compute")
    finally:
        rnn.train(was_training)
    expected = _flat_result(equations)
    got = _flat_result(returned)
    if got is not None and len(got) == len(expected) and all(
            isinstance(g, torch.Tensor) and g.shape == e.shape and g.dtype == e.dtype for g, e in zip(got, expected)):
        if all(bits_equal(g, e) for g, e in zip(got, expected)):
            return None
        with np.errstate(invalid="ignore", over="ignore"):
            far = max(float(np.nan_to_num(abs_diff(g, e), nan=np.inf).max(initial=0.0))
                      for g, e in zip(got, expected))
        how = f"differs from {kind}'s equations for its parameters by up to {far:.3g}"
    else:
        how = (f"returns {_shapes(returned)}, not the (output, {'(h_n, c_n)' if len(expected) > 2 else 'h_n'}) of "
               f"{kind}'s equations for its parameters")
    causes = _not_the_equations(rnn)
    return (f"{_module_name(rnn, path)}'s own forward {how}" + (f" ({'; '.join(causes)})" if causes else "")
            + "; the trace steps the equations, so it is not bitwise equal to module(x)")


def _module_name(rnn: nn.Module, path: str) -> str:
    return (attribute_path(path) + f" ({type(rnn).__name__})") if path else type(rnn).__name__


def _flat_result(returned) -> list | None:
    if not (isinstance(returned, tuple) and len(returned) == 2):
        return None
    output, final = returned
    return [output, *(final if isinstance(final, tuple) else (final,))]


def _shapes(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_shapes(v) for v in value) + ")"
    return type(value).__name__


def _not_the_equations(rnn: nn.Module) -> list[str]:
    """What in a module runs besides its cell type's own forward."""
    from torch.nn.modules import module as module_globals

    causes = []
    stepped = next(c for c in reference_classes() if isinstance(rnn, c))
    if "forward" in vars(rnn):
        causes.append("its forward was replaced on the instance")
    elif type(rnn).forward is not stepped.forward:
        causes.append(f"its class {type(rnn).__name__} overrides forward")
    if rnn._forward_pre_hooks or module_globals._global_forward_pre_hooks:
        causes.append("a forward pre-hook changes its input")
    if rnn._forward_hooks or module_globals._global_forward_hooks:
        causes.append("a forward hook changes its output")
    return causes


def load_session(path) -> Trace:
    from .core.session_file import load_session as read

    session, _ = read(str(path))  # InputError, a ValueError, says what is wrong with the file
    return Trace._compute(session, "")


# --- what trace() returns ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """How far some hidden states are from a trace's: `bitwise_equal` (every value the same bits; NaN matches
    NaN), `max_abs_diff` and `max_ulps` (how many representable floats apart, at most)."""

    bitwise_equal: bool
    max_abs_diff: float
    max_ulps: float


class Trace:
    """Every number of `module(x, h0)`, recomputed by hand one phase at a time and checked against the module
    itself (an nn.RNN, nn.GRU or nn.LSTM).

    Fields (tensors are copies the caller may keep):

    - `config`: the module's options read from it (cell: "rnn", "gru" or "lstm", input_size, hidden_size,
      num_layers, nonlinearity (nn.RNN), proj_size (nn.LSTM), bias, batch_first, bidirectional, dropout, dtype);
      dropout only acts in training mode, and the trace evaluates in eval mode, as `module.eval()` would.
    - `order`: "kernel" (PyTorch's own operation order, bitwise equal to the module on any CPU) or "textbook" (the
      notebook's or the paper's equations, their distance from the module measured on this machine).
    - `module_path`: where the module was found inside the model given ("rnn" for `model.rnn`), "" when the
      module was given itself.
    - `input`, `h0`, `c0`: as the module received them (None for zeros; `c0` only for an nn.LSTM); `batched` is
      False for a 2-D input.
    - `sequence_length`, `batch_size`: T and B.
    - `phases`: the names of one step's phases in click order, the cell type's (see `phase`).
    - `output`, `h_n` (and `c_n` for an nn.LSTM, else None): the hand computation, shaped as the module's
      `output, h_n = module(x, h0)` or `output, (h_n, c_n) = lstm(x, (h0, c0))`; `final` holds them by state
      name, {"hidden": h_n, "cell": c_n}.
    - `reference_output`, `reference_h_n`, `reference_final`: what the module itself returned. For an nn.LSTM in
      float32 that is its native path (oneDNN turned off), the step-by-step cell the hand pass replays.
    - `bitwise_equal`: True when every output and final state has the same bits as the module's.
    - `max_abs_diff`, `max_ulps`: the largest difference from the module anywhere, absolute and in ulps.
    - `fused_max_ulps`, `fused_max_abs_diff`: how far PyTorch's default pass lands from the hand pass where it
      hands the layer to a fused kernel (oneDNN's LSTM in float32, and in bfloat16 on a CPU with AVX-512); None
      where torch runs the cell itself.
      This is not an error: the fused kernel adds in its own order, so its last bits differ.
    - `nonfinite`: True when a hidden state holds NaN or ±Inf.

    `phase(name, layer, direction)` gives one phase for every timestep; `compare(values)` measures a
    hand-written loop's hidden states against this trace (what an autograder needs); `to_dict()`/`to_json()`
    give the document `rnn-stepper trace --format json` writes, `to_dataframe()` one row per hidden unit of each
    step (needs pandas), `save_session(path)` a `*.rnnstep.json` file the window opens. `backward(target=None)`
    backpropagates L = Σ h_n (or the MSE against `target`) by hand, beside autograd's gradients.
    """

    def __init__(self, core: _CoreTrace, module_path: str = ""):
        self._core = core
        self.module_path = module_path
        # One line when the module's own forward is not its cell's equations (a subclass, hooks): see trace()
        self.module_note: str | None = None

    @classmethod
    def _compute(cls, session: Session, module_path: str) -> Trace:
        # Building the module draws its initial weights from torch's global generator before they are replaced: the
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
    def c0(self) -> torch.Tensor | None:
        """An nn.LSTM's initial cell state as given (None for zeros, and for nn.RNN and nn.GRU)."""
        return None if self.session.c0 is None else self.session.c0.clone()

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
    def c_n(self) -> torch.Tensor | None:
        """An nn.LSTM's final cell state, as `lstm(x)` returns it in `(h_n, c_n)`; None for nn.RNN and nn.GRU."""
        value = self._core.final.get("cell")
        return None if value is None else value.clone()

    @property
    def final(self) -> dict[str, torch.Tensor]:
        """Each final state by name: {"hidden": h_n}, and "cell": c_n for an nn.LSTM."""
        return {name: value.clone() for name, value in self._core.final.items()}

    @property
    def reference_output(self) -> torch.Tensor:
        return self._core.reference_output.detach().clone()

    @property
    def reference_h_n(self) -> torch.Tensor:
        return self._core.reference_h_n.detach().clone()

    @property
    def reference_final(self) -> dict[str, torch.Tensor]:
        """The module's own final states by name, as `final`."""
        return {name: value.detach().clone() for name, value in self._core.reference.final.items()}

    @property
    def fused_max_ulps(self) -> float | None:
        """How many ulps PyTorch's default pass lands from the hand pass, where it runs a fused kernel (oneDNN's
        LSTM in float32 and bfloat16); None when torch runs the cell step by step, as for nn.RNN, nn.GRU and float64."""
        return self._core.fused_max_ulps

    @property
    def fused_max_abs_diff(self) -> float | None:
        return self._core.fused_max_abs_diff

    @property
    def bitwise_equal(self) -> bool:
        """Every output and final state has the same bits as the module's own (a NaN matching a NaN); False when
        the module's forward is not its cell's equations (see `module_note`)."""
        return self._core.bitwise_equal and self.module_note is None

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
        """One step's phases in click order, the cell type's; the last is always "hidden". nn.RNN: input_projection,
        recurrent_term, pre_activation, hidden; nn.GRU and nn.LSTM add their gates (see docs/formats.md,
        the cell types' phases)."""
        return self._core.phases

    def phase(self, name: str, layer: int = 0, direction: int = 0) -> torch.Tensor:
        """One phase of one cell for every timestep, (T, B, units), indexed by t whichever way the cell walked:
        any name of `phases`, e.g. 'input_projection' (the gates' stacked W_ih x_t + b_ih, 3 or 4 × hidden_size
        wide for a GRU or LSTM), a gate such as 'forget_gate', an LSTM's 'cell', or 'hidden' (h_t)."""
        if name not in self.phases:
            raise ValueError(f"phase must be one of {', '.join(self.phases)}; got {name!r}")
        config = self._core.config
        if not (0 <= layer < config.num_layers and 0 <= direction < config.num_directions):
            raise ValueError(f"this {config.cell_type.label} has layers 0 … {config.num_layers - 1} and "
                             f"{'directions 0 and 1' if config.bidirectional else 'direction 0 only'}; got "
                             f"layer={layer}, direction={direction}")
        return self._core.cell(layer, direction).phases[name].clone()

    def compare(self, values) -> Comparison:
        """How far `values` are from this trace's `output` (the hand pass in this trace's order; in kernel order
        that is the module's own bits).

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
        return Comparison(bits_equal(got, expected), float(abs_diff(got, expected).max(initial=0.0)),
                          float(ulp_distance(got, expected).max(initial=0.0)))

    def module(self) -> nn.Module:
        """A new nn.RNN, nn.GRU or nn.LSTM with this trace's options and weights, in eval mode."""
        with torch.random.fork_rng(devices=[]):
            return self.session.module()

    def to_dict(self) -> dict:
        """The JSON document of `rnn-stepper trace --format json` (schema in docs/formats.md), as Python objects; NaN
        and ±Inf appear as the strings "NaN", "Infinity", "-Infinity", as in the file."""
        return json.loads(self.to_json())

    def to_json(self, indent: int | None = None) -> str:
        """The document `rnn-stepper trace --format json` writes; floats written exactly, NaN and ±Inf as "NaN",
        "Infinity", "-Infinity"."""
        from .core.export import trace_to_json

        text = trace_to_json(self._core)
        if self.module_note:  # the module itself is not its equations: the document says so, as the repr does
            document = json.loads(text)
            document.update(bitwise_equal=False, module_note=self.module_note)
            text = json.dumps(document, ensure_ascii=False)
        return text if indent is None else json.dumps(json.loads(text), indent=indent, ensure_ascii=False)

    def to_dataframe(self):
        """A pandas DataFrame with one row per hidden unit of each step, the columns of `trace --format csv`:
        layer, direction, t, batch, unit, h_prev, the cell type's phases, reference, abs_diff, ulps.

        pandas is not a dependency of RNN Stepper: install it to use this (pip install pandas)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Trace.to_dataframe needs pandas, which RNN Stepper does not install: pip install "
                              "pandas (to_json() and the fields need nothing more)") from None
        from .core.export import csv_columns, csv_rows

        # the CSV's own rows: an LSTM's c and gates have more units than a projected h, which is None past its last
        columns = csv_columns(self._core)
        table = {c: list(values) for c, values in zip(columns, zip(*csv_rows(self._core)))} or {c: [] for c in columns}
        return pandas.DataFrame(table, columns=columns)

    def backward(self, target=None) -> Backward:
        """Backpropagation through time by hand, beside `loss.backward()` through the module: L = Σ h_n (the sum of
        every final hidden state), or with `target` (shaped as `output`) the MSE `F.mse_loss(output, target)`.

        In kernel order every gradient is autograd's `.grad` bit for bit: nn.RNN, nn.GRU and nn.LSTM (on its native
        path; a float32 nn.LSTM's default fused backward is measured beside it). Textbook order steps nn.RNN's and
        nn.LSTM's as a course writes it, some ulps from autograd. A cell type or order not stepped yet raises ValueError saying so."""
        from .core.backward import Loss, backward_pass, check_stepped

        check_stepped(self.session)  # InputError: a ValueError
        loss = None
        if target is not None:
            loss = Loss("mse", as_tensor(target, "target", self._core.output.dtype))
        return Backward(backward_pass(self._core, *(() if loss is None else (loss,))))

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
        kind = self._core.config.cell_type.label
        verdict = (f"bitwise equal to {kind}" if self._core.bitwise_equal else f"{self.max_ulps:g} ulp from {kind}"
                   + ("; a zero's sign differs" if self.max_ulps == 0 else ""))
        if self.fused_max_ulps is not None:  # the default float32 pass was oneDNN's, not the cell stepped here
            verdict += f"'s own cell; {self.fused_max_ulps:g} ulp from its default fused kernel (oneDNN)"
        if self.module_note:
            verdict = f"{verdict}'s equations, but not to the module itself: {self.module_note}"
        where = f" at {attribute_path(self.module_path)}" if self.module_path else ""
        return (f"<rnn_stepper.Trace {self._core.config.describe()}{where}, T={self.sequence_length}, "
                f"batch={self.batch_size}, {self.order} order: {verdict}>")


# --- a whole language model: text in, text out ---------------------------------------------------------------------

def vocabulary_of(vocab):
    """The book's `char_array` (a list or numpy array of tokens), a `char2int` dict, or a text whose
    sorted(set(text)) is the vocabulary."""
    from .core.language_model import Vocabulary, vocabulary_from

    if isinstance(vocab, str):
        return Vocabulary(tuple(sorted(set(vocab))))
    if isinstance(vocab, np.ndarray):
        vocab = [str(token) for token in vocab.tolist()]
    if isinstance(vocab, tuple):
        vocab = list(vocab)
    return vocabulary_from(vocab, "vocab")


def sampling(scale: float | None, temperature: float | None, seed: int):
    """How tokens are drawn: the book's `logits * scale` (1.0 when neither is given), or `logits / temperature`."""
    from .core.language_model import Sampling

    return Sampling(seed=seed, scale=None if temperature is not None else (1.0 if scale is None else scale),
                    temperature=temperature)


def trace_text(model, prompt, vocab, *, order: str = "kernel", generate: int = 0, scale: float | None = None,
               temperature: float | None = None, seed: int = 1, embedding=None, recurrent=None,
               head=None) -> TextTrace:
    """The book's sample(model, prompt, generate, scale) stepped stage by stage (core/language_model.py). The
    model's nn.Embedding, recurrent module and Linear head are found among its children, or given."""
    from .core.language_model import generate as run
    from .core.language_model import language_model_of

    if not isinstance(prompt, str):
        raise TypeError(f"with vocab=, x is the prompt: a string, got {type(prompt).__name__}")
    if vocab is None:
        raise TypeError("a prompt needs vocab=: the tokens of the embedding's rows, e.g. the book's char_array")
    lm = language_model_of(model, embedding, recurrent, head)
    with torch.random.fork_rng(devices=[]):
        return TextTrace(run(lm, vocabulary_of(vocab), prompt, generate, sampling(scale, temperature, seed), order))


class TextTrace:
    """A language model's generation, every stage stepped by hand beside the model's own modules, one token per
    call as the book's sample() calls the model.

    - `text`: the prompt plus every token drawn, as sample() returns it.
    - `calls`: one record per call of the model (`token`, `embedded`, `cells` (the recurrent module's trace),
      `logits`, `probabilities`, `drawn`, `stages_equal`).
    - `bitwise_equal`: every stage of every call has the model's own modules' bits.
    - `fused_text`, `fused_agreement`: where torch runs oneDNN's fused LSTM, what that run draws, and (calls fed the
      same text, max ulps, max |Δ|) of its logits; None where torch runs the cell itself.
    """

    def __init__(self, generation):
        self._generation = generation

    text = property(lambda self: self._generation.text)
    calls = property(lambda self: self._generation.calls)
    bitwise_equal = property(lambda self: self._generation.bitwise_equal)
    fused_text = property(lambda self: self._generation.fused_text)
    fused_agreement = property(lambda self: self._generation.fused_agreement)
    places = property(lambda self: dict(self._generation.model.places))

    def logits(self) -> torch.Tensor:
        """Every call's logits, (calls, V)."""
        return torch.stack([call.logits for call in self._generation.calls])

    def backward(self, calls: str = "per-token"):
        """One training step on the prompt's text, differentiated by hand (core/model_backward.py): every token but
        the last fed, each next token the target, L the cross-entropy summed over the calls as the book's training
        loop sums it (`calls="per-token"`), or over every position of one call (`calls="per-sequence"`). Returns
        its `loss`, `manual` (every gradient by state-dict name), `reference` (autograd's `loss.backward()` through
        the model's nn.Embedding, recurrent module and head, called that way on the native path),
        `bitwise_equal`, `comparison()`, and where torch fuses the cell, `fused_max_ulps`."""
        from .core.model_backward import model_backward, training_text

        if calls not in ("per-token", "per-sequence"):
            raise ValueError(f"calls={calls!r}: choose 'per-token' (the book's training loop) or 'per-sequence'")
        generation = self._generation
        text = generation.vocabulary.joined([generation.vocabulary.tokens[k] for k in generation.prompt])
        return model_backward(generation.model, training_text(generation.vocabulary, text, "the prompt"),
                              calls.replace("-", "_"))

    def to_dict(self) -> dict:
        """The document `rnn-stepper trace --text … --format json` writes, as Python objects."""
        return json.loads(self.to_json())

    def to_json(self) -> str:
        import io

        from .core.language_export import write_json

        out = io.StringIO()
        write_json(self._generation, out)
        return out.getvalue()

    def __repr__(self) -> str:
        verdict = "bitwise equal to the model's own modules" if self.bitwise_equal else "not bitwise equal"
        return f"<rnn_stepper.TextTrace {self._generation.model.describe()}: {self.text!r}, {verdict}>"


# --- variable-length batches ---------------------------------------------------------------------------------------

def padded_batch(module, x, lengths) -> tuple[torch.Tensor, list[int]]:
    """A PackedSequence as the padded batch and lengths the window steps it from (`pad_packed_sequence` in the
    module's layout; the window packs them again with enforce_sorted=False), or a padded batch and its lengths as
    given."""
    from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

    if not isinstance(x, PackedSequence):
        if lengths is None:
            raise TypeError("a padded batch is packed by its lengths: give lengths=")
        return x, torch.as_tensor(lengths).tolist()
    if lengths is not None:
        raise TypeError("x is a PackedSequence, which holds its lengths: leave out lengths=")
    rnn, _ = find_rnn(module)
    padded, found = pad_packed_sequence(x, batch_first=rnn.batch_first)
    return padded, found.tolist()


def trace_packed(module, x, h0, lengths, order: str = "kernel"):
    """`module(packed, h0)` stepped as torch's packed kernel steps it (core/packed.py): x a PackedSequence, or a
    padded batch and its lengths, packed as `pack_padded_sequence(x, lengths, batch_first=…,
    enforce_sorted=False)`. Returns a core PackedTrace: `output` (a PackedSequence), `h_n`, `final`, `cells` (each
    step's phases, the batch shrinking), `bitwise_equal`, `fused_max_ulps`."""
    from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

    from .core.packed import packed_pass

    if order != "kernel":
        raise ValueError("a packed batch is stepped in the kernel order only")
    rnn, _ = find_rnn(module)
    dtype = check_module(rnn)
    if isinstance(x, PackedSequence):
        if lengths is not None:
            raise TypeError("x is a PackedSequence, which holds its lengths: leave out lengths=")
        packed = x
        if packed.data.dtype != dtype:
            raise TypeError(f"x's data is {packed.data.dtype} but the module's parameters are {dtype}")
    else:
        padded = as_tensor(x, "x", dtype)
        lengths = torch.as_tensor(lengths, dtype=torch.int64)
        if padded.dim() != 3 or lengths.dim() != 1:
            raise ValueError("with lengths=, x is a padded batch, (batch, T, input_size) or (T, batch, "
                             "input_size) as the module reads it, and lengths one whole number per sequence")
        batch, steps = (padded.shape[0], padded.shape[1]) if rnn.batch_first else (padded.shape[1], padded.shape[0])
        if len(lengths) != batch or not all(1 <= n <= steps for n in lengths.tolist()):
            raise ValueError(f"these lengths do not fit x of shape {tuple(padded.shape)}: give {batch} lengths, "
                             f"each from 1 to {steps} (batch_first={rnn.batch_first})")
        packed = pack_padded_sequence(padded, lengths, batch_first=rnn.batch_first, enforce_sorted=False)
    states = None if h0 is None else initial_states(rnn, h0, dtype)
    hx = None if states is None else (tuple(states[k] for k in ("h0", "c0")) if "c0" in states else states["h0"])
    with torch.random.fork_rng(devices=[]):
        return packed_pass(rnn, packed, hx)
class Backward:
    """The backward pass of a Trace (`Trace.backward()`), by hand beside autograd's.

    - `loss`: what was differentiated, e.g. "L = sum of h_n"; `value`: its value.
    - `gradients`: every gradient by hand, by name: each parameter's (the module's `named_parameters()` names),
      "input" (∂L/∂x, shaped as x), and "h0" and an LSTM's "c0" when given. `autograd`: the same names, by
      `loss.backward()` through the module's native path.
    - `bitwise_equal`, `max_ulps`: how far the two are apart (kernel order: equal, bit for bit).
    - `fused_gradients`, `fused_max_ulps`, `fused_max_abs_diff`: a float32 nn.LSTM's default backward, oneDNN's
      fused kernel, and its distance from the stepped gradients; None where torch steps the cell itself.
    - `hidden(layer, direction)`: ∂L/∂h_t, (T, B, units), indexed by t; `pre_activation(layer, direction)`: ∂L/∂z_t
      (a GRU's or LSTM's gate arguments, stacked as its gates); `cell(layer, direction)`: an LSTM's ∂L/∂c_t.
    """

    def __init__(self, core):
        self._core = core

    @property
    def loss(self) -> str:
        return self._core.loss.describe()

    @property
    def value(self) -> torch.Tensor:
        return self._core.manual.loss.detach().clone()

    @property
    def gradients(self) -> dict[str, torch.Tensor]:
        return {name: mine.clone() for name, mine, _ in self._core.pairs()}

    @property
    def autograd(self) -> dict[str, torch.Tensor]:
        return {name: theirs.clone() for name, _, theirs in self._core.pairs()}

    @property
    def bitwise_equal(self) -> bool:
        return self._core.bitwise_equal

    @property
    def max_ulps(self) -> float:
        return self._core.max_ulps

    @property
    def fused_gradients(self) -> dict[str, torch.Tensor] | None:
        pairs = self._core.fused_pairs()
        return {name: theirs.clone() for name, _, theirs in pairs} if pairs else None

    @property
    def fused_max_ulps(self) -> float | None:
        return self._core.fused_max_ulps

    @property
    def fused_max_abs_diff(self) -> float | None:
        return self._core.fused_max_abs_diff

    def _cell(self, layer: int, direction: int):
        config = self._core.trace.config
        if not (0 <= layer < config.num_layers and 0 <= direction < config.num_directions):
            raise ValueError(f"this nn.{config.cell_type.module_name} has layers 0 … {config.num_layers - 1} and "
                             f"{'directions 0 and 1' if config.bidirectional else 'direction 0 only'}; got "
                             f"layer={layer}, direction={direction}")
        return self._core.cells[layer * config.num_directions + direction]

    def hidden(self, layer: int = 0, direction: int = 0) -> torch.Tensor:
        return self._cell(layer, direction).hidden.clone()

    def pre_activation(self, layer: int = 0, direction: int = 0) -> torch.Tensor:
        return self._cell(layer, direction).pre_activation.clone()

    def cell(self, layer: int = 0, direction: int = 0) -> torch.Tensor | None:
        value = self._cell(layer, direction).cell
        return None if value is None else value.clone()

    def __repr__(self) -> str:
        verdict = "bitwise equal to autograd" if self.bitwise_equal else f"{self.max_ulps:g} ulp from autograd"
        if self.fused_max_ulps is not None:
            verdict += f"; oneDNN's fused backward {self.fused_max_ulps:g} ulp from it"
        return f"<rnn_stepper Backward {self.loss}: {verdict}>"


# --- a whole classifier: token ids in, the head's output out -------------------------------------------------------

def token_ids(x) -> bool:
    """x is a tensor or numpy array of whole numbers: token ids, as a model with an embedding takes them."""
    if isinstance(x, torch.Tensor):
        return not (x.is_floating_point() or x.is_complex() or x.dtype == torch.bool)
    return isinstance(x, np.ndarray) and x.dtype.kind in "iu"


def holds_embedding(module, options: dict) -> bool:
    return options.get("embedding") is not None or (
        isinstance(module, nn.Module) and any(isinstance(m, nn.Embedding) for m in module.modules()))


def trace_classifier(model, ids, lengths, *, order: str = "kernel", embedding=None, recurrent=None, head=None,
                     activations=None):
    """The book's part-2 forward(text, lengths) stepped stage by stage (core/classifier.py): the padded token ids
    embedded, packed by `lengths` with enforce_sorted=False, the recurrent module's packed pass, hidden[-1], and
    the head's Linear layers and activations. The model's nn.Embedding, recurrent module and Linear layers are
    found among its children (the Linear layers in the order it registered them), or given; the activations are
    read off the activation modules registered after each Linear layer, or given, else the book's (relu between,
    sigmoid at the end), and `trace.assumptions` says which. Where the model can be called as `model(ids,
    lengths)`, its own output is checked against the stages too. Returns a core ClassifierTrace: `stages`,
    `reference`, `output`, `cells` (the packed pass), `stages_equal`, `bitwise_equal`, `to_dict()`."""
    from .core.classifier import classifier_of, classify

    if order != "kernel":
        raise ValueError("a classifier's packed batch is stepped in the kernel order only")
    if isinstance(head, nn.Module):  # a bare Linear head, given alone
        head = [head]
    for given in (embedding, recurrent, *(head or ())):
        if given is not None and not isinstance(given, nn.Module):
            raise TypeError(f"embedding=, recurrent= and head= take the model's modules, got {type(given).__name__}")
    check_module(model)  # on the CPU, in float32 or float64
    core, source = classifier_of(model, embedding, recurrent, head, activations)
    ids = torch.as_tensor(ids)
    if ids.device.type != "cpu":
        raise ValueError(f"x is on {ids.device}; the stepper computes on the CPU: pass x.cpu()")
    lengths = torch.as_tensor(lengths).tolist()
    if not isinstance(lengths, list):
        raise ValueError("lengths must be one whole number per sequence")
    with torch.random.fork_rng(devices=[]):
        result = classify(core, ids, lengths)
    activations = ", ".join(core.activations)
    result.assumptions.append({
        "given": f"the head's activations as given: {activations}",
        "the model's modules": f"the head's activations {activations}, read off the activation modules the model "
                               "registered after each Linear layer (activations= if its forward applies others)",
        "the book's": f"the head's activations {activations}, the book's: the model registers no activation module "
                      "after each Linear layer to read them from (activations= if its forward applies others)",
    }[source])
    result.model_note, unchecked = own_model_differs(model, result)
    if unchecked:
        result.assumptions.append(unchecked)
    for line in [f"tracing {core.describe()}; " + "; ".join(result.assumptions)] + [result.model_note or ""]:
        if line:
            print(f"rnn_stepper: {line}", file=sys.stderr)
    return result


def own_model_differs(model, trace) -> tuple[str | None, str | None]:
    """The user's own `model(ids, lengths)`, called as the book calls it (eval mode, torch's random state restored,
    on its native path): (None, None) when it returns the output's bits; (a line saying how far it is, None) when
    it returns other numbers; (None, why it was not compared) when it cannot be called so or returns no tensor of
    the output's size."""
    was_training = model.training
    try:
        with torch.random.fork_rng(devices=[]), torch.no_grad(), native_path():
            model.train(False)
            returned = model(trace.ids.clone(), torch.tensor(trace.lengths))
    except Exception as exc:  # its forward may take other arguments: then the stages stand on their own
        return None, (f"model(ids, lengths) could not be called ({type(exc).__name__}: {str(exc)[:120]}), so the "
                      "model's own forward was not compared with the stages")
    finally:
        model.train(was_training)
    output = trace.output
    if not isinstance(returned, torch.Tensor) or returned.numel() != output.numel():
        return None, (f"model(ids, lengths) returns {_shapes(returned)}, not the output's {output.numel()} values, "
                      "so it was not compared with the stages")
    got = returned.detach().reshape(output.shape)
    if got.dtype == output.dtype and bits_equal(got, output):
        return None, None
    far = float(np.nan_to_num(abs_diff(got.double(), output.double()), nan=np.inf).max())
    return (f"model(ids, lengths) differs from the stages by up to {far:.3g}: its forward is not "
            f"{trace.model.describe()}; pass head= or activations= as it computes them"), None
