"""The backward pass's Forgetting page: how ‖∂L/∂h_t‖ fades (or grows) step by step back, an LSTM's ‖∂L/∂c_t‖
beside it, the step the walk is at marked, and what the weights and gates predict of it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..backprop import Backprop
from ..model import StepperModel
from . import style
from .backward_page import BackwardPage, translate
from .plots import legible_axes, set_plot_title, without_menus
from .typography import label_px


class ForgettingPage(BackwardPage):
    def __init__(self, model: StepperModel, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.model, self.backprop = model, backprop
        self.norm_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.norm_plot.setLogMode(y=True)
        self.norm_plot.showGrid(x=True, y=True, alpha=0.2)
        self.norm_plot.setLabel("bottom", "t", **{"font-size": f"{label_px()}px"})
        self.norm_curve = self.norm_plot.plot(pen=pg.mkPen(style.ACTIVE, width=2), symbol="o", symbolSize=5,
                                              symbolBrush=style.ACTIVE)
        # an LSTM's ‖∂L/∂c_t‖ beside it: what survives along the cell state, step by step back
        self.cell_norm_curve = self.norm_plot.plot(pen=pg.mkPen(style.MANUAL, width=2, style=QtCore.Qt.DashLine),
                                                   symbol="s", symbolSize=5, symbolBrush=style.MANUAL)
        self.norm_legend = QtWidgets.QLabel()  # which curve is which, in the page's font rather than the plot's
        self.norm_legend.setWordWrap(True)
        self.norm_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(style.FOREGROUND, style=QtCore.Qt.DashLine))
        self.norm_plot.addItem(self.norm_marker, ignoreBounds=True)  # moving it refits nothing
        for item in (self.norm_plot.getPlotItem(), self.norm_curve):
            style.cache_drawing(item)  # the marker moves each click; the axes and the curve stay as drawn
        style.cache_drawing(self.cell_norm_curve)
        self.prediction = QtWidgets.QLabel()  # what ρ(W_hh) and f', or the gates, predict of the fading
        self.prediction.setWordWrap(True)
        self.add(self.norm_legend, self.norm_plot, self.prediction)

    def draw(self) -> None:
        """Once per gradient result: the norms over t and what the weights and gates predict of them."""
        backprop, model = self.backprop, self.model
        has = backprop.backward is not None
        cell_norms = backprop.cell_norms() if has else None
        self.norm_curve.setVisible(has)
        self.cell_norm_curve.setVisible(cell_norms is not None)
        ts = np.arange(model.seq_len)
        for curve, norms in ((self.norm_curve, backprop.norms() if has else None), (self.cell_norm_curve, cell_norms)):
            if norms is not None:
                norms = norms.astype(np.float64)
                positive = norms > 0  # a log scale has no 0: a step the loss does not reach is left out
                curve.setData(ts[positive], norms[positive])
        if has:
            self.norm_plot.setXRange(-0.5, max(model.seq_len - 0.5, 0.5), padding=0.02)
        with_cell = "cell" in model.session.config.cell_type.state
        set_plot_title(self.norm_plot, translate("BackwardPanel", "‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ over t (log scale)")
                       if with_cell else translate("BackwardPanel", "‖∂L/∂h_t‖ over t (log scale)"))
        self.norm_legend.setVisible(with_cell)
        self.norm_legend.setText(translate("BackwardPanel", "<span style='color:{0}'>━ ‖∂L/∂h_t‖</span>   "
                                           "<span style='color:{1}'>╍ ‖∂L/∂c_t‖, along the cell state</span>").format(
            pg.mkColor(style.ACTIVE).name(), pg.mkColor(style.MANUAL).name()) if with_cell else "")
        self.prediction.setText(self.prediction_text() if has else "")

    def mark(self) -> None:
        """The step the walk back is at, on the norms' time axis."""
        t = self.backprop.t
        self.norm_marker.setVisible(t is not None)
        if t is not None:
            self.norm_marker.setValue(t)

    def prediction_text(self) -> str:
        """What ρ(W_hh) and the mean f' predict: each step back multiplies the gradient by about their product. A
        gated cell has a path back W_hh does not touch: an LSTM's cell state (the carousel), a GRU's update gate."""
        model = self.model
        config = model.session.config
        kind, names = config.cell_type, config.cell_type.phase_names(config)
        if "cell" in kind.state and "forget_gate" in names:
            forget = self.backprop.mean_gate("forget_gate")
            return translate("BackwardPanel",
                             "The carousel: c_t = f_t ⊙ c_{{t-1}} + i_t ⊙ g_t, so ∂c_t/∂c_{{t-1}} = f_t, elementwise — "
                             "no W_hh, no squashing. Along the cell state each step back multiplies the gradient by "
                             "the forget gate alone, so a forget gate near 1 keeps it. Here the mean f_t is {0:.3f}."
                             ).format(forget)
        if "update_gate" in names:
            update = self.backprop.mean_gate("update_gate")
            return translate("BackwardPanel",
                             "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{{t-1}}: part of δh_t reaches h_{{t-1}} as δh_t ⊙ z_t, "
                             "elementwise, past W_hh. An update gate near 1 keeps the gradient. Here the mean z_t is "
                             "{0:.3f}.").format(update)
        rho = model.trace.spectral_radius(model.layer, model.direction)
        derivative = float(self.backprop.mean_derivative().mean())
        factor = rho * derivative
        name = "tanh'" if model.session.config.nonlinearity == "tanh" else "relu'"
        if not np.isfinite(factor):
            return translate("BackwardPanel", "ρ(W_hh) is not finite here: no prediction.")
        verdict = (translate("BackwardPanel", "below 1: the gradient shrinks by about this much per step back and "
                             "vanishes over a long sequence — early inputs barely teach the weights")
                   if factor < 0.95 else
                   translate("BackwardPanel", "above 1: the gradient can grow step after step back and explode")
                   if factor > 1.05 else
                   translate("BackwardPanel", "near 1: the gradient keeps its size for a while"))
        return translate("BackwardPanel", "ρ(W_hh) = {0:.3f}, mean {1} = {2:.3f}: their product {3:.3f} is {4}."
                         ).format(rho, name, derivative, factor, verdict)
