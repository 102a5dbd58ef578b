"""The loss the walk back differentiates, chosen beside its buttons: Σ h_n, the MSE against the next input (through
a checkpoint's head or the output itself), a classifier head's cross-entropy against a class, or the MSE against a
target read from a file. The choice is the `Backprop` model's (its `loss`): this row only offers and sets it."""

from __future__ import annotations

import os

from PySide6 import QtCore, QtWidgets

from ..backprop import Backprop
from ..core.errors import InputError
from ..model import StepperModel
from .backward_page import translate

LOSS_SUM, LOSS_SHIFTED, LOSS_HEAD, LOSS_FILE = "sum_last", "shifted", "head:", "file"
LOSS_PREDICT = "predict:"  # the next input, predicted through a head


class LossChoice(QtWidgets.QWidget):
    """"Loss:", the losses this session offers, and the class a cross-entropy is taken against. Its texts keep
    BackwardPanel's translation context (ui/backward_page.py)."""

    def __init__(self, model: StepperModel, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.model, self.backprop = model, backprop
        self.loss_box = QtWidgets.QComboBox()
        self.loss_box.setToolTip(translate("BackwardPanel", "What is differentiated"))
        self.loss_box.activated.connect(self.choose)
        # short: the gradients' colour legend shares the row (WalkBack)
        self.loss_box.setSizeAdjustPolicy(QtWidgets.QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.loss_box.setMinimumContentsLength(8)
        self.class_box = QtWidgets.QSpinBox()  # the class a classifier's cross-entropy is taken against
        self.class_box.setPrefix(translate("BackwardPanel", "class "))
        self.class_box.setToolTip(translate("BackwardPanel", "The right answer for every batch row"))
        self.class_box.valueChanged.connect(lambda _: self.choose(self.loss_box.currentIndex()))
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QtWidgets.QLabel(translate("BackwardPanel", "Loss:")))
        row.addWidget(self.loss_box, 1)
        row.addWidget(self.class_box)

    def fill(self) -> None:
        """Σ h_n needs no data; the MSE against the input shifted one step ahead (predict x_{t+1}) is offered
        through each head that writes one value per input feature (the sine example's task) and by the output
        itself when it has as many units as the input has features. The session's default comes first."""
        from ..core.backward import next_step_losses

        config = self.model.session.config
        self.loss_box.clear()

        def offer(text: str, chosen: str, tip: str) -> None:
            self.loss_box.addItem(text, chosen)
            self.loss_box.setItemData(self.loss_box.count() - 1, tip, QtCore.Qt.ToolTipRole)

        for loss in next_step_losses(self.model.session, self.model.heads):
            if loss.head is not None:
                name = loss.head.name.rstrip(".")
                offer(translate("BackwardPanel", "L = MSE({0}(output), x_{{t+1}})").format(name),
                      LOSS_PREDICT + loss.head.name,
                      translate("BackwardPanel", "The mean squared error of the head {0}'s prediction against the "
                                "input one step ahead: predict the next input, as the model was trained to"
                                ).format(name))
            else:
                offer(translate("BackwardPanel", "L = MSE(output, x_{t+1})"), LOSS_SHIFTED,
                      translate("BackwardPanel", "The mean squared error of the output against the input shifted one "
                                "step: predict the next input"))
        offer(translate("BackwardPanel", "L = Σ h_n"), LOSS_SUM,
              translate("BackwardPanel", "The sum of the last hidden state: needs no data, and has no task: training "
                        "on it only pushes every h toward −1, tanh's floor"))
        if self.model.session.batched:
            for name, head in self.model.heads.items():
                # still reads this module's units, and chooses among two classes at least (one is no choice)
                if head.weight.shape[1] == config.output_size and head.weight.shape[0] > 1:
                    offer(translate("BackwardPanel", "L = CE({0}(h_n[-1]))").format(name.rstrip(".")),
                          LOSS_HEAD + name,
                          translate("BackwardPanel", "Cross-entropy of the checkpoint's head {0} against the class "
                                    "chosen beside").format(name.rstrip(".")))
        source = self.backprop.loss.source
        offer(translate("BackwardPanel", "L = MSE(output, {0})").format(os.path.basename(source)) if source else
              translate("BackwardPanel", "L = MSE(output, target from a file…)"), LOSS_FILE,
              translate("BackwardPanel", "The mean squared error against a target sequence you choose: .csv (one "
                        "timestep a row), .npy or .json, shaped as the output"))
        loss = self.backprop.loss
        chosen = {"mse": self.backprop_target_kind(),
                  "cross_entropy": LOSS_HEAD + (loss.head.name if loss.head else "")}.get(loss.kind, LOSS_SUM)
        self.loss_box.setCurrentIndex(max(self.loss_box.findData(chosen), 0))
        self.class_box.setVisible(loss.kind == "cross_entropy")

    def backprop_target_kind(self) -> str:
        """Which MSE the model's loss is: the shifted input's (through a head or not), or a file's."""
        loss = self.backprop.loss
        if loss.source:
            return LOSS_FILE
        return LOSS_SHIFTED if loss.head is None else LOSS_PREDICT + loss.head.name

    def choose(self, index: int) -> None:
        from ..core.backward import SUM_LAST, class_loss, next_input_loss

        chosen = self.loss_box.itemData(index)
        self.class_box.setVisible(str(chosen).startswith(LOSS_HEAD))
        if chosen == LOSS_SUM:
            self.backprop.set_loss(SUM_LAST)
            return
        if chosen == LOSS_FILE:
            path, _ = QtWidgets.QFileDialog.getOpenFileName(
                self, translate("BackwardPanel", "Target sequence"), "",
                translate("BackwardPanel", "Arrays (*.csv *.txt *.npy *.json);;All files (*)"))
            if path:
                self.load_target(path)
            else:
                self.fill()  # cancelled: the box shows the loss still in use
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
            self.fill()
            return False
        self.backprop.set_loss(loss)
        self.fill()
        return True
