"""The backward pass on show, without the window: which loss, its gradients, and a cursor walking them back.

Once the forward cursor has reached the end of the sequence, Step back walks the shown cell's timesteps in reverse
(t = T-1 … 0 for a forward cell), one phase per click. nn.RNN's four phases:

    incoming         δh_t = ∂L/∂h_t            from the loss, the layer above and step t+1
    pre_activation   δz_t = δh_t ⊙ f'(z_t)      1 − h_t² for tanh, the mask h_t > 0 for relu
    weights          ∂L/∂W_hh += δz_tᵀ h_{t-1}   (and ∂L/∂b_hh += Σ_batch δz_t), summed as autograd sums them
    flowing          δh_{t-1} = δz_t W_hh       on to the step before

A gated cell walks gate by gate (`walk_phases`): its `gates` phase shows δ at each gate's argument, the cell type's
blocks stacked (r, z, n; i, f, g, o) in place of δz_t, and an LSTM first shows δc_t, the gradient along its cell
state (`cell`). What flows on is δh_{t-1} and, along the path W_hh does not touch, `carried`: an LSTM's
δc_{t-1} = δc_t ⊙ f_t, a GRU's share δh_t ⊙ z_t of δh_{t-1} through the update gate (its other share, through W_hh,
is what `flowing` shows for it).

Every number comes from core/backward's hand pass, which is autograd's own bit for bit in kernel order. Like the
StepperModel it sits beside, it knows no Qt: views subscribe to `events` and draw what it says.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from .core.distance import numbers, numpy_dtype
from .model import Signal, StepperModel

if TYPE_CHECKING:
    from .core.backward import Backward, CellGradients, Loss

PHASES = ("incoming", "pre_activation", "weights", "flowing")  # nn.RNN's: one nonlinearity between z_t and h_t


def walk_phases(kind) -> tuple[str, ...]:
    """The phases of one step back for a cell type: nn.RNN's PHASES; a gated cell's δ per gate in place of δz_t,
    after δc_t for a cell type with a cell state (the LSTM)."""
    if kind.gates == 1:
        return PHASES
    return ("incoming",) + (("cell",) if "cell" in kind.state else ()) + ("gates", "weights", "flowing")


def check_walked(session) -> None:
    """InputError unless the window's walk back fits this session: its backward pass is stepped for this cell type
    and order (core/backward.check_stepped: nn.RNN in either order, nn.LSTM in either, nn.GRU in kernel order)."""
    from .core.backward import check_stepped

    check_stepped(session)


class Backprop:
    """Events: `result` (new gradients, or none: the forward session changed), `cursor` (the backward cursor
    moved), `losses` (a training run reported its losses so far), `trained` (a training run finished: its session
    before is `trained_from`)."""

    def __init__(self, model: StepperModel) -> None:
        self.model = model
        self.events = SimpleNamespace(result=Signal(), cursor=Signal(), losses=Signal(), trained=Signal())
        self.trained_from = None  # the session the last training run started from
        self.trained_with = "SGD"  # the optimizer it ran (core/optimizers.OPTIMIZERS)
        self._loss: Loss | None = None  # None: the session's default (default_loss)
        self._backward: Backward | None = None
        self._position = 0  # revealed backward phases of the shown cell
        self._sums: tuple[int, object, object] | None = None  # (steps summed, ∂L/∂W_hh so far, ∂L/∂b_hh so far)
        self.training_losses: list[float] = []
        self._trained = 0  # how many of training_losses belong to steps the window has shown
        model.events.trace.connect(self._forget)
        model.events.stopped.connect(self._training_stopped)
        model.events.cell.connect(self._cell_changed)

    # --- what is shown --------------------------------------------------------------------------------------

    @property
    def loss(self) -> Loss:
        return self._loss or self.default_loss()

    def default_loss(self) -> Loss:
        """A task where the session has one: predicting the next input, through a head that writes one value per
        input feature (the sine example's) or by the output itself where it is as wide as the input. Otherwise
        Σ h_n, which needs no data and has no task."""
        from .core.backward import SUM_LAST, next_step_losses

        return next(iter(next_step_losses(self.model.session, self.model.heads)), SUM_LAST)

    @property
    def backward(self) -> Backward | None:
        return self._backward

    @property
    def ready(self) -> bool:
        """Whether Step back can start: the forward pass has reached T and the gradients are known."""
        return self._backward is not None and self.model.at_end

    @property
    def gradients(self) -> CellGradients:
        model = self.model
        return self._backward.cells[model.layer * model.trace.config.num_directions + model.direction]

    @property
    def position(self) -> int:
        return self._position

    @property
    def phases(self) -> tuple[str, ...]:
        """The phases of one step back for the session on show (walk_phases)."""
        return walk_phases(self.model.session.config.cell_type)

    @property
    def end(self) -> int:
        return self.model.seq_len * len(self.phases)

    @property
    def step_index(self) -> int | None:
        """How many steps back the cursor is (0: the walk's last timestep), None before the first click."""
        return None if self._position == 0 else (self._position - 1) // len(self.phases)

    @property
    def phase(self) -> str | None:
        return None if self._position == 0 else self.phases[(self._position - 1) % len(self.phases)]

    @property
    def t(self) -> int | None:
        return None if self._position == 0 else self.model.cell.walk[-1 - self.step_index]

    def revealed(self, phase: str) -> bool:
        phases = self.phases
        return self._position > 0 and phase in phases and phases.index(phase) <= phases.index(self.phase)

    def summed(self) -> list[int]:
        """The timesteps whose share of ∂L/∂W_hh has been added (their weights phase shown), from the walk's end."""
        phases = self.phases
        weights = phases.index("weights")
        done = (self._position + len(phases) - 1 - weights) // len(phases)
        return self.model.cell.walk[::-1][:done]

    # --- the numbers of the step on show --------------------------------------------------------------------

    def incoming(self) -> np.ndarray:
        return numbers(self.gradients.hidden[self.t, self.model.batch])

    def pre_activation(self) -> np.ndarray:
        """δz_t; for a gated cell δ at each gate's argument, its blocks stacked (G·H,) in the cell type's order."""
        return numbers(self.gradients.pre_activation[self.t, self.model.batch])

    def cell_gradient(self) -> np.ndarray | None:
        """An LSTM's δc_t = ∂L/∂c_t: what reaches c_t from h_t and along the cell state from step t+1. None for
        a cell without a cell state."""
        cell = self.gradients.cell
        return None if cell is None else numbers(cell[self.t, self.model.batch])

    def flowing(self) -> np.ndarray | None:
        """δh_{t-1} = δz_t W_hh, from step t alone (the loss and the layer above add theirs to it at t-1); a GRU's
        share of it through W_hh, ∂L/∂s_t W_hh (its other share is `carried`). None at the walk's first step when h0
        is not a leaf: the module's zeros need no gradient."""
        gradients = self.gradients
        per_step = gradients.flowing if gradients.flowing is not None else gradients.through_weights
        flowing = per_step[self.t]
        return None if flowing is None else numbers(flowing[self.model.batch])

    def carried(self) -> np.ndarray | None:
        """What step t hands back along the path W_hh does not touch: an LSTM's δc_{t-1} = δc_t ⊙ f_t, a GRU's
        share δh_t ⊙ z_t of δh_{t-1}. None for nn.RNN, and at the walk's first step unless c0 (h0) is a leaf."""
        per_step = self.gradients.carried
        carried = None if per_step is None else per_step[self.t]
        return None if carried is None else numbers(carried[self.model.batch])

    def recurrent_weight_gradient(self) -> tuple[np.ndarray, np.ndarray | None]:
        """∂L/∂W_hh and ∂L/∂b_hh summed over the steps walked back so far, in autograd's order (kernel order: the
        same partial sums autograd's accumulation passes through, so at t = 0 they are `.grad` bit for bit).
        Kept as the cursor moves one step at a time; a jump sums again."""
        import torch

        from .core.steps import recurrent_weight_share
        from .core.trace import parameters

        model = self.model
        walk = model.cell.walk
        steps = len(self.summed())
        if self._sums is None or self._sums[0] > steps:
            self._sums = (0, None, None)
        done, weight, bias = self._sums
        p = parameters(model.trace.config.cell_type, dict(model.trace.reference.module.named_parameters()),
                       model.layer, model.direction)
        with torch.no_grad():
            for k in range(done, steps):
                t = walk[-1 - k]
                grad_recurrent = self.gradients.recurrent_term[t]  # ∂L/∂s_t: δz_t, a gated cell's every block
                share, bias_share = recurrent_weight_share(grad_recurrent, model.cell.h_prev_at(t), p)
                weight = share if weight is None else weight + share
                if bias_share is not None:
                    bias = bias_share if bias is None else bias + bias_share
        self._sums = (steps, weight, bias)
        shape = tuple(p.W_hh.shape)
        if weight is None:
            return np.zeros(shape, dtype=numpy_dtype(model.session.config.dtype)), None if p.b_hh is None else np.zeros(shape[0])
        return numbers(weight), None if bias is None else numbers(bias)

    def norms(self) -> np.ndarray:
        """‖∂L/∂h_t‖ over units and batch rows, for every t of the shown cell."""
        return numbers(self.gradients.norms)

    def cell_norms(self) -> np.ndarray | None:
        """An LSTM's ‖∂L/∂c_t‖ for every t: what survives along the cell state. None for other cells."""
        norms = self.gradients.cell_norms
        return None if norms is None else numbers(norms)

    def mean_gate(self, name: str) -> float:
        """A gate's mean over units, batch rows and timesteps of the shown cell, as the forward pass computed it:
        the forget gate's says how much of δc each step back keeps."""
        return float(self.model.cell.phases[name].double().mean())

    def mean_derivative(self) -> np.ndarray:
        """The mean of f'(z_t) over units and batch rows, per t: tanh' = 1 − h_t², relu' = 1 where h_t > 0."""
        model = self.model
        hidden = model.cell.hidden.double()
        if model.trace.config.nonlinearity == "tanh":
            derivative = 1 - hidden * hidden
        else:
            derivative = (hidden > 0).double()
        return numbers(derivative.flatten(1).mean(1))

    # --- the loss -------------------------------------------------------------------------------------------

    def set_loss(self, loss: Loss | None) -> None:
        """Choose what is differentiated (None: the session's default); the gradients are computed again when
        asked for."""
        if loss is not None:
            loss.check(self.model.trace)  # InputError (a target of the wrong shape) before anything changes
        self._loss = loss
        self._forget()

    # --- moving the cursor ----------------------------------------------------------------------------------

    def compute(self) -> None:
        """The gradients of the session on show, through the model's runner (a worker thread in the window)."""
        from .core.backward import backward_pass

        trace, loss = self.model.trace, self.loss
        self.model.run(lambda progress: backward_pass(trace, loss), self._show)

    def _show(self, backward: Backward) -> None:
        if backward.trace is not self.model.trace:
            return  # the forward session changed while it computed
        self._backward = backward
        self._position = 0
        self._sums = None
        self.events.result.emit()
        self.events.cursor.emit()

    def _forget(self) -> None:
        if self._backward is not None or self._position:
            self._backward, self._position, self._sums = None, 0, None
            self.events.result.emit()
            self.events.cursor.emit()

    def _cell_changed(self) -> None:
        self._sums = None
        self.move_to(0)

    def move_to(self, position: int) -> None:
        position = max(0, min(self.end, int(position)))
        if position != self._position:
            self._position = position
            self.events.cursor.emit()

    def step_back(self) -> None:
        """Reveal the rest of the next timestep back (all its phases)."""
        P = len(self.phases)
        self.move_to((self._position // P + 1) * P)

    def step_back_phase(self) -> None:
        self.move_to(self._position + 1)

    def undo_phase(self) -> None:
        self.move_to(self._position - 1)

    # --- training -------------------------------------------------------------------------------------------

    def changes(self) -> list[tuple[str, float]]:
        """Each parameter's largest |change| over the last training run, largest first: what Train did."""
        before, after = self.trained_from, self.model.session
        if before is None:
            return []
        moved = [(name, float((after.weights[name].double() - weight.double()).abs().max()))
                 for name, weight in before.weights.items() if name in after.weights]
        return sorted(moved, key=lambda pair: -pair[1])

    def _training_stopped(self, _error) -> None:
        """A cancelled chunk's steps were never shown: their losses go too."""
        if len(self.training_losses) > self._trained:
            del self.training_losses[self._trained:]
            self.events.losses.emit()

    def train(self, steps: int, lr: float, optimizer: str = "SGD") -> None:
        """`steps` steps of torch.optim.SGD(lr) or torch.optim.Adam(lr) (core/optimizers) on the loss, in the
        background, in about twenty chunks: after each the window shows the session as trained so far, so the
        weights and hidden states change as the class watches. Each step: the forward trace, the hand backward,
        the optimizer's update. A run starts a fresh optimizer, as a new training script does. Cancel keeps the
        chunks already shown."""
        from .core.backward import backward_pass
        from .core.errors import InputError
        from .core.optimizers import OPTIMIZERS, optimizer_step
        from .core.trace import compute_trace

        if steps < 1 or not np.isfinite(lr) or lr <= 0:
            raise InputError("train with at least 1 step and a learning rate above 0, e.g. 10 steps at 0.1")
        if optimizer not in OPTIMIZERS:
            raise InputError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        stepper = OPTIMIZERS[optimizer](lr)
        self.trained_with = optimizer
        model = self.model
        chunk = max(1, steps // 20)
        trained_loss = [self.loss]  # a classifier's head trains with the module
        losses = self.training_losses = []  # read by the loss plot on each progress report, as it grows
        self._trained = 0
        self.trained_from = model.session

        def run_chunk(session, trace):
            count = min(chunk, steps - len(losses))

            def work(progress):
                current, current_trace, loss = session, trace, trained_loss[0]
                for _ in range(count):
                    backward = backward_pass(current_trace, loss)
                    losses.append(float(backward.manual.loss))
                    progress(len(losses), steps)  # raises Cancelled when the user cancels
                    current, loss = optimizer_step(current, loss, backward.manual, stepper)
                    current_trace = compute_trace(current)
                for cell in current_trace.cells:  # ρ(W_hh) off the GUI thread, as the model's own computations
                    current_trace.spectral_radius(cell.layer, cell.direction)
                return current, current_trace, loss

            def then(result):
                trained, trained_trace, trained_loss[0] = result
                first = self._trained == 0  # Ctrl+Z undoes the whole run: its later chunks are not changes of their own
                self._trained = len(losses)
                model.show_computed(trained, trained_trace, undoable=first)
                self._loss = trained_loss[0]  # a head trained with the module lives on in its loss
                self.events.losses.emit()
                if len(losses) < steps:
                    run_chunk(trained, trained_trace)
                else:
                    self.events.trained.emit()

            model.run(work, then, pending=session)

        run_chunk(model.session, model.trace)
