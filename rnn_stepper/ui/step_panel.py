"""The step strip: one timestep of the cell on show, phase by phase, every vector the loop body reads and
writes, and its equation written out with this step's numbers; Predict, then reveal's guesses under it
(guess_row.py)."""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..core import equations
from ..core.distance import array_text, numbers
from ..model import StepperModel
from . import style
from .cell_notation import BOUNDS, equation_html, translate_cell
from .explain_panel import ExplainPanel, breakdown_of
from .guess_row import GuessRow
from .matrix_view import MatrixView
from .steady import SteadyText
from .typography import font_px, label_font, swatch

NO_BREAK = "\u00a0"  # inside a vector written out: a line of the equation wraps between vectors, never inside one


# Read from the back row of a hall (issue 13): in presentation mode the equation is at least style.MIN_PROMINENT_PX
# high, every plot title and tick label at least style.MIN_LEGIBLE_PX.
EQUATION_LINE = 48  # characters the equation's font is sized to fit across the step panel: it grows with the room
EQUATION_MAX = 1.5  # … up to this many times its smallest size
EQUATION_SHARE = 0.3  # … and in no more than this share of the step panel's height


class EquationLabel(QtWidgets.QLabel):
    """The equation in its monospace font, plain text as the notebook prints it (`text()`), drawn so that a line
    too long for the panel wraps between vectors with its continuation indented under the line's first term, after
    its "= ": a wrapped equation still reads as one line of it."""

    def __init__(self):
        super().__init__()
        self.plain = ""
        self.setTextFormat(QtCore.Qt.RichText)

    def text(self) -> str:
        return self.plain

    def setText(self, text: str) -> None:
        self.plain = text
        self.draw()

    def setFont(self, font: QtGui.QFont) -> None:
        super().setFont(font)
        self.draw()  # the indents are measured in this font's characters

    def draw(self) -> None:
        advance = QtGui.QFontMetricsF(self.font()).horizontalAdvance("0")
        paragraphs = []
        for line in self.plain.split("\n"):
            head = line.find("= ")
            indent = (head + 2 if head >= 0 else len(line) - len(line.lstrip())) * advance
            body = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            paragraphs.append(f"<p style='margin:0; margin-left:{indent:.1f}px; text-indent:{-indent:.1f}px; "
                              f"white-space:pre-wrap'>{body}</p>")
        super().setText("".join(paragraphs) if self.plain else "")


def previous_states(config) -> dict[str, str]:
    """The strip's vector of each state a step reads, e.g. {"h_prev": "hidden", "c_prev": "cell"}: named as core's
    equations name them (`{h_prev}`), after the state's symbol."""
    return config.cell_type.previous_names(config)


def strip_names(phases, order: str, previous: tuple[str, ...]) -> tuple[str, ...]:
    """x, then the phases in click order, each previous state just before the first phase that reads it (h_{t-1}
    before r_t; an LSTM's c_{t-1} before c_t): the strip reads left to right as the step computes."""
    names, waiting = ["x"], list(previous)
    for phase in phases:
        reads = {name for name, _ in equations.VECTOR.findall(phase.numbers_for(order) + phase.numbers)}
        names += [name for name in waiting if name in reads]
        waiting = [name for name in waiting if name not in reads]
        names.append(phase.name)
    return tuple(names + waiting)


# Room a vector of the strip needs across, in its numbers' pixel size: a number, its margin and a row label.
ROOM_PER_VECTOR = 5.5


# Room a row of the strip needs down, in the same size: a title of three lines and two or three cells of numbers.
ROOM_PER_ROW = 8.0


def strip_rows(names: tuple[str, ...], inputs: tuple[str, ...], width: float, px: float,
               height: float = float("inf")) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The step strip's vectors on one row, or on two where one row would give each less than ROOM_PER_VECTOR
    times the numbers' size `px`: what the step reads and the gates' input halves (`inputs`: x_t, h_{t-1}, c_{t-1}
    and the stacked a_t, s_t) above, what it computes from them (the gates, c_t, h_t) below, each row in click
    order. A gated cell's eleven vectors do not fit a 1,024-px projector on one row, and every one of them stays
    on show. Where the strip's `height` has no room for two rows either (a 2× font at 1280 × 720), one row
    without the previous states, which the equation writes out. A short strip (an nn.RNN's, five vectors and
    h_{t-1}) keeps its one row with its arrows."""
    computed = [name for name in names if not name.endswith("_prev")]
    if len(computed) <= 5 or width >= len(names) * ROOM_PER_VECTOR * px:
        return tuple(names), ()
    if height < 2 * ROOM_PER_ROW * px:
        return tuple(computed), ()
    return (tuple(name for name in names if name in inputs),
            tuple(name for name in names if name not in inputs))


class LoopArrow(QtWidgets.QWidget):
    """The arrow from h_t back to h_{t-1}, under the strip: this step's new state is what the next step reads.
    Drawn over the room the panel leaves for it under the vectors, reaching up to their edge; it takes no clicks.
    It is transparent, so every repaint of it repaints what lies under it: it covers the room alone and is
    repainted only when the vectors it joins move (an event filter on them), not at every step."""

    OVERLAP = 4  # pixels above the room, where the arrow's head meets the vector's edge

    def __init__(self, panel: "StepPanel"):
        super().__init__(panel)
        self.panel = panel
        self.setAttribute(QtCore.Qt.WA_TransparentForMouseEvents)
        self.ends: tuple[str, str] | None = None  # (from, to): the vectors it joins, or None for no arrow
        self._drawn: tuple[tuple, QtGui.QPixmap] | None = None  # (where it was drawn, the drawing)
        panel.loop_room.installEventFilter(self)

    def join(self, ends: tuple[str, str] | None) -> None:
        if ends != self.ends:
            self.ends = ends
            self.update()

    def follow(self, view: QtWidgets.QWidget) -> None:
        """Keep the arrow on `view` (a vector of the strip) as it moves."""
        view.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QtCore.QEvent.Move, QtCore.QEvent.Resize, QtCore.QEvent.Show, QtCore.QEvent.Hide):
            room = self.panel.loop_room.geometry()
            self.setGeometry(room.adjusted(0, -self.OVERLAP, 0, 0))
            self.raise_()
            self.update()
        return False

    def paintEvent(self, event) -> None:
        views = self.panel.vectors
        room = self.panel.loop_room
        if self.ends is None or any(end not in views for end in self.ends) or not room.isVisible():
            return
        source, target = (views[end].geometry() for end in self.ends)
        # Its top overlaps the vectors, so each vector's repaint (all seven, every step) repaints it too: drawn once
        # per place into a pixmap, and the pixmap after that.
        key = (self.ends, source, target, room.geometry(), self.geometry(), self.devicePixelRatioF())
        if self._drawn is None or self._drawn[0] != key:
            ratio = self.devicePixelRatioF()
            pixmap = QtGui.QPixmap(self.size() * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(QtCore.Qt.transparent)
            self.draw(QtGui.QPainter(pixmap), source, target)
            self._drawn = (key, pixmap)
        painter = QtGui.QPainter(self)
        painter.drawPixmap(0, 0, self._drawn[1])
        painter.end()

    def draw(self, painter: QtGui.QPainter, source: QtCore.QRect, target: QtCore.QRect) -> None:
        room = self.panel.loop_room
        top = room.geometry().top()
        bottom = room.geometry().bottom() - 2
        painter.translate(-QtCore.QPointF(self.pos()))  # drawn in the panel's coordinates, as the vectors lie
        painter.setRenderHint(QtGui.QPainter.Antialiasing)
        pen = QtGui.QPen(QtGui.QColor(style.FOREGROUND), 2)
        painter.setPen(pen)
        path = QtGui.QPainterPath(QtCore.QPointF(source.center().x(), top - 2))
        path.lineTo(source.center().x(), bottom)
        path.lineTo(target.center().x(), bottom)
        path.lineTo(target.center().x(), top)
        painter.drawPath(path)
        head = max(4.0, (bottom - top) / 2.5)
        x = target.center().x()
        painter.setBrush(QtGui.QColor(style.FOREGROUND))
        painter.drawPolygon(QtGui.QPolygonF([QtCore.QPointF(x, top - 2), QtCore.QPointF(x - head / 1.6, top + head),
                                             QtCore.QPointF(x + head / 1.6, top + head)]))
        painter.end()


class StepPanel(QtWidgets.QWidget):
    """The vectors of the current timestep, left to right (x, then each phase of the cell type in click order),
    the equation with numbers, and what it means. The strip is laid out from the cell type's phases and rebuilt
    when the cell type changes; every number comes from the trace at each refresh."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        # The strip: one row of vectors, or two where a gated cell's eleven would not fit one (strip_rows)
        self.rows = (QtWidgets.QHBoxLayout(), QtWidgets.QHBoxLayout())
        for row in self.rows:
            row.setSpacing(0)
        self.strip = QtWidgets.QVBoxLayout()
        self.strip.setSpacing(2)
        for row in self.rows:
            self.strip.addLayout(row)
        self.strip_plan: tuple[tuple[str, ...], ...] = ((), ())  # which vectors each row holds now
        self.arrows: list[QtWidgets.QLabel] = []  # between the vectors of a short strip, which keeps one row
        self.inputs: tuple[str, ...] = ()  # the vectors that go on the first of two rows
        self.vectors: dict[str, MatrixView] = {}
        self.heading = QtWidgets.QLabel()
        self.heading.setStyleSheet("font-weight: bold")
        self.heading.setWordWrap(True)
        self.equation = EquationLabel()
        self.equation.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.equation.setFont(self.equation_font(self.equation_px_range()[0]))
        self.equation.setWordWrap(True)
        self.equation.setToolTip(self.tr("Click any number of the strip or of the h heatmap (or Tab to it and "
                                         "press Enter) to see how it was computed"))
        self.explanation = QtWidgets.QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet("color: #444")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        # Under the vectors: the room the arrow from h_t back to h_{t-1} runs through
        self.loop_room = QtWidgets.QWidget()
        self.loop_room.setFixedHeight(max(10, font_px() * 3 // 4))
        self.guess_row = GuessRow(model)
        # What the colours and the dashed edge mean, always on show under the strip (issue 26)
        self.legend = QtWidgets.QLabel()
        self.legend.setWordWrap(True)
        self.legend.setFont(label_font())
        # Their texts change at every step: held steady, they do not relayout the window (ui/steady.py)
        layout.addWidget(SteadyText(self.heading))
        layout.addWidget(SteadyText(self.explanation))
        layout.addLayout(self.strip, 1)
        layout.addWidget(self.loop_room)
        layout.addWidget(SteadyText(self.legend))
        layout.addWidget(self.guess_row)
        layout.addWidget(SteadyText(self.equation))
        # A clicked number's arithmetic, in the equation's place while it is open (issue 12)
        self.breakdown = ExplainPanel(model)
        layout.addWidget(self.breakdown, 1)
        self.loop = LoopArrow(self)
        self.question_marks: list[pg.TextItem] = []  # "?" on h_t's cells while the class guesses it
        self.strip_key = None  # what the strip was built for: its vectors, and which of them are split in blocks
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        if not what & {"trace", "cell", "cursor", "selected", "guesses"}:
            return False
        self.refresh()
        return True

    def phases(self) -> tuple:
        """The cell type's phases for the session on show (core/cells), in click order."""
        config = self.model.session.config
        return config.cell_type.phases(config)

    def build_strip(self, names: tuple[str, ...], stacked: set[str], previous: tuple[str, ...] = ()) -> None:
        """One view per vector, arrows between: made again only when the cell type's phases change. A stacked
        vector carries its gates' labels beside its rows, so it gets a little more room than the others. A previous
        state (h_{t-1}) is read, not computed from the vector before it: no arrow leads into it."""
        for widget in [*self.vectors.values(), *self.arrows]:
            widget.hide()  # at once: deleted only when Qt is next idle, it would show until then
            widget.deleteLater()
        for row in self.rows:
            while row.count():
                row.takeAt(0)
        self.vectors = {}
        self.arrows = []
        self.strip_plan = ((), ())
        self.question_marks = []  # they went with the old views' scenes
        # Past five vectors (h_{t-1} beside an RNN's, a GRU's or an LSTM's gates) arrows would take the room the
        # numbers need: at 1024 × 768 in presentation h_{t-1}'s numbers lost theirs. The loop from h_t stays.
        arrows = len(names) <= 5
        for i, key in enumerate(names):
            if i and arrows and key not in previous:
                arrow = QtWidgets.QLabel("→")
                arrow.setAlignment(QtCore.Qt.AlignCenter)
                self.rows[0].addWidget(arrow)
                self.arrows.append(arrow)
            view = MatrixView(colorbar=False, column_ticks=False)
            view.setMinimumWidth(44)
            # Wide enough for a number at the strip's back-row size with room around it, not a slab of colour.
            view.setMaximumWidth(16 * max(font_px(), style.MIN_PROMINENT_PX))
            # read from the back row: a long vector shows fewer entries around its ellipsis rather than smaller ones.
            # Not a gated cell's stacked vector: its gate blocks keep both ends each, so it could show none at all;
            # nor a gated cell's strip at all, whose two rows share the height: its numbers are a heatmap's size.
            if key not in stacked and len([n for n in names if n not in previous]) <= 5:
                view.set_number_minimum(style.MIN_PROMINENT_PX)
            view.image.setCacheMode(QtWidgets.QGraphicsItem.NoCache)  # new numbers every step: a cache only costs
            view.cell_selected.connect(lambda r, c, key=key: self.choose(key, r))
            view.title_resized.connect(self.level_titles)
            view.setCursor(QtCore.Qt.PointingHandCursor)  # a number opens its arithmetic
            self.vectors[key] = view
            self.loop.follow(view)
            self.rows[0].addWidget(view, 4)  # refresh gives a view that numbers its rows more
        self.strip_plan = (tuple(names), ())
        self.inputs = tuple(name for name in names if name == "x" or name in previous or name in stacked)

    def shown(self) -> dict[str, np.ndarray]:
        """What each vector shows now: the input and the state the step reads (known before it starts: the initial
        state at the walk's first step), numbers for the phases reached, NaN (blank) for the rest."""
        m = self.model
        cell = m.cell
        t = m.t if m.t is not None else cell.walk[0]
        out = {"x": numbers(cell.x[t, m.batch])}
        for name, state in previous_states(m.session.config).items():
            out[name] = numbers(cell.previous_at(state, t)[m.batch])
        for phase, values in cell.phases.items():
            v = numbers(values[t, m.batch])
            out[phase] = v if m.revealed(phase) else np.full_like(v, np.nan)
        if m.has_ended(t):  # a packed batch's sequence that has ended: the kernel computes nothing for it
            out = {name: np.full_like(v, np.nan) for name, v in out.items()}
        return out

    def previous_caption(self, name: str, state: str) -> tuple[str, str, str]:
        """(title, subtitle, tooltip) of a previous state's vector: h_{t-1}, or h_{t+1} in the reverse direction, and
        which timestep it was computed at; `h₀ (initial)` where the walk starts."""
        m = self.model
        cell = m.cell
        t = m.t if m.t is not None else cell.walk[0]
        symbol = name.split("_")[0]
        offset = equations.previous_offset(m.direction == 1)
        title = f"{symbol}<sub>{offset}</sub>"
        if t == cell.walk[0]:
            subtitle = self.tr("{0}₀ (initial)").format(symbol)
        else:
            subtitle = f"= {symbol}<sub>{equations.previous_label(cell.walk, t)}</sub>"
        if m.direction == 1:
            tip = self.tr("The state this step reads. The reverse direction walks t = T-1 … 0, so it reads {0}_t+1, "
                          "computed the click before; at its first step (t = T-1) it reads the initial state "
                          "{0}₀.").format(symbol)
        else:
            tip = self.tr("The state this step reads: {0}_t-1, computed the click before; at the first step the "
                          "initial state {0}₀ (zeros unless given).").format(symbol)
        return title, subtitle, tip

    def input_caption(self) -> tuple[str, str, tuple[str, ...]]:
        """(subtitle, tooltip, blocks) of x_t: the input, or for layer l > 0 the layer below's h_t, split into its
        forward and reverse halves when the model is bidirectional."""
        m = self.model
        if m.layer == 0:
            return self.tr("input"), self.tr("The input at time step t"), ()
        if not m.session.config.bidirectional:
            return (self.tr("h<sub>t</sub> of layer {0}").format(m.layer - 1),
                    self.tr("Layer {0}'s input is layer {1}'s h_t").format(m.layer, m.layer - 1), ())
        return (self.tr("layer {0}: [→ ‖ ←]").format(m.layer - 1),
                self.tr("Layer {0}'s input is layer {1}'s output [forward ‖ reverse]: rows →0 … are the forward "
                        "direction's h_t, rows ←0 … the reverse direction's, joined at the line").format(
                    m.layer, m.layer - 1),
                ("→", "←"))

    def refresh(self) -> None:
        m = self.model
        config = m.session.config
        phases = self.phases()
        previous = previous_states(config)
        names = strip_names(phases, m.session.order, tuple(previous))
        x_caption, x_tip, x_blocks = self.input_caption()
        stacked = {p.name for p in phases if p.width > 1} | ({"x"} if x_blocks else set())
        if (names, stacked) != self.strip_key:
            self.build_strip(names, stacked, tuple(previous))
            self.strip_key = (names, stacked)
        shown = self.shown()
        scales = {"x": "free"} | {p.name: p.scale for p in phases} | {
            name: next(p.scale for p in phases if p.name == state) for name, state in previous.items()}
        # Colours that compare (issue 26): every state and pre-activation on one symmetric scale, fitted to the
        # largest of them on show, so a_t = -1.31 is as dark as h_t = -1.31 would be; the gates on 0 … 1; x_t, the
        # input, on a scale of its own (the notebook's 3s would pale every computed vector).
        largest = {k: float(np.nanmax(np.abs(v))) for k, v in shown.items() if np.isfinite(v).any()}
        shared = max([a for k, a in largest.items() if k != "x" and scales[k] not in style.SEQUENTIAL_SCALES]
                     + [0.0]) or 1.0  # nothing computed yet, or only zeros (h₀): a scale of ±1
        levels = {key: 1.0 if scales[key] in style.SEQUENTIAL_SCALES else largest.get("x", 1.0) if key == "x"
                  else shared for key in shown}
        reverse = m.direction == 1
        gates = config.cell_type.gate_names
        H = config.hidden_size
        on_show = next((p for p in phases if p.name == m.phase), None)
        blocks_read = {} if on_show is None else {
            name: int(block) for name, block in equations.VECTOR.findall(on_show.numbers_for(m.session.order)) if block}
        # A long strip (a gated cell's) has no room for each vector's length: its rows say it.
        with_length = len(self.vectors) - len(previous) <= 5
        # An open breakdown of this step: its element and the entries it reads marked, the vectors it reads whole
        # (the one a product multiplies) framed.
        breakdown = breakdown_of(m)
        here = breakdown is not None and m.t is not None and m.selected[2] == m.t
        cells = {} if not here else {name: row for name, row in breakdown.reads if row is not None} | {
            m.selected[4]: m.selected[5]}
        whole = set() if not here else {name for name, row in breakdown.reads if row is None}
        self.equation.setVisible(breakdown is None)
        before = None  # the previous vector's length: a run of equally long vectors numbers its rows once
        for key, view in self.vectors.items():
            phase = next((p for p in phases if p.name == key), None)
            if key in previous:
                symbol, subtitle, tip = self.previous_caption(key, previous[key])
            elif phase is None:
                symbol, subtitle, tip = "x<sub>t</sub>", x_caption, x_tip
            else:
                symbol = f"{phase.symbol}<sub>t</sub>"
                equation = equation_html(phase.equation_for(m.session.order), config, reverse)
                subtitle = equation.split(" = ", 1)[-1]
                tip = translate_cell(phase.title)
            view.setToolTip(tip)
            length = shown[key].shape[0]
            title = f"{symbol} ({length},)" if with_length else symbol
            view.set_title(title, active=key == m.phase, subtitle=subtitle,
                           framed=key in whole if breakdown is not None else None)
            if view.marked_cell() != (None if key not in cells else (cells[key], 0)):
                view.mark_cell(cells.get(key))
            stacked = phase is not None and phase.width > 1
            view.set_matrix(shown[key], levels=levels[key], sequential=scales[key] in style.SEQUENTIAL_SCALES,
                            bounds=BOUNDS.get(scales[key]), blocks=gates if stacked else x_blocks if key == "x" else (),
                            dtype=config.dtype)
            stacked = stacked or (key == "x" and bool(x_blocks))
            view.show_row_ticks(stacked or length != before)
            # a view that numbers its rows carries a column of labels beside its cells: room for it too
            stretch = 6 if view.row_ticks else 4
            row = self.rows[0] if self.rows[0].indexOf(view) >= 0 else self.rows[1]
            if row.stretch(row.indexOf(view)) != stretch:
                row.setStretch(row.indexOf(view), stretch)
            before = None if stacked else length
            if stacked:  # the block of it the phase on show reads, framed (a GRU's n reads a_n and s_n)
                block = blocks_read.get(key)
                rows = None if block is None else (block * H, (block + 1) * H)
                if view.marked_rows() != rows:
                    view.mark_rows(*(rows or ()))
        self.arrange_strip()
        legend = self.legend_text(shared, any(scales[k] in style.SEQUENTIAL_SCALES for k in shown))
        self.legend.setText(legend)  # QLabel lays itself out again only when its text is another
        self.legend.setToolTip(self.tr("Every state and pre-activation of the strip on one colour scale, "
                                       "symmetric about zero; the gates on 0 … 1; x_t on a scale of its own "
                                       "(±{0}). A dashed edge marks a saturated value: within 1% of the end "
                                       "of tanh's (-1 … 1) or σ's (0 … 1) range.").format(
            style.in_view(largest.get("x", 1.0), style.view_decimals(largest.get("x", 1.0)))))
        self.show_question_marks(m.awaiting_guess)
        t = m.t if m.t is not None else m.cell.walk[0]
        where = self.tr("layer {0}, {1}").format(m.layer, self.tr("reverse") if m.direction else self.tr("forward"))
        titles = [translate_cell(p.title) for p in phases]
        phase = self.equation_phase()  # None before the walk's first step, or where the sequence has ended
        if phase is not None:
            texts = (self.tr("Time step t = {0} (step {1} of {2}, {3}) — phase {4} of {5}: {6}").format(
                t, m.step_index + 1, m.seq_len, where, m.phase_index + 1, len(phases), titles[m.phase_index]),
                self.explanation_text(phase), self.equation_text(phase))
        elif m.has_ended(t):
            length = m.session.lengths[m.batch]
            texts = (self.tr("Time step t = {0} ({1}): sequence {2} has ended").format(t, where, m.batch),
                     self.tr("Sequence {0}'s length is {1}. A packed batch (pack_padded_sequence with lengths "
                             "{2}) steps only the sequences still running: {3} of {4} at t = {5}. Nothing is "
                             "computed for sequence {0} here, and its h_n is its last real step's.").format(
                         m.batch, length, ", ".join(map(str, m.session.lengths)),
                         m.trace.batch_size - len(m.cell.ended(t)), m.trace.batch_size, t),
                     "")
        else:
            texts = (self.tr("Ready at time step {0} ({1}). Press Step (Space) to compute it.").format(t, where),
                     self.tr("Each click on Step runs one pass of the loop: {0}. Step phase (Shift+→) shows one "
                             "at a time.").format(", ".join(titles)),
                     "")
        for label, text in zip(self.texts(), texts):
            label.setText(text)
        self.heading.setToolTip(texts[1])
        self.fit_texts(grow_only=True)

    def legend_text(self, shared: float, gates: bool) -> str:
        """The strip's colour scales as swatches with their ends, and what the dashed edge means."""
        def end(value: float, level: float, sequential: bool = False) -> str:
            return swatch(style.in_view(value, style.view_decimals(level, 3)), value, level, sequential)
        parts = [end(-shared, shared) + end(shared, shared) + " " + self.tr("states, sums")]
        if gates:
            parts.append(end(0.0, 1.0, True) + end(1.0, 1.0, True) + " " + self.tr("gates"))
        parts.append(self.tr("dashed box: saturated"))
        return " · ".join(parts)

    def arrange_strip(self) -> None:
        """Put the vectors on one row or two, as strip_rows plans for this width; the loop from h_t back to
        h_{t-1} is drawn under a single row only (on two, h_{t-1} stands above h_t and its caption says it)."""
        names = tuple(self.vectors)
        px = max(font_px(), style.MIN_LEGIBLE_PX)
        # The equation as fit_texts will have it: written shorter until it takes no more than its share of the
        # panel. Measured as it was written for the last plan, an LSTM(8)'s whole h_t (ten lines at 1024 × 768)
        # left one row no room for two, and one row then left the equation its room to stay whole: opened with
        # --steps, the strip lost h_{t-1} and c_{t-1}, which the same window stepped live kept.
        panel = self.contentsRect().height()
        height = panel - self.heading.height() - min(self.equation.height(), int(EQUATION_SHARE * panel))
        plan = strip_rows(names, self.inputs, self.width(), px, height)
        if plan != self.strip_plan:
            self.strip_plan = plan
            for key, view in self.vectors.items():
                if view.isVisibleTo(self) != (key in plan[0] + plan[1]):
                    view.setVisible(key in plan[0] + plan[1])
            for row in self.rows:
                while row.count():
                    row.takeAt(0)
            for row, keys in zip(self.rows, plan):
                for key in keys:
                    view = self.vectors[key]
                    row.addWidget(view, 6 if view.row_ticks else 4)
            # Each row as tall as its longest vector asks, to four rows (a longer one shows its ends around an
            # ellipsis), and its titles, some of three lines, and their margins: the gates' two rows keep their
            # numbers under a stacked gate vector's eight
            for row, keys in zip(self.rows, plan):
                self.strip.setStretch(self.strip.indexOf(row), max(
                    [min(self.vectors[k].values().shape[0], 4) + 4 for k in keys], default=0))
            self.fit_texts(grow_only=False)  # two rows need more height: the explanation may give way
        previous = [name for name in names if name.endswith("_prev") and name in plan[0]]
        self.level_titles()
        looped = bool(previous) and not plan[1]
        self.loop.join(("hidden", previous[0]) if looped else None)
        # Two rows draw no loop: the legend takes its room, where it costs the numbers nothing
        if self.loop_room.isVisibleTo(self) != looped:
            self.loop_room.setVisible(looped)
            self.fit_texts(grow_only=False)

    def level_titles(self) -> None:
        """Each row's titles as tall as its tallest, so the row's cells start level (issue 26)."""
        for keys in self.strip_plan:
            views = [self.vectors[key] for key in keys if key in self.vectors]
            height = max((view.title_needed() for view in views), default=0)
            for view in views:
                view.level_title(height)

    def show_question_marks(self, on: bool) -> None:
        """While the class guesses h_t (Predict, then reveal), a "?" on each of its cells on show."""
        view = self.vectors.get("hidden")
        for item in self.question_marks:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.question_marks = []
        if not on or view is None:
            return
        rows = view.shown_rows()
        height = view.vb.height() / max(len(rows), 1)
        px = int(max(min(0.6 * height, 2 * font_px()), style.MIN_PROMINENT_PX, font_px()))
        font = style.pixel_font(px, QtWidgets.QApplication.font())
        font.setBold(True)
        for display, row in enumerate(rows):
            if row is None:
                continue
            mark = pg.TextItem("?", color=style.ACTIVE, anchor=(0.5, 0.5))
            mark.setFont(font)
            mark.setPos(0, display)
            mark.setZValue(12)
            view.vb.addItem(mark, ignoreBounds=True)
            self.question_marks.append(mark)

    def texts(self) -> tuple[QtWidgets.QLabel, ...]:
        return self.heading, self.explanation, self.equation

    def choose(self, key: str, row: int) -> None:
        """A click (or Enter) on entry `row` of the strip's vector `key`: open its arithmetic. x_t is not computed
        by this cell: the input, or the layer below's output, says so."""
        m = self.model
        if m.t is None:
            return
        if key == "x":
            H = m.session.config.output_size
            if m.layer == 0:
                m.events.message.emit(self.tr("x_{0}[{1}] is the input you gave: nothing computed it").format(
                    m.t, row))
            else:
                side = self.tr("reverse") if row >= H else self.tr("forward")
                m.events.message.emit(self.tr("x_{0}[{1}] is h_{0}[{2}] of layer {3}, {4}: choose that layer to see "
                                              "how it was computed").format(m.t, row, row % H, m.layer - 1, side))
            return
        state = previous_states(m.session.config).get(key)
        if state is not None:  # h_{t-1}: the state the previous step of the walk computed, opened there
            walk = m.cell.walk
            step = walk.index(m.t)
            if step == 0:
                m.events.message.emit(self.tr("{0}[{1}] is the initial state h₀: given with the session, or zeros; "
                                              "nothing computed it").format(key.replace("_prev", "₀"), row))
                return
            m.select(walk[step - 1], state, row)
            return
        m.select(m.t, key, row)

    def equation_px_range(self) -> tuple[int, int]:
        """The equation's smallest and largest pixel size: the interface font's; in presentation at least
        style.MIN_PROMINENT_PX, and up to EQUATION_MAX times that."""
        low = max(font_px(), style.MIN_PROMINENT_PX)
        # A window's strip keeps every pixel for its vectors; a projector's equation has the room to grow.
        return low, int(low * EQUATION_MAX) if style.MIN_PROMINENT_PX else low

    @staticmethod
    def equation_font(px: int) -> QtGui.QFont:
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont)
        mono.setPixelSize(px)
        return mono

    def fit_equation(self, width: int) -> None:
        """The equation grows with the panel: to the size at which EQUATION_LINE characters fill its width, within
        equation_px_range, while it takes no more than EQUATION_SHARE of its height (the strip's numbers need the
        rest). Sized on a resize only, so a step's longer or shorter line never changes it."""
        low, high = self.equation_px_range()
        advance = QtGui.QFontMetricsF(self.equation_font(100)).horizontalAdvance("0") / 100
        px = int(min(max(width / (EQUATION_LINE * advance), low), high))
        lines = max(self.equation.text().count("\n") + 1, 3)
        height = self.contentsRect().height()
        texts = self.heading.height() + self.explanation.height() + 3 * self.layout().spacing()
        budget = min(EQUATION_SHARE * height, height - self.strip_needs() - texts)
        while px > low and lines * QtGui.QFontMetricsF(self.equation_font(px)).lineSpacing() > budget:
            px -= 1
        if self.equation.font().pixelSize() != px:
            self.equation.setFont(self.equation_font(px))

    def fit_texts(self, grow_only: bool) -> None:
        """Between resizes the labels' heights only grow: a label changing height every step would relayout, and
        so repaint, every view in the window (measured: 40% more paints per step). When the panel is too short
        for every text and the vectors (a presentation-size font at 1280 × 720), the explanation gives way; it
        stays readable as the heading's tooltip."""
        if grow_only and not self.isVisible():
            # On a tab not on show its width is stale (a narrow one made a 64-unit equation 600 px tall, and a tab
            # widget is as tall as its tallest page): measured when it shows (showEvent)
            return
        layout = self.layout()
        margins = layout.contentsMargins()
        width = max(self.contentsRect().width() - margins.left() - margins.right(), 1)  # the labels' width to be
        phase = self.equation_phase()
        if not grow_only:
            self.fit_equation(width)
            if phase is not None:  # at this size it may have the room to be written in full again
                self.equation.setText(self.equation_text(phase))
        heights = {}
        for label in self.texts():
            if grow_only:  # a QLabel's height for a width is never under its minimum height: at least what it has
                heights[label] = label.heightForWidth(width) if label.text() else label.minimumHeight()
                continue
            label.setMinimumHeight(0)  # a resize measures afresh: a wider panel needs fewer lines
            heights[label] = label.heightForWidth(width) if label.text() else 0
        legend = self.legend.heightForWidth(width) if self.legend.text() else 0
        # The equation's room: what the strip's numbers, the heading and the legend leave (the explanation gives
        # way first), and at least EQUATION_SHARE of the panel. Written in full at each resize and step; where it
        # does not fit, written shorter until it does, by summarising its vectors ("..."). An equation numpy writes
        # whole may take the strip's room down to two rows of numbers a vector: an LSTM(2)'s five lines, with its
        # weights' names, at 1024 × 768 in presentation. A GRU(8)'s r_t, ten lines there, left the strip none.
        height = self.contentsRect().height()
        texts = heights[self.heading] + legend + 4 * layout.spacing()
        strip_needs = self.strip_needs()
        room, whole_room = (max(height - needs - texts, EQUATION_SHARE * height)
                            for needs in (strip_needs, self.strip_needs(2)))
        if phase is not None and heights[self.equation] > (room if "..." in self.equation.text() else whole_room):
            for detail in self.EQUATION_DETAIL[1:]:
                text = self.equation_text(phase, *detail)
                if "..." not in text or text == self.equation.text():
                    continue
                self.equation.setText(text)
                heights[self.equation] = self.equation.heightForWidth(width)
                if heights[self.equation] <= room:
                    break
        if sum(heights.values()) + legend + strip_needs + 3 * layout.spacing() > height \
                or self.model.selected is not None:  # an open breakdown takes the explanation's room too
            heights[self.explanation] = 0
        # The colour legend is always on show (issue 26): one line of swatches, in the loop's room when the strip
        # has two rows and draws no loop
        if legend != self.legend.maximumHeight():
            self.legend.setFixedHeight(legend)
        for label, height in heights.items():
            if height != label.maximumHeight():
                label.setFixedHeight(height)

    def strip_needs(self, most_rows: int = 5) -> int:
        """The height the strip's titles and numbers need to be read: its longest vector's rows (`most_rows` at
        most: a longer one shows its first and last), each tall enough for a number at its vectors' smallest size
        in presentation (the back-row size of a short strip's, a heatmap's in a gated cell's two rows; a cell's
        number takes 0.6 of its height), two lines of the font otherwise. Not a minimum height, which would take
        the room from the comparison plot instead: the explanation gives way to it."""
        guess = self.guess_row.sizeHint().height() if self.guess_row.isVisibleTo(self) else 0
        needs = 0
        for keys in [keys for keys in self.strip_plan if keys] or [()]:  # each row of the strip: titles and rows
            views = [self.vectors[key] for key in keys]
            rows = min(max((view.values().shape[0] for view in views), default=2), most_rows)
            least = max((view.least_number_px() for view in views), default=style.MIN_PROMINENT_PX)
            cell = max(2 * self.fontMetrics().height(), least / 0.6 + 4)  # and the cell's margin
            needs += int(style.font_pt() * 5.6 + rows * cell)
        return needs + (self.loop_room.height() if self.loop_room.isVisibleTo(self) else 0) + guess

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_texts(grow_only=False)
        if self.vectors:
            self.arrange_strip()
        if self.question_marks:  # sized to the cells
            self.show_question_marks(True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit_texts(grow_only=False)  # while hidden it was not measured

    # How much of the equation is written, fullest first: how many values at each end of a vector it summarises
    # (None: as numpy prints it, which summarises past 12 values), and whether the line of the numbers the phase
    # reads is written. A GRU(300)'s h_t wraps to twelve lines at a projector's size and took the strip's whole
    # height at 1280 × 720, and a GRU(8)'s h_t, seventeen lines, at 1024 × 768: where the panel has no room for
    # all of it, the equation is written shorter until it fits (fit_texts). Its first line and its result show.
    EQUATION_DETAIL = ((None, True), (3, True), (1, True), (1, False))

    def equation_text(self, phase, edgeitems: int | None = None, with_numbers: bool = True) -> str:
        """The phase's equation, then with this step's numbers, then its result (core/equations writes all three)."""
        m = self.model
        equation, numbers, result = equations.written_out(
            phase, m.session, m.cell, m.t, m.batch,
            lambda v: style.vector_text(v, m.session.config.dtype, edgeitems).replace(" ", NO_BREAK))
        weights = self.named_weights(numbers) if with_numbers else ""  # over the numbers they meet
        # The result wraps where the label needs, between its numbers, each continuation under the first: not where
        # numpy breaks at 80 characters, which began a line of its own under the "=" (an LSTM(2)'s a_t, eight values)
        result = result.replace("\n", "").replace(NO_BREAK, " ")
        return "\n".join([equation] + ([weights] if weights else []) + ([f"    = {numbers}"] if with_numbers else [])
                         + [f"    = {result}"])

    def equation_phase(self):
        """The phase whose equation is written under the strip, or None: before the walk's first step, and where a
        packed batch's sequence has ended."""
        m = self.model
        if m.position == 0 or m.has_ended(m.t if m.t is not None else m.cell.walk[0]):
            return None
        return self.phases()[m.phase_index]

    # A weight whose numbers the equation writes out in full: up to this many entries (the notebook's W_hh, 2 × 2);
    # a larger one is named with its shape, its numbers beside the strip (the full layout's Weights panel, the focus
    # layout's PhaseWeights): a GRU's 6 × 2 written out took the strip's numbers at 1024 × 768.
    WEIGHTS_WRITTEN = 4

    def named_weights(self, numbers: str) -> str:
        """The weights the equation's numbers line names but does not write ("W_hh · […] + b_hh"), with their
        values: in the focus layout and on a slide the Weights page is another tab (issue 26)."""
        from ..core.trace import parameters

        m = self.model
        names = list(dict.fromkeys(re.findall(r"\b([Wb]_[a-z]{2})\b", numbers)))
        if not names or m.trace is None:
            return ""
        p = parameters(m.session.config.cell_type, dict(m.trace.reference.module.named_parameters()), m.layer,
                       m.direction)
        parts = []
        for name in names:
            value = getattr(p, name, None)
            if value is None:
                continue
            if value.numel() <= self.WEIGHTS_WRITTEN:
                text = array_text(value, max_line_width=10**6, floatmode="unique", separator=" ")
                parts.append(f"  {name} = {text.replace(chr(10), '')}")
            else:
                parts.append(f"  {name} {'×'.join(map(str, value.shape))}: " + self.tr("its numbers beside"))
        return "\n".join(parts)

    def explanation_text(self, phase) -> str:
        text = translate_cell(phase.explanation)
        reads = {name for name, _ in equations.VECTOR.findall(phase.numbers_for(self.model.session.order))}
        if self.model.direction == 1 and reads & set(previous_states(self.model.session.config)):
            text += " " + self.tr("In the reverse direction the walk goes t = T-1 … 0: the state it reads is "
                                  "h_t+1, computed the click before, and at t = T-1 the initial state.")
        if self.model.session.order == "textbook" and phase.textbook_equation:
            cell_type = self.model.session.config.cell_type
            text += " " + self.tr("Textbook order: {0}. {1}.").format(
                translate_cell(cell_type.textbook_name), translate_cell(cell_type.textbook_note))
        return text
