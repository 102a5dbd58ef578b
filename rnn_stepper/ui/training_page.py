"""The backward pass's Train page: steps of SGD or Adam on the loss, each torch.optim's bit for bit, in the
background, with the loss plotted as it falls; afterwards the window says what changed."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from ..backprop import Backprop
from ..core.errors import InputError
from ..core.optimizers import OPTIMIZERS, SGD
from ..model import StepperModel
from . import style
from .backward_page import BackwardPage, translate
from .plots import legible_axes, set_plot_title, without_menus
from .typography import label_px


class TrainingPage(BackwardPage):
    def __init__(self, model: StepperModel, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.model, self.backprop = model, backprop
        self.train_steps = QtWidgets.QSpinBox()
        self.train_steps.setRange(1, 100_000)
        self.train_steps.setValue(100)
        self.train_steps.setSuffix(translate("BackwardPanel", " steps"))
        self.train_rate = QtWidgets.QLineEdit(str(SGD.default_lr))
        self.train_rate.setToolTip(translate("BackwardPanel", "Learning rate of the optimizer"))
        self.train_rate.setMaximumWidth(5 * QtGui.QFontMetrics(self.font()).horizontalAdvance("0"))
        self.train_optimizer = QtWidgets.QComboBox()
        for name in OPTIMIZERS:
            self.train_optimizer.addItem(name, name)
        self.train_optimizer.setToolTip(translate("BackwardPanel", "The optimizer each step runs: torch.optim.SGD or "
                                                  "torch.optim.Adam, bit for bit"))
        self.train_optimizer.currentIndexChanged.connect(self.suggest_rate)
        self.train_button = QtWidgets.QPushButton(translate("BackwardPanel", "Train"))
        self.train_button.setToolTip(translate("BackwardPanel", "Steps of the optimizer on this loss in the "
                                               "background; every step is torch.optim's bit for bit (Cancel stops it)"))
        self.train_button.clicked.connect(self.train)
        self.loss_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.loss_plot.setLabel("bottom", translate("BackwardPanel", "training step"),
                                **{"font-size": f"{label_px()}px"})
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen(style.MANUAL, width=2))
        style.cache_drawing(self.loss_plot.getPlotItem())
        training = QtWidgets.QGridLayout()  # two rows: a presentation font leaves no room for one
        training.addWidget(QtWidgets.QLabel(translate("BackwardPanel", "Train:")), 0, 0)
        training.addWidget(self.train_steps, 0, 1)
        training.addWidget(self.train_button, 0, 2)
        training.addWidget(QtWidgets.QLabel(translate("BackwardPanel", "learning rate")), 1, 0)
        training.addWidget(self.train_rate, 1, 1)
        training.addWidget(self.train_optimizer, 1, 2)
        training.setColumnStretch(3, 1)
        self.add(training, self.loss_plot)

    def train(self) -> None:
        self.wanted.emit()  # where the loss is plotted as it falls
        try:
            rate = float(self.train_rate.text())
            self.backprop.train(self.train_steps.value(), rate, self.train_optimizer.currentData())
        except ValueError:
            self.model.events.message.emit(translate("BackwardPanel", "The learning rate must be a number, e.g. 0.1"))
        except InputError as error:
            self.model.events.message.emit(str(error))

    def say_what_changed(self) -> None:
        """After Train: the loss before and after, and the parameter that moved most."""
        losses, changes = self.backprop.training_losses, self.backprop.changes()
        if not losses or not changes:
            return
        name, size = changes[0]
        self.model.events.message.emit(translate("BackwardPanel", "Trained {0} {5} steps: the loss went from {1:.6g} "
                                                 "to {2:.6g}; {3} moved most, by up to {4:.3g}").format(
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
            set_plot_title(self.loss_plot, translate("BackwardPanel", "Loss over the {1} steps ({0} so far)").format(
                len(losses), self.backprop.trained_with))
