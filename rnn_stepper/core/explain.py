"""Where one number of the trace comes from: its arithmetic written out with the session's numbers.

For an element of a matrix product (a_t[i] = W_ih[i, :] · x_t + b_ih[i], and every phase of that form) the
breakdown lists each product, their exact sum as a rational number (a float32 × float32 product is exact in
float64, but a sum of them is not), that sum correctly rounded to the session's dtype, the value the real GEMM
returned — read from the trace, never recomputed — and the distance between the two in ulps: the order in which a
BLAS library adds up a dot product is its own and cannot be observed, only its result.

Any other phase is elementwise: its formula with this unit's numbers in place, the same formula evaluated in
float64, and how far the trace's value is from it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .cells import QT_TRANSLATE_NOOP
from .config import cell_suffix
from .distance import BFLOAT16_STEP, INTEGERS, numpy_dtype, ulp_distance
from .distance import exact_text as digits_of  # its shortest digits in a dtype; exact_text below: a rational's
from .distance import numbers as values_of
from .equations import VECTOR, fill, previous_label, step_vector, to_latex
from .errors import InputError

PRODUCT = re.compile(r"^(W_\w+) · \{(\w+)\}(?: \+ (b_\w+))?$")  # a phase that is one row of a matrix product
# The textbook order's z_t: a_t plus a product of its own, then the bias: `({input_projection} + W_hh · {h_prev}) + b_hh`
GROUPED = re.compile(r"^\(\{(\w+)\} \+ (W_\w+) · \{(\w+)\}\)(?: \+ (b_\w+))?$")
SYMBOL = re.compile(r"\b([Wb])_([ih])([a-z]+)\b")
PYTHON = (("σ(", "sigmoid("), ("⊙", "*"), ("·", "@"), ("−", "-"))


@dataclass
class Term:
    j: int
    weight: float  # W[row, j]
    value: float  # v[j]
    product: Fraction | float  # exactly; a float only when NaN or ±Inf, which no fraction holds


@dataclass
class Breakdown:
    """One element of one phase, written out. `exact` is a rational where the arithmetic allows, else float64."""

    symbol: str  # e.g. "a_0[1]"
    equation: str  # the phase's equation, e.g. "a_0 = W_ih x_0 + b_ih"
    numbers: str  # the same with this element's numbers
    returned: float  # the trace's value, in the session's dtype
    exact: Fraction | float  # NaN or ±Inf is a float: IEEE 754 carries them through sums and products
    rounded: float  # `exact` rounded to the session's dtype
    ulps: float  # between `returned` and `rounded`
    dtype: str
    weight: str | None = None  # "W_ih" for a product
    row: int | None = None
    bias: tuple[str, float] | None = None  # ("b_ih[1]", value)
    terms: list[Term] = field(default_factory=list)
    vector: str | None = None  # "x_0"
    first: tuple[str, float] | None = None  # an addend before the product: the textbook order's a_t[i]
    # What it reads, for a view to light up: (strip vector: "x", "h_prev" or a phase; its row, None for all of it)
    # and (parameter kind: "weight_ih", "bias_hh", …; its row in the whole stacked parameter).
    reads: list[tuple[str, int | None]] = field(default_factory=list)
    parameters: list[tuple[str, int]] = field(default_factory=list)

    def number(self, value: float) -> str:
        """A value of the session's dtype in its shortest exact digits (float32's own, not float64's)."""
        return digits_of(value, self.dtype)

    @property
    def is_product(self) -> bool:
        return bool(self.terms)

    def lines(self, say=None) -> list[str]:
        """The breakdown as plain text, one line each. `say(text)` translates each sentence (the window's Korean);
        the numbers and symbols are the same in every language."""
        say = say or (lambda text: text)
        out = [f"{self.symbol}: {self.equation}", f"  = {self.numbers}"]
        if self.is_product:
            if self.first is not None:
                out.append(f"  {self.first[0]} = {self.number(self.first[1])}")
            for term in self.terms:
                out.append(f"  {self.term_label(term)} = "
                           f"{self.number(term.weight)} × {self.number(term.value)} = {exact_text(term.product)}")
            if self.bias is not None:
                out.append(f"  + {self.bias[0]} = {self.number(self.bias[1])}")
            out.append("  " + say(EXACT_SUM).format(exact_text(self.exact)))
            out.append("  " + say(ROUNDED).format(self.dtype, self.number(self.rounded)))
            if self.first is None:
                out.append("  " + say(RETURNED).format(self.number(self.returned), f"{self.ulps:g}"))
            else:
                out.append("  " + say(GROUPED_RETURNED).format(self.number(self.returned), f"{self.ulps:g}"))
                out.append("  " + say(GROUPING).format(self.dtype))
            out.append("  " + say(BLAS))
        else:
            out.append("  " + say(IN_FLOAT64).format(repr(float(self.exact)), self.dtype, self.number(self.rounded)))
            out.append("  " + say(HOLDS).format(self.number(self.returned), f"{self.ulps:g}"))
        if not math.isfinite(self.returned):
            out.append("  " + say(NOT_FINITE[nonfinite_kind(self.returned)]).format(self.symbol))
        return out

    def term_label(self, term: Term) -> str:
        return f"{self.weight}[{self.row}, {term.j}] · {self.vector}[{term.j}]"

    def text(self, say=None) -> str:
        return "\n".join(self.lines(say))

    def latex(self) -> str:
        """The breakdown as a LaTeX `aligned` block (amsmath), one line per term, for a slide or a handout."""
        def num(value: float) -> str:
            return self.number(value).replace("e", r"\mathrm{e}")

        rows = [rf"{to_latex(self.equation.replace(' = ', ' &= ', 1))}",
                rf"&= {to_latex(self.numbers)}"]
        if self.is_product:
            if self.first is not None:
                rows.append(rf"&\quad {to_latex(self.first[0])} = {num(self.first[1])}")
            for term in self.terms:
                rows.append(rf"&\quad + {to_latex(self.term_label(term))} = {num(term.weight)} \times {num(term.value)}"
                            rf" = {latex_exact(term.product)}")
            if self.bias is not None:
                rows.append(rf"&\quad + {to_latex(self.bias[0])} = {num(self.bias[1])}")
            rows.append(rf"&= {latex_exact(self.exact)} \quad \text{{(exact sum)}}")
            rows.append(rf"&\approx {num(self.rounded)} \quad \text{{(correctly rounded to {self.dtype})}}")
            rows.append(rf"\text{{GEMM}} &= {num(self.returned)} \quad \text{{({self.ulps:g} ulp from the exact sum)}}")
        else:
            rows.append(rf"&= {float(self.exact)!r} \quad \text{{(float64)}} \approx {num(self.rounded)}"
                        rf" \quad \text{{({self.dtype})}}")
            rows.append(rf"\text{{trace}} &= {num(self.returned)} \quad \text{{({self.ulps:g} ulp)}}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


# The sentences of a breakdown, in English here and translated by the window (context "Explain").
EXACT_SUM = QT_TRANSLATE_NOOP("Explain", "exact sum = {0}")
ROUNDED = QT_TRANSLATE_NOOP("Explain", "correctly rounded to {0}: {1}")
RETURNED = QT_TRANSLATE_NOOP("Explain", "the matrix product returned: {0} ({1} ulp from the exact sum)")
BLAS = QT_TRANSLATE_NOOP("Explain", "A BLAS library adds up a dot product in an order of its own, which cannot be "
                                    "observed; only its result can.")
GROUPED_RETURNED = QT_TRANSLATE_NOOP("Explain", "the textbook order's sum returned: {0} ({1} ulp from the exact sum)")
GROUPING = QT_TRANSLATE_NOOP("Explain", "It rounds the matrix product to {0} before adding it, and rounds again at "
                                        "each addition after it.")
IN_FLOAT64 = QT_TRANSLATE_NOOP("Explain", "in float64: {0}, rounded to {1}: {2}")
HOLDS = QT_TRANSLATE_NOOP("Explain", "the trace holds: {0} ({1} ulp from it)")
NOT_FINITE = {
    "nan": QT_TRANSLATE_NOOP("Explain", "{0} is NaN (not a number): a NaN in what it reads, Inf − Inf or 0 × Inf "
                                        "made it, and every sum and product after it stays NaN."),
    "inf": QT_TRANSLATE_NOOP("Explain", "{0} is +Inf: a number past the largest float, or an Inf in what it reads."),
    "-inf": QT_TRANSLATE_NOOP("Explain", "{0} is −Inf: a number past the most negative float, or a −Inf in what it "
                                         "reads."),
}


def nonfinite_kind(value: float) -> str:
    return "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"


def exactly(value: float) -> Fraction | float:
    """A float as an exact rational; NaN and ±Inf, which no rational is, stay floats."""
    return Fraction(value) if math.isfinite(value) else value


def exact_product(w: float, v: float) -> Fraction | float:
    """w × v exactly; with a NaN or ±Inf in it, what IEEE 754 makes of it (Inf × 0 is NaN)."""
    return Fraction(w) * Fraction(v) if math.isfinite(w) and math.isfinite(v) else w * v


def exact_sum(values) -> Fraction | float:
    """The exact sum of rationals; with a NaN or ±Inf among them, IEEE 754's sum of those (Inf + −Inf is NaN),
    since any finite part leaves an infinite sum as it is."""
    values = list(values)
    special = [v for v in values if isinstance(v, float)]
    return sum(special) if special else sum(values, Fraction(0))


def to_float(value: Fraction | float) -> float:
    """A rational as the nearest float64; one past float64's range is ±Inf, as rounding it would make it."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def latex_exact(value: Fraction | float) -> str:
    if isinstance(value, float) or Fraction(to_float(value)) == value:
        return repr(to_float(value)).replace("e", r"\mathrm{e}")
    return rf"\tfrac{{{value.numerator}}}{{{value.denominator}}} \approx {to_float(value)!r}"


def exact_text(value: Fraction | float) -> str:
    """A rational exactly when float64 holds it, else its fraction and a float64 approximation."""
    if isinstance(value, float):
        return repr(value)
    if math.isfinite(to_float(value)) and Fraction(to_float(value)) == value:
        return repr(to_float(value))
    return f"{value.numerator}/{value.denominator} ≈ {to_float(value)!r}"


def explain(trace, layer: int, direction: int, t: int, batch: int, phase: str, unit: int) -> Breakdown:
    """The breakdown of `phase`[t, batch, unit] in cell (layer, direction), or InputError saying what exists."""
    session, config = trace.session, trace.config
    check_index("layer", layer, config.num_layers)
    check_index("direction", direction, config.num_directions)
    check_index("t", t, trace.seq_len)
    check_index("batch", batch, trace.batch_size)
    phases = {p.name: p for p in config.cell_type.phases(config)}
    if phase not in phases:
        raise InputError(f"phase must be one of {', '.join(phases)}; got {phase!r}")
    cell = trace.cell(layer, direction)
    if batch in cell.ended(t):
        raise InputError(f"sequence {batch} is {session.lengths[batch]} steps long: the packed batch computes "
                         f"nothing for it at t = {t}; choose t from 0 to {session.lengths[batch] - 1}")
    width = cell.phases[phase].shape[-1]
    check_index("unit", unit, width)
    declared = phases[phase]
    common = {"bias": config.bias, "t": t, "prev": previous_label(cell.walk, t)}
    equation = fill(declared.equation_for(session.order), **common)
    template = fill(declared.numbers_for(session.order), **common)
    returned = cell.phases[phase][t, batch, unit].item()
    dtype = config.dtype
    symbol = f"{declared.symbol}_{t}[{unit}]"
    vectors = step_vector(cell, t, batch, config)
    suffix = cell_suffix(layer, direction)
    product, grouped = PRODUCT.match(template), GROUPED.match(template)
    if product or grouped:
        if product:
            (weight_name, vector_name, bias_symbol), first_name = product.groups(), None
        else:
            first_name, weight_name, vector_name, bias_symbol = grouped.groups()
        W = parameter(session, config, weight_name, suffix)
        v = values_of(vectors(vector_name, None))
        terms = [Term(j, float(W[unit, j]), float(v[j]), exact_product(float(W[unit, j]), float(v[j])))
                 for j in range(W.shape[1])]
        exact = exact_sum(term.product for term in terms)
        reads = [(vector_name, None)]
        parameters = [(parameter_kind(config, weight_name), parameter_row(config, weight_name, unit))]
        first = None
        if first_name:  # the textbook's a_t[i], from the trace, added before the product's sum
            a = float(vectors(first_name, None)[unit])
            first, exact = (f"{vector_label(first_name, t, cell.walk, phases)}[{unit}]", a), exact_sum([exact,
                                                                                                          exactly(a)])
            reads.insert(0, (first_name, unit))
        bias = None
        if bias_symbol:
            b = float(parameter(session, config, bias_symbol, suffix)[unit])
            bias, exact = (f"{bias_symbol}[{unit}]", b), exact_sum([exact, exactly(b)])
            parameters.append((parameter_kind(config, bias_symbol), parameter_row(config, bias_symbol, unit)))
        label = vector_label(vector_name, t, cell.walk)
        numbers = (f"({first[0]} + " if first else "") + f"{weight_name}[{unit}, :] · {label}" + (
            ")" if first else "") + (f" + {bias[0]}" if bias else "")
        rounded = round_exactly(exact, dtype)
        return Breakdown(symbol, equation, numbers, returned, exact, rounded, distance(returned, rounded, dtype),
                         config.dtype, weight=weight_name, row=unit, bias=bias, terms=terms, vector=label,
                         first=first, reads=reads, parameters=parameters)
    # Elementwise: this unit's scalars in the formula, and the formula in float64. A matrix product inside it (the
    # paper's GRU candidate, W_hn (r ⊙ h)) reads whole vectors, so those are written whole.
    inside = product_arguments(template)
    H = config.hidden_size
    reads: list[tuple[str, int | None]] = []

    def whole(match) -> bool:
        return template[:match.start()].endswith("· ") or any(a <= match.start() < b for a, b in inside)

    def write(match) -> str:
        name, block = match.group(1), None if match.group(2) is None else int(match.group(2))
        entire = whole(match)
        read = (name, None if entire else (unit if block is None else block * H + unit))
        if read not in reads:
            reads.append(read)
        return written(vectors(name, block), unit, dtype=dtype, whole=entire)

    numbers = VECTOR.sub(write, template)
    # a bias is one number per unit: written as this unit's (a weight matrix inside a product stays a symbol)
    numbers = re.sub(r"\bb_\w+\b", lambda m: digits_of(parameter(session, config, m.group(0), suffix)[unit], dtype),
                     numbers)
    parameters = [(parameter_kind(config, m.group(0)), parameter_row(config, m.group(0), unit))
                  for m in SYMBOL.finditer(template)]
    value = float(evaluate(template, session, config, suffix, vectors)[unit])
    rounded = round_exactly(Fraction(value), dtype) if math.isfinite(value) else value
    return Breakdown(symbol, equation, numbers, returned, value, rounded, distance(returned, rounded, dtype),
                     config.dtype, reads=reads, parameters=parameters)


def parameter_kind(config, symbol: str) -> str:
    """`W_ih` → weight_ih, `b_hn` (a gate's block of b_hh) → bias_hh, `W_hr` (an extra parameter) → weight_hr."""
    kind, side, rest = SYMBOL.match(symbol).groups()
    base = {"W": "weight", "b": "bias"}[kind]
    if symbol in config.cell_type.whole_parameters():
        return f"{base}_{side}{rest}"
    return f"{base}_{side}h" if side == "h" else f"{base}_ih"


def parameter_row(config, symbol: str, unit: int) -> int:
    """The row of the whole stacked parameter that `symbol`'s row `unit` is (a gate's block starts lower)."""
    kind, side, rest = SYMBOL.match(symbol).groups()
    if symbol in config.cell_type.whole_parameters():
        return unit
    return config.cell_type.gate_names.index(rest) * config.hidden_size + unit


def product_arguments(template: str) -> list[tuple[int, int]]:
    """The spans of `W_.. · ( … )` arguments in a template, parentheses matched."""
    spans = []
    for match in re.finditer(r"W_\w+ · \(", template):
        depth, i = 1, match.end()
        while depth and i < len(template):
            depth += {"(": 1, ")": -1}.get(template[i], 0)
            i += 1
        spans.append((match.end(), i))
    return spans


def written(vector, unit: int, whole: bool, dtype: str) -> str:
    values = values_of(vector)
    if whole:
        return "[" + ", ".join(digits_of(v, dtype) for v in values) + "]"
    return digits_of(values[unit], dtype)


def check_index(what: str, value: int, size: int) -> None:
    if not 0 <= value < size:
        raise InputError(f"{what} must be between 0 and {size - 1}, got {value}")


def vector_label(name: str, t: int, walk: list[int], phases: dict | None = None) -> str:
    if name == "x":
        return f"x_{t}"
    if name.endswith("_prev"):  # h₀ where the walk starts: the initial state, not time 0's h_0
        return f"{name[0]}₀" if t == walk[0] else f"{name[0]}_{previous_label(walk, t)}"
    return f"{phases[name].symbol if phases and name in phases else name}_{t}"


def parameter(session, config, symbol: str, suffix: str) -> np.ndarray:
    """`W_ih`, `b_hh`, an extra parameter (`W_hr`), or one gate's block such as `W_hn` (the n rows of W_hh), as
    float64-exact numbers."""
    kind, side, rest = SYMBOL.match(symbol).groups()
    base = {"W": "weight", "b": "bias"}[kind]
    if symbol in config.cell_type.whole_parameters():
        return values_of(session.weights[f"{base}_{side}{rest}{suffix}"])
    gates = config.cell_type.gate_names
    H = config.hidden_size
    block = gates.index(rest)
    full = values_of(session.weights[f"{base}_{side}h{suffix}" if side == "h" else f"{base}_ih{suffix}"])
    return full[block * H:(block + 1) * H]


ACTIVATIONS = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}
# What bounds an activation's value and the error it passes on, given a bound m of its argument: |tanh(y)| and
# relu(y) are at most |y|, with a slope of at most 1; σ(y) is at most 1, with a slope of at most 1/4.
BOUNDS = {"sigmoid": lambda m: 1 + m / 4, "tanh": lambda m: m, "relu": lambda m: m}


def evaluate(template: str, session, config, suffix: str, vectors, magnitudes: bool = False) -> np.ndarray:
    """The template's formula in float64 over whole vectors: our own declarations, never user text.

    With `magnitudes`, the same formula over the absolute values of what it reads, − taken as +, and each
    activation replaced by its bound (BOUNDS): M, the size of the numbers its arithmetic passes through. Each
    rounding on the way errs by at most u·M (u the unit roundoff), however the terms cancel: the scale at which
    the conformance test measures the kernel's distance from the formula."""
    names: dict[str, object] = dict(BOUNDS if magnitudes else ACTIVATIONS)
    size = np.abs if magnitudes else (lambda values: values)

    def vector(match):
        key = f"v{len(names)}"
        block = None if match.group(2) is None else int(match.group(2))
        names[key] = size(values_of(vectors(match.group(1), block)).astype(np.float64))
        return key

    def symbol(match):
        key = f"p{len(names)}"
        names[key] = size(parameter(session, config, match.group(0), suffix).astype(np.float64))
        return key

    expression = SYMBOL.sub(symbol, VECTOR.sub(vector, template))
    for plain, python in ((("−", "+"),) if magnitudes else ()) + PYTHON:
        expression = expression.replace(plain, python)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(eval(expression, {"__builtins__": {}}, names), dtype=np.float64)  # noqa: S307


def round_exactly(value: Fraction, dtype: str) -> float:
    """The number of `dtype` nearest to a rational, ties to even: float64 first and then float32 could round twice.
    Found among the neighbours of a guess on the dtype's own line of bit patterns (a bfloat16's is its float32
    image's, in steps of BFLOAT16_STEP)."""
    holder = numpy_dtype(dtype)
    step = BFLOAT16_STEP if dtype == "bfloat16" else 1
    signed = INTEGERS[holder.itemsize][0]
    with np.errstate(over="ignore"):
        guess = np.array(to_float(value), dtype=np.float64).astype(holder)
    if not np.isfinite(guess):
        return float(guess)
    bits = int(guess.view(signed)) // step * step  # for bfloat16: its pattern with the low 16 bits cut off
    candidates = [np.array(bits + d, dtype=signed).view(holder) for d in (-step, 0, step)
                  if np.iinfo(signed).min <= bits + d <= np.iinfo(signed).max]
    finite = [c for c in candidates if np.isfinite(c)]
    best = min(finite, key=lambda c: (abs(Fraction(float(c)) - value), int(c.view(signed)) // step & 1))
    return float(best)


def distance(a: float, b: float, dtype: str) -> float:
    if math.isnan(a) and math.isnan(b):
        return 0.0
    holder = numpy_dtype(dtype)
    return float(ulp_distance(np.array([a], dtype=holder), np.array([b], dtype=holder), dtype)[0])
