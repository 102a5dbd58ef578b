"""How a cell's names, equations, numbers and units are written in the window, and read back from what
a person types."""

from __future__ import annotations

import re

from PySide6 import QtCore

from ..core import equations
from ..core.errors import InputError

# The range of the function behind a phase's scale (Phase.scale): a cell near its ends is marked saturated.
BOUNDS = {"bounded": (-1.0, 1.0), "gate": (0.0, 1.0)}


# A variable's subscript in an equation: W_ih, a_n, h_t-1 (a time step with its offset stays one subscript).
SUBSCRIPT = re.compile(r"\b([A-Za-z])_(t[-+]1|[A-Za-z0-9]+)")


def translate_cell(text: str) -> str:
    """A cell type's title, explanation or textbook wording (marked in core/cells, context "Cells")."""
    return QtCore.QCoreApplication.translate("Cells", text)


def module_label(config) -> str:
    """The torch module on show, as a user writes it: nn.RNN, nn.GRU, nn.LSTM."""
    return config.cell_type.label


def equation_html(template: str, config, reverse: bool) -> str:
    """A phase's equation for a caption, with t symbolic: `s_t = W_hh h_t-1 + b_hh` with HTML subscripts."""
    text = equations.fill(template, bias=config.bias, t="t", prev=equations.previous_offset(reverse))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return SUBSCRIPT.sub(r"\1<sub>\2</sub>", text)


def parse_number(text: str) -> float:
    """A number typed by a person: '0.5', '-1e-3', 'nan', 'inf'. Raises InputError saying how to fix it."""
    cleaned = text.strip().replace("−", "-")
    try:
        return float(cleaned)
    except ValueError:
        shown = cleaned if len(cleaned) <= 20 else cleaned[:20] + "…"
        raise InputError(f"'{shown}' is not a number; type one like 0.5, -1.25 or 1e-3") from None


def units_text(units) -> str:
    """Unit numbers as a person types them: runs of three or more as ranges, "0-3, 7"."""
    parts, units = [], sorted(units)
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and units[j + 1] == units[j] + 1:
            j += 1
        parts.append(f"{units[i]}-{units[j]}" if j - i >= 2 else ", ".join(str(u) for u in units[i:j + 1]))
        i = j + 1
    return ", ".join(parts)


def parse_units(text: str) -> tuple[int, ...]:
    """Unit numbers typed by a person: "0, 3, 10-12". Raises InputError saying how to fix it."""
    units: set[int] = set()
    for part in (p.strip() for p in text.replace("–", "-").replace(";", ",").split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part)
        if match is None:
            shown = part if len(part) <= 20 else part[:20] + "…"
            raise InputError(f"'{shown}' is not a unit number; type numbers like 0, 3, 10-12")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first or last - first > 10_000:
            raise InputError(f"'{part}' is not a range of units; write the smaller number first, like 10-12")
        units.update(range(first, last + 1))
    return tuple(sorted(units))
