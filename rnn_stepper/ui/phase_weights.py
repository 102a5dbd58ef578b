"""The weights the phase on show reads, beside the step strip in the focus layout: there the Weights page is
another tab, and a slide has no tabs, so an equation that names a weight too large to write out ("W_hh 6×2: its
numbers beside") would send the class elsewhere for its numbers (issue 26). One matrix: the weight with its bias as
the last column, framed as the phase's operand. It takes the comparison's place while a projection phase is on
show: the comparison has nothing new then (h_t is revealed at its own phase), and a projector has no room for both."""

from __future__ import annotations

import numpy as np
from PySide6 import QtWidgets

from ..core.config import cell_suffix
from ..core.distance import numbers
from ..model import StepperModel
from .matrix_view import MatrixView
from .step_panel import StepPanel
from .weights_panel import phase_reads


class PhaseWeights(QtWidgets.QWidget):
    """Draws nothing while the phase reads no weight, or only weights its equation writes out in full (`read()` is
    None): its container shows the comparison then."""

    NAMES = {"weight_ih": "W<sub>ih</sub>", "weight_hh": "W<sub>hh</sub>", "weight_hr": "W<sub>hr</sub>"}

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = MatrixView(colorbar=False)  # its width is the numbers'; the strip's legend gives the scale
        layout.addWidget(self.view)
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        if not what & {"trace", "cell", "cursor"}:
            return False
        self.refresh()
        return True

    def read(self) -> str | None:
        """The weight the phase's equation names and does not write out: one read whole, as a projection reads it
        (a gate's phase reads one block of each, by a sum its equation writes as a + s)."""
        weights = self.model.session.weights
        suffix = cell_suffix(self.model.layer, self.model.direction)
        for kind, block in phase_reads(self.model).items():
            name = kind + suffix
            if (kind in self.NAMES and block is None and name in weights
                    and weights[name].numel() > StepPanel.WEIGHTS_WRITTEN):
                return kind
        return None

    def refresh(self) -> None:
        read = None if self.model.trace is None else self.read()
        if read is None:
            return
        kind = read
        weights = self.model.session.weights
        suffix = cell_suffix(self.model.layer, self.model.direction)
        weight = numbers(weights[kind + suffix])
        bias = weights.get(kind.replace("weight", "bias") + suffix)
        columns = [str(c) for c in range(weight.shape[1])]
        values, title = weight, f"{self.NAMES[kind]} {weight.shape[0]}×{weight.shape[1]}"
        if bias is not None:  # the bias beside its weight, as one more column: W h + b reads them together
            values = np.hstack([weight, numbers(bias)[:, None]])
            columns.append("b")
            title += " | " + self.NAMES[kind].replace("W", "b", 1)
        gates = () if kind == "weight_hr" else self.model.session.config.cell_type.gate_names
        self.view.set_matrix(values, levels=float(np.abs(values).max()) or 1.0, col_labels=columns, blocks=gates,
                             dtype=self.model.session.config.dtype)
        self.view.set_title(title, active=True, framed=True)
