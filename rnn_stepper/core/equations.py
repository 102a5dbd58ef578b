"""A phase's equation written out for the step on show: symbolically, and with the step's numbers in place.

The templates are the cell type's (core/cells): `[+ b_ih]` is dropped when the module has no bias, `{t}` and
`{prev}` are the step and the one before it in the walk, and `{name}` / `{name.k}` are vectors: a phase (or the
k-th gate block of a stacked one), `x`, or a state one step earlier (`h_prev`, `c_prev`). The window, `trace` and
the LaTeX export all read them through here, so each says the same thing.
"""

from __future__ import annotations

import re

VECTOR = re.compile(r"\{(\w+)(?:\.(\d+))?\}")
OPTIONAL = re.compile(r"\[([^\]]*)\]")
SUBSCRIPT = re.compile(r"\b([A-Za-z])_([A-Za-z0-9]+)")
# ₀ marks the module's initial state (h₀, c₀), which LaTeX has no glyph for: h_init there, never time 0's h_0.
LATEX_SYMBOLS = (("tanh", r"\tanh"), ("relu", r"\operatorname{relu}"), ("σ", r"\sigma"), ("⊙", r"\odot"),
                 ("·", r"\cdot"), ("−", "-"), ("₀", r"_{\mathrm{init}}"))


def previous_label(walk: list[int], t: int) -> str:
    """The step before t in the walk, as a subscript: t-1 forward, t+1 in reverse, `init` where the walk starts."""
    if t == walk[0]:
        return "init"
    return str(t - 1 if walk[0] < walk[-1] else t + 1)


def previous_offset(reverse: bool) -> str:
    """Where the state a step reads comes from, t symbolic: the step before in time forward, the one after in the
    reverse direction, which walks T-1 … 0 and so has computed h_{t+1} before h_t."""
    return "t+1" if reverse else "t-1"


def previous_state_label(symbol: str, walk: list[int], t: int, initial: str = "initial") -> str:
    """The state step t reads, named for a reader: `h₀ (initial)` where the walk starts (the module's h0, never
    time 0's output h_0), else the timestep it was computed at and how that relates to t: `h_1 (t-1)`, and
    `h_3 (t+1)` in the reverse direction. `initial` is the word, translated by the caller."""
    if t == walk[0]:
        return f"{symbol}₀ ({initial})"
    return f"{symbol}_{previous_label(walk, t)} ({previous_offset(walk[0] > walk[-1])})"


def fill(template: str, *, bias: bool, t: int, prev: str, vector=None, latex: bool = False) -> str:
    """The template for one step. `vector(name, block)` writes a vector; without it, placeholders stay."""
    text = OPTIONAL.sub(lambda m: m.group(1) if bias else "", template)
    if prev == "init":  # the module's initial state: h₀, never time 0's output h_0
        text = text.replace("_{prev}", "₀")
    text = text.replace("{t}", str(t)).replace("{prev}", prev)
    # The vectors are set aside while the symbols are written: their names hold underscores too.
    vectors = VECTOR.findall(text)
    text = VECTOR.sub("\0", text)
    if latex:
        text = to_latex(text)
    pieces = text.split("\0")
    out = pieces[0]
    for (name, block), piece in zip(vectors, pieces[1:]):
        if vector is None:
            out += "{" + name + ("." + block if block else "") + "}"
        else:
            out += vector(name, int(block) if block else None)
        out += piece
    return " ".join(out.split()).replace(" )", ")")  # no stray space where a bias was dropped


def to_latex(text: str) -> str:
    text = SUBSCRIPT.sub(r"\1_{\2}", text)
    for plain, latex in LATEX_SYMBOLS:
        text = text.replace(plain, latex + (" " if latex[-1].isalpha() else ""))
    return text


def step_vector(cell, t: int, batch: int, config):
    """`vector(name, block)` for one step of a CellTrace: the numbers a template's placeholder stands for."""
    previous = config.cell_type.previous_names(config)
    hidden_size = config.hidden_size

    def get(name: str, block: int | None):
        if name == "x":
            v = cell.x[t, batch]
        elif name in previous:  # `{h_prev}`: the state one step earlier in the walk
            v = cell.previous_at(previous[name], t)[batch]
        else:
            v = cell.phases[name][t, batch]
        return v if block is None else v[block * hidden_size:(block + 1) * hidden_size]
    return get


def written_out(phase, session, cell, t: int, batch: int, write, latex: bool = False) -> tuple[str, str, str]:
    """(the equation, the same with this step's numbers, its result) for one phase, each vector written by
    `write(numpy array)` (distance.numbers: a bfloat16 vector as its float32 image): the three lines the window,
    `trace` and the LaTeX export show."""
    from .distance import numbers

    get = step_vector(cell, t, batch, session.config)
    common = {"bias": session.config.bias, "t": t, "prev": previous_label(cell.walk, t), "latex": latex}
    return (fill(phase.equation_for(session.order), **common),
            fill(phase.numbers_for(session.order), vector=lambda n, k: write(numbers(get(n, k))), **common),
            write(numbers(get(phase.name, None))))
