"""The backward pass's Gradients page: ∂L/∂W_ih above the biases' gradients. Autograd computes ∂L/∂W_ih in one
product over every step once the walk back is done (no running sum to show), so it appears whole when the walk
reaches its end; ∂L/∂b_ih is the same sum over steps, and ∂L/∂b_hh the running sum the walk built step by step."""

from __future__ import annotations

import numpy as np

from ..backprop import Backprop
from ..core.config import cell_suffix
from ..core.distance import numbers
from ..model import StepperModel
from .backward_page import BackwardPage, translate
from .gradient_scale import GradientScale
from .matrix_view import MatrixView


class InputWeightGradientPage(BackwardPage):
    """Each a row of units: the page's width goes to W_ih's columns. Blank all the way back, then whole once, when
    it says it is `wanted`."""

    def __init__(self, model: StepperModel, backprop: Backprop, scale: GradientScale, parent=None):
        super().__init__(parent)
        self.model, self.backprop, self.scale = model, backprop, scale
        self._input_weights_drawn = None  # (gradients, the walk done, layer, direction) the page shows
        self.input_weight_view = MatrixView()
        self.bias_views = {kind: MatrixView(colorbar=False) for kind in ("bias_ih", "bias_hh")}
        self.column.addWidget(self.input_weight_view, 3)
        for view in self.bias_views.values():
            self.column.addWidget(view, 1)

    def draw(self) -> None:
        backprop, model = self.backprop, self.model
        config = model.session.config
        suffix = cell_suffix(model.layer, model.direction)
        name = "weight_ih" + suffix
        done = backprop.ready and backprop.position == backprop.end
        drawn = (id(backprop.backward), done, model.layer, model.direction)
        if drawn == self._input_weights_drawn:  # blank all the way back, then whole once: drawn twice a walk
            return
        self._input_weights_drawn = drawn
        rows = config.cell_type.gates * config.hidden_size
        for kind, view in self.bias_views.items():
            view.setVisible(config.bias)
            if config.bias:
                view.set_title(f"∂L/∂b<sub>{kind[-2:]}</sub>")
                view.set_matrix((numbers(backprop.backward.manual.parameters[kind + suffix]) if done else
                                 np.full(rows, np.nan))[None, :], log_top=self.scale.top())
        width = config.input_size if model.layer == 0 else config.num_directions * config.output_size
        values = (numbers(backprop.backward.manual.parameters[name]) if done else
                  np.full((rows, width), np.nan))
        if done and not np.array_equal(self.input_weight_view.values(), values, equal_nan=True):
            self.wanted.emit()  # the walk's last click brings it: it appears whole
        self.input_weight_view.set_title(translate("BackwardPanel", "∂L/∂W_ih"),
                                         subtitle=translate("BackwardPanel", "one product over every step, at the "
                                                            "walk's end"))
        gates = config.cell_type.gate_names
        self.input_weight_view.set_matrix(values, blocks=gates if len(gates) > 1 else (), log_top=self.scale.top())
