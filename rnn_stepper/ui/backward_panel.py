"""Backpropagation through time, stepped: the loss, the gradients of the step on show with their equations, how
‖∂L/∂h_t‖ fades (or grows) step by step back, which inputs a unit still depends on, and training. A view of the
`Backprop` model (rnn_stepper/backprop.py): it keeps no numbers of its own."""

from __future__ import annotations

import os

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..backprop import Backprop
from ..core.config import cell_suffix
from ..core.distance import numbers, numpy_dtype
from ..core.errors import InputError
from ..core.optimizers import OPTIMIZERS, SGD
from ..model import StepperModel
from . import style
from .cell_notation import module_label
from .matrix_view import MatrixView
from .plots import legible_axes, set_plot_title, without_menus
from .steady import SteadyText
from .step_panel import EquationLabel, StepPanel
from .typography import label_font, label_px, swatch

LOSS_SUM, LOSS_SHIFTED, LOSS_HEAD, LOSS_FILE = "sum_last", "shifted", "head:", "file"
LOSS_PREDICT = "predict:"  # the next input, predicted through a head


class BackwardPanel(QtWidgets.QWidget):
    # the pages of what the whole walk shows; RECURRENT_WEIGHTS only for a gated cell (place_weights)
    FORGETTING, CHECK, INPUT_WEIGHTS, CONNECTIVITY, TRAIN, RECURRENT_WEIGHTS = range(6)
    # each vector's share of the strip's width while on show (a hidden one's stretch still counts in its minimum)
    STRETCH = {"incoming": 2, "cell": 2, "pre_activation": 2, "gates": 4, "flowing": 2, "carried": 2}
    # a gated strip's δh_t, the one vector that numbers the units, holds small gradients of many digits
    GATED_STRETCH = STRETCH | {"incoming": 3}
    def __init__(self, model: StepperModel, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.model, self.backprop = model, backprop
        self._behind_forward = False  # hidden while the forward pass moved: drawn again when shown
        self.heading = QtWidgets.QLabel()
        self.heading.setStyleSheet("font-weight: bold")
        self.heading.setWordWrap(True)
        self.verdict = QtWidgets.QLabel()  # the hand backward against loss.backward(), as the forward's comparison
        self.verdict.setWordWrap(True)
        self.loss_box = QtWidgets.QComboBox()
        self.loss_box.setToolTip(self.tr("What is differentiated"))
        self.loss_box.activated.connect(self.choose_loss)
        self.class_box = QtWidgets.QSpinBox()  # the class a classifier's cross-entropy is taken against
        self.class_box.setPrefix(self.tr("class "))
        self.class_box.setToolTip(self.tr("The right answer for every batch row"))
        self.class_box.valueChanged.connect(lambda _: self.choose_loss(self.loss_box.currentIndex()))
        # short, as its neighbours ∂ Step back and ∂ Phase back: with --font-scale 2 this row set a 1,077-px window
        self.compute_button = QtWidgets.QPushButton(self.tr("∂ Compute"))
        self.compute_button.setToolTip(self.tr("Compute the gradients of the loss: by hand and with loss.backward()"))
        self.compute_button.clicked.connect(backprop.compute)
        self.back_button = QtWidgets.QPushButton(self.tr("∂ Step back"))
        self.back_button.setToolTip(self.tr("Walk one timestep back: all four phases (B)"))
        self.back_button.setShortcut(QtGui.QKeySequence("B"))
        self.back_button.clicked.connect(lambda: self.walk_back(one_phase=False))
        self.phase_button = QtWidgets.QPushButton(self.tr("∂ Phase back"))
        self.phase_button.setToolTip(self.tr("One phase of the backward step (Shift+B)"))
        self.phase_button.setShortcut(QtGui.QKeySequence("Shift+B"))
        self.phase_button.clicked.connect(lambda: self.walk_back(one_phase=True))
        self._pending_step = None  # a click on Step back waiting for the gradients it asked for
        # The gradients' one colour scale, always on show: a log scale, so a gradient that vanishes step by step back
        # pales decade by decade instead of each view being fitted to its own largest (issue 26)
        self.scale_legend = QtWidgets.QLabel()
        self.scale_legend.setFont(label_font())
        self._scale_of = None  # (gradients, layer, direction) the scale's top was found for
        self.log_top = 1.0
        # the loss and its class on a row of their own: a presentation font leaves no room beside the buttons
        choice = QtWidgets.QHBoxLayout()
        choice.addWidget(QtWidgets.QLabel(self.tr("Loss:")))
        choice.addWidget(self.loss_box, 1)
        choice.addWidget(self.class_box)
        # The gradients' colour legend beside the loss, whose short name leaves the row's end free: a line of its own
        # took a presentation strip's numbers (issue 26)
        self.loss_box.setSizeAdjustPolicy(QtWidgets.QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.loss_box.setMinimumContentsLength(8)
        choice.addWidget(self.scale_legend)
        controls = QtWidgets.QHBoxLayout()
        for button in (self.compute_button, self.back_button, self.phase_button):
            controls.addWidget(button)
        controls.addStretch(1)

        # δh_t, an LSTM's δc_t, δz_t (a gated cell's δ per gate), then what flows on: δh_{t-1} and, for a gated cell,
        # what is carried back past W_hh (an LSTM's δc_{t-1}, a GRU's share through the update gate)
        self.vectors = {name: MatrixView(colorbar=False, column_ticks=name == "gates")
                        for name in ("incoming", "cell", "pre_activation", "gates", "flowing", "carried")}
        self.weight_view = MatrixView(colorbar=False)  # its numbers say it: a bar's labels pile up in a short strip
        self._weights_drawn = None  # (gradients, ready, steps summed) the heatmap shows
        self._input_weights_drawn = None  # (gradients, the walk done, layer, direction) ∂L/∂W_ih's page shows
        # ∂L/∂W_ih: autograd computes it in one product over every step once the walk back is done (no running sum
        # to show), so it appears whole when the walk reaches its end
        self.input_weight_view = MatrixView()
        # the biases' gradients beside it at the walk's end: ∂L/∂b_ih is the same sum over steps, and ∂L/∂b_hh the
        # running sum the walk built step by step
        self.bias_views = {kind: MatrixView(colorbar=False) for kind in ("bias_ih", "bias_hh")}
        for name in ("cell", "flowing", "carried"):  # units numbered once, by δh_t's axis: the strip needs the width
            self.vectors[name].show_row_ticks(False)
        strip = self.strip = QtWidgets.QHBoxLayout()
        strip.setSpacing(2)
        # a gated cell's δ per gate is a row each (i, f, g, o), units across: four rows fit a presentation's strip
        # where the blocks stacked (4H rows) would hide some behind an ellipsis
        for name in ("incoming", "cell", "pre_activation", "gates"):
            strip.addWidget(self.vectors[name], self.STRETCH[name])
        strip.addWidget(self.weight_view, 4)
        for name in ("flowing", "carried"):
            strip.addWidget(self.vectors[name], self.STRETCH[name])
        self.equation = EquationLabel()  # wrapped as the forward's: a continuation indented under its "= "
        self.equation.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.equation.setWordWrap(True)
        self.equation.setFont(StepPanel.equation_font(self.equation_px()[1]))

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
        self.forgetting = QtWidgets.QLabel()
        self.forgetting.setWordWrap(True)

        # Connectivity: click h_t[i] in the hidden states over t and the bars below say how much it still depends on
        # each input x_k (k ≤ t), as the same hand backward computes it
        self.state_view = MatrixView(colorbar=False)
        self.state_view.note_in_title = True  # what its dashed boxes mean: the page's legend is the gradients'
        self.state_view.setToolTip(self.tr("Click h_t[i] to see which inputs it still depends on"))
        self.state_view.scene().sigMouseClicked.connect(self.state_clicked)
        self.link_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.link_plot.setLabel("bottom", "k", **{"font-size": f"{label_px()}px"})
        self.link_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=style.MANUAL)
        self.link_plot.addItem(self.link_bars)
        self.link_unit = QtWidgets.QSpinBox()
        self.link_unit.setPrefix(self.tr("unit i = "))
        self.link_time = QtWidgets.QSpinBox()
        self.link_time.setPrefix("t = ")
        self.link_button = QtWidgets.QPushButton(self.tr("Which inputs does h_t[i] depend on?"))
        self.link_button.clicked.connect(self.show_connectivity)
        links = QtWidgets.QGridLayout()  # two rows: the button's question is long in a presentation font
        links.addWidget(self.link_time, 0, 0)
        links.addWidget(self.link_unit, 0, 1)
        links.addWidget(self.link_button, 1, 0, 1, 3)
        links.setColumnStretch(2, 1)

        self.train_steps = QtWidgets.QSpinBox()
        self.train_steps.setRange(1, 100_000)
        self.train_steps.setValue(100)
        self.train_steps.setSuffix(self.tr(" steps"))
        self.train_rate = QtWidgets.QLineEdit(str(SGD.default_lr))
        self.train_rate.setToolTip(self.tr("Learning rate of the optimizer"))
        self.train_rate.setMaximumWidth(5 * QtGui.QFontMetrics(self.font()).horizontalAdvance("0"))
        self.train_optimizer = QtWidgets.QComboBox()
        for name in OPTIMIZERS:
            self.train_optimizer.addItem(name, name)
        self.train_optimizer.setToolTip(self.tr("The optimizer each step runs: torch.optim.SGD or torch.optim.Adam, "
                                                "bit for bit"))
        self.train_optimizer.currentIndexChanged.connect(self.suggest_rate)
        self.train_button = QtWidgets.QPushButton(self.tr("Train"))
        self.train_button.setToolTip(self.tr("Steps of the optimizer on this loss in the background; every step is "
                                             "torch.optim's bit for bit (Cancel stops it)"))
        self.train_button.clicked.connect(self.train)
        self.loss_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.loss_plot.setLabel("bottom", self.tr("training step"), **{"font-size": f"{label_px()}px"})
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen(style.MANUAL, width=2))
        for plot in (self.link_plot, self.loss_plot):
            style.cache_drawing(plot.getPlotItem())
        training = QtWidgets.QGridLayout()  # two rows: a presentation font leaves no room for one
        training.addWidget(QtWidgets.QLabel(self.tr("Train:")), 0, 0)
        training.addWidget(self.train_steps, 0, 1)
        training.addWidget(self.train_button, 0, 2)
        training.addWidget(QtWidgets.QLabel(self.tr("learning rate")), 1, 0)
        training.addWidget(self.train_rate, 1, 1)
        training.addWidget(self.train_optimizer, 1, 2)
        training.setColumnStretch(3, 1)

        # The walk back, where the forward pass has its step strip: the loss, the buttons, this step's gradients
        # and their equation
        self.stepping = QtWidgets.QWidget()
        left = QtWidgets.QVBoxLayout(self.stepping)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(SteadyText(self.heading))  # texts that change at every click: ui/steady.py
        left.addWidget(self.verdict)
        left.addLayout(choice)
        left.addLayout(controls)
        left.addLayout(strip, 1)
        left.addWidget(SteadyText(self.equation))
        # What the whole walk shows, where the forward pass has its comparison: one page each, so each has the
        # height a presentation font needs
        self.story = QtWidgets.QTabWidget()
        self.story.setDocumentMode(True)
        # Every gradient by hand beside autograd's, as the forward's comparison sets the hand's numbers beside nn.RNN's
        self.check_table = QtWidgets.QTableWidget(0, 4)
        self.check_table.setHorizontalHeaderLabels([self.tr("gradient"), self.tr("by hand = autograd"),
                                                    self.tr("max |Δ|"), self.tr("ulps")])
        self.check_table.verticalHeader().hide()
        self.check_table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.check_table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        self.check_table.horizontalHeader().setStretchLastSection(True)
        for widget_or_layouts, name in (((self.norm_legend, self.norm_plot, self.forgetting), self.tr("Forgetting")),
                                        ((self.check_table,), self.tr("Check")),
                                        ((self.gradient_row(),), self.tr("Gradients")),
                                        ((self.state_view, links, self.link_plot), self.tr("Connectivity")),
                                        ((training, self.loss_plot), self.tr("Train")),
                                        ((), self.tr("∂L/∂W_hh"))):
            page = QtWidgets.QWidget()
            column = QtWidgets.QVBoxLayout(page)
            column.setContentsMargins(2, 2, 2, 2)
            for part in widget_or_layouts:
                if isinstance(part, QtWidgets.QLayout):
                    column.addLayout(part)
                else:
                    column.addWidget(part, 0 if isinstance(part, QtWidgets.QLabel) else 1)
            self.story.addTab(page, name)
        self.gradient_column = column  # the last page's: a gated cell's ∂L/∂W_hh so far (place_weights)
        for page, tip in ((self.FORGETTING, self.tr("‖∂L/∂h_t‖ over t (an LSTM's ‖∂L/∂c_t‖ beside it), and what the "
                                                    "weights and gates predict")),
                          (self.CHECK, self.tr("Every gradient by hand beside what loss.backward() leaves in .grad")),
                          (self.INPUT_WEIGHTS, self.tr("Autograd computes ∂L/∂W_ih in one product over every step "
                                                       "once the walk back is done: it appears whole at the end")),
                          (self.CONNECTIVITY, self.tr("‖∂h_t[i]/∂x_k‖: which inputs a hidden unit still depends on")),
                          (self.TRAIN, self.tr("SGD or Adam steps on the loss, bitwise torch.optim's")),
                          (self.RECURRENT_WEIGHTS, self.tr("A gated cell's ∂L/∂W_hh, summed step by step back"))):
            self.story.setTabToolTip(page, tip)
        self.split = QtWidgets.QSplitter(QtCore.Qt.Horizontal)
        self.split.addWidget(self.stepping)
        self.split.addWidget(self.story)
        self.split.setStretchFactor(0, 2)  # as the forward's focus layout shares the step and the comparison
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([2000, 1000])
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.split)

        backprop.events.result.connect(self.redraw)
        backprop.events.result.connect(self.take_pending_step)
        backprop.events.cursor.connect(self.refresh)
        backprop.events.losses.connect(self.show_losses)
        backprop.events.trained.connect(self.say_what_changed)
        model.events.changed.connect(self.on_change)
        model.events.progress.connect(self.show_losses)
        self.fill_losses()
        self.show_losses()
        self.redraw()

    def place_weights(self) -> None:
        """∂L/∂W_hh so far in the strip for nn.RNN, beside the vectors it is summed from. A gated cell's strip
        holds its gates and an LSTM's δc_t and δc_{t-1} too, more than a presentation's 1024 px leave room to number;
        its ∂L/∂W_hh (G·H rows) gets a page of its own, which its phase brings up."""
        gated = self.model.session.config.cell_type.gates > 1
        self.story.setTabVisible(self.RECURRENT_WEIGHTS, gated)
        inside, outside = (self.gradient_column, self.strip) if gated else (self.strip, self.gradient_column)
        if inside.indexOf(self.weight_view) >= 0:
            return
        outside.removeWidget(self.weight_view)
        if gated:
            inside.addWidget(self.weight_view, 1)
        else:
            inside.insertWidget(inside.indexOf(self.vectors["gates"]) + 1, self.weight_view, 4)

    # --- the loss -------------------------------------------------------------------------------------------

    def on_change(self, what: frozenset) -> bool:
        """The forward model's changes this panel follows: a new trace's losses, the forward cursor, a selection."""
        if not what & {"trace", "cursor", "selected"}:
            return False
        if "trace" in what:
            self.fill_losses()
        if "cursor" in what:
            self.follow_forward()
        if "selected" in what:
            self.follow_selection()
        return True

    def fill_losses(self) -> None:
        """Σ h_n needs no data; the MSE against the input shifted one step ahead (predict x_{t+1}) is offered
        through each head that writes one value per input feature (the sine example's task) and by the output
        itself when it has as many units as the input has features. The session's default comes first."""
        from ..core.backward import next_step_losses

        config = self.model.session.config
        self.place_weights()
        self.loss_box.clear()
        for loss in next_step_losses(self.model.session, self.model.heads):
            if loss.head is not None:
                name = loss.head.name.rstrip(".")
                self.loss_box.addItem(self.tr("L = MSE({0}(output), x_{{t+1}})").format(name),
                                      LOSS_PREDICT + loss.head.name)
                self.loss_box.setItemData(self.loss_box.count() - 1, self.tr(
                    "The mean squared error of the head {0}'s prediction against the input one step ahead: "
                    "predict the next input, as the model was trained to").format(name), QtCore.Qt.ToolTipRole)
            else:
                self.loss_box.addItem(self.tr("L = MSE(output, x_{t+1})"), LOSS_SHIFTED)
                self.loss_box.setItemData(self.loss_box.count() - 1, self.tr(
                    "The mean squared error of the output against the input shifted one step: predict the next "
                    "input"), QtCore.Qt.ToolTipRole)
        self.loss_box.addItem(self.tr("L = Σ h_n"), LOSS_SUM)
        self.loss_box.setItemData(self.loss_box.count() - 1, self.tr(
            "The sum of the last hidden state: needs no data, and has no task: training on it only pushes every h "
            "toward −1, tanh's floor"), QtCore.Qt.ToolTipRole)
        if self.model.session.batched:
            for name, head in self.model.heads.items():
                # still reads this module's units, and chooses among two classes at least (one is no choice)
                if head.weight.shape[1] == config.output_size and head.weight.shape[0] > 1:
                    self.loss_box.addItem(self.tr("L = CE({0}(h_n[-1]))").format(name.rstrip(".")),
                                          LOSS_HEAD + name)
                    self.loss_box.setItemData(self.loss_box.count() - 1, self.tr(
                        "Cross-entropy of the checkpoint's head {0} against the class chosen beside").format(
                        name.rstrip(".")), QtCore.Qt.ToolTipRole)
        source = self.backprop.loss.source
        self.loss_box.addItem(self.tr("L = MSE(output, {0})").format(os.path.basename(source)) if source else
                              self.tr("L = MSE(output, target from a file…)"), LOSS_FILE)
        self.loss_box.setItemData(self.loss_box.count() - 1, self.tr(
            "The mean squared error against a target sequence you choose: .csv (one timestep a row), .npy or .json, "
            "shaped as the output"), QtCore.Qt.ToolTipRole)
        loss = self.backprop.loss
        chosen = {"mse": self.backprop_target_kind(), "cross_entropy": LOSS_HEAD + (loss.head.name if loss.head else "")}.get(
            loss.kind, LOSS_SUM)
        self.loss_box.setCurrentIndex(max(self.loss_box.findData(chosen), 0))
        self.class_box.setVisible(loss.kind == "cross_entropy")
        self.link_unit.setRange(0, config.num_directions * config.output_size - 1)
        self.link_time.setRange(0, max(self.model.seq_len - 1, 0))

    def backprop_target_kind(self) -> str:
        """Which MSE the model's loss is: the shifted input's (through a head or not), or a file's."""
        loss = self.backprop.loss
        if loss.source:
            return LOSS_FILE
        return LOSS_SHIFTED if loss.head is None else LOSS_PREDICT + loss.head.name

    def choose_loss(self, index: int) -> None:
        from ..core.backward import SUM_LAST, class_loss, next_input_loss

        chosen = self.loss_box.itemData(index)
        self.class_box.setVisible(str(chosen).startswith(LOSS_HEAD))
        if chosen == LOSS_SUM:
            self.backprop.set_loss(SUM_LAST)
            return
        if chosen == LOSS_FILE:
            path, _ = QtWidgets.QFileDialog.getOpenFileName(
                self, self.tr("Target sequence"), "", self.tr("Arrays (*.csv *.txt *.npy *.json);;All files (*)"))
            if path:
                self.load_target(path)
            else:
                self.fill_losses()  # cancelled: the box shows the loss still in use
            return
        if str(chosen).startswith(LOSS_HEAD):
            name, current = chosen[len(LOSS_HEAD):], self.backprop.loss.head
            head = current if current is not None and current.name == name else self.model.heads[name]  # as trained
            self.class_box.setRange(0, head.weight.shape[0] - 1)
            loss = class_loss(head, self.class_box.value(), self.model.trace.batch_size)
        elif str(chosen).startswith(LOSS_PREDICT):
            name, current = chosen[len(LOSS_PREDICT):], self.backprop.loss.head
            head = current if current is not None and current.name == name else self.model.heads[name]  # as trained
            loss = next_input_loss(self.model.session, head)
        else:
            loss = next_input_loss(self.model.session)
        try:
            self.backprop.set_loss(loss)
        except InputError as error:
            self.model.events.message.emit(str(error))

    def load_target(self, path: str) -> bool:
        """The MSE against the target in `path`; a file that cannot be read, or is not shaped as the output, gets a
        message and the loss stays as it was."""
        from ..core.backward import target_loss

        try:
            loss = target_loss(self.model.trace, path)
        except InputError as error:
            self.model.events.message.emit(str(error))
            self.fill_losses()
            return False
        self.backprop.set_loss(loss)
        self.fill_losses()
        return True

    # --- drawing ----------------------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Once per gradient result: the norm plot and the forgetting sentence."""
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
        set_plot_title(self.norm_plot, self.tr("‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ over t (log scale)") if with_cell else
                       self.tr("‖∂L/∂h_t‖ over t (log scale)"))
        self.norm_legend.setVisible(with_cell)
        self.norm_legend.setText(self.tr("<span style='color:{0}'>━ ‖∂L/∂h_t‖</span>   "
                                         "<span style='color:{1}'>╍ ‖∂L/∂c_t‖, along the cell state</span>").format(
            pg.mkColor(style.ACTIVE).name(), pg.mkColor(style.MANUAL).name()) if with_cell else "")
        self.forgetting.setText(self.forgetting_text() if has else "")
        self.verdict.setText(self.verdict_text() if has else "")
        self.fill_check()
        self.refresh()
        if has:
            self.fit_equation()  # the walk back's room, reserved before its first click

    def walk_back(self, one_phase: bool) -> None:
        """∂ Step back (or ∂ Phase back) from anywhere: the forward pass runs to its end first, and the gradients
        are computed when they are not yet (on the model's runner: the step is taken when they arrive)."""
        backprop, model = self.backprop, self.model
        refusal = self.refusal()
        if refusal is not None:
            model.events.message.emit(refusal)
            return
        if not model.at_end:
            model.run_to_end()
        step = backprop.step_back_phase if one_phase else backprop.step_back
        if backprop.backward is None:
            self._pending_step = step
            if not model.busy:
                backprop.compute()
            return
        step()

    def take_pending_step(self) -> None:
        """The gradients a Step back asked for are here: its step."""
        step, self._pending_step = self._pending_step, None
        if step is not None and self.backprop.ready:
            step()

    def verdict_text(self) -> str:
        """Every gradient by hand against what loss.backward() leaves in .grad, ∂L/∂x and ∂L/∂h0."""
        backward = self.backprop.backward
        if backward.bitwise_equal:
            self.verdict.setToolTip(self.tr("Every gradient by hand — the weights', the biases', ∂L/∂x{0} — is bitwise "
                                            "identical to what loss.backward() computes through {1}.").format(
                ", ∂L/∂h0" if backward.reference.h0 is not None else "", module_label(self.model.session.config)))
            return self.tr("Every gradient is loss.backward()'s, bit for bit.")
        self.verdict.setToolTip("")
        if backward.max_ulps == 0:  # bits apart at 0 ulp: zeros of opposite sign (core/distance.bits_differ)
            return self.tr("Every gradient equals loss.backward()'s through {0} as a number, but not bit for bit: "
                           "some zeros differ in sign (−0.0 against 0.0).").format(
                module_label(self.model.session.config))
        return self.tr("The textbook's backward lands up to {0:g} ulp from loss.backward() through {1}: the same "
                       "sums, grouped and ordered otherwise.").format(backward.max_ulps,
                                                                       module_label(self.model.session.config))

    def fill_check(self) -> None:
        """One row per gradient: the parameters' (∂L/∂weight_hh_l0 …), ∂L/∂x and ∂L/∂h0."""
        backward = self.backprop.backward
        rows = backward.comparison() if backward is not None else []
        self.check_table.setRowCount(len(rows))
        for r, (name, shape, same, difference, ulps) in enumerate(rows):
            name = {"input": "x"}.get(name, name)
            cells = (f"∂L/∂{name} {'×'.join(map(str, shape))}",
                     self.tr("bitwise ✓") if same else self.tr("no: ±0") if ulps == 0 else self.tr("no"),
                     f"{difference:.3g}", f"{ulps:g}")
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
                self.check_table.setItem(r, c, item)

    def forgetting_text(self) -> str:
        """What ρ(W_hh) and the mean f' predict: each step back multiplies the gradient by about their product. A
        gated cell has a path back W_hh does not touch: an LSTM's cell state (the carousel), a GRU's update gate."""
        model = self.model
        config = model.session.config
        kind, names = config.cell_type, config.cell_type.phase_names(config)
        if "cell" in kind.state and "forget_gate" in names:
            forget = self.backprop.mean_gate("forget_gate")
            return self.tr("The carousel: c_t = f_t ⊙ c_{{t-1}} + i_t ⊙ g_t, so ∂c_t/∂c_{{t-1}} = f_t, elementwise — "
                           "no W_hh, no squashing. Along the cell state each step back multiplies the gradient by "
                           "the forget gate alone, so a forget gate near 1 keeps it. Here the mean f_t is {0:.3f}."
                           ).format(forget)
        if "update_gate" in names:
            update = self.backprop.mean_gate("update_gate")
            return self.tr("h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{{t-1}}: part of δh_t reaches h_{{t-1}} as δh_t ⊙ z_t, "
                           "elementwise, past W_hh. An update gate near 1 keeps the gradient. Here the mean z_t is "
                           "{0:.3f}.").format(update)
        rho = model.trace.spectral_radius(model.layer, model.direction)
        derivative = float(self.backprop.mean_derivative().mean())
        factor = rho * derivative
        name = "tanh'" if model.session.config.nonlinearity == "tanh" else "relu'"
        if not np.isfinite(factor):
            return self.tr("ρ(W_hh) is not finite here: no prediction.")
        verdict = (self.tr("below 1: the gradient shrinks by about this much per step back and vanishes over a long "
                           "sequence — early inputs barely teach the weights") if factor < 0.95 else
                   self.tr("above 1: the gradient can grow step after step back and explode") if factor > 1.05 else
                   self.tr("near 1: the gradient keeps its size for a while"))
        return self.tr("ρ(W_hh) = {0:.3f}, mean {1} = {2:.3f}: their product {3:.3f} is {4}.").format(
            rho, name, derivative, factor, verdict)

    def refresh(self) -> None:
        backprop, model = self.backprop, self.model
        refusal = self.refusal()
        # From anywhere: a click runs the forward pass to its end and computes the gradients first (walk_back)
        walkable = refusal is None and (backprop.backward is None or backprop.position < backprop.end)
        self.back_button.setEnabled(walkable)
        self.phase_button.setEnabled(walkable)
        self.compute_button.setEnabled(backprop.backward is None and not model.busy and refusal is None)
        self.train_button.setEnabled(refusal is None)
        loss = backprop.backward.manual.loss if backprop.backward is not None else None
        if refusal is not None:
            self.heading.setText(refusal)
        elif backprop.backward is None:
            self.heading.setText(self.tr("Backward pass: press ∂ Step back (B) to run the forward pass to its end, "
                                         "compute the gradients and walk back."))
        elif not model.at_end:
            self.heading.setText(self.tr("Loss = {0}. ∂ Step back (B) runs the forward pass to its end and walks "
                                         "back.").format(style.exact(numbers(loss), model.session.config.dtype)))
        elif backprop.t is None:
            self.heading.setText(self.tr("Loss = {0}. Step back (B) walks t = {1} … {2}.").format(
                style.exact(numbers(loss), model.session.config.dtype), model.cell.walk[-1], model.cell.walk[0]))
        else:
            self.heading.setText(self.tr("Backward, t = {0} (step {1} of {2} back) — phase {3} of {5}: {4}").format(
                backprop.t, backprop.step_index + 1, model.seq_len, backprop.phases.index(backprop.phase) + 1,
                self.phase_title(backprop.phase), len(backprop.phases)))
        self.draw_vectors()
        text = self.equation_text()
        if text != self.equation.text():
            self.equation.setText(text)  # its SteadyText grows, should it need more lines than reserved
        if backprop.backward is not None:
            self.norm_marker.setVisible(backprop.t is not None)
            if backprop.t is not None:
                self.norm_marker.setValue(backprop.t)

    # The equation's share of the walk back's height at most: the strip's numbers need the rest.
    EQUATION_SHARE = 0.4
    # The share reserved for it before it is written: a projector's 2× font leaves the vectors their numbers
    RESERVED_SHARE = 0.25

    @staticmethod
    def equation_px() -> tuple[int, int]:
        """The smallest and largest pixel size of the equation: the back row's in presentation, shrinking to the
        legible minimum only when a long vector's lines would leave the strip no room."""
        font = max(round(style.pt_to_px(style.font_pt())), style.MIN_LEGIBLE_PX)
        return font, max(font, style.MIN_PROMINENT_PX)

    def fit_equation(self) -> None:
        """The largest size whose lines fit EQUATION_SHARE of the walk back's height, and room for the tallest
        equation the walk writes: a height changing every click would relayout, and so repaint, every view of the
        panel (as the step panel's texts, measured there). Between resizes its SteadyText grows, should a text need
        more lines still."""
        # The walk back's column, which the equation spans: the label's own width is stale until the page is laid
        # out, and a page set up before the window shows (--back) measured lines 100 px wide, 550 px tall, and
        # pushed the window past the size asked for
        width = max(self.stepping.width(), 1)
        low, px = self.equation_px()
        budget = self.EQUATION_SHARE * self.stepping.height()
        self.equation.setFont(StepPanel.equation_font(px))
        while px > low and self.equation.heightForWidth(width) > budget:
            px -= 1
            self.equation.setFont(StepPanel.equation_font(px))
        height = self.equation.heightForWidth(width) if self.equation.text() else 0
        if self.backprop.backward is not None:
            reserved = QtWidgets.QLabel(self.reserved_equation())
            reserved.setFont(self.equation.font())
            reserved.setWordWrap(self.equation.wordWrap())
            height = max(height, min(reserved.heightForWidth(width), int(self.RESERVED_SHARE * self.stepping.height())))
        self.equation.setMinimumHeight(height)

    def reserved_equation(self) -> str:
        """The tallest equation this session's walk back writes: δz's three vectors of the widest numbers (numpy's
        scientific notation) under the longest first line. Reserved at each resize, the equation's height stays
        put from click to click: a height that grows mid-walk relayouts, and so repaints, every view of the page."""
        config = self.model.session.config
        widest = style.vector_text(np.full(config.hidden_size, -1.2345678e-05, dtype=numpy_dtype(config.dtype)),
                                   config.dtype)
        first = "∂L/∂W_hh += δz_0000ᵀ h_0000   " + self.tr("(summed back to front, as autograd sums it)")
        if config.cell_type.gates > 1:  # a gated cell's tallest: the gates' formulas, its numbers in the strip
            return ("δi = δc ⊙ g ⊙ i(1 − i),  δf = δc ⊙ c_0000 ⊙ f(1 − f),  δg = δc ⊙ i ⊙ (1 − g²),  "
                    "δo = (δh W_hr) ⊙ tanh(c) ⊙ o(1 − o)   " + self.tr("(each gate's row beside, at step {0})").format(0))
        return f"{first}\n    = {widest} ⊙ (1 − {widest}²)\n    = {widest}"

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_equation()

    def follow_forward(self) -> None:
        """The forward pass moved. A page the window has hidden (the forward page is on show) is brought up to date
        when it shows: a forward step's latency has no room for drawing a page nobody sees."""
        if self.window().isVisible() and not self.isVisible():
            self._behind_forward = True
            return
        self.draw_forward()

    def draw_forward(self) -> None:
        """What the forward pass's cursor decides here: the buttons and heading, and the output's revealed steps."""
        self._behind_forward = False
        self.refresh()
        self.draw_states()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._behind_forward:
            self.draw_forward()
        self.fit_equation()

    def refusal(self) -> str | None:
        """Why this session's backward pass is not stepped (a GRU's in the textbook order), said rather than showing
        gradients nobody has checked; None when it is."""
        from ..backprop import check_walked

        session = self.model.session
        try:
            check_walked(session)
        except InputError:
            if hasattr(session.config.cell_type.steps, "kernel_backward"):
                return self.tr("The backward pass of {0} is stepped and checked in the kernel order; in the "
                               "textbook order it is not yet.").format(module_label(session.config))
            return self.tr("The backward pass of {0} is not stepped yet.").format(module_label(session.config))
        return None

    def phase_title(self, phase: str) -> str:
        return {"incoming": self.tr("the gradient arriving at h_t"),
                "cell": self.tr("the gradient along the cell state"),
                "pre_activation": self.tr("through the nonlinearity"),
                "gates": self.tr("through each gate"),
                "weights": self.tr("the recurrent weights' share"),
                "flowing": self.tr("what flows on to the state before")}[phase]

    def gradient_scale(self) -> float:
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
        self.scale_legend.setText(self.scale_legend_text())
        self.scale_legend.setToolTip(self.tr(
            "Every gradient on this page on one colour scale: its sign by hue, its magnitude on a log scale from "
            "{0} (full colour) down {1} decades to {2} (white). A gradient that vanishes step by step back pales "
            "decade by decade. The numbers in the cells are the true values.").format(
            style.power_of_ten(self.log_top), style.LOG_DECADES,
            style.power_of_ten(self.log_top * 10.0 ** -style.LOG_DECADES)))
        return self.log_top

    def scale_legend_text(self) -> str:
        """The log scale as swatches at whole decades, −top … 0 … top, and what it is."""
        top, half = self.log_top, style.LOG_DECADES // 2
        marks = [-top, -top * 10.0 ** -half, 0.0, top * 10.0 ** -half, top]
        samples = "".join(swatch(style.power_of_ten(v) if v else "0", float(style.log_position(np.array([v]), top)[0]),
                                 1.0) for v in marks)
        return samples + " " + self.tr("log scale")  # one line: the tooltip says the rest

    def draw_vectors(self) -> None:
        backprop = self.backprop
        config = self.model.session.config
        kind = config.cell_type
        H, P, G = config.hidden_size, config.output_size, kind.gates
        gated = G > 1
        shown = backprop.t is not None
        top = self.gradient_scale()

        def revealed(phase, value, units):
            """The step's vector once its phase is shown; blank before, and where the walk back ends."""
            blank = np.full(units, np.nan)
            if not shown or not backprop.revealed(phase):
                return blank
            value = value()
            return blank if value is None else value

        values = {"incoming": revealed("incoming", backprop.incoming, P),
                  "cell": revealed("cell", backprop.cell_gradient, H),
                  "pre_activation": revealed("pre_activation", backprop.pre_activation, H),
                  "gates": revealed("gates", backprop.pre_activation, G * H).reshape(G, H),  # gate × unit
                  "flowing": revealed("flowing", backprop.flowing, P),
                  "carried": revealed("flowing", backprop.carried, H if "cell" in kind.state else P)}
        before = "t+1" if self.model.direction else "t-1"  # the reverse cell's previous state is h_{t+1}
        if "cell" in kind.state:  # the LSTM: δc along the cell state, and its carousel back
            carried = (f"δc<sub>{before}</sub>", "δc<sub>t</sub> ⊙ f<sub>t</sub>")
        else:  # the GRU: h_{t-1}'s share through the update gate, past W_hh
            carried = (f"δh<sub>{before}</sub> ←", "δh<sub>t</sub> ⊙ z<sub>t</sub>")
        titles = {"incoming": ("δh<sub>t</sub>", "∂L/∂h<sub>t</sub>"),
                  "cell": ("δc<sub>t</sub>", "∂L/∂c<sub>t</sub>"),
                  "pre_activation": ("δz<sub>t</sub>", "δh ⊙ f'(z)"),
                  "gates": ("δ" + ", δ".join(kind.gate_names), self.tr("at each gate")),
                  # a GRU's share through W_hh: δs_t is its recurrent term's gradient (δn_t ⊙ r_t in its n block)
                  "flowing": ((f"δh<sub>{before}</sub>" + (" ←" if "cell" not in kind.state else ""),
                               "W<sub>hh</sub><sup>T</sup> δs<sub>t</sub>") if gated else
                              (f"δh<sub>{before}</sub>", "W<sub>hh</sub><sup>T</sup> δz<sub>t</sub>")),
                  "carried": carried}
        active = {"incoming": "incoming", "cell": "cell", "pre_activation": "pre_activation", "gates": "gates",
                  "flowing": "flowing", "carried": "flowing"}
        on_show = {"cell": "cell" in kind.state, "pre_activation": not gated, "gates": gated, "carried": gated}
        for name, view in self.vectors.items():
            visible = on_show.get(name, True)
            view.setVisible(visible)
            stretch = (self.GATED_STRETCH if gated else self.STRETCH)[name] if visible else 0
            if self.strip.stretch(self.strip.indexOf(view)) != stretch:  # once per cell type: a change relayouts
                self.strip.setStretchFactor(view, stretch)
            view.set_title(titles[name][0], active=backprop.phase == active[name], subtitle=titles[name][1])
            view.set_matrix(values[name], row_labels=list(kind.gate_names) if name == "gates" else None,
                            log_top=top)
        self.weight_view.set_title(self.tr("∂L/∂W_hh so far"), active=backprop.phase == "weights")
        drawn = (id(backprop.backward), backprop.ready, len(backprop.summed()) if backprop.ready else 0,
                 backprop.position == backprop.end)
        if drawn != self._weights_drawn:  # it changes once a step: a 256 × 256 image is not redrawn every phase
            self._weights_drawn = drawn
            if backprop.ready and backprop.summed():
                weight, _ = backprop.recurrent_weight_gradient()
            else:  # nothing summed yet: blank, not a sum of zero terms drawn as zeros
                weight = np.full((G * H, P), np.nan)
            self.weight_view.set_matrix(weight, blocks=kind.gate_names if gated else (), log_top=top)
            if gated and backprop.phase == "weights":
                self.story.setCurrentIndex(self.RECURRENT_WEIGHTS)  # a gated cell's sum is on a page (place_weights)
            self.draw_input_weights()

    def gradient_row(self) -> QtWidgets.QWidget:
        """∂L/∂W_ih above the biases' gradients, each a row of units: the page's width goes to W_ih's columns."""
        column = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input_weight_view, 3)
        for view in self.bias_views.values():
            layout.addWidget(view, 1)
        return column

    def draw_input_weights(self) -> None:
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
                                 np.full(rows, np.nan))[None, :], log_top=self.gradient_scale())
        width = config.input_size if model.layer == 0 else config.num_directions * config.output_size
        values = (numbers(backprop.backward.manual.parameters[name]) if done else
                  np.full((rows, width), np.nan))
        if done and not np.array_equal(self.input_weight_view.values(), values, equal_nan=True):
            self.story.setCurrentIndex(self.INPUT_WEIGHTS)  # the walk's last click brings it: it appears whole
        self.input_weight_view.set_title(self.tr("∂L/∂W_ih"), subtitle=self.tr("one product over every step, at "
                                                                                "the walk's end"))
        gates = config.cell_type.gate_names
        self.input_weight_view.set_matrix(values, blocks=gates if len(gates) > 1 else (), log_top=self.gradient_scale())

    def equation_text(self) -> str:
        backprop, model = self.backprop, self.model
        if backprop.t is None:
            return ""
        t, phase = backprop.t, backprop.phase
        vec = style.vector_text
        walk = model.cell.walk
        config = model.session.config
        kind = config.cell_type
        later = "t+1" if model.direction == 0 else "t-1"
        step_later = t + 1 if model.direction == 0 else t - 1
        # the state this step read: h_{t+1} in the reverse direction, h0 at the walk's first step
        first = t == walk[0]
        before = "h0" if first else f"h_{t + 1 if model.direction else t - 1}"
        cell_before = "c0" if first else f"c_{t + 1 if model.direction else t - 1}"
        gated = kind.gates > 1
        if phase == "incoming":
            sources = []
            if t == walk[-1] and backprop.loss.kind == "sum_last" and model.layer == config.num_layers - 1:
                sources.append(self.tr("1 from the loss Σ h_n"))
            elif backprop.loss.kind == "mse" and model.layer == config.num_layers - 1:
                sources.append(self.tr("the loss's ∂L/∂output_t"))
            if model.layer < config.num_layers - 1:
                sources.append(self.tr("the layer above"))
            if t != walk[-1]:
                sources.append(self.tr("what flowed back from step {0}").format(later))
            return f"δh_{t} = ∂L/∂h_{t}  ({' + '.join(sources)})\n    = {vec(backprop.incoming())}"
        if phase == "pre_activation":
            h = numbers(model.cell.hidden[t, model.batch])
            if config.nonlinearity == "tanh":
                return (f"δz_{t} = δh_{t} ⊙ (1 − h_{t}²)\n    = {vec(backprop.incoming())} ⊙ (1 − {vec(h)}²)"
                        f"\n    = {vec(backprop.pre_activation())}")
            return (f"δz_{t} = δh_{t} ⊙ [h_{t} > 0]\n    = {vec(backprop.incoming())} ⊙ {vec((h > 0).astype(int))}"
                    f"\n    = {vec(backprop.pre_activation())}")
        # with proj_size, what reaches o_t ⊙ tanh(c_t) is δm_t = δh_t W_hr
        dm = f"(δh_{t} W_hr)" if config.proj_size else f"δh_{t}"
        if phase == "cell":
            first_line = f"δc_{t} = {dm} ⊙ o_{t} ⊙ (1 − tanh²(c_{t}))"
            if t != walk[-1]:
                first_line += f" + δc_{step_later} ⊙ f_{step_later}"
            return first_line  # its numbers are δc_t's column beside: a gated strip needs the height
        if phase == "gates":
            if "cell" in kind.state:
                formula = (f"δi = δc ⊙ g ⊙ i(1 − i),  δf = δc ⊙ {cell_before} ⊙ f(1 − f),  "
                           f"δg = δc ⊙ i ⊙ (1 − g²),  δo = {dm.replace(f'_{t}', '')} ⊙ tanh(c) ⊙ o(1 − o)")
            else:
                formula = (f"δz = δh ⊙ ({before} − n) ⊙ z(1 − z),  δn = δh ⊙ (1 − z) ⊙ (1 − n²),  "
                           f"δr = δn ⊙ s_n ⊙ r(1 − r)")
            return formula + "   " + self.tr("(each gate's row beside, at step {0})").format(t)
        if phase == "weights":
            weight, bias = backprop.recurrent_weight_gradient()
            if gated:  # δs_t, every gate block: its sum so far is on the Gradients page (place_weights)
                blocks = [f"δ{gate}" for gate in kind.gate_names]
                if "cell" not in kind.state:  # the GRU's candidate reads r_t ⊙ s_n: its block is δn_t ⊙ r_t
                    blocks[-1] += f" ⊙ r_{t}"
                text = f"∂L/∂W_hh += δs_{t}ᵀ {before}" + (f",  ∂L/∂b_hh += δs_{t}" if bias is not None else "")
                return (f"{text},  δs_{t} = ({' | '.join(blocks)})\n"
                        + self.tr("(summed back to front, as autograd sums it: on the page ∂L/∂W_hh)"))
            # the sum so far is the heatmap beside: a matrix written out would take the strip's height
            text = (f"∂L/∂W_hh += δz_{t}ᵀ {before}   " + self.tr("(summed back to front, as autograd sums it)"))
            if bias is not None:
                text += f"\n∂L/∂b_hh += δz_{t}\n    " + self.tr("so far:") + f" {vec(bias)}"
            return text
        flowing = backprop.flowing()
        if flowing is None:
            return self.tr("No h0 was given: the walk back ends here.")
        if not gated:
            return (f"δ{before} += δz_{t} W_hh   (W_hhᵀ δz_{t}: " + self.tr("this step's share") + f")\n"
                    f"    = {vec(flowing)}")
        # the formulas alone: their numbers are the two columns beside, and a gated strip needs the height that
        # vectors written out here would take
        if "cell" in kind.state:
            text = f"δ{before} += δs_{t} W_hh"
            if backprop.carried() is None:
                return text + "\n" + self.tr("No c0 was given: the cell path ends here.")
            return text + f"\nδ{cell_before} = δc_{t} ⊙ f_{t}   (" + self.tr("the carousel") + ")"
        return f"δ{before} += δh_{t} ⊙ z_{t} + δs_{t} W_hh   (" + self.tr("two shares, beside") + ")"

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
            self.state_view.set_title(self.tr("output h_t (units × t): click one"), subtitle=self.state_view.title_note())
            self.state_view.set_matrix(states, bounds=(-1.0, 1.0) if model.session.config.nonlinearity == "tanh"
                                       else None, dtype=model.session.config.dtype)

    def state_clicked(self, event) -> None:
        cell = self.state_view.cell_at(event.scenePos())
        if cell is None:
            return
        unit, t = cell
        start, stop = self.model.unrevealed()
        if start <= t < stop:
            self.model.events.message.emit(self.tr("h_{0} is not revealed yet: step the forward pass there first")
                                           .format(t))
            return
        self.link_unit.setValue(unit)
        self.link_time.setValue(t)
        self.show_connectivity()

    def follow_selection(self) -> None:
        """h_t[i] of the last layer opened anywhere in the window (the strip, the sequence's heatmap) is the unit
        whose connectivity this page asks about: its numbers are the module's output."""
        selected, config = self.model.selected, self.model.session.config
        if selected is None:
            return
        layer, direction, t, batch, phase, unit = selected
        if phase != "hidden" or layer != config.num_layers - 1 or unit >= config.output_size:
            return
        self.link_time.setValue(t)
        self.link_unit.setValue(direction * config.output_size + unit)
        if self.isVisible():
            self.show_connectivity()

    # --- connectivity and training -------------------------------------------------------------------------

    def show_connectivity(self) -> None:
        """‖∂h_t[i]/∂x_k‖ for every k, computed by the same hand backward (L = h_t[i]) on the model's runner."""
        from ..core.backward import connectivity

        trace, t, unit, batch = self.model.trace, self.link_time.value(), self.link_unit.value(), self.model.batch
        self.story.setCurrentIndex(self.CONNECTIVITY)

        def show(strip):
            if self.model.trace is not trace:
                return
            values = numbers(strip).astype(np.float64)
            self.link_bars.setOpts(x=np.arange(values.size), height=values, width=0.8)
            set_plot_title(self.link_plot, self.tr("‖∂h_{0}[{1}]/∂x_k‖: how much h_{0}[{1}] still depends on each "
                                                   "input").format(t, unit))

        self.model.run(lambda progress: connectivity(trace, t, unit, batch), show)

    def train(self) -> None:
        self.story.setCurrentIndex(self.TRAIN)  # where the loss is plotted as it falls
        try:
            rate = float(self.train_rate.text())
            self.backprop.train(self.train_steps.value(), rate, self.train_optimizer.currentData())
        except ValueError:
            self.model.events.message.emit(self.tr("The learning rate must be a number, e.g. 0.1"))
        except InputError as error:
            self.model.events.message.emit(str(error))

    def say_what_changed(self) -> None:
        """After Train: the loss before and after, and the parameter that moved most."""
        losses, changes = self.backprop.training_losses, self.backprop.changes()
        if not losses or not changes:
            return
        name, size = changes[0]
        self.model.events.message.emit(self.tr("Trained {0} {5} steps: the loss went from {1:.6g} to {2:.6g}; "
                                               "{3} moved most, by up to {4:.3g}").format(
            len(losses), losses[0], losses[-1], name, size, self.backprop.trained_with))

    def suggest_rate(self) -> None:
        """The chosen optimizer's usual rate, unless the user typed one of their own."""
        if self.train_rate.text() in {str(optimizer.default_lr) for optimizer in OPTIMIZERS.values()}:
            self.train_rate.setText(str(OPTIMIZERS[self.train_optimizer.currentData()].default_lr))

    def show_losses(self, *_):
        losses = self.backprop.training_losses
        self.loss_plot.setVisible(bool(losses))
        if losses:
            self.loss_curve.setData(np.arange(1, len(losses) + 1), np.asarray(losses, dtype=np.float64))
            set_plot_title(self.loss_plot, self.tr("Loss over the {1} steps ({0} so far)").format(
                len(losses), self.backprop.trained_with))
