"""Cell types: what one timestep of `nn.RNN`, `nn.GRU` or `nn.LSTM` computes, phase by phase.

A cell type is one module here. It declares its parameters, its phases (the order a click walks through them,
each with its equation and what it reads), its state (h, or h and c), its kernel-order and textbook-order steps,
and the PyTorch module it is checked against. The trace, the cursor, the window, `trace`, the exports and the
session file read all of that from here and never name a gate.

No torch at import time: the window lays out its views from these declarations before torch has loaded. The steps
call tensor methods (`h.sigmoid_()`, `b.addmm(h, W)`), which are the aten calls themselves.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from importlib import import_module
from typing import NamedTuple

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
    W_hr: object = None  # LSTM with proj_size > 0: h = W_hr (o ⊙ tanh(c))



@functools.lru_cache(maxsize=64)
def _phases(cell: "CellType", config) -> tuple[Phase, ...]:
    """A cell type's phases for one config, built once: a step asks for them dozens of times, and both are frozen."""
    return with_equations(cell.steps.phases(config), cell.gate_names)


@functools.lru_cache(maxsize=64)
def _phase_names(cell: "CellType", config) -> tuple[str, ...]:
    return tuple(p.name for p in _phases(cell, config))

@dataclass(frozen=True)
class CellType:
    """What the rest of the program needs to know of a cell type; `module` holds its steps."""

    name: str  # "rnn", "gru", "lstm": the session file's and `trace --cell`'s word for it
    module_name: str  # torch.nn's class
    gates: int  # how many H-row blocks W_ih, W_hh and the biases stack
    gate_names: tuple[str, ...]  # the blocks, top to bottom, e.g. ("r", "z", "n")
    state: tuple[str, ...]  # "hidden", and "cell" for the LSTM
    textbook_name: str  # what the textbook order computes, for a caption (translated in context "Cells")
    textbook_note: str  # one line: why the textbook order lands where it does (translated in context "Cells")
    module: str  # the module under core/cells holding phases(config), kernel(...) and textbook(...)
    options: tuple[str, ...] = ()  # config fields torch.nn's class takes besides those every cell type takes
    fused_kernel: bool = False  # torch.nn may hand float32 layers to a fused kernel (oneDNN) instead of the cell

    @property
    def steps(self):
        return import_module(f".{self.module}", __name__)

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
            if config.proj_size:
                shapes[f"weight_hr{suffix}"] = (P, H)
        return shapes

    def module_options(self, config) -> dict:
        """The keyword arguments torch.nn's class takes for this config besides the sizes."""
        options = {"num_layers": config.num_layers, "bias": config.bias, "batch_first": config.batch_first,
                   "dropout": config.dropout if config.num_layers > 1 else 0.0,
                   "bidirectional": config.bidirectional}
        return options | {name: getattr(config, name) for name in self.options}


CELL_TYPES = {
    "rnn": CellType(
        "rnn", "RNN", 1, ("",), ("hidden",),
        textbook_name=QT_TRANSLATE_NOOP("Cells", "the notebook's order"),
        textbook_note=QT_TRANSLATE_NOOP(
            "Cells", "the textbook order adds in a different order than PyTorch's kernel, so the last bits differ"),
        module="rnn", options=("nonlinearity",)),
    "gru": CellType(
        "gru", "GRU", 3, ("r", "z", "n"), ("hidden",),
        textbook_name=QT_TRANSLATE_NOOP("Cells", "the paper's GRU (Cho et al. 2014)"),
        textbook_note=QT_TRANSLATE_NOOP(
            "Cells", "the paper applies r to h before W_hn and writes h' = (1 − z)·n + z·h; PyTorch applies r to "
                     "(W_hn h + b_hn), so the two GRUs compute different numbers, not only different last bits"),
        module="gru"),
    "lstm": CellType(
        "lstm", "LSTM", 4, ("i", "f", "g", "o"), ("hidden", "cell"),
        textbook_name=QT_TRANSLATE_NOOP("Cells", "the textbook's LSTM, one product per term"),
        textbook_note=QT_TRANSLATE_NOOP(
            "Cells", "the textbook order adds the products and biases in another order than PyTorch's kernel, so "
                     "the last bits differ"),
        module="lstm", options=("proj_size",), fused_kernel=True),
}


def cell_type(name: str) -> CellType:
    return CELL_TYPES[name]
