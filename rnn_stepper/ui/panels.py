"""The window's panels. Each takes the model, subscribes to its events and draws what the model holds.

None keeps numbers of its own: every refresh reads the core's trace through the model.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..core.config import cell_suffix
from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .matrix_view import MatrixView

# Which parameters each phase reads: they are highlighted while it is shown.
PHASE_USES = {"input_projection": ("weight_ih", "bias_ih"), "recurrent_term": ("weight_hh", "bias_hh")}
MAX_PLOTTED_UNITS = 8
MAX_MARKERS = 200  # longer sequences draw lines only: thousands of markers cost a frame and show nothing more




def parse_number(text: str) -> float:
    """A number typed by a person: '0.5', '-1e-3', 'nan', 'inf'. Raises InputError saying how to fix it."""
    cleaned = text.strip().replace("−", "-")
    try:
        return float(cleaned)
    except ValueError:
        shown = cleaned if len(cleaned) <= 20 else cleaned[:20] + "…"
        raise InputError(f"'{shown}' is not a number; type one like 0.5, -1.25 or 1e-3") from None


class WeightsPanel(QtWidgets.QWidget):
    """W_ih (W_xh), W_hh, b_ih and b_hh of the cell on show; double-click a cell to type a new value."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = QtWidgets.QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # A bias is drawn on its weight matrix's colour scale, so the matrix's colour bar reads for both.
        self.views = {kind: MatrixView(editable=True, colorbar=kind.startswith("weight"))
                      for kind in ("weight_ih", "bias_ih", "weight_hh", "bias_hh")}
        layout.addWidget(self.views["weight_ih"], 0, 0)
        layout.addWidget(self.views["bias_ih"], 0, 1)
        layout.addWidget(self.views["weight_hh"], 1, 0)
        layout.addWidget(self.views["bias_hh"], 1, 1)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 1)
        for kind, view in self.views.items():
            view.setMinimumSize(60, 60)
            view.cell_activated.connect(lambda r, c, kind=kind: self.begin_edit(kind, r, c))
        self.editor = QtWidgets.QLineEdit(self)
        self.editor.hide()
        self.editor.returnPressed.connect(self.commit_edit)
        self.editor.installEventFilter(self)
        self.editing: tuple[str, int, int] | None = None
        # Matrices are redrawn when they change; a step only moves the highlight.
        model.events.trace.connect(self.refresh)
        model.events.cell.connect(self.refresh)
        model.events.cursor.connect(self.highlight)
        self.refresh()

    def names(self) -> dict[str, str]:
        suffix = cell_suffix(self.model.layer, self.model.direction)
        return {kind: kind + suffix for kind in self.views}

    TITLES = {"weight_ih": "W<sub>ih</sub> (W<sub>xh</sub>)", "weight_hh": "W<sub>hh</sub>",
              "bias_ih": "b<sub>ih</sub>", "bias_hh": "b<sub>hh</sub>"}

    def refresh(self) -> None:
        weights = self.model.session.weights
        names = self.names()
        for kind, name in names.items():
            view = self.views[kind]
            view.setVisible(name in weights)
            if name not in weights:
                continue
            # A matrix and its bias share one symmetric colour scale.
            pair = [weights[n] for n in (names[kind.replace("bias", "weight")], names[kind.replace("weight", "bias")])
                    if n in weights]
            view.set_matrix(weights[name].detach().numpy(), levels=max(float(p.detach().abs().max()) for p in pair))
        self.highlight()

    def highlight(self) -> None:
        """Frame the parameters the phase on show reads."""
        weights = self.model.session.weights
        used = PHASE_USES.get(self.model.phase, ())
        for kind, name in self.names().items():
            if name in weights:
                shape = "×".join(str(n) for n in weights[name].shape)
                self.views[kind].set_title(f"{self.TITLES[kind]} {shape}", active=kind in used)

    def begin_edit(self, kind: str, r: int, c: int) -> None:
        view = self.views[kind]
        self.editing = (kind, r, c)
        value = view.values()[r, c]
        self.editor.setText(style.exact(value))
        self.editor.setToolTip(self.tr("Type a value and press Enter; Esc cancels"))
        self.editor.setStyleSheet("")
        pos = view.mapTo(self, view.cell_widget_pos(r, c))
        self.editor.resize(110, self.editor.sizeHint().height())
        self.editor.move(pos - QtCore.QPoint(55, self.editor.height() // 2))
        self.editor.show()
        self.editor.raise_()
        self.editor.selectAll()
        self.editor.setFocus()

    def commit_edit(self) -> None:
        if self.editing is None:
            return
        kind, r, c = self.editing
        try:
            value = parse_number(self.editor.text())
        except InputError as exc:
            self.editor.setStyleSheet("background: #ffd6d6")
            self.editor.setToolTip(str(exc))
            self.model.events.message.emit(str(exc))
            return
        name = self.names()[kind]
        index = (r,) if self.model.session.weights[name].dim() == 1 else (r, c)
        try:
            self.model.set_weight(name, index, value)
        except InputError as exc:
            self.editor.setStyleSheet("background: #ffd6d6")
            self.editor.setToolTip(str(exc))
            self.model.events.message.emit(str(exc))
            return
        self.editing = None
        self.editor.hide()

    def cancel_edit(self) -> None:
        self.editing = None
        self.editor.hide()

    def eventFilter(self, obj, event):
        if obj is self.editor and event.type() == QtCore.QEvent.KeyPress and event.key() == QtCore.Qt.Key_Escape:
            self.cancel_edit()
            return True
        return super().eventFilter(obj, event)


class StepPanel(QtWidgets.QWidget):
    """The vectors of the current timestep, left to right, the equation with numbers, and what it means."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        # symbol, then what it is: x_t → W_ih·x_t + b_ih → + W_hh·h_(t-1) + b_hh → tanh → h_t
        self.captions = {
            "x": ("x<sub>t</sub>", self.tr("input")),
            "input_projection": ("a<sub>t</sub>", "W<sub>ih</sub>x<sub>t</sub> + b<sub>ih</sub>"),
            "recurrent_term": ("r<sub>t</sub>", "W<sub>hh</sub>h<sub>t-1</sub> + b<sub>hh</sub>"),
            "pre_activation": ("z<sub>t</sub>", "a<sub>t</sub> + r<sub>t</sub>"),
            "hidden": ("h<sub>t</sub>", "tanh(z<sub>t</sub>)"),
        }
        row = QtWidgets.QHBoxLayout()
        row.setSpacing(0)
        self.vectors: dict[str, MatrixView] = {}
        for i, key in enumerate(self.captions):
            if i:
                arrow = QtWidgets.QLabel("→")
                arrow.setAlignment(QtCore.Qt.AlignCenter)
                row.addWidget(arrow)
            view = MatrixView(colorbar=False, column_ticks=False)
            view.setMinimumWidth(60)
            view.setMaximumWidth(150)
            view.image.setCacheMode(QtWidgets.QGraphicsItem.NoCache)  # new numbers every step: a cache only costs
            self.vectors[key] = view
            row.addWidget(view, 1)
        self.heading = QtWidgets.QLabel()
        self.heading.setStyleSheet("font-weight: bold")
        self.heading.setWordWrap(True)
        self.equation = QtWidgets.QLabel()
        self.equation.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont)
        mono.setPointSizeF(style.font_pt())  # follows presentation mode's scaled font
        self.equation.setFont(mono)
        self.equation.setWordWrap(True)
        self.explanation = QtWidgets.QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet("color: #444")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(row, 1)
        layout.addWidget(self.equation)
        model.events.trace.connect(self.refresh)
        model.events.cursor.connect(self.refresh)
        self.refresh()

    def shown(self) -> dict[str, np.ndarray]:
        """What each vector shows now: numbers for the phases reached, NaN (blank) for the rest."""
        m = self.model
        cell = m.cell
        t = m.t if m.t is not None else cell.walk[0]
        out = {"x": cell.x[t, m.batch].numpy()}
        for phase, values in cell.phases.items():
            v = values[t, m.batch].numpy()
            out[phase] = v if m.revealed(phase) else np.full_like(v, np.nan)
        return out

    def refresh(self) -> None:
        m = self.model
        config = m.session.config
        shown = self.shown()
        levels = max([float(np.nanmax(np.abs(v))) if np.isfinite(v).any() else 0.0 for v in shown.values()] + [1e-12])
        act = config.nonlinearity
        for key, view in self.vectors.items():
            symbol, formula = self.captions[key]
            formula = formula.replace("tanh", act)
            if not config.bias:
                formula = formula.replace(" + b<sub>ih</sub>", "").replace(" + b<sub>hh</sub>", "")
            view.set_title(f"{symbol} ({shown[key].shape[0]},)", active=key == m.phase, subtitle=formula)
            view.set_matrix(shown[key], levels=levels)
        t = m.t if m.t is not None else m.cell.walk[0]
        where = self.tr("layer {0}, {1}").format(m.layer, self.tr("reverse") if m.direction else self.tr("forward"))
        if m.position == 0:
            texts = (self.tr("Ready at time step {0} ({1}). Press Step (Space) to compute it.").format(t, where),
                     self.tr("Each click on Step runs one pass of the notebook's loop: input projection, recurrent "
                             "term, their sum, then {0}. Step phase (Shift+→) shows one at a time.").format(act),
                     "")
        else:
            texts = (self.tr("Time step t = {0} (step {1} of {2}, {3}) — phase {4} of 4: {5}").format(
                t, m.step_index + 1, m.seq_len, where, m.phase_index + 1, self.phase_names()[m.phase]),
                self.explanation_text(), self.equation_text())
        for label, text in zip(self.texts(), texts):
            label.setText(text)
        self.heading.setToolTip(texts[1])
        self.fit_texts(grow_only=True)

    def texts(self) -> tuple[QtWidgets.QLabel, ...]:
        return self.heading, self.explanation, self.equation

    def fit_texts(self, grow_only: bool) -> None:
        """Between resizes the labels' heights only grow: a label changing height every step would relayout, and
        so repaint, every view in the window (measured: 40% more paints per step). When the panel is too short
        for every text and the vectors (a presentation-size font at 1280 × 720), the explanation gives way; it
        stays readable as the heading's tooltip."""
        layout = self.layout()
        margins = layout.contentsMargins()
        width = max(self.contentsRect().width() - margins.left() - margins.right(), 1)  # the labels' width to be
        heights = {}
        for label in self.texts():
            height = label.heightForWidth(width) if label.text() else 0
            heights[label] = max(height, label.minimumHeight()) if grow_only else height
        # The vectors' titles and two readable cells: not a minimum height, which would take the room from the
        # comparison plot below instead.
        vectors = int(style.font_pt() * 5.6) + 4 * self.fontMetrics().height()
        if sum(heights.values()) + vectors + 3 * layout.spacing() > self.contentsRect().height():
            heights[self.explanation] = 0
        for label, height in heights.items():
            if height != label.maximumHeight():
                label.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_texts(grow_only=False)

    def phase_names(self) -> dict[str, str]:
        return {"input_projection": self.tr("input projection"), "recurrent_term": self.tr("recurrent term"),
                "pre_activation": self.tr("pre-activation"), "hidden": self.tr("new hidden state")}

    def equation_text(self) -> str:
        m = self.model
        cell, t, b = m.cell, m.t, m.batch

        def v(name):
            return style.vector_text(cell.phases[name][t, b].numpy())

        bias = m.session.config.bias
        act = m.session.config.nonlinearity
        if m.phase == "input_projection":
            x = style.vector_text(cell.x[t, b].numpy())
            lines = [f"a_{t} = W_ih · x_{t}" + (" + b_ih" if bias else ""),
                     f"    = W_ih · {x}" + (" + b_ih" if bias else ""), f"    = {v('input_projection')}"]
        elif m.phase == "recurrent_term":
            h_prev = style.vector_text(cell.h_prev[t, b].numpy())
            lines = [f"r_{t} = W_hh · h_prev" + (" + b_hh" if bias else ""),
                     f"    = W_hh · {h_prev}" + (" + b_hh" if bias else ""), f"    = {v('recurrent_term')}"]
        elif m.phase == "pre_activation":
            lines = [f"z_{t} = a_{t} + r_{t}", f"    = {v('input_projection')} + {v('recurrent_term')}",
                     f"    = {v('pre_activation')}"]
        else:
            lines = [f"h_{t} = {act}(z_{t})", f"    = {act}({v('pre_activation')})", f"    = {v('hidden')}"]
        return "\n".join(lines)

    def explanation_text(self) -> str:
        m = self.model
        kernel = m.session.order == "kernel"
        return {
            "input_projection": self.tr(
                "Input projection: W_ih (the textbook's W_xh) maps this timestep's input into the hidden space. It "
                "needs no earlier state, so PyTorch's kernel computes it for all timesteps in one matrix product "
                "before the loop.") if kernel else self.tr(
                "Input projection: W_ih (the textbook's W_xh) maps this timestep's input into the hidden space, "
                "one timestep at a time, as the notebook's loop does."),
            "recurrent_term": self.tr(
                "Recurrent term: W_hh carries the previous hidden state forward — the network's memory. At the "
                "first step the previous state is h0 (zeros unless given)."),
            "pre_activation": self.tr(
                "Pre-activation: the sum mixes what the input says now with what the state remembers."),
            "hidden": self.tr(
                "The nonlinearity squashes the sum into (-1, 1): the new hidden state is this step's output and the "
                "memory for the next.") if m.session.config.nonlinearity == "tanh" else self.tr(
                "ReLU keeps the positive part of the sum: the new hidden state is this step's output and the "
                "memory for the next. Nothing bounds it from above."),
        }[m.phase]


class ComparisonPanel(QtWidgets.QWidget):
    """Each hidden unit over t: the hand computation as markers, nn.RNN as lines; below, |difference| per step."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.values_plot = pg.PlotWidget()
        self.values_plot.setMenuEnabled(False)
        self.values_plot.showGrid(x=True, y=True, alpha=0.2)
        self.values_plot.setLabel("bottom", "t")
        self.diff_plot = pg.PlotWidget()
        self.diff_plot.setMenuEnabled(False)
        self.diff_plot.setLogMode(y=True)
        self.diff_plot.showGrid(x=True, y=True, alpha=0.2)
        self.diff_plot.setLabel("bottom", "t")
        self.diff_curve = self.diff_plot.plot()
        for plot in (self.values_plot, self.diff_plot):
            style.cache_drawing(plot.getPlotItem())
        self.verdict = pg.TextItem(anchor=(0.5, 0.5), color=style.FOREGROUND)
        self.verdict.setParentItem(self.diff_plot.getPlotItem().vb)
        self.diff_plot.getPlotItem().vb.sigResized.connect(self._place_verdict)
        layout.addWidget(self.values_plot, 3)
        layout.addWidget(self.diff_plot, 2)
        self.manual_curves: list[pg.PlotDataItem] = []
        self.reference_curves: list[pg.PlotDataItem] = []
        self.curtains = [style.Curtain(p.getPlotItem().vb) for p in (self.values_plot, self.diff_plot)]
        model.events.trace.connect(self.rebuild)
        model.events.cell.connect(self.rebuild)
        model.events.cursor.connect(self.refresh)
        self.rebuild()

    def units(self) -> int:
        return min(self.model.session.config.hidden_size, MAX_PLOTTED_UNITS)

    def rebuild(self) -> None:
        """The whole cell's curves, drawn once per trace or cell; a step only moves the curtain over them."""
        plot = self.values_plot
        for curve in self.manual_curves + self.reference_curves:
            plot.removeItem(curve)
        self.manual_curves, self.reference_curves = [], []
        T = self.model.seq_len
        for u in range(self.units()):
            color = style.UNIT_COLORS[u % len(style.UNIT_COLORS)]
            smooth = T <= MAX_MARKERS  # antialiasing thousands of segments costs more than a frame
            # Past MAX_MARKERS timesteps every pen is 1 px: the raster engine strokes wide pens segment by segment.
            self.reference_curves.append(plot.plot(pen=pg.mkPen(color, width=2 if smooth else 1),
                                                   antialias=smooth, skipFiniteCheck=True))
            if T <= MAX_MARKERS:
                manual = plot.plot(pen=None, symbol="o", symbolSize=9, symbolBrush=color,
                                   symbolPen=pg.mkPen("#000000", width=1))
            else:  # a pale thin line under nn.RNN's dark one
                band = pg.mkColor(color)
                band.setAlpha(110)
                manual = plot.plot(pen=pg.mkPen(band, width=1), antialias=False, skipFiniteCheck=True)
            manual.setZValue(-1 if T > MAX_MARKERS else 1)
            self.manual_curves.append(manual)
        for item in self.manual_curves + self.reference_curves + [self.diff_curve]:
            style.cache_drawing(item)
        self.diff_curve.setPen(pg.mkPen(style.ACTIVE, width=2))
        self.diff_curve.setSymbol("o" if T <= MAX_MARKERS else None)
        self.diff_curve.setSymbolBrush(style.ACTIVE)
        self.diff_curve.setSymbolSize(6)
        m = self.model
        ts = np.arange(T)
        units = self.units()
        manual, reference = m.cell.hidden[:, m.batch, :units].numpy(), m.cell.reference[:, m.batch, :units].numpy()
        for u, (mc, rc) in enumerate(zip(self.manual_curves, self.reference_curves)):
            mc.setData(ts, manual[:, u])
            rc.setData(ts, reference[:, u])
        diff = m.cell.step_abs_diff
        positive = diff > 0
        self.diff_curve.setData(ts[positive], diff[positive])
        if positive.any():
            self.diff_plot.enableAutoRange(axis="y")
        else:
            self.diff_plot.setYRange(-9, -5, padding=0)  # log10 axis: an empty 1e-9 … 1e-5 frame
        for p in (self.values_plot, self.diff_plot):
            p.setXRange(-0.5, max(T - 0.5, 0.5), padding=0.02)
            p.getPlotItem().setDownsampling(auto=True, mode="peak")
            p.getPlotItem().setClipToView(True)
        hidden = self.model.session.config.hidden_size
        shown = "" if hidden <= MAX_PLOTTED_UNITS else self.tr(" (units 0–{0} of {1})").format(
            MAX_PLOTTED_UNITS - 1, hidden)
        legend = self.tr("● by hand, — nn.RNN") if T <= MAX_MARKERS else self.tr("pale line by hand, dark line nn.RNN")
        # The units' colours are keyed in the title, where no legend box can hide a point.
        key = "".join(f"<span style='color:{style.UNIT_COLORS[u % len(style.UNIT_COLORS)]}'><b>h{u} </b></span>"
                       for u in range(self.units()))
        plot.setTitle(f"<span style='font-size:{style.small_size()}'>" + self.tr("Hidden state over t: ") + legend
                      + "<br>" + key + "</span>")
        self.values_plot.setToolTip(shown.strip())  # e.g. "(units 0–7 of 12)": the heatmap beside shows them all
        height = int(style.font_pt() * 4.0)
        plot.getPlotItem().titleLabel.setMaximumHeight(height)
        plot.getPlotItem().layout.setRowFixedHeight(0, height)
        self.diff_plot.setTitle(self.tr("|by hand − nn.RNN| per step (log scale)"), size=style.small_size())
        self.refresh()

    def plotted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(t, by hand, nn.RNN, |Δ|) for the revealed steps in time order: what the plots show."""
        m = self.model
        ts = np.array(sorted(m.completed), dtype=int)
        b = m.batch
        units = self.units()
        manual = m.cell.hidden[ts, b, :units].numpy() if ts.size else np.zeros((0, units))
        reference = m.cell.reference[ts, b, :units].numpy() if ts.size else np.zeros((0, units))
        diff = m.cell.step_abs_diff[ts] if ts.size else np.zeros(0)
        return ts, manual, reference, diff

    def refresh(self) -> None:
        start, stop = self.model.unrevealed()
        for curtain in self.curtains:
            curtain.cover(start, stop)
        ts, _, _, diff = self.plotted()
        if ts.size == 0:
            text = self.tr("Step to compare with nn.RNN")
        elif not (diff > 0).any():
            text = self.tr("bitwise identical") + f" ({ts.size}/{self.model.seq_len})"
        else:
            text = ""
        self.verdict.setText(text)
        self.verdict.setZValue(2e6)  # over the curtain
        self._place_verdict()

    def verdict_text(self) -> str:
        return self.verdict.textItem.toPlainText()

    def _place_verdict(self) -> None:
        vb = self.diff_plot.getPlotItem().vb
        self.verdict.setPos(vb.width() / 2, vb.height() / 2)


class SequencePanel(QtWidgets.QWidget):
    """The whole sequence: h as units × t filling in as you step, ‖h_t‖ per step, and ρ(W_hh)."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.heatmap = MatrixView()
        self.heatmap.set_title(self.tr("h_t (units × t)"))
        self.norm_plot = pg.PlotWidget()
        style.cache_drawing(self.norm_plot.getPlotItem())
        self.norm_plot.setMenuEnabled(False)
        self.norm_plot.setLabel("bottom", "t")
        self.norm_plot.setTitle("‖h_t‖", size=style.small_size())
        self.norm_curve = self.norm_plot.plot(pen=pg.mkPen(style.MANUAL, width=2))
        style.cache_drawing(self.norm_curve)
        self.radius = QtWidgets.QLabel()
        self.radius.setWordWrap(True)
        self.curtains = [style.Curtain(self.heatmap.vb), style.Curtain(self.norm_plot.getPlotItem().vb)]
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.norm_plot, 1)
        right.addWidget(self.radius)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heatmap, 3)
        layout.addLayout(right, 2)
        model.events.trace.connect(self.redraw)
        model.events.cell.connect(self.redraw)
        model.events.cursor.connect(self.refresh)
        self.redraw()

    def redraw(self) -> None:
        """The whole cell, once per trace or cell; a step only moves the curtains."""
        m = self.model
        hidden = m.cell.hidden[:, m.batch].numpy()  # (T, H)
        levels = 1.0  # tanh's range; relu's is as high as the largest hidden state
        if m.session.config.nonlinearity != "tanh":
            finite = np.abs(hidden[np.isfinite(hidden)])
            levels = float(finite.max()) if finite.size else 1.0
        self.heatmap.set_matrix(hidden.T, levels=levels or 1.0)
        self.norm_curve.setSymbol("o" if m.seq_len <= MAX_MARKERS else None)
        self.norm_curve.setSymbolBrush(style.MANUAL)
        self.norm_curve.setSymbolSize(5)
        self.norm_curve.setData(np.arange(m.seq_len), np.linalg.norm(hidden, axis=1))
        self.norm_plot.setXRange(-0.5, max(m.seq_len - 0.5, 0.5), padding=0.02)
        self.refresh()

    def refresh(self) -> None:
        m = self.model
        start, stop = m.unrevealed()
        for curtain in self.curtains:
            curtain.cover(start, stop)
        rho = m.trace.spectral_radius(m.layer, m.direction)
        if not np.isfinite(rho):
            text = self.tr("spectral radius ρ(W_hh): none, W_hh holds NaN or Inf")
        else:
            text = self.tr("spectral radius ρ(W_hh) = {0:.3f}, {1}").format(rho, self.radius_note(rho))
        if text != self.radius.text():
            self.radius.setText(text)

    def radius_note(self, rho: float) -> str:
        if rho < 1:
            return self.tr("below 1: old inputs fade step by step — a short memory, far from saturation")
        if self.model.session.config.nonlinearity == "tanh":
            return self.tr("above 1: the state can grow until tanh saturates at ±1 — a long memory, little nuance")
        return self.tr("above 1: with ReLU the state can grow without bound")
