"""Cell types: what one timestep of `nn.RNN`, `nn.GRU` or `nn.LSTM` computes, phase by phase.

A cell type is a plug-in: a module of steps here (`CellSteps`: its phases, each with its formula and what it
reads, and its kernel-order and textbook-order steps) and a `CellType` in the registry, which declares the rest:
its gate blocks, its states and their initial-state arguments, its options with their defaults and checks, its
extra parameters, its reference (a torch.nn class, or a module of plain torch ops) and whether torch may fuse it.
The trace, the cursor, the window, `trace`, the exports and the session file read all of that from here and never
name a gate. `register` adds a cell type; tests/test_fourth_cell_type.py adds one that lives only in a test.

No torch at import time: the window lays out its views from these declarations before torch has loaded. The steps
call tensor methods (`h.sigmoid_()`, `b.addmm(h, W)`), which are the aten calls themselves.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from importlib import import_module
from importlib.util import find_spec
from typing import Callable, NamedTuple, Protocol, runtime_checkable

from ..equations import VECTOR


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for pyside6-lupdate (which reads this name) without importing Qt; the window translates it
    with QCoreApplication.translate(context, text)."""
    return text


CONTEXT = "Cells"  # the translation context of every cell type's titles and explanations


@dataclass(frozen=True)
class Phase:
    """One click of a step: the vector it reveals and how it was made.

    `numbers` is the phase's math, written once: the formula `explain` evaluates and the conformance test checks
    against the kernel's value (tests/test_phase_conformance.py). In it `{phase}` is a vector of the step on show,
    `{phase.k}` the k-th gate block of a stacked phase, `{x}` the input and `{h_prev}`/`{c_prev}` a state one step
    earlier in the walk (`{SYMBOL_prev}`, after the state's symbol); `W_ih · {x}` is a row of a matrix product and
    `[+ b_ih]` a bias, dropped when bias=False. The equation a student reads, `a_{t} = W_ih x_{t} [+ b_ih]`, is
    written from it by `symbolic` (`{prev}` is t-1, or t+1 in the reverse direction). `reads` is what it reads:
    (parameter kind, gate block or None for every row). `scale` picks the colour scale: "gate" for (0, 1),
    "bounded" for (-1, 1), "free" for a symmetric one from the data."""

    name: str
    symbol: str  # the vector's name in the equations, e.g. "a", "r", "h"
    title: str  # marked for translation in context "Cells"
    numbers: str
    explanation: str  # marked for translation in context "Cells"
    reads: tuple[tuple[str, int | None], ...] = ()
    scale: str = "free"
    width: int = 1  # in units of hidden_size: a stacked projection of 3 or 4 gates is 3 or 4
    textbook_numbers: str | None = None  # where the textbook order computes something else
    # Written from `numbers` and `textbook_numbers` by the cell type (CellType.phases), never by hand.
    equation: str = ""
    textbook_equation: str | None = None

    def equation_for(self, order: str) -> str:
        return self.textbook_equation if order == "textbook" and self.textbook_equation else self.equation

    def numbers_for(self, order: str) -> str:
        return self.textbook_numbers if order == "textbook" and self.textbook_numbers else self.numbers


def symbolic(numbers: str, symbol: str, symbols: dict[str, str], blocks: tuple[str, ...]) -> str:
    """The equation a student reads, written from the formula `explain` evaluates: `{reset_gate}` is r_{t}, a
    stacked phase's block `{input_projection.2}` is a_n (after its gate's letter), `{x}` is x_{t}, a state's
    `{h_prev}` is h_{prev}, and a product loses its dot: `W_ih · {x}` reads W_ih x_{t}."""
    def vector(match) -> str:
        name, block = match.groups()
        if name == "x":
            return "x_{t}"
        if name.endswith("_prev"):
            return f"{name[:-len('_prev')]}_{{prev}}"
        return f"{symbols[name]}_{blocks[int(block)]}" if block else f"{symbols[name]}_{{t}}"

    return f"{symbol}_{{t}} = " + VECTOR.sub(vector, numbers.replace(" · ", " "))


def with_equations(phases: tuple[Phase, ...], blocks: tuple[str, ...]) -> tuple[Phase, ...]:
    """The phases with their equations written from their formulas."""
    symbols = {p.name: p.symbol for p in phases}

    def written(numbers: str | None, p: Phase) -> str | None:
        return None if numbers is None else symbolic(numbers, p.symbol, symbols, blocks)

    return tuple(replace(p, equation=written(p.numbers, p), textbook_equation=written(p.textbook_numbers, p))
                 for p in phases)


def input_projection(explanation: str, width: int = 1) -> Phase:
    """a_t = W_ih x_t + b_ih, every cell type's first phase: for a gated cell, its gates' blocks stacked."""
    return Phase("input_projection", "a", QT_TRANSLATE_NOOP("Cells", "input projection"),
                 "W_ih · {x} [+ b_ih]", explanation, reads=(("weight_ih", None), ("bias_ih", None)), width=width)


def recurrent_term(symbol: str, explanation: str, width: int = 1) -> Phase:
    """W_hh h_{t-1} + b_hh in one product (r_t for the RNN; s_t where r names a gate)."""
    return Phase("recurrent_term", symbol, QT_TRANSLATE_NOOP("Cells", "recurrent term"),
                 "W_hh · {h_prev} [+ b_hh]", explanation, reads=(("weight_hh", None), ("bias_hh", None)), width=width)


def gate(name: str, symbol: str, title: str, block: int, explanation: str, activation: str = "σ") -> Phase:
    """A gate of a stacked cell: its block of the input projection plus its block of the recurrent term, through
    σ (a value in (0, 1)) or tanh."""
    return Phase(name, symbol, title, f"{activation}({{input_projection.{block}}} + {{recurrent_term.{block}}})",
                 explanation, reads=tuple((kind, block) for kind in ("weight_ih", "bias_ih", "weight_hh", "bias_hh")),
                 scale="gate" if activation == "σ" else "bounded")


class Parameters(NamedTuple):
    """One (layer, direction) cell's parameters under the textbook's names; a missing bias is None."""

    W_ih: object
    W_hh: object
    b_ih: object
    b_hh: object
    W_hr: object = None  # an extra parameter (ExtraParameter), here the LSTM's projection: h = W_hr (o ⊙ tanh(c))


@runtime_checkable
class CellSteps(Protocol):
    """What a cell type's module of steps provides. `kernel` and `textbook` take the layer's input (T, B, ·), each
    state's initial value by name, the cell's Parameters, the config, the walk (the order of timesteps) and
    `progress(done)`; they return every phase's values by name, each (T, B, ·)."""

    def phases(self, config) -> tuple[Phase, ...]: ...

    def kernel(self, x, initial: dict, p: Parameters, config, walk: list[int], progress) -> dict: ...

    def textbook(self, x, initial: dict, p: Parameters, config, walk: list[int], progress) -> dict: ...


@dataclass(frozen=True)
class State:
    """A vector a step hands on to the next: `name` is also the phase that makes it (its symbol is that phase's,
    h or c; a step's formula reads the previous one as `{h_prev}`), `argument` what the module's initial-state
    argument calls it (h0, c0; the final one is `h_n`, `c_n`), `projected` whether it has proj_size's units
    (output_size) rather than hidden_size's."""

    name: str
    argument: str
    projected: bool = True

    def size(self, config) -> int:
        return config.output_size if self.projected else config.hidden_size


HIDDEN = State("hidden", "h0")


@dataclass(frozen=True)
class Option:
    """A constructor argument only some cell types take: a config field, a `trace` flag (`--proj-size`) and a Model
    form widget, all made from this. `choices` lists the values of a word option; a number option is a whole
    number of at least `minimum`, and below hidden_size where `below_hidden` says so. `examples` are values other
    than the default that the conformance test steps through."""

    name: str
    default: object
    help: str  # one line for `trace --help`
    tip: str = ""  # the Model form's tooltip (translated in context "Cells")
    choices: tuple[str, ...] = ()
    minimum: int = 0
    below_hidden: bool = False
    examples: tuple = ()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def problem(self, value, config=None) -> str | None:
        """What is wrong with `value`, or None; given a config, also for that config's sizes."""
        if self.choices:
            if value not in self.choices:
                return f"{self.name} must be {' or '.join(map(repr, self.choices))}, got {value!r}"
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            return f"{self.name} must be a whole number of at least {self.minimum}, got {value!r}"
        if config is not None and self.below_hidden and value and value >= config.hidden_size:
            return f"{self.name} must be smaller than hidden_size ({config.hidden_size}), got {value}"
        return None


@dataclass(frozen=True)
class ExtraParameter:
    """A parameter besides W_ih, W_hh and the biases, present while an option is set: the LSTM's W_hr (`kind`
    weight_hr, `symbol` W_hr), (proj_size, hidden_size), while proj_size > 0."""

    kind: str
    symbol: str
    option: str

    def shape(self, config) -> tuple[int, int]:
        return config.output_size, config.hidden_size


def onednn_unprojected(config) -> bool:
    """When nn.LSTM may hand a layer to oneDNN's fused kernel: without proj_size, in float32, or in bfloat16 or
    float16 where the CPU has oneDNN's instructions for them (RNN.cpp's use_mkldnn; float16 only without autograd).
    Whether it did is seen, not assumed: the fused pass watches for the kernel (reference.fused_kernels)."""
    return config.dtype in ("float32", "bfloat16", "float16") and not config.proj_size


@functools.cache
def steps_module(name: str):
    """A module of steps: one under core/cells by its short name ("gru"), else any by its full name."""
    inside = f"{__name__}.{name}"
    return import_module(inside if find_spec(inside) is not None else name)


@functools.lru_cache(maxsize=64)
def _phases(cell: "CellType", config) -> tuple[Phase, ...]:
    """A cell type's phases for one config, built once: a step asks for them dozens of times, and both are frozen."""
    return with_equations(cell.steps.phases(config), cell.gate_names)


@functools.lru_cache(maxsize=64)
def _phase_names(cell: "CellType", config) -> tuple[str, ...]:
    return tuple(p.name for p in _phases(cell, config))


@dataclass(frozen=True)
class CellType:
    """Everything that belongs to a cell type; `module` holds its steps (CellSteps)."""

    name: str  # "rnn", "gru", "lstm": the session file's and `trace --cell`'s word for it
    module_name: str  # its module's class name: torch.nn's, or the reference's
    gates: int  # how many H-row blocks W_ih, W_hh and the biases stack
    gate_names: tuple[str, ...]  # the blocks, top to bottom, e.g. ("r", "z", "n")
    states: tuple[State, ...]  # h, and c for the LSTM
    textbook_name: str  # what the textbook order computes, for a caption (translated in context "Cells")
    textbook_note: str  # one line: why the textbook order lands where it does (translated in context "Cells")
    module: str  # its steps: a module under core/cells ("gru"), or any module by its full dotted name
    options: tuple[Option, ...] = ()  # constructor arguments it takes besides those every cell type takes
    extra_parameters: tuple[ExtraParameter, ...] = ()
    # The module it is checked against: torch.nn's class named module_name, or "package.module:Class", a
    # torch.nn.Module taking torch.nn.RNN's constructor arguments and state dict (see cells/stepwise.py).
    reference: str | None = None
    # When torch may hand its layers to a fused kernel (oneDNN) instead of the cell: the trace then
    # measures that kernel's distance too. None: never.
    fuses: Callable[[object], bool] | None = None

    @property
    def steps(self) -> CellSteps:
        return steps_module(self.module)

    @property
    def label(self) -> str:
        """The module as a user writes it: nn.GRU, or a plain-torch reference's own class name."""
        return f"nn.{self.module_name}" if self.reference is None else self.module_name

    @property
    def state(self) -> tuple[str, ...]:
        """The states' names, in the order the module returns them: ("hidden",), or ("hidden", "cell")."""
        return tuple(s.name for s in self.states)

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.options)

    def reference_class(self):
        """The torch.nn.Module class the trace is checked against."""
        if self.reference is None:
            import torch.nn

            return getattr(torch.nn, self.module_name)
        module, _, name = self.reference.partition(":")
        return getattr(import_module(module), name)

    def previous_names(self, config) -> dict[str, str]:
        """How a formula names each state one step earlier, after the state's symbol: {"h_prev": "hidden"}."""
        symbols = {p.name: p.symbol for p in self.phases(config)}
        return {f"{symbols[state.name]}_prev": state.name for state in self.states}

    def whole_parameters(self) -> tuple[str, ...]:
        """The symbols of whole parameters in a formula; any other (W_hn, b_hn) is one gate's block of one."""
        return ("W_ih", "W_hh", "b_ih", "b_hh") + tuple(extra.symbol for extra in self.extra_parameters)

    def initial_state(self, argument: str) -> State | None:
        """The state the module's initial-state argument `argument` (h0, c0) sets, or None if it takes none."""
        return next((state for state in self.states if state.argument == argument), None)

    def may_fuse(self, config) -> bool:
        return self.fuses is not None and self.fuses(config)

    def phases(self, config) -> tuple[Phase, ...]:
        return _phases(self, config)

    def phase_names(self, config) -> tuple[str, ...]:
        return _phase_names(self, config)

    def parameter_shapes(self, config) -> dict[str, tuple[int, ...]]:
        """The state dict's keys and shapes for this config, in torch.nn's order."""
        from ..config import cell_suffix

        G, H, P = self.gates, config.hidden_size, config.output_size
        shapes: dict[str, tuple[int, ...]] = {}
        for layer, d in config.cells():
            suffix = cell_suffix(layer, d)
            shapes[f"weight_ih{suffix}"] = (G * H, config.layer_input_size(layer))
            shapes[f"weight_hh{suffix}"] = (G * H, P)
            if config.bias:
                shapes[f"bias_ih{suffix}"] = (G * H,)
                shapes[f"bias_hh{suffix}"] = (G * H,)
            for extra in self.extra_parameters:
                if getattr(config, extra.option):
                    shapes[f"{extra.kind}{suffix}"] = extra.shape(config)
        return shapes

    def module_options(self, config) -> dict:
        """The keyword arguments its module's class takes for this config besides the sizes."""
        options = {"num_layers": config.num_layers, "bias": config.bias, "batch_first": config.batch_first,
                   "dropout": config.dropout if config.num_layers > 1 else 0.0,
                   "bidirectional": config.bidirectional}
        return options | {name: getattr(config, name) for name in self.option_names}


NONLINEARITY = Option("nonlinearity", "tanh", "nn.RNN's only (default tanh)", choices=("tanh", "relu"),
                      examples=("relu",))
PROJ_SIZE = Option("proj_size", 0, "nn.LSTM's only: project h to N units with W_hr (default 0, none)",
                   QT_TRANSLATE_NOOP("Cells", "LSTM only: W_hr projects h down to proj_size units; 0 means none"),
                   below_hidden=True, examples=(2,))

CELL_TYPES = {
    "rnn": CellType(
        "rnn", "RNN", 1, ("",), (HIDDEN,),
        textbook_name=QT_TRANSLATE_NOOP("Cells", "the notebook's order"),
        textbook_note=QT_TRANSLATE_NOOP(
            "Cells", "the textbook order adds in a different order than PyTorch's kernel, so the last bits differ"),
        module="rnn", options=(NONLINEARITY,)),
    "gru": CellType(
        "gru", "GRU", 3, ("r", "z", "n"), (HIDDEN,),
        textbook_name=QT_TRANSLATE_NOOP("Cells", "the paper's GRU (Cho et al. 2014)"),
        textbook_note=QT_TRANSLATE_NOOP(
            "Cells", "the paper applies r to h before W_hn and writes h' = (1 − z)·n + z·h; PyTorch applies r to "
                     "(W_hn h + b_hn), so the two GRUs compute different numbers, not only different last bits"),
        module="gru"),
    "lstm": CellType(
        "lstm", "LSTM", 4, ("i", "f", "g", "o"), (HIDDEN, State("cell", "c0", projected=False)),
        textbook_name=QT_TRANSLATE_NOOP("Cells", "the textbook's LSTM, one product per term"),
        textbook_note=QT_TRANSLATE_NOOP(
            "Cells", "the textbook order adds the products and biases in another order than PyTorch's kernel, so "
                     "the last bits differ"),
        module="lstm", options=(PROJ_SIZE,), extra_parameters=(ExtraParameter("weight_hr", "W_hr", "proj_size"),),
        fuses=onednn_unprojected),
}


def reference_classes() -> tuple[type, ...]:
    """The module classes the stepper has cells for, as the registered cell types declare them."""
    return tuple(kind.reference_class() for kind in CELL_TYPES.values())


def cell_type(name: str) -> CellType:
    return CELL_TYPES[name]


def register(kind: CellType) -> CellType:
    """Adds a cell type to the registry: config, `trace --cell`, the Model form and session files know it from
    then on. Its options must be among the config's fields (RNNConfig), as every option is one."""
    if kind.name in CELL_TYPES:
        raise ValueError(f"a cell type named {kind.name!r} is registered already")
    CELL_TYPES[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    CELL_TYPES.pop(name)
    _phases.cache_clear()
    _phase_names.cache_clear()


def module_cell_type(module) -> CellType | None:
    """The registered cell type whose reference `module` is an instance of (a subclass of nn.LSTM is an LSTM)."""
    return next((kind for kind in CELL_TYPES.values() if isinstance(module, kind.reference_class())), None)


def every_option() -> dict[str, Option]:
    """Every registered cell type's options by name."""
    return {option.name: option for kind in CELL_TYPES.values() for option in kind.options}
