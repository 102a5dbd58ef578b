"""Backpropagation through time, stepped: the walk back where the forward pass has its step strip (ui/walk_back.py),
and what the whole walk shows on pages where the forward pass has its comparison. A view of the `Backprop` model
(rnn_stepper/backprop.py) and of the forward model: it keeps no numbers of its own, and draws its parts."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ..backprop import Backprop
from ..model import StepperModel
from .backward_page import BackwardPage
from .connectivity_page import ConnectivityPage
from .forgetting_page import ForgettingPage
from .gradient_check_page import GradientCheckPage
from .input_weight_gradient_page import InputWeightGradientPage
from .training_page import TrainingPage
from .walk_back import WalkBack


class BackwardPanel(QtWidgets.QWidget):
    # the pages of what the whole walk shows; RECURRENT_WEIGHTS only for a gated cell (place_weights)
    FORGETTING, CHECK, INPUT_WEIGHTS, CONNECTIVITY, TRAIN, RECURRENT_WEIGHTS = range(6)

    def __init__(self, model: StepperModel, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.model, self.backprop = model, backprop
        # Behind the forward pass until it shows: built when the backward pass is first asked for (MainWindow's
        # `backward`), it draws the forward cursor's part (draw_forward) as it first comes up, as a panel hidden
        # while the forward pass moved does
        self._behind_forward = True
        self.walk = WalkBack(model, backprop)
        self.forgetting = ForgettingPage(model, backprop)
        self.check = GradientCheckPage(backprop)
        self.input_weights = InputWeightGradientPage(model, backprop, self.walk.scale_legend)
        self.connectivity = ConnectivityPage(model)
        self.training = TrainingPage(model, backprop)
        self.recurrent_weights = BackwardPage()  # a gated cell's ∂L/∂W_hh so far (place_weights)
        # What the whole walk shows, where the forward pass has its comparison: one page each, so each has the
        # height a presentation font needs
        self.story = QtWidgets.QTabWidget()
        self.story.setDocumentMode(True)
        for page, name, tip in (
                (self.forgetting, self.tr("Forgetting"), self.tr("‖∂L/∂h_t‖ over t (an LSTM's ‖∂L/∂c_t‖ beside it), "
                                                                 "and what the weights and gates predict")),
                (self.check, self.tr("Check"), self.tr("Every gradient by hand beside what loss.backward() leaves in "
                                                       ".grad")),
                (self.input_weights, self.tr("Gradients"), self.tr("Autograd computes ∂L/∂W_ih in one product over "
                                                                   "every step once the walk back is done: it appears "
                                                                   "whole at the end")),
                (self.connectivity, self.tr("Connectivity"), self.tr("‖∂h_t[i]/∂x_k‖: which inputs a hidden unit still "
                                                                     "depends on")),
                (self.training, self.tr("Train"), self.tr("SGD or Adam steps on the loss, bitwise torch.optim's")),
                (self.recurrent_weights, self.tr("∂L/∂W_hh"), self.tr("A gated cell's ∂L/∂W_hh, summed step by step "
                                                                       "back"))):
            self.story.setTabToolTip(self.story.addTab(page, name), tip)
            page.wanted.connect(lambda page=page: self.story.setCurrentWidget(page))
        self.split = QtWidgets.QSplitter(QtCore.Qt.Horizontal)
        self.split.addWidget(self.walk)
        self.split.addWidget(self.story)
        self.split.setStretchFactor(0, 2)  # as the forward's focus layout shares the step and the comparison
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([2000, 1000])
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.split)

        backprop.events.result.connect(self.redraw)
        backprop.events.result.connect(self.walk.take_pending_step)
        backprop.events.cursor.connect(self.refresh)
        backprop.events.losses.connect(self.training.show_losses)
        backprop.events.trained.connect(self.training.say_what_changed)
        model.events.changed.connect(self.on_change)
        model.events.progress.connect(self.training.show_losses)
        self.fill_losses()
        self.connectivity.follow_selection()  # an h_t[i] opened before the panel was built is the one asked about
        self.training.show_losses()
        self.redraw()

    def place_weights(self) -> None:
        """∂L/∂W_hh so far in the strip for nn.RNN, beside the vectors it is summed from. A gated cell's strip
        holds its gates and an LSTM's δc_t and δc_{t-1} too, more than a presentation's 1024 px leave room to number;
        its ∂L/∂W_hh (G·H rows) gets a page of its own, which its phase brings up."""
        gated = self.model.session.config.cell_type.gates > 1
        self.story.setTabVisible(self.RECURRENT_WEIGHTS, gated)
        weight_view, strip, page = self.walk.weight_view, self.walk.strip, self.recurrent_weights.column
        inside, outside = (page, strip) if gated else (strip, page)
        if inside.indexOf(weight_view) >= 0:
            return
        outside.removeWidget(weight_view)
        if gated:
            inside.addWidget(weight_view, 1)
        else:
            inside.insertWidget(inside.indexOf(self.walk.vectors["gates"]) + 1, weight_view, 4)

    def on_change(self, what: frozenset) -> bool:
        """The forward model's changes this panel follows: a new trace's losses, the forward cursor, a selection."""
        if not what & {"trace", "cursor", "selected"}:
            return False
        if "trace" in what:
            self.fill_losses()
        if "cursor" in what:
            self.follow_forward()
        if "selected" in what and self.connectivity.follow_selection() and self.isVisible():
            self.connectivity.show_connectivity()
        return True

    def fill_losses(self) -> None:
        """A new trace: where ∂L/∂W_hh goes, the losses it offers, the units and steps a connectivity is asked of."""
        self.place_weights()
        self.walk.loss.fill()
        self.connectivity.fit_ranges()

    def redraw(self) -> None:
        """Once per gradient result: the norm plot and the forgetting sentence, the verdict and the check."""
        self.forgetting.draw()
        self.walk.show_verdict()
        self.check.draw()
        self.refresh()
        if self.backprop.backward is not None:
            self.walk.fit_equation()  # the walk back's room, reserved before its first click

    def refresh(self) -> None:
        """Where the walk back is: its column, the weights' gradients that sum up on the pages, and its step
        marked on the norms."""
        backprop = self.backprop
        if self.walk.refresh():  # ∂L/∂W_hh so far drawn anew: once a step
            if self.model.session.config.cell_type.gates > 1 and backprop.phase == "weights":
                self.story.setCurrentIndex(self.RECURRENT_WEIGHTS)  # a gated cell's sum is on a page (place_weights)
            self.input_weights.draw()
        self.training.train_button.setEnabled(self.walk.refusal() is None)
        if backprop.backward is not None:
            self.forgetting.mark()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.walk.fit_equation()

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
        self.connectivity.draw_states()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._behind_forward:
            self.draw_forward()
        self.walk.fit_equation()
