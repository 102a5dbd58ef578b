"""The backward pass's Connectivity page: click h_t[i] in the hidden states over t and the bars below say how much
it still depends on each input x_k (k ≤ t), as the same hand backward computes it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from ..core.distance import numbers
from ..model import StepperModel
from . import style
from .backward_page import BackwardPage, translate
from .matrix_view import MatrixView
from .plots import legible_axes, set_plot_title, without_menus
from .typography import label_px


class ConnectivityPage(BackwardPage):
    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.state_view = MatrixView(colorbar=False)
        self.state_view.note_in_title = True  # what its dashed boxes mean: the page's legend is the gradients'
        self.state_view.setToolTip(translate("BackwardPanel", "Click h_t[i] to see which inputs it still depends on"))
        self.state_view.scene().sigMouseClicked.connect(self.state_clicked)
        self.link_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.link_plot.setLabel("bottom", "k", **{"font-size": f"{label_px()}px"})
        self.link_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=style.MANUAL)
        self.link_plot.addItem(self.link_bars)
        style.cache_drawing(self.link_plot.getPlotItem())
        self.link_unit = QtWidgets.QSpinBox()
        self.link_unit.setPrefix(translate("BackwardPanel", "unit i = "))
        self.link_time = QtWidgets.QSpinBox()
        self.link_time.setPrefix("t = ")
        self.link_button = QtWidgets.QPushButton(translate("BackwardPanel", "Which inputs does h_t[i] depend on?"))
        self.link_button.clicked.connect(self.show_connectivity)
        links = QtWidgets.QGridLayout()  # two rows: the button's question is long in a presentation font
        links.addWidget(self.link_time, 0, 0)
        links.addWidget(self.link_unit, 0, 1)
        links.addWidget(self.link_button, 1, 0, 1, 3)
        links.setColumnStretch(2, 1)
        self.add(self.state_view, links, self.link_plot)

    def fit_ranges(self) -> None:
        """The units and steps of this session's output, the ones a connectivity can be asked of."""
        config = self.model.session.config
        self.link_unit.setRange(0, config.num_directions * config.output_size - 1)
        self.link_time.setRange(0, max(self.model.seq_len - 1, 0))

    def draw_states(self) -> None:
        """The module's output over t (the last layer's h_t, both directions side by side), units × t: the units a
        connectivity is asked of. Only the steps the forward pass has revealed are drawn, so a unit's connectivity
        is asked of a number the class has seen."""
        from ..core import layout

        model = self.model
        output = layout.time_major(model.trace.output, model.session.config.batch_first)[:, model.batch]
        states = numbers(output).T.copy()  # its own dtype: a hover shows its digits
        start, stop = model.unrevealed()
        states[:, start:stop] = np.nan
        shown = self.state_view.values()
        if shown.shape != states.shape or not np.array_equal(shown, states, equal_nan=True):
            # the title first: the matrix adds what its dashed boxes mean as the subtitle (note_in_title)
            self.state_view.set_title(translate("BackwardPanel", "output h_t (units × t): click one"),
                                      subtitle=self.state_view.title_note())
            self.state_view.set_matrix(states, bounds=(-1.0, 1.0) if model.session.config.nonlinearity == "tanh"
                                       else None, dtype=model.session.config.dtype)

    def state_clicked(self, event) -> None:
        cell = self.state_view.cell_at(event.scenePos())
        if cell is None:
            return
        unit, t = cell
        start, stop = self.model.unrevealed()
        if start <= t < stop:
            self.model.events.message.emit(translate("BackwardPanel", "h_{0} is not revealed yet: step the forward "
                                                     "pass there first").format(t))
            return
        self.link_unit.setValue(unit)
        self.link_time.setValue(t)
        self.show_connectivity()

    def follow_selection(self) -> bool:
        """h_t[i] of the last layer opened anywhere in the window (the strip, the sequence's heatmap) is the unit
        whose connectivity this page asks about: its numbers are the module's output. True when it is one."""
        selected, config = self.model.selected, self.model.session.config
        if selected is None:
            return False
        layer, direction, t, batch, phase, unit = selected
        if phase != "hidden" or layer != config.num_layers - 1 or unit >= config.output_size:
            return False
        self.link_time.setValue(t)
        self.link_unit.setValue(direction * config.output_size + unit)
        return True

    def show_connectivity(self) -> None:
        """‖∂h_t[i]/∂x_k‖ for every k, computed by the same hand backward (L = h_t[i]) on the model's runner."""
        from ..core.backward import connectivity

        trace, t, unit, batch = self.model.trace, self.link_time.value(), self.link_unit.value(), self.model.batch
        self.wanted.emit()

        def show(strip):
            if self.model.trace is not trace:
                return
            values = numbers(strip).astype(np.float64)
            self.link_bars.setOpts(x=np.arange(values.size), height=values, width=0.8)
            set_plot_title(self.link_plot, translate("BackwardPanel", "‖∂h_{0}[{1}]/∂x_k‖: how much h_{0}[{1}] "
                                                     "still depends on each input").format(t, unit))

        self.model.run(lambda progress: connectivity(trace, t, unit, batch), show)
