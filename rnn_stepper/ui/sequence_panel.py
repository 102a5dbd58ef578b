"""The sequence: every state of the cell on show as units × t heat maps, revealed step by step, beside
‖h_t‖ and what ρ(W_hh) says of the memory."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..core.config import cell_suffix
from ..core.distance import numbers, numpy_dtype
from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .cell_notation import BOUNDS
from .matrix_view import MatrixView
from .plots import MAX_MARKERS, LineMarkers, legible_axes, marked_line, set_plot_title, set_points, without_menus
from .typography import label_px


class SequencePanel(QtWidgets.QWidget):
    """The whole sequence: each state (h, and an LSTM's c beside it) as units × t filling in as you step, ‖h_t‖
    per step, and ρ(W_hh). Only the revealed steps carry values: a step not computed yet is blank at every zoom.
    Clicking a unit's number beside the h heatmap adds it to the comparison's plot or takes it out; the units
    followed are marked there in their plot colours."""

    def __init__(self, model: StepperModel, parent=None, unit_scale: bool = False):
        super().__init__(parent)
        self.model = model
        self.unit_scale = unit_scale  # a bounded state on its function's whole range (±1) rather than its values'
        self.heatmaps: dict[str, MatrixView] = {}
        # What each heatmap draws, units × t: the revealed steps' states, NaN (blank) for the rest. A step writes
        # the columns whose reveal changed, not a T × units copy (39 MiB and ~13 ms at T = 10,000, H = 1,024).
        self.drawn: dict[str, np.ndarray] = {}
        self.drawn_columns = np.zeros(0, dtype=bool)  # which columns of `drawn` hold values now
        self.maps = QtWidgets.QVBoxLayout()
        self.maps.setSpacing(2)
        self.norm_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        style.cache_drawing(self.norm_plot.getPlotItem())
        self.norm_plot.setLabel("bottom", "t", **{"font-size": f"{label_px()}px"})
        set_plot_title(self.norm_plot, "‖h_t‖")
        self.norm_curve = self.norm_plot.plot(pen=pg.mkPen(style.MANUAL, width=2))
        self.norm_markers = LineMarkers(self.norm_curve, "o", 5, style.MANUAL)
        for item in (self.norm_curve, self.norm_markers):
            style.cache_drawing(item)
        self.radius = QtWidgets.QLabel()
        self.radius.setWordWrap(True)
        self.followed_marks = pg.ScatterPlotItem(symbol="t2", size=9, pen=pg.mkPen("#000000", width=1))
        self.followed_drawn: list = []  # the (position, colour) of each mark drawn
        self.followed_marks.setZValue(20)  # over the cells and their numbers
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.norm_plot, 1)
        right.addWidget(self.radius)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.maps, 3)
        layout.addLayout(right, 2)
        model.events.changed.connect(self.on_change)
        self.redraw()

    def on_change(self, what: frozenset) -> bool:
        if what & {"trace", "cell"}:
            self.redraw()  # and the revealed steps
        elif "cursor" in what:
            self.refresh()  # and the followed units' marks
        elif "units" in what:
            self.mark_followed()
        else:
            return False
        return True

    @property
    def heatmap(self) -> MatrixView:
        return self.heatmaps["hidden"]

    def build_maps(self, states: tuple[str, ...]) -> None:
        """One heatmap per state of the cell type: made again only when the cell type's state changes."""
        for view in self.heatmaps.values():
            self.maps.removeWidget(view)
            view.deleteLater()
        self.heatmaps = {state: MatrixView() for state in states}
        for state, view in self.heatmaps.items():
            self.maps.addWidget(view, 1)
            # a cell (unit, t) opens its arithmetic (issue 12 §1); a click on a row's label is the unit picker's
            view.cell_selected.connect(lambda unit, t, state=state: self.model.select(t, state, unit))
            view.setCursor(QtCore.Qt.PointingHandCursor)
        hidden = self.heatmaps["hidden"]
        if self.followed_marks.scene() is not None:
            self.followed_marks.getViewBox().removeItem(self.followed_marks)
        hidden.vb.addItem(self.followed_marks, ignoreBounds=True)
        hidden.vb.sigResized.connect(self.mark_followed)  # a new layout may show other rows
        hidden.scene().sigMouseClicked.connect(self.row_label_clicked)
        hidden.axes["left"].setToolTip(self.tr("Click a unit's number to follow it in the comparison plot, or to "
                                               "stop following it"))

    def redraw(self) -> None:
        """The whole cell's titles and colour scales, once per trace or cell; then the revealed steps."""
        m = self.model
        config = m.session.config
        states = config.cell_type.state
        if tuple(self.heatmaps) != states:
            self.build_maps(states)
        phases = {p.name: p for p in config.cell_type.phases(config)}
        for state, view in self.heatmaps.items():
            view.set_title(self.tr("{0}_t (units × t)").format(phases[state].symbol))
        smooth = m.seq_len <= MAX_MARKERS
        # Past MAX_MARKERS timesteps a bare line, as the comparison's: antialiasing a 2-px stroke of a thousand
        # segments cost 12 ms a step near the end of T = 1,000, most of the step. set_points hands it to the curve.
        self.norm_curve.opts["antialias"] = smooth
        marked_line(self.norm_curve, smooth)
        self.norm_plot.setXRange(-0.5, max(m.seq_len - 0.5, 0.5), padding=0.02)
        self.drawn = {state: np.full((m.cell.phases[state].shape[2], m.seq_len), np.nan,
                                     dtype=numpy_dtype(config.dtype)) for state in states}
        self.drawn_columns = np.zeros(m.seq_len, dtype=bool)
        self.refresh()

    def revealed_columns(self) -> np.ndarray:
        """Whether each timestep's state is revealed: its h_t (and c_t) once its step's last phase is shown."""
        shown = np.zeros(self.model.seq_len, dtype=bool)
        shown[self.model.stepped] = True  # a packed sequence's columns after its end stay blank
        return shown

    def refresh(self) -> None:
        """The states of the revealed steps, blank (NaN) for the rest, and ‖h_t‖ for the revealed steps only."""
        m = self.model
        config = m.session.config
        phases = {p.name: p for p in config.cell_type.phases(config)}
        shown = self.revealed_columns()
        changed = np.flatnonzero(shown != self.drawn_columns)  # a step's one column; a jump's many
        self.drawn_columns = shown
        for state, view in self.heatmaps.items():
            drawn = self.drawn[state]
            if changed.size:
                values = numbers(m.cell.phases[state][changed, m.batch])  # (columns, units)
                drawn[:, changed] = np.where(shown[changed, None], values, drawn.dtype.type(np.nan)).T
            # Symmetric about zero and fitted to the revealed values, so ±0.1 shows as colour rather than white on
            # a ±1 scale, and the colour bar says nothing of steps not computed yet; a bounded state (tanh's, a
            # gated h) keeps ±1 on request (View menu).
            level = 1.0
            if phases[state].scale == "free" or not self.unit_scale:
                revealed = m.cell.extent(state)[shown, m.batch]
                level = float(revealed.max()) if revealed.size and revealed.max() > 0 else 1.0
            view.set_matrix(drawn, levels=level, bounds=BOUNDS.get(phases[state].scale), dtype=config.dtype)
        ts = np.flatnonzero(shown)
        set_points(self.norm_curve, ts, m.cell.hidden_norms[ts, m.batch])
        self.norm_markers.follow(m.seq_len <= MAX_MARKERS)
        self.mark_followed()
        # A stacked W_hh's radius is the largest of its gate blocks' (core/distance.spectral_radius).
        name = self.tr("ρ(W_hh), largest over its gate blocks") if config.cell_type.gates > 1 else "ρ(W_hh)"
        if config.output_size != config.hidden_size:  # each gate's block is hidden_size × proj_size: no eigenvalues
            text = self.tr("spectral radius {0}: n/a, W_hh's blocks are {1} × {2}, not square (proj_size)").format(
                name, config.hidden_size, config.output_size)
            if text != self.radius.text():
                self.radius.setText(text)
            return
        rho = m.trace.spectral_radius(m.layer, m.direction)
        if not np.isfinite(rho):
            W_hh = m.session.weights["weight_hh" + cell_suffix(m.layer, m.direction)]
            text = (self.tr("spectral radius {0}: none, W_hh holds NaN or Inf").format(name)
                    if not bool(W_hh.isfinite().all()) else
                    self.tr("spectral radius {0}: n/a for this W_hh").format(name))
        else:
            text = self.tr("spectral radius {0} = {1:.3f}, {2}").format(name, rho, self.radius_note(rho))
        if text != self.radius.text():
            self.radius.setText(text)

    def mark_followed(self, *_) -> None:
        """A triangle in the unit's plot colour at the left end of each row the comparison follows (on show)."""
        view = self.heatmaps.get("hidden")
        if view is None:
            return
        rows = view.shown_rows()
        followed = self.model.followed_units
        spots = [{"pos": (-0.5, float(d)), "brush": style.UNIT_COLORS[followed.index(r) % len(style.UNIT_COLORS)]}
                 for d, r in enumerate(rows) if r in followed]
        drawn = [(spot["pos"], spot["brush"]) for spot in spots]
        if drawn != self.followed_drawn:  # unchanged by a step: pyqtgraph renders each symbol again on setData
            self.followed_drawn = drawn
            self.followed_marks.setData(spots)

    def row_label_clicked(self, event) -> None:
        """A click on a unit's number beside the h heatmap: follow that unit in the comparison, or stop."""
        view = self.heatmaps.get("hidden")
        if view is None or event.double() or event.button() != QtCore.Qt.LeftButton:
            return
        unit = self.unit_at(event.scenePos())
        if unit is None:
            return
        event.accept()
        try:
            self.model.toggle_followed_unit(unit)
        except InputError as exc:
            self.model.events.message.emit(str(exc))

    def unit_at(self, scene_pos) -> int | None:
        """The unit whose row label is at a scene point of the h heatmap; None off the labels or on an ellipsis."""
        view = self.heatmap
        axis = view.axes["left"]
        if not axis.isVisible() or not axis.sceneBoundingRect().contains(scene_pos):
            return None
        y = view.vb.mapSceneToView(QtCore.QPointF(view.vb.sceneBoundingRect().left(), scene_pos.y())).y()
        rows = view.shown_rows()
        d = int(np.floor(y + 0.5))
        return rows[d] if 0 <= d < len(rows) else None

    def radius_note(self, rho: float) -> str:
        """What ρ(W_hh) says about memory, in the terms of the cell on show: saturation is tanh's notion; ReLU has
        none, and a gated cell's memory is its gates' to decide."""
        config = self.model.session.config
        if config.cell_type.gates > 1:
            if rho < 1:
                return self.tr("below 1: the recurrent products alone let old inputs fade, but the gates decide "
                               "what the state keeps, and can keep it far longer")
            return self.tr("above 1: the recurrent products can amplify old inputs, but the gates and tanh keep h "
                           "within (−1, 1)")
        if config.nonlinearity == "relu":
            if rho < 1:
                return self.tr("below 1: old inputs fade step by step — a short memory; ReLU never saturates, it "
                               "sets negative sums to 0")
            return self.tr("above 1: with ReLU the state can grow without bound")
        if rho < 1:
            return self.tr("below 1: old inputs fade step by step — a short memory, far from saturation")
        return self.tr("above 1: the state can grow until tanh saturates at ±1 — a long memory, little nuance")
