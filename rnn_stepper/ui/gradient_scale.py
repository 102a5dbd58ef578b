"""The backward pass's one colour scale for its gradients, and its legend (issue 26): a log scale, so a gradient
that vanishes step by step back pales decade by decade instead of each view being fitted to its own largest."""

from __future__ import annotations

import numpy as np
from PySide6 import QtWidgets

from ..backprop import Backprop
from ..core.config import cell_suffix
from ..model import StepperModel
from . import style
from .backward_page import translate
from .typography import label_font, swatch


class GradientScale(QtWidgets.QLabel):
    """The legend, always on show; `top()` is the scale every gradient view of the walk draws on."""

    def __init__(self, model: StepperModel, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.model, self.backprop = model, backprop
        self.setFont(label_font())
        self._scale_of = None  # (gradients, layer, direction) the scale's top was found for
        self.log_top = 1.0

    def top(self) -> float:
        """The top of the page's log colour scale: the power of ten at or above the largest gradient of the cell on
        show over the whole walk (every step's δ vectors, and ∂L/∂W and ∂L/∂b at its end). Fixed for the walk, so
        δh_0 is drawn against the δh_T it came from."""
        backprop, model = self.backprop, self.model
        backward = backprop.backward
        key = (id(backward), model.layer, model.direction)
        if key == self._scale_of:
            return self.log_top
        self._scale_of = key
        largest = 0.0
        if backward is not None:
            gradients = backprop.gradients
            suffix = cell_suffix(model.layer, model.direction)
            parts = [gradients.hidden, gradients.pre_activation, gradients.cell, gradients.recurrent,
                     *(gradients.flowing or ()), *(gradients.carried or ()), *(gradients.through_weights or ()),
                     *(backward.manual.parameters.get(name + suffix)
                       for name in ("weight_hh", "bias_hh", "weight_ih", "bias_ih"))]
            for part in parts:
                if part is not None and part.numel():
                    magnitude = float(part.detach().abs().max())
                    if np.isfinite(magnitude):
                        largest = max(largest, magnitude)
        self.log_top = style.log_top(largest)
        self.setText(self.legend_text())
        self.setToolTip(translate("BackwardPanel",
            "Every gradient on this page on one colour scale: its sign by hue, its magnitude on a log scale from "
            "{0} (full colour) down {1} decades to {2} (white). A gradient that vanishes step by step back pales "
            "decade by decade. The numbers in the cells are the true values.").format(
            style.power_of_ten(self.log_top), style.LOG_DECADES,
            style.power_of_ten(self.log_top * 10.0 ** -style.LOG_DECADES)))
        return self.log_top

    def legend_text(self) -> str:
        """The log scale as swatches at whole decades, −top … 0 … top, and what it is."""
        top, half = self.log_top, style.LOG_DECADES // 2
        marks = [-top, -top * 10.0 ** -half, 0.0, top * 10.0 ** -half, top]
        samples = "".join(swatch(style.power_of_ten(v) if v else "0", float(style.log_position(np.array([v]), top)[0]),
                                 1.0) for v in marks)
        return samples + " " + translate("BackwardPanel", "log scale")  # one line: the tooltip says the rest
