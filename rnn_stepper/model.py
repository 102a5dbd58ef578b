"""What the window shows, without the window: the session, its trace, and a cursor moving through it.

Views take a `StepperModel`, subscribe to its events and read everything they draw from it. Nothing here knows Qt,
so every rule of stepping is tested without a display.

Computing a trace can take seconds (and the first one waits for torch to load), so the model hands each
computation to a `runner`. The default runs it at once; the window's runs it on a worker thread and the model
is `busy` meanwhile, still showing the previous session. torch is imported inside the methods that need it, so
a window can exist, and paint, before torch has loaded.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from .core.errors import InputError
from .history import History
from .jobs import Jobs, run_now

if TYPE_CHECKING:
    from .core.session import Session
    from .core.trace import CellTrace, Trace


class Signal:
    """A list of callbacks: `connect(fn)`, then `emit(...)` calls each."""

    def __init__(self) -> None:
        self._slots: list = []

    def connect(self, slot) -> None:
        self._slots.append(slot)

    def disconnect(self, slot) -> None:
        self._slots.remove(slot)

    def emit(self, *args) -> None:
        for slot in list(self._slots):
            slot(*args)

    def disconnect_owners(self, owners) -> None:
        """Drop every slot that is a method of one of `owners` (a view going away)."""
        ids = {id(owner) for owner in owners}
        self._slots = [s for s in self._slots if id(getattr(s, "__self__", None)) not in ids]


class StepperModel:
    """The cursor counts revealed phases: 0 shows nothing, each phase of each timestep reveals one more.

    A click on Step reveals the rest of the current timestep (the notebook's loop body); Step phase reveals one
    phase. The cursor walks the shown cell's timesteps in that cell's order (T-1 … 0 for a reverse cell).

    Each operation is announced once (`_announce`), with the set of what it changed: `changed(what)`, `what` a
    frozenset of "trace" (a new session was computed), "cell" (another layer, direction or batch row is on show),
    "cursor" (the position moved; also after each of the others), "selected" (the element whose arithmetic is open),
    "guesses" (Predict, then reveal's guesses, or the mode) and "units" (the units the comparison follows). Views
    listen to `changed` and redraw once for it, from the model's state alone. The same changes are also signalled
    one kind at a time (`trace`, `cell`, `cursor`, `selected`, `guesses`, `units`), before `changed`, for code that
    follows one kind (the backward pass, the session files). Others: `message` (a note for the user, e.g. what a
    config change kept), `saved` (the session became saved or unsaved), `busy` (a computation started or ended),
    `progress(done, total)` (how far it is), `stopped(error)` (it was cancelled or failed, and the previous
    session stays on show).

    Every change of the session (an edit, a new option, imported weights, a whole Train run) can be undone and
    redone (`undo`, `redo`; the sessions are kept by `history`, history.py). Opening a file starts a new history.

    Each computation goes through `jobs` (jobs.py), one at a time, by `runner(work, done, progress)`: at once by
    default, on a worker in the window. With no session the model computes the notebook's, torch and all, through
    the runner too.
    """

    def __init__(self, session: Session | None = None, runner=run_now) -> None:
        self.events = SimpleNamespace(changed=Signal(), message=Signal(), saved=Signal(), busy=Signal(),
                                      progress=Signal(), stopped=Signal(),
                                      **{kind: Signal() for kind in self.CHANGES})
        self._selected = None  # the element whose arithmetic is open (issue 12): see select() at the end
        self.jobs = Jobs(self.events, runner)
        self._session = self._saved = None  # _saved: the session as last opened or saved; else unsaved work
        self._phases: tuple[str, ...] | None = None  # the session's, kept: a step asks for them ~40 times
        self._trace = None
        self._position = 0
        self._layer = self._direction = self._batch = 0
        # Linear layers found beside the recurrent module in the last checkpoint imported, name → core Head: a
        # classifier's h2o, for the backward pass's cross-entropy loss. Not part of a session file.
        self.heads: dict = {}
        # What the file the session came from did not record and was assumed, option → the sentence that says it
        # with the flag that changes it (cli.assumptions): shown by the window until that option is set or
        # another file is opened. Not part of a session file.
        self.assumptions: dict[str, str] = {}
        self._backprop = None
        self.history = History()
        self._compute(session, saved=True)

    @property
    def backprop(self):
        """The backward pass beside this forward one (rnn_stepper/backprop.py), made on first use and kept with the
        model, so a rebuilt window shows the same gradients at the same step."""
        if self._backprop is None:
            from .backprop import Backprop

            self._backprop = Backprop(self)
        return self._backprop

    # --- what is shown --------------------------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        """The session on show; None only until the first trace is ready."""
        return self._session

    @property
    def trace(self) -> Trace | None:
        return self._trace

    @property
    def busy(self) -> bool:
        """A computation is under way; the session on show (if any) stays until it is done."""
        return self.jobs.busy

    # The computation under way (jobs.py), as the window reads and sets it.
    runner = property(lambda self: self.jobs.runner, lambda self, runner: setattr(self.jobs, "runner", runner))
    pending = property(lambda self: self.jobs.pending, doc="the session being computed, once it exists")
    reading = property(lambda self: self.jobs.reading, doc="the file being read")

    @property
    def layer(self) -> int:
        return self._layer

    @property
    def direction(self) -> int:
        return self._direction

    @property
    def batch(self) -> int:
        return self._batch

    @property
    def cell(self) -> CellTrace:
        return self._trace.cell(self._layer, self._direction)

    @property
    def seq_len(self) -> int:
        return 0 if self._trace is None else self._trace.seq_len

    @property
    def position(self) -> int:
        return self._position

    @property
    def phases(self) -> tuple[str, ...]:
        """One step's phases, in click order: the cell type's (core/cells), the notebook's RNN before a trace."""
        if self._phases is None:
            from .core.config import RNNConfig

            self._phases = (self._session.config if self._session is not None else RNNConfig()).phases
        return self._phases

    @property
    def end(self) -> int:
        return self.seq_len * len(self.phases)

    @property
    def step_index(self) -> int | None:
        """Which step of the walk is on screen (0 is the cell's first), or None before the first click."""
        return None if self._position == 0 else (self._position - 1) // len(self.phases)

    @property
    def phase_index(self) -> int | None:
        return None if self._position == 0 else (self._position - 1) % len(self.phases)

    @property
    def phase(self) -> str | None:
        return None if self._position == 0 else self.phases[self.phase_index]

    @property
    def t(self) -> int | None:
        """The timestep on screen, in the input's own numbering."""
        return None if self._position == 0 else self.cell.walk[self.step_index]

    @property
    def completed(self) -> list[int]:
        """Timesteps whose hidden state has been revealed, in walking order."""
        return self.cell.walk[: self._position // len(self.phases)]

    @property
    def stepped(self) -> list[int]:
        """The completed timesteps at which the batch row on show was stepped: all of them, but those after a
        packed batch's shorter sequence has ended, where the kernel no longer steps it. Read twice a step: asking
        has_ended of each timestep cost ~10 µs each, 20 ms a step near the end of T = 1,000."""
        length = self.cell.length(self._batch)
        return [t for t in self.completed if t < length]

    def has_ended(self, t: int | None = None) -> bool:
        """Whether the batch row on show has ended before t (the cursor's timestep by default): a packed batch
        steps each sequence up to its length only."""
        t = (self.t if self.t is not None else self.cell.walk[0]) if t is None else t
        return self._batch in self.cell.ended(t)

    def unrevealed(self) -> tuple[int, int]:
        """The timesteps [start, stop) whose hidden state is not revealed yet: the end of the sequence for a forward
        cell, its beginning for a reverse one."""
        done, T = len(self.completed), self.seq_len
        return (done, T) if self._direction == 0 else (0, T - done)

    def revealed(self, phase: str) -> bool:
        """Whether the current step has reached `phase` yet."""
        return self._position > 0 and self.phases.index(phase) <= self.phase_index

    def max_abs_diff_so_far(self) -> float:
        done = self.completed
        return float(self.cell.step_abs_diff[done].max()) if done else 0.0

    def max_ulps_so_far(self) -> float:
        done = self.completed
        return float(self.cell.step_ulps[done].max()) if done else 0.0

    # --- moving the cursor ----------------------------------------------------------------------------------

    CHANGES = ("trace", "cell", "cursor", "selected", "guesses", "units")  # what an operation may change, in order

    def _announce(self, *what: str) -> None:
        """One operation's changes, announced once. First what follows from them inside the model: a selection no
        longer revealed is closed, another step's guesses are forgotten; then each kind's own signal; then
        `changed` with the whole set, once."""
        what = set(what)
        if what & {"trace", "cell", "cursor"}:
            if self._guesses[1] and self._guesses[0] != self._step_key():  # guesses belong to one step
                self._guesses = (None, {})
                what.add("guesses")
            key = self._selected
            if key is not None and not (self._fits(key) and self.selectable(key[2], key[4], *key[:2], key[3])):
                self._selected = None
                what.add("selected")
        for kind in self.CHANGES:
            if kind in what:
                getattr(self.events, kind).emit()
        self.events.changed.emit(frozenset(what))

    def move_to(self, position: int) -> None:
        position = max(0, min(self.end, int(position)))
        if position != self._position:
            self._position = position
            self._announce("cursor")

    predict_first = False  # "predict, then reveal": a step stops just before h_t; the next click reveals it

    def step(self) -> None:
        P = len(self.phases)
        if self.predict_first and self._position % P == 0:
            self.move_to(self._position + P - 1)  # everything of the next timestep but its hidden state
        else:
            self.move_to((self._position // P + 1) * P)

    def step_phase(self) -> None:
        self.move_to(self._position + 1)

    def back(self) -> None:
        P = len(self.phases)
        self.move_to((self._position - 1) // P * P if self._position else 0)

    def back_phase(self) -> None:
        self.move_to(self._position - 1)

    def reset(self) -> None:
        self.move_to(0)

    def run_to_end(self) -> None:
        self.move_to(self.end)

    @property
    def at_end(self) -> bool:
        return self._position >= self.end

    def show_cell(self, layer: int, direction: int = 0, batch: int | None = None) -> None:
        config = self._session.config
        layer = max(0, min(config.num_layers - 1, layer))
        direction = max(0, min(config.num_directions - 1, direction))
        batch = self._batch if batch is None else max(0, min(self._trace.batch_size - 1, batch))
        if (layer, direction, batch) != (self._layer, self._direction, self._batch):
            self._layer, self._direction, self._batch = layer, direction, batch
            self._announce("cell", "cursor")

    def unsubscribe(self, owners) -> None:
        owners = list(owners)
        events = [self.events] + ([self._backprop.events] if self._backprop is not None else [])
        for signal in (signal for group in events for signal in vars(group).values()):
            signal.disconnect_owners(owners)

    # --- saved or not -----------------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """Whether the session differs from the one last opened or saved (moving the cursor does not count)."""
        return self._session is not self._saved

    def mark_saved(self) -> None:
        self._saved = self._session
        self.events.saved.emit()

    def cursor_state(self) -> dict:
        return {"position": self._position, "layer": self._layer, "direction": self._direction,
                "batch": self._batch}

    def open_session(self, session: Session, cursor: dict | None = None, saved: bool = True) -> None:
        """Show a session from a file at its saved cursor; as saved, unless it is restored unsaved work."""
        self.assumptions = {}
        self._compute(session, cursor=cursor or {}, saved=saved, history="open")

    # --- changing the session: each recomputes the trace once and keeps the cursor ------------------------

    def set_session(self, session: Session) -> Session:
        """Compute and show `session`; returns it, since with a background runner it is not on show yet."""
        self._compute(session)
        return session

    def cancel(self) -> None:
        """Stop the computation under way; the session on show stays."""
        self.jobs.cancel()

    # --- undo and redo (history.py) ---------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return self.history.can_undo

    @property
    def can_redo(self) -> bool:
        return self.history.can_redo

    def undo(self) -> bool:
        """Back to the session before the last change (Ctrl+Z); False when there was none."""
        if not self.history.can_undo:
            return False
        self._compute(self.history.before[-1], history="undo")
        return True

    def redo(self) -> bool:
        """The change undone last, again (Ctrl+Shift+Z); False when nothing was undone."""
        if not self.history.can_redo:
            return False
        self._compute(self.history.undone[-1], history="redo")
        return True

    def _compute(self, session: Session | None, cursor: dict | None = None, saved: bool = False,
                 history: str = "edit") -> None:
        """Compute `session`'s trace (the notebook's session when None) through the runner, then show it."""

        def work(progress):
            from .core.session import make_session
            from .core.trace import compute_trace

            shown = session or make_session()
            trace = compute_trace(shown, progress)
            for cell in trace.cells:  # ρ(W_hh) takes an eigendecomposition: a second at H = 1,024, so not on
                trace.spectral_radius(cell.layer, cell.direction)  # the GUI thread when a cell is shown
            return shown, trace

        self.run(work, lambda result: self._show(*result, cursor=cursor, saved=saved, history=history),
                 pending=session)

    def run(self, work, then, failed=None, pending: Session | None = None, reading: str | None = None) -> None:
        """`work(progress)` as the model's one computation (Jobs.run): busy meanwhile, cancellable, replacing any
        under way; its result to `then`, an error to `failed` (else `stopped`)."""
        self.jobs.run(work, then, failed, pending, reading)

    def _show(self, session: Session, trace: Trace, cursor: dict | None, saved: bool, history: str) -> None:
        was_dirty = self.dirty
        if self._session is not None:
            self.history.replaced(self._session, history)
        before, after = len(self.phases), len(session.config.phases)
        if before != after:  # another cell type: keep the timestep, not the count of phases
            done, partial = divmod(self._position, before)
            self._position = done * after + min(partial, after - 1)
        self._session, self._trace = session, trace
        self._phases = session.config.phases
        if self._saved is None:
            self._saved = session  # the first session shown is the one opened
        if cursor is not None:
            self._layer, self._direction, self._batch = (cursor.get(k, 0) for k in ("layer", "direction", "batch"))
            self._position = cursor.get("position", 0)
        config = session.config
        self._layer = max(0, min(self._layer, config.num_layers - 1))
        self._direction = max(0, min(self._direction, config.num_directions - 1))
        self._batch = max(0, min(self._batch, trace.batch_size - 1))
        self._position = max(0, min(self._position, self.end))
        self._announce("trace", "cursor")
        if saved:
            self.mark_saved()
        elif self.dirty != was_dirty:
            self.events.saved.emit()

    def show_computed(self, session: Session, trace: Trace, undoable: bool = True) -> None:
        """Show a session whose trace was computed elsewhere (a training step's), as unsaved work, the cursor kept.
        `undoable=False`: the session on show does not come back on its own (a Train run's later chunks: Ctrl+Z
        undoes the whole run)."""
        self._show(session, trace, cursor=None, saved=False, history="edit" if undoable else "none")

    def configure(self, **changes) -> Session:
        """Change config fields, `seed` or `order`; raises InputError (and changes nothing) when they don't fit."""
        from .core.session import reconfigured

        session = reconfigured(self._session, **changes)  # InputError here changes nothing
        # an option set is no longer assumed: the note goes with the trace the change announces
        self.assumptions = {k: v for k, v in self.assumptions.items() if k not in changes}
        return self.set_session(session)

    def sequence(self) -> np.ndarray:
        """The input as (B, T, I), a copy the caller may change."""
        from .core.distance import numbers
        from .core.session import batch_major

        return numbers(batch_major(self._session)).copy()

    def set_sequence(self, rows) -> Session:
        """A new (B, T, I) input. A new width changes input_size too, and so draws new weights."""
        from .core.session import reconfigured, with_inputs

        rows = np.asarray(rows, dtype=np.float64)
        session = self._session
        if rows.ndim == 3 and rows.shape[-1] != session.config.input_size:
            session = reconfigured(session, input_size=int(rows.shape[-1]))
        return self.set_session(with_inputs(session, rows))

    def import_weights(self, weights: dict) -> Session:
        """A checkpoint's nn.RNN parameters (keys as nn.RNN names them); raises InputError and changes nothing
        when they do not form an nn.RNN."""
        from .core.session import with_imported_weights

        return self.set_session(with_imported_weights(self._session, weights))

    def set_weight(self, name: str, index: tuple[int, ...], value: float) -> Session:
        from .core.session import with_weight

        return self.set_session(with_weight(self._session, name, index, value))

    # --- the element whose arithmetic is open (issue 12): one number of the trace, any phase, any unit ----------

    @property
    def selected(self) -> tuple[int, int, int, int, str, int] | None:
        """(layer, direction, t, batch, phase, unit) of the element a breakdown is open for, or None."""
        return self._selected

    def selectable(self, t: int, phase: str, layer: int | None = None, direction: int | None = None,
                   batch: int | None = None) -> bool:
        """Whether that element is on show: in the cell on show and revealed by the cursor. Nothing after the
        cursor may be opened, or its arithmetic would give the answer away."""
        layer = self._layer if layer is None else layer
        direction = self._direction if direction is None else direction
        batch = self._batch if batch is None else batch
        if self._trace is None or (layer, direction, batch) != (self._layer, self._direction, self._batch):
            return False
        if phase not in self.phases or t not in self.cell.walk:
            return False
        return self.cell.walk.index(t) * len(self.phases) + self.phases.index(phase) < self._position

    def select(self, t: int, phase: str, unit: int, layer: int | None = None, direction: int | None = None,
               batch: int | None = None) -> bool:
        """Open element `unit` of `phase` at t (the cell on show unless named). Returns False, and leaves the
        selection as it was, when that element is not revealed yet; raises InputError when it does not exist."""
        layer = self._layer if layer is None else layer
        direction = self._direction if direction is None else direction
        batch = self._batch if batch is None else batch
        key = (int(layer), int(direction), int(t), int(batch), str(phase), int(unit))
        if self._trace is None or not self._fits(key):
            raise InputError(f"no element {phase}[t={t}, unit {unit}] in layer {layer}, direction {direction}, "
                             f"batch row {batch} of this session")
        if not self.selectable(key[2], key[4], *key[:2], key[3]):
            return False
        if key != self._selected:
            self._selected = key
            self._announce("selected")
        return True

    def clear_selection(self) -> None:
        if self._selected is not None:
            self._selected = None
            self._announce("selected")

    def _fits(self, key) -> bool:
        layer, direction, t, batch, phase, unit = key
        config = self._session.config
        if not (0 <= layer < config.num_layers and 0 <= direction < config.num_directions
                and 0 <= t < self.seq_len and 0 <= batch < self._trace.batch_size and phase in self.phases):
            return False
        return 0 <= unit < self._trace.cell(layer, direction).phases[phase].shape[-1]

    # --- moving to a step by where it is in the network: the unrolled diagram's click -----------------------------

    def show_step(self, layer: int, direction: int, t: int) -> None:
        """Show cell (layer, direction) at timestep t with its step done (every phase revealed): a click on that
        cell of the unrolled network. t is the input's own numbering, whichever way the cell walks."""
        self.show_cell(layer, direction)
        walk = self.cell.walk
        t = max(0, min(len(walk) - 1, int(t)))
        self.move_to((walk.index(t) + 1) * len(self.phases))

    def computed(self, layer: int, direction: int) -> tuple[int, int]:
        """The timesteps [start, stop) of cell (layer, direction) the walk on show has computed, in PyTorch's
        order: layer by layer, each layer's forward direction before its reverse. Every cell below the one on show
        is done (its outputs are this one's input), every cell after it not yet; in the cell on show, the steps
        whose h_t is revealed."""
        T = self.seq_len
        here = (self._layer, self._direction)
        if (layer, direction) < here:
            return 0, T
        if (layer, direction) > here:
            return (0, 0) if direction == 0 else (T, T)
        start, stop = self.unrevealed()
        return (0, start) if direction == 0 else (stop, T)

    # --- Predict, then reveal: the class's guesses at h_t (issue 12) ------------------------------------------------

    _guesses: tuple = (None, {})  # (the step they were typed at, {unit: guess})

    def set_predict(self, on: bool) -> None:
        self.predict_first = bool(on)
        self._announce("guesses")

    def _step_key(self):
        return (id(self._session), self._layer, self._direction, self._batch, self.step_index)

    @property
    def awaiting_guess(self) -> bool:
        """Predict, then reveal has stopped the step just before h_t: the moment to guess it."""
        return (self.predict_first and self._trace is not None and self._position > 0
                and self.phase_index == len(self.phases) - 2)

    @property
    def guesses(self) -> dict[int, float]:
        """The guesses typed for the step on show, unit → value; none once the cursor has left that step."""
        key, values = self._guesses
        return dict(values) if key == self._step_key() else {}

    def set_guess(self, unit: int, value: float | None) -> None:
        """Guess h_t[unit] for the step on show (None takes the guess back). Raises InputError for a unit h_t does
        not have; the value is any float, NaN and ±inf included, as typed."""
        size = self._session.config.output_size
        if not 0 <= int(unit) < size:
            raise InputError(f"h_t has units 0 … {size - 1}; there is no unit {unit}")
        values = self.guesses
        if value is None:
            values.pop(int(unit), None)
        else:
            values[int(unit)] = float(value)
        self._guesses = (self._step_key(), values)
        self._announce("guesses")

    def guess_errors(self) -> dict[int, tuple[float, float, float]]:
        """Once h_t is revealed: unit → (guess, h_t[unit], guess − h_t[unit]) for each guess; before, nothing."""
        if self._position == 0 or not self.revealed("hidden"):
            return {}
        truth = self.cell.hidden[self.t, self._batch].double().numpy()
        return {u: (g, float(truth[u]), g - float(truth[u])) for u, g in sorted(self.guesses.items())}

    # --- the units the comparison follows (issue 12 §4) ----------------------------------------------------------

    MAX_FOLLOWED = 8  # as many units as the comparison plot can tell apart by colour
    _followed: tuple[int, ...] | None = None  # chosen by the user; None: the first MAX_FOLLOWED

    @property
    def followed_units(self) -> tuple[int, ...]:
        """The hidden units (of h's size: proj_size if projected) the comparison plots, ascending. A choice made
        for a larger h keeps the units that still exist; none left: the first ones again."""
        size = 0 if self._session is None else self._session.config.output_size
        kept = tuple(u for u in (self._followed or ()) if u < size)
        return kept or tuple(range(min(size, self.MAX_FOLLOWED)))

    def set_followed_units(self, units) -> None:
        """Follow `units` (indices into h). Raises InputError, changing nothing, when one is out of range, when
        none is given, or when there are more than MAX_FOLLOWED."""
        size = self._session.config.output_size
        chosen = tuple(sorted({int(u) for u in units}))
        if not chosen:
            raise InputError("choose at least one unit to follow")
        outside = [u for u in chosen if not 0 <= u < size]
        if outside:
            raise InputError(f"unit {outside[0]} does not exist: h has units 0 to {size - 1}")
        if len(chosen) > self.MAX_FOLLOWED:
            raise InputError(f"{len(chosen)} units chosen; the comparison follows at most {self.MAX_FOLLOWED}, "
                             "remove some first")
        if chosen != self.followed_units:
            self._followed = chosen
            self._announce("units")

    def toggle_followed_unit(self, unit: int) -> None:
        """Add `unit` to the followed units, or remove it; InputError when that would leave none or too many."""
        followed = self.followed_units
        self.set_followed_units(tuple(u for u in followed if u != unit) if unit in followed else followed + (unit,))


__all__ = ["InputError", "Signal", "StepperModel"]
