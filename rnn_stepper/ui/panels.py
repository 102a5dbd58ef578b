"""The window's panels. Each takes the model, subscribes to its events and draws what the model holds.

None keeps numbers of its own: every refresh reads the core's trace through the model.
"""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..core import equations, layout
from ..core.config import cell_suffix
from ..core.distance import abs_diff, array_text, numbers, rowwise_max, spacing, ulp_distance
from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .explain_panel import ExplainPanel, breakdown_of
from .matrix_view import MatrixView
from .steady import SteadyText

# The range of the function behind a phase's scale (Phase.scale): a cell near its ends is marked saturated.
BOUNDS = {"bounded": (-1.0, 1.0), "gate": (0.0, 1.0)}
NO_BREAK = "\u00a0"  # inside a vector written out: a line of the equation wraps between vectors, never inside one
MAX_PLOTTED_UNITS = StepperModel.MAX_FOLLOWED  # the comparison's curves: as many as its colours tell apart
MAX_MARKERS = 200  # longer sequences draw lines only: thousands of markers cost a frame and show nothing more

# A variable's subscript in an equation: W_ih, a_n, h_t-1 (a time step with its offset stays one subscript).
SUBSCRIPT = re.compile(r"\b([A-Za-z])_(t[-+]1|[A-Za-z0-9]+)")
# Read from the back row of a hall (issue 13): in presentation mode the equation is at least style.MIN_PROMINENT_PX
# high, every plot title and tick label at least style.MIN_LEGIBLE_PX.
EQUATION_LINE = 48  # characters the equation's font is sized to fit across the step panel: it grows with the room
EQUATION_MAX = 1.5  # … up to this many times its smallest size
EQUATION_SHARE = 0.3  # … and in no more than this share of the step panel's height


def font_px() -> int:
    """The interface font's height in pixels (presentation mode has scaled it)."""
    return QtGui.QFontInfo(QtWidgets.QApplication.font()).pixelSize()


def label_px() -> int:
    """Plot titles and tick labels: a little under the interface's font, never under presentation's legible size."""
    return style.legible_px(style.font_pt() * 0.9)


def label_font() -> QtGui.QFont:
    return style.pixel_font(label_px(), QtWidgets.QApplication.font())


def swatch(text: str, position: float, level: float, sequential: bool = False) -> str:
    """`text` on the colour a cell at `position` of a scale ending at ±`level` has, in the ink its number takes: a
    legend's sample of a colour scale."""
    r, g, b, _ = style.cell_colours(np.array([[position]]), level, sequential)[0, 0]
    ink = "#ffffff" if style.dark_cells(np.array([position]), level)[0] else "#000000"
    return f"<span style='background:#{r:02x}{g:02x}{b:02x}; color:{ink}'>&nbsp;{text}&nbsp;</span>"


def wrapped(text: str, font: QtGui.QFont, width: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` in `font` (a word wider than that has a line of its
    own): a plot title that fits its plot instead of being cut."""
    metrics = QtGui.QFontMetricsF(font)
    lines: list[str] = []
    for word in text.split(" "):
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def set_plot_title(plot: pg.PlotWidget, text: str, extra_html: str = "") -> None:
    """A plot's title in the plots' label size, wrapped to the plot's width, with `extra_html` as a line of its own
    (the units' colour key); the title row takes exactly the height of its lines. Fitted again whenever the plot's
    area changes size (its value axis widens with its labels), so it is never cut."""
    item = plot.getPlotItem()
    first = not hasattr(item, "wrapped_title")
    item.wrapped_title = (text, extra_html)
    if first:
        item.vb.sigResized.connect(lambda *_: fit_plot_title(plot))
    fit_plot_title(plot)


def fit_plot_title(plot: pg.PlotWidget) -> None:
    item = plot.getPlotItem()
    text, extra_html = item.wrapped_title
    font = label_font()
    px = font.pixelSize()
    # The title stands over the plot's area, between its axes; pyqtgraph makes a title's width its minimum, so
    # one wider than that area would push the plot out of its view.
    room = plot.width() - item.getAxis("left").width() - item.getAxis("right").width() - px
    lines = wrapped(text, font, max(room, 4 * px))
    html = "<br>".join(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in lines)
    if extra_html:
        html += "<br>" + extra_html
    html = f"<span style='font-size:{px}px'>{html}</span>"
    if html == item.titleLabel.text and item.titleLabel.isVisible():
        return
    item.setTitle(html)
    # The drawn text's own height: a Korean line, in a fallback font, is taller than the Latin font's line.
    height = int(np.ceil(item.titleLabel.item.boundingRect().height())) + 2
    item.titleLabel.setMaximumHeight(height)
    item.layout.setRowFixedHeight(0, height)
    # A longer title before this one widened the plot past its view; only the view's next resize would bring
    # it back, so the plot takes the view's size now.
    item.setGeometry(plot.range)


class LegibleAxis(pg.AxisItem):
    """An axis whose tick labels never overlap and are as large as the plots' labels: pyqtgraph always draws its
    first level of labels, so a log axis 60 px high wrote 10⁻⁶, 10⁻⁷ and 10⁻⁸ over each other. Labels that would
    touch one already placed are left out (the first level, the decades of a log axis, go first), so how many show
    follows the axis' length in pixels. `integer`: ticks on whole numbers only (timesteps)."""

    def __init__(self, orientation: str, integer: bool = False, **kwargs):
        super().__init__(orientation, **kwargs)
        self.integer = integer
        self.setStyle(tickFont=label_font())

    def tickSpacing(self, minVal, maxVal, size):
        levels = super().tickSpacing(minVal, maxVal, size)
        if not self.integer:
            return levels
        return [(max(spacing, 1.0), round(offset)) for spacing, offset in levels if spacing >= 1.0] or [(1.0, 0)]

    def generateDrawSpecs(self, p):
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        kept: list[QtCore.QRectF] = []
        gap = 0.15 * QtGui.QFontMetricsF(self.style["tickFont"] or self.font()).height()
        legible = []
        for rect, flags, text in texts:
            padded = rect.adjusted(-gap, -gap, gap, gap)
            if not any(padded.intersects(other) for other in kept):
                kept.append(rect)
                legible.append((rect, flags, text))
        return axis, ticks, legible


def legible_axes(integer_x: bool = True) -> dict[str, LegibleAxis]:
    """The axes of a plot in the panels: time along the bottom, values on the left."""
    return {"bottom": LegibleAxis("bottom", integer=integer_x), "left": LegibleAxis("left")}


def without_menus(plot: pg.PlotWidget) -> pg.PlotWidget:
    """`plot` with no context menu, and the menu pyqtgraph makes anyway owned by the plot, so it goes with it.

    pyqtgraph gives every plot a "Plot Options" menu with no parent: a top-level widget of its own, which outlives
    the plot and is deleted only when Python's cyclic collector frees it, at whatever allocation sets a collection
    off. One such allocation is Qt handing its list of top-level widgets to Python (QApplication.topLevelWidgets
    wraps each one): a menu freed there is still further down the list, and reading it crashed the interpreter
    (issue 25). Owned by the plot, Qt deletes the menu and its submenus with the plot, at a known time."""
    plot.setMenuEnabled(False)
    menu = plot.getPlotItem().ctrlMenu
    menu.setParent(plot, menu.windowFlags())  # still a popup, were pyqtgraph ever to show it
    return plot


def translate_cell(text: str) -> str:
    """A cell type's title, explanation or textbook wording (marked in core/cells, context "Cells")."""
    return QtCore.QCoreApplication.translate("Cells", text)


def module_label(config) -> str:
    """The torch module on show, as a user writes it: nn.RNN, nn.GRU, nn.LSTM."""
    return config.cell_type.label


def equation_html(template: str, config, reverse: bool) -> str:
    """A phase's equation for a caption, with t symbolic: `s_t = W_hh h_t-1 + b_hh` with HTML subscripts."""
    text = equations.fill(template, bias=config.bias, t="t", prev=equations.previous_offset(reverse))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return SUBSCRIPT.sub(r"\1<sub>\2</sub>", text)


def parse_number(text: str) -> float:
    """A number typed by a person: '0.5', '-1e-3', 'nan', 'inf'. Raises InputError saying how to fix it."""
    cleaned = text.strip().replace("−", "-")
    try:
        return float(cleaned)
    except ValueError:
        shown = cleaned if len(cleaned) <= 20 else cleaned[:20] + "…"
        raise InputError(f"'{shown}' is not a number; type one like 0.5, -1.25 or 1e-3") from None


class InView:
    """A followed unit's line or markers in the comparison, whose bounds are its plot's visible range. The plot's
    axes are set by ComparisonPanel, never fitted to its curves, and whatever is drawn outside the range is clipped:
    pyqtgraph measured each of 16 curves' data and pixel size again at every step (~1 ms)."""

    def boundingRect(self) -> QtCore.QRectF:
        view, x = self.getViewBox(), self.getData()[0]
        if view is None or x is None or not len(x):
            return QtCore.QRectF()
        return view.viewRect()


class UnitLine(InView, pg.PlotCurveItem):
    pass


class UnitMarkers(InView, pg.ScatterPlotItem):
    pass


def set_points(item: pg.PlotDataItem | pg.PlotCurveItem | pg.ScatterPlotItem, x: np.ndarray, y: np.ndarray) -> None:
    """A curve's points; none at all is cleared rather than set empty, since pyqtgraph would only hide the items
    that hold the previous points. A bare line longer than its plot has pixels keeps each pixel's extremes
    (PlotDataItem's "peak" downsampling, which a bare PlotCurveItem lacks)."""
    if not len(x):
        item.clear()
        # pyqtgraph's clear() drops the points without a repaint: a curve drawn from its pixmap cache
        # (style.cache_drawing) kept the whole ‖h_t‖ after Run to end and then Reset (issue 26)
        for part in (item, getattr(item, "curve", None), getattr(item, "scatter", None)):
            if part is not None:
                part.update()
        return
    if isinstance(item, pg.PlotCurveItem) and item.getViewBox() is not None:
        x, y = peak_decimated(x, y, max(int(item.getViewBox().width()), 1))
    item.setData(x=x, y=y)


def peak_decimated(x: np.ndarray, y: np.ndarray, pixels: int) -> tuple[np.ndarray, np.ndarray]:
    """`y` over `x` in about 2 × `pixels` points: where more than four points would share a pixel, each pixel's
    lowest and highest (NaN ignored), so every peak is still drawn."""
    per = len(x) // pixels
    if per <= 4:
        return x, y
    whole = len(x) // per * per
    with np.errstate(invalid="ignore"):
        bins = np.asarray(y[:whole], dtype=np.float64).reshape(-1, per)
        low, high = np.fmin.reduce(bins, axis=1), np.fmax.reduce(bins, axis=1)
    xs = np.repeat(np.asarray(x[:whole:per]), 2)
    ys = np.column_stack([low, high]).ravel()
    return np.concatenate([xs, x[whole:]]), np.concatenate([ys, y[whole:]])


def units_text(units) -> str:
    """Unit numbers as a person types them: runs of three or more as ranges, "0-3, 7"."""
    parts, units = [], sorted(units)
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and units[j + 1] == units[j] + 1:
            j += 1
        parts.append(f"{units[i]}-{units[j]}" if j - i >= 2 else ", ".join(str(u) for u in units[i:j + 1]))
        i = j + 1
    return ", ".join(parts)


def parse_units(text: str) -> tuple[int, ...]:
    """Unit numbers typed by a person: "0, 3, 10-12". Raises InputError saying how to fix it."""
    units: set[int] = set()
    for part in (p.strip() for p in text.replace("–", "-").replace(";", ",").split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part)
        if match is None:
            shown = part if len(part) <= 20 else part[:20] + "…"
            raise InputError(f"'{shown}' is not a unit number; type numbers like 0, 3, 10-12")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first or last - first > 10_000:
            raise InputError(f"'{part}' is not a range of units; write the smaller number first, like 10-12")
        units.update(range(first, last + 1))
    return tuple(sorted(units))


def phase_reads(model: StepperModel) -> dict[str, int | None]:
    """What the phase on show reads: parameter kind (weight_ih, bias_hh, …) → its gate block, or None for every
    row; {} before the first phase."""
    phase = model.phase
    if phase is None:
        return {}
    config = model.session.config
    declared = next((p for p in config.cell_type.phases(config) if p.name == phase), None)
    return dict(declared.reads) if declared is not None else {}


class WeightsPanel(QtWidgets.QWidget):
    """W_ih (W_xh), W_hh, b_ih and b_hh of the cell on show (and an LSTM's W_hr with proj_size); double-click a
    cell to type a new value. A stacked matrix is labelled by gate block, and the rows the phase on show reads are
    framed."""

    KINDS = ("weight_ih", "bias_ih", "weight_hh", "bias_hh", "weight_hr")

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = QtWidgets.QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # A bias is drawn on its weight matrix's colour scale, so the matrix's colour bar reads for both.
        self.views = {kind: MatrixView(editable=True, colorbar=kind.startswith("weight")) for kind in self.KINDS}
        layout.addWidget(self.views["weight_ih"], 0, 0)
        layout.addWidget(self.views["bias_ih"], 0, 1)
        layout.addWidget(self.views["weight_hh"], 1, 0)
        layout.addWidget(self.views["bias_hh"], 1, 1)
        layout.addWidget(self.views["weight_hr"], 2, 0)
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
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        """Matrices are redrawn when they change; a step or a selection only moves the highlight. Returns whether
        anything was redrawn (as every view's on_change)."""
        if what & {"trace", "cell"}:
            self.refresh()  # and the highlight
        elif what & {"cursor", "selected"}:
            self.highlight()
        else:
            return False
        return True

    def names(self) -> dict[str, str]:
        suffix = cell_suffix(self.model.layer, self.model.direction)
        return {kind: kind + suffix for kind in self.views}

    TITLES = {"weight_ih": "W<sub>ih</sub> (W<sub>xh</sub>)", "weight_hh": "W<sub>hh</sub>",
              "bias_ih": "b<sub>ih</sub>", "bias_hh": "b<sub>hh</sub>", "weight_hr": "W<sub>hr</sub>"}

    def blocks(self, kind: str) -> tuple[str, ...]:
        """The gate blocks a parameter stacks, top to bottom; W_hr maps the whole hidden state and stacks none."""
        return () if kind == "weight_hr" else self.model.session.config.cell_type.gate_names

    def refresh(self) -> None:
        weights = self.model.session.weights
        names = self.names()
        for kind, name in names.items():
            view = self.views[kind]
            view.setVisible(name in weights)
            if name not in weights:
                continue
            # A matrix and its bias share one symmetric colour scale.
            pair = [weights[n] for n in (names.get(kind.replace("bias", "weight")),
                                         names.get(kind.replace("weight", "bias"))) if n in weights]
            view.set_matrix(weights[name], levels=max(float(p.detach().abs().max()) for p in pair),
                            blocks=self.blocks(kind))
        self.highlight()

    def reads(self) -> dict[str, int | None]:
        return phase_reads(self.model)

    def highlight(self) -> None:
        """Frame the parameters the phase on show reads, and within a stacked one the rows of its gate. While a
        breakdown is open (issue 12), the one row of each parameter it reads instead, the other rows dimmed."""
        weights = self.model.session.weights
        reads = self.reads()
        H = self.model.session.config.hidden_size
        rows = {} if (breakdown := breakdown_of(self.model)) is None else dict(breakdown.parameters)
        for kind, name in self.names().items():
            if name not in weights:
                continue
            view = self.views[kind]
            shape = "×".join(str(n) for n in weights[name].shape)
            block = reads.get(kind)
            if breakdown is not None:
                read = rows.get(kind)
                view.set_title(f"{self.TITLES[kind]} {shape}", active=read is not None, framed=False)
                marked = None if read is None else (read, read + 1)
                if view.marked_rows() != marked:
                    view.mark_rows(*(marked or ()))
                continue
            view.set_title(f"{self.TITLES[kind]} {shape}", active=kind in reads, framed=kind in reads and block is None)
            if block is None:
                view.mark_rows()
            elif view.marked_rows() != (block * H, (block + 1) * H):
                view.mark_rows(block * H, (block + 1) * H)

    def begin_edit(self, kind: str, r: int, c: int) -> None:
        view = self.views[kind]
        self.editing = (kind, r, c)
        value = view.values()[r, c]
        self.editor.setText(style.exact(value, view.dtype))
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


def parse_guesses(text: str, size: int) -> list[float]:
    """A guess at a whole vector typed in one field: `size` numbers apart by spaces or commas. Raises InputError
    saying how to fix it."""
    parts = [part for part in re.split(r"[\s,;]+", text.strip().strip("[]()")) if part]
    if len(parts) != size:
        raise InputError(f"h_t has {size} units: type {size} numbers apart by spaces, like "
                         f"{' '.join(['0.5', '-0.25', '0'][:min(size, 3)])}{' …' if size > 3 else ''}; "
                         f"got {len(parts)}")
    return [parse_number(part) for part in parts]


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


class GuessRow(QtWidgets.QWidget):
    """Predict, then reveal as an exercise: while the step waits before h_t, a prompt and a field per unit of h_t
    (one field for the whole vector past MAX_GUESS_FIELDS units) where the class types its guess; once h_t is
    revealed, each guess beside the truth and the error. The guesses are the model's (StepperModel.guesses)."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.prompt = QtWidgets.QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet(f"font-weight: bold; color: {style.ACTIVE}")
        self.fields_row = QtWidgets.QHBoxLayout()
        self.fields_row.setSpacing(4)
        self.fields: list[QtWidgets.QLineEdit] = []
        self.result = QtWidgets.QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(QtCore.Qt.RichText)
        # the prompt and the fields on one line: the strip above keeps the height for its numbers
        line = QtWidgets.QHBoxLayout()
        line.setSpacing(8)
        line.addWidget(self.prompt, 3)
        line.addLayout(self.fields_row, 2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.result)
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        if not what & {"guesses", "trace", "cell", "cursor"}:
            return False
        self.refresh()
        return True

    MAX_GUESS_FIELDS = 8

    def build_fields(self, units: int) -> None:
        """A field per unit, or one for the whole vector: made again only when h_t's size changes."""
        while self.fields_row.count():
            widget = self.fields_row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.fields = []
        count = units if units <= self.MAX_GUESS_FIELDS else 1
        for u in range(count):
            if count > 1:
                self.fields_row.addWidget(QtWidgets.QLabel(f"h[{u}]"))
            field = QtWidgets.QLineEdit()
            field.setObjectName(f"guess-{u}" if count > 1 else "guess-vector")
            field.setPlaceholderText("?")
            field.setToolTip(self.tr("Type a guess for h[{0}] and press Enter").format(u) if count > 1 else
                             self.tr("Type a guess for each of the {0} units of h_t, apart by spaces, and press "
                                     "Enter").format(units))
            field.editingFinished.connect(lambda u=u, field=field: self.commit(field, u))
            self.fields_row.addWidget(field, 1 if count > 1 else 8)
            self.fields.append(field)
        self.fields_row.addStretch(0 if count == 1 else 1)
        self.fields_units = units

    fields_units = -1

    def commit(self, field: QtWidgets.QLineEdit, unit: int) -> None:
        """A guess typed: taken into the model, or a clear message (the field marked) when it is not a number."""
        m = self.model
        if not m.awaiting_guess:
            return
        text = field.text().strip()
        units = m.session.config.output_size
        try:
            if len(self.fields) == 1 and units > 1:
                values = parse_guesses(text, units) if text else [None] * units
                for u, value in enumerate(values):
                    m.set_guess(u, value)
            else:
                m.set_guess(unit, parse_number(text) if text else None)
        except InputError as exc:
            field.setStyleSheet("background: #ffd6d6")
            field.setToolTip(str(exc))
            m.events.message.emit(str(exc))
            return
        field.setStyleSheet("")

    def commit_pending(self) -> None:
        """Take every field's text as typed, Enter or not: a click on Step (a toolbar button takes no focus, so no
        field finishes its editing) revealed h_t without the guess still in the last field (issue 26)."""
        for unit, field in enumerate(self.fields):
            if field.isEnabled() and field.isModified():
                self.commit(field, unit)
                field.setModified(False)

    def refresh(self) -> None:
        m = self.model
        if m.trace is None:
            return
        units = m.session.config.output_size
        waiting = m.awaiting_guess
        errors = m.guess_errors() if m.predict_first else {}
        self.setVisible(waiting or bool(errors))
        if not (waiting or errors):
            return
        if units != self.fields_units:
            self.build_fields(units)
        guesses = m.guesses
        for k in range(self.fields_row.count()):  # once h_t is out, the table below says the guesses
            widget = self.fields_row.itemAt(k).widget()
            if widget is not None:
                widget.setVisible(waiting)
        for u, field in enumerate(self.fields):
            field.setEnabled(waiting)
            if field.hasFocus():
                continue
            if len(self.fields) == 1 and units > 1:
                text = " ".join(style.exact(np.float64(guesses[k])) if k in guesses else "?" for k in range(units))
                text = text if guesses else ""
            else:
                text = style.exact(np.float64(guesses[u])) if u in guesses else ""
            if field.text() != text:
                field.setText(text)
                field.setStyleSheet("")
        self.prompt.setText(self.tr("Guess h_t, then click Step to reveal it") if waiting else
                            self.tr("Your guess beside h_t") if errors else "")
        self.result.setVisible(bool(errors))
        if errors:
            listed = list(errors.items())[:self.MAX_GUESS_FIELDS]
            guess_word, error_word = self.tr("guess"), self.tr("error")
            rows = "".join(f"<tr><td>h[{u}]&nbsp;&nbsp;</td><td>{guess_word} {style.short(g, 4)}&nbsp;&nbsp;</td>"
                           f"<td>h<sub>t</sub> {style.short(truth, 4)}&nbsp;&nbsp;</td>"
                           f"<td>{error_word} {'+' if error > 0 else ''}{style.short(error, 3)}</td></tr>"
                           for u, (g, truth, error) in listed)
            text = f"<table>{rows}</table>"
            if len(errors) > len(listed):
                worst = max(abs(error) for _, _, error in errors.values())
                text += self.tr("… {0} guesses in all; the largest |error| is {1}").format(
                    len(errors), style.short(worst, 3))
            self.result.setText(text)


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
        if m.has_ended(t):
            length = m.session.lengths[m.batch]
            texts = (self.tr("Time step t = {0} ({1}): sequence {2} has ended").format(t, where, m.batch),
                     self.tr("Sequence {0}'s length is {1}. A packed batch (pack_padded_sequence with lengths "
                             "{2}) steps only the sequences still running: {3} of {4} at t = {5}. Nothing is "
                             "computed for sequence {0} here, and its h_n is its last real step's.").format(
                         m.batch, length, ", ".join(map(str, m.session.lengths)),
                         m.trace.batch_size - len(m.cell.ended(t)), m.trace.batch_size, t),
                     "")
        elif m.position == 0:
            texts = (self.tr("Ready at time step {0} ({1}). Press Step (Space) to compute it.").format(t, where),
                     self.tr("Each click on Step runs one pass of the loop: {0}. Step phase (Shift+→) shows one "
                             "at a time.").format(", ".join(titles)),
                     "")
        else:
            phase = phases[m.phase_index]
            texts = (self.tr("Time step t = {0} (step {1} of {2}, {3}) — phase {4} of {5}: {6}").format(
                t, m.step_index + 1, m.seq_len, where, m.phase_index + 1, len(phases), titles[m.phase_index]),
                self.explanation_text(phase), self.equation_text(phase))
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
        height = self.contentsRect().height() - self.heading.height() - self.equation.height()
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
        if not grow_only:
            self.fit_equation(width)
        heights = {}
        for label in self.texts():
            if grow_only:  # a QLabel's height for a width is never under its minimum height: at least what it has
                heights[label] = label.heightForWidth(width) if label.text() else label.minimumHeight()
                continue
            label.setMinimumHeight(0)  # a resize measures afresh: a wider panel needs fewer lines
            heights[label] = label.heightForWidth(width) if label.text() else 0
        legend = self.legend.heightForWidth(width) if self.legend.text() else 0
        if sum(heights.values()) + legend + self.strip_needs() + 3 * layout.spacing() > self.contentsRect().height() \
                or self.model.selected is not None:  # an open breakdown takes the explanation's room too
            heights[self.explanation] = 0
        # The colour legend is always on show (issue 26): one line of swatches, in the loop's room when the strip
        # has two rows and draws no loop
        if legend != self.legend.maximumHeight():
            self.legend.setFixedHeight(legend)
        for label, height in heights.items():
            if height != label.maximumHeight():
                label.setFixedHeight(height)

    def strip_needs(self) -> int:
        """The height the strip's titles and numbers need to be read: its longest vector's rows (five at most:
        a longer one shows its first and last), each tall enough for a number at the back-row size in
        presentation (a cell's number takes 0.6 of its height), two lines of the font otherwise. Not a minimum
        height, which would take the room from the comparison plot instead: the explanation gives way to it."""
        cell = max(2 * self.fontMetrics().height(), style.MIN_PROMINENT_PX / 0.6 + 4)  # and the cell's margin
        guess = self.guess_row.sizeHint().height() if self.guess_row.isVisibleTo(self) else 0
        needs = 0
        for keys in [keys for keys in self.strip_plan if keys] or [()]:  # each row of the strip: titles and rows
            rows = min(max((self.vectors[key].values().shape[0] for key in keys), default=2), 5)
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

    def equation_text(self, phase) -> str:
        """The phase's equation, then with this step's numbers, then its result (core/equations writes all three)."""
        m = self.model
        equation, numbers, result = equations.written_out(
            phase, m.session, m.cell, m.t, m.batch, lambda v: style.vector_text(v, m.session.config.dtype).replace(" ", NO_BREAK))
        weights = self.named_weights(numbers)  # under the equation that names them, over the numbers they meet
        return "\n".join([equation] + ([weights] if weights else []) + [f"    = {numbers}",
                                                                        f"    = {result.replace(NO_BREAK, ' ')}"])

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


class StepTable(QtCore.QAbstractTableModel):
    """The step on show, unit by unit: by hand, the module, |Δ| and ulps, one row per unit. The view asks only for
    the rows in sight, so a step of a 256-unit model writes a dozen rows, not a thousand cells."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.units = 0
        self.colours: dict[int, str] = {}  # a followed unit's row label in its colour in the plot
        self.columns: tuple = ()  # (by hand, torch, |Δ|, ulps) of every unit, or none before a step is computed
        self.dtype: str | None = None  # the session's: the values are written in its digits (style.exact)

    def set_units(self, units: int, headers: list[str], colours: dict[int, str]) -> None:
        self.beginResetModel()
        self.units, self.headers, self.colours, self.columns = units, headers, colours, ()
        self.endResetModel()

    def set_values(self, columns: tuple = (), dtype: str | None = None) -> None:
        """The step's four columns as arrays; each cell is written when the view asks for it, so a step formats
        the rows in sight, not all of h's units. `dtype` as style.exact's."""
        self.columns, self.dtype = columns, dtype
        if self.units:
            self.dataChanged.emit(self.index(0, 0), self.index(self.units - 1, 3))

    def written(self, column: int, value) -> str:
        return style.exact(value, self.dtype) if column < 2 else f"{value:.3g}" if column == 2 else f"{value:.0f}"

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else self.units

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def data(self, index, role=QtCore.Qt.DisplayRole):
        if role == QtCore.Qt.DisplayRole:
            if not self.columns:
                return ""
            return self.written(index.column(), self.columns[index.column()][index.row()])
        if role == QtCore.Qt.TextAlignmentRole:
            return int(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=QtCore.Qt.DisplayRole):
        if orientation == QtCore.Qt.Horizontal:
            return self.headers[section] if role == QtCore.Qt.DisplayRole and section < len(self.headers) else None
        if role == QtCore.Qt.DisplayRole:
            return f"h[{section}]"
        if role == QtCore.Qt.ForegroundRole:
            return QtGui.QColor(self.colours.get(section, style.FOREGROUND))
        return None

    def text(self, row: int, column: int) -> str:
        return self.data(self.index(row, column))


class CompactTable(QtWidgets.QTableView):
    """A table that scrolls rather than asks for the height of all its rows: the plots beside it keep their share."""

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(super().sizeHint().width(), 4 * self.fontMetrics().height())

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(super().minimumSizeHint().width(), 3 * self.fontMetrics().height())


class ComparisonPanel(QtWidgets.QWidget):
    """Each followed hidden unit over t: the hand computation as markers, the torch module as lines; below,
    |difference| per step against the dtype's machine epsilon, a sentence on ulps, and the step on show unit by
    unit in a table. Only the revealed steps are drawn, so no zoom can show a step before its time. Where torch
    hands a float32 LSTM to oneDNN's fused kernel there are two references: the module's native path, which the
    hand pass equals bit for bit, and the fused kernel, whose distance is shown and said."""

    HOVER_PX = 12  # how near the pointer must be to a marker or a line for it to say its numbers

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.values_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.values_plot.showGrid(x=True, y=True, alpha=0.2)
        self.values_plot.setLabel("bottom", "t", **{"font-size": f"{label_px()}px"})
        self.diff_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.diff_plot.setLogMode(y=True)
        self.diff_plot.showGrid(x=True, y=True, alpha=0.2)
        self.diff_plot.setLabel("bottom", "t", **{"font-size": f"{label_px()}px"})
        self.diff_curve = self.diff_plot.plot()
        self.fused_curve = self.diff_plot.plot()
        # The dtype's machine epsilon, the gap between 1.0 and the next float: the scale an ulp is measured against.
        self.epsilon_line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#888888", width=1,
                                                                                 style=QtCore.Qt.DashLine),
                                            label="", labelOpts={"position": 0.98, "anchors": [(1, 1), (1, 1)],
                                                                 "color": "#555555"})
        self.epsilon_line.label.setFont(label_font())
        self.diff_plot.addItem(self.epsilon_line, ignoreBounds=True)
        for plot in (self.values_plot, self.diff_plot):
            style.cache_drawing(plot.getPlotItem())
        self.verdict = pg.TextItem(anchor=(0.5, 0.5), color=style.FOREGROUND)
        self.verdict.setFont(label_font())
        self.verdict.setParentItem(self.diff_plot.getPlotItem().vb)
        self.diff_plot.getPlotItem().vb.sigResized.connect(self._place_verdict)
        self.diff_plot.getPlotItem().vb.sigRangeChanged.connect(self._place_verdict)
        self.values_plot.getPlotItem().vb.sigResized.connect(lambda *_: self.fit_values(*self.plotted()[1:3]))
        self.epsilon_texts = ("", "")  # the line's label, with its dtype and without
        self.picker = QtWidgets.QLineEdit()  # which units the plot follows, when h has more than it can colour
        self.picker.returnPressed.connect(self.pick_units)
        self.picker.editingFinished.connect(self.pick_units)
        self.picker_label = QtWidgets.QLabel()
        picker_row = QtWidgets.QHBoxLayout()
        picker_row.setContentsMargins(0, 0, 0, 0)
        picker_row.addWidget(self.picker_label)
        picker_row.addWidget(self.picker, 1)
        self.picker_box = QtWidgets.QWidget()
        self.picker_box.setLayout(picker_row)
        layout.addWidget(self.picker_box)
        for plot in (self.values_plot, self.diff_plot):  # shared by their stretch, whatever their titles ask
            plot.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Ignored)
        layout.addWidget(self.values_plot, 3)
        # The distances over t, and beside them the step on show unit by unit; in a panel too narrow for both side
        # by side, each on a tab of its own (stacked, both would be too short to read).
        self.lower_row = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.lower_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.lower_tabs = QtWidgets.QTabWidget()
        self.lower_tabs.setDocumentMode(True)
        self.lower_tabs.hide()
        self.step_widget = QtWidgets.QWidget()
        step_box = QtWidgets.QVBoxLayout(self.step_widget)
        step_box.setContentsMargins(0, 0, 0, 0)
        step_box.setSpacing(2)
        row.addWidget(self.diff_plot, 2)
        row.addWidget(self.step_widget, 3)
        layout.addWidget(self.lower_row, 2)
        layout.addWidget(self.lower_tabs, 2)
        self.ulps_note = QtWidgets.QLabel()  # what an ulp is, said with the largest one on show
        self.ulps_note.setWordWrap(True)
        self.ulps_note.setStyleSheet("color: #444")
        self.ulps_room = QtWidgets.QScrollArea()  # at most a fifth of the panel; it scrolls beyond
        self.ulps_room.setWidget(self.ulps_note)
        self.ulps_room.setWidgetResizable(True)
        self.ulps_room.setFrameShape(QtWidgets.QFrame.NoFrame)
        self.ulps_room.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        layout.addWidget(self.ulps_room)
        self.table_caption = QtWidgets.QLabel()
        self.table_caption.setWordWrap(True)
        step_box.addWidget(SteadyText(self.table_caption))
        self.step_table = StepTable(self)
        self.table = CompactTable()  # the step on show, unit by unit; h of 256 units scrolls
        self.table.setModel(self.step_table)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
        # Sized once per step, after every cell is written: sized to its contents, a column measured all of its rows
        # again at each cell written (5 s a step for 256 units).
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.3))
        step_box.addWidget(self.table, 1)
        self.lesson = QtWidgets.QLabel()  # the fused kernel's lesson, in words under the plots
        self.lesson.setWordWrap(True)
        self.lesson.setStyleSheet(f"color: {style.FOREGROUND}; background: #fff4e5; padding: 3px")
        # Where the panel is short (a focus layout at 2×) the lesson scrolls rather than squash the plots to nothing.
        self.lesson_room = QtWidgets.QScrollArea()
        self.lesson_room.setWidget(self.lesson)
        self.lesson_room.setWidgetResizable(True)
        self.lesson_room.setFrameShape(QtWidgets.QFrame.NoFrame)
        self.lesson_room.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        layout.addWidget(self.lesson_room)
        # Bare pyqtgraph items, not PlotDataItems: a step sets 16 of them, and a PlotDataItem's setData cost ten
        # times a PlotCurveItem's (its datasets, clipping and bounds), 4 ms of a step at 8 followed units.
        self.manual_curves: list[UnitLine | UnitMarkers] = []
        self.reference_curves: list[UnitLine] = []
        self.hover_text = ""
        self.titles = ("", "")
        self.values_plot.scene().sigMouseMoved.connect(self.hover_values)
        self.diff_plot.scene().sigMouseMoved.connect(self.hover_diff)
        model.events.changed.connect(self.on_change)
        self.rebuild()

    def on_change(self, what: frozenset) -> bool:
        """The curves made again for another trace, cell or choice of units; a step only gives them its data."""
        if what & {"trace", "cell", "units"}:
            self.rebuild()  # and the revealed steps' data
        elif "cursor" in what:
            self.refresh()
        else:
            return False
        return True

    def sizeHint(self) -> QtCore.QSize:
        """As tall as the plots drawn at their usual size ask: the plots share what they get by stretch alone."""
        plots = (self.values_plot.sizeHint(), self.diff_plot.sizeHint())
        return QtCore.QSize(max(plots[0].width(), self.minimumSizeHint().width()),
                            max(super().sizeHint().height(), plots[0].height() + plots[1].height()))

    def units(self) -> int:
        return len(self.model.followed_units)

    def rebuild(self) -> None:
        """The followed units' curves and the table's rows, made once per trace, cell or choice of units; a step
        only gives them the revealed steps' data."""
        plot = self.values_plot
        for curve in self.manual_curves + self.reference_curves:
            plot.getPlotItem().vb.removeItem(curve)
        self.manual_curves, self.reference_curves = [], []
        T = self.model.seq_len
        for u in self.model.followed_units:
            color = style.UNIT_COLORS[self.model.followed_units.index(u) % len(style.UNIT_COLORS)]
            smooth = T <= MAX_MARKERS  # antialiasing thousands of segments costs more than a frame
            # Past MAX_MARKERS timesteps every pen is 1 px: the raster engine strokes wide pens segment by segment.
            reference = UnitLine(pen=pg.mkPen(color, width=2 if smooth else 1), antialias=smooth, skipFiniteCheck=True)
            if T <= MAX_MARKERS:
                manual = UnitMarkers(symbol="o", size=9, brush=pg.mkBrush(color), pen=pg.mkPen("#000000", width=1))
            else:  # a pale thin line under nn.RNN's dark one
                band = pg.mkColor(color)
                band.setAlpha(110)
                manual = UnitLine(pen=pg.mkPen(band, width=1), antialias=False, skipFiniteCheck=True)
            manual.setZValue(-1 if T > MAX_MARKERS else 1)
            for item in (reference, manual):  # to the view box: the plot item would ask them to downsample
                plot.getPlotItem().vb.addItem(item)
            self.reference_curves.append(reference)
            self.manual_curves.append(manual)
        self.diff_curve.setPen(pg.mkPen(style.ACTIVE, width=2))
        self.diff_curve.setSymbol("o" if T <= MAX_MARKERS else None)
        self.diff_curve.setSymbolBrush(style.ACTIVE)
        self.diff_curve.setSymbolSize(6)
        self.fused_curve.setPen(pg.mkPen(style.FUSED, width=2, style=QtCore.Qt.DashLine))
        self.fused_curve.setSymbol("s" if T <= MAX_MARKERS else None)
        self.fused_curve.setSymbolBrush(style.FUSED)
        self.fused_curve.setSymbolSize(6)
        m = self.model
        eps = self.epsilon()
        self.epsilon_line.setPos(np.log10(eps))  # the plot's y is log10 of the distance
        self.epsilon_texts = (self.tr("ε ({0}) = {1:.3g}").format(self.dtype_name(), eps), f"ε = {eps:.3g}")
        for p in (self.values_plot, self.diff_plot):
            p.setXRange(-0.5, max(T - 0.5, 0.5), padding=0.02)
        # The distances are PlotDataItems, which downsample themselves; the units' bare curves do it in set_points.
        self.diff_plot.getPlotItem().setDownsampling(auto=True, mode="peak")
        self.diff_plot.getPlotItem().setClipToView(True)
        hidden = m.session.config.output_size
        self.picker_box.setVisible(hidden > MAX_PLOTTED_UNITS)
        self.picker_label.setText(self.tr("Follow units (at most {0}, of 0–{1}):").format(
            MAX_PLOTTED_UNITS, hidden - 1))
        self.picker.setToolTip(self.tr("Unit numbers separated by commas, ranges as 3-6; or click a unit's number "
                                       "beside the h heatmap to add or remove it"))
        self.picker.setStyleSheet("")
        self.picker.setText(units_text(m.followed_units))
        module = module_label(m.session.config)
        if m.trace.fused is not None:
            module = self.tr("{0}, native path").format(module)
        legend = (self.tr("● by hand, — {0}") if T <= MAX_MARKERS else
                  self.tr("pale line by hand, dark line {0}")).format(module)
        self.titles = (self.tr("Hidden state h_t over t: ") + legend,
                       self.tr("|by hand − {0}| per step (log scale)").format(module) if m.trace.fused is None else
                       self.tr("|by hand − native| ● and |by hand − fused| ■ per step (log scale)"))
        self.fit_titles()
        self.values_plot.setToolTip("")
        self.step_table.set_units(
            hidden, [self.tr("by hand"), module_label(m.session.config), "|Δ|", self.tr("ulp")],
            {u: style.UNIT_COLORS[i % len(style.UNIT_COLORS)] for i, u in enumerate(m.followed_units)})
        self.table.resizeColumnsToContents()  # the headers' widths: the numbers widen their columns as they come
        # The lesson under the plots takes its lines from them: the distances, which it is about, keep their half.
        self.layout().setStretchFactor(self.values_plot, 3 if m.trace.fused is None else 2)
        self.lesson.setText(self.lesson_text())
        self.lesson.setVisible(bool(self.lesson.text()))
        self.lesson_room.setVisible(bool(self.lesson.text()))
        self.fit_lesson()
        self.refresh()

    def dtype_name(self) -> str:
        return self.model.session.config.dtype

    def epsilon(self) -> float:
        return spacing(1.0, self.dtype_name())  # machine epsilon: the gap from 1.0 to the next number

    def pick_units(self) -> None:
        """The units typed in the picker, followed; a typing error is said and changes nothing."""
        text = self.picker.text()
        try:
            units = parse_units(text)
            if units != self.model.followed_units:
                self.model.set_followed_units(units)
        except InputError as exc:
            self.picker.setStyleSheet("background: #ffd6d6")
            self.picker.setToolTip(str(exc))
            self.model.events.message.emit(str(exc))
            return
        self.picker.setStyleSheet("")

    def fit_titles(self) -> None:
        """Both plots' titles wrapped to the plots' width, never cut; the units' colours keyed in a line of their
        own, where no legend box can hide a point. Units are written h[0], h[1]; h_0, h_1 are times."""
        item = self.values_plot.getPlotItem()
        font = label_font()
        font.setBold(True)
        room = self.values_plot.width() - item.getAxis("left").width() - font.pixelSize()
        names = {f"h[{u}]": style.UNIT_COLORS[i % len(style.UNIT_COLORS)]
                 for i, u in enumerate(self.model.followed_units)}
        lines = wrapped(" ".join(names), font, max(room, 4 * font.pixelSize()))  # a narrow plot: the key wraps
        key = "<br>".join(" ".join(f"<span style='color:{names[name]}'><b>{name}</b></span>" for name in line.split())
                          for line in lines)
        set_plot_title(self.values_plot, self.titles[0], key)
        set_plot_title(self.diff_plot, self.titles[1])

    def fit_lesson(self) -> None:
        """The lesson's whole text where it takes at most a third of the panel; beyond that it scrolls."""
        if self.lesson.text():
            width = self.lesson_room.viewport().width() or self.width()
            self.lesson_room.setFixedHeight(min(self.lesson.heightForWidth(width), max(self.height() // 3, 1)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_lesson()
        self.fit_notes()
        self.arrange_lower(self.width() >= 44 * font_px())
        self.fit_titles()

    def arrange_lower(self, wide: bool) -> None:
        """The table beside the distances where it has its columns' room, else the two on tabs."""
        if wide == self.lower_row.isVisibleTo(self) and self.lower_row.layout().count() == 2 * wide:
            return
        row = self.lower_row.layout()
        if wide:
            self.lower_tabs.clear()
            row.addWidget(self.diff_plot, 2)
            row.addWidget(self.step_widget, 3)
        else:
            self.lower_tabs.addTab(self.diff_plot, self.tr("|Δ| per step"))
            self.lower_tabs.addTab(self.step_widget, self.tr("This step, unit by unit"))
        for widget in (self.diff_plot, self.step_widget):
            widget.show()
        self.lower_row.setVisible(wide)
        self.lower_tabs.setVisible(not wide)

    def fit_notes(self) -> None:
        """The sentence on ulps whole where it takes at most a fifth of the panel; beyond that it scrolls."""
        if self.ulps_note.text():
            width = self.ulps_room.viewport().width() or self.width()
            height = min(self.ulps_note.heightForWidth(width), max(self.height() // 5, self.fontMetrics().height()))
            if self.ulps_room.height() != height:
                self.ulps_room.setFixedHeight(height)

    def fused_step_diff(self) -> np.ndarray | None:
        """max |by hand − fused kernel| at each t for the cell on show, or None without a fused pass. The fused
        kernel returns the last layer's outputs over t; a lower layer shows only in its final state, so it has
        no curve."""
        m = self.model
        fused, config = m.trace.fused, m.session.config
        if fused is None or m.layer != config.num_layers - 1:
            return None
        P = config.output_size
        output = layout.time_major(fused.output, config.batch_first)[..., m.direction * P:(m.direction + 1) * P]
        return rowwise_max(abs_diff, m.cell.hidden, output)  # as step_abs_diff is to the native

    def lesson_text(self) -> str:
        """Why two references: the fused kernel and the step-by-step cell it replaces, and how far apart."""
        trace = self.model.trace
        if trace.fused is None:
            return ""
        module = module_label(self.model.session.config)
        ulps, diff = trace.fused_max_ulps, trace.fused_max_abs_diff
        text = self.tr("Two references. {0}'s native path (oneDNN off) runs the step-by-step cell: the hand pass "
                       "equals it bit for bit. By default your PyTorch computes this {1} with oneDNN's fused kernel "
                       "({2}); its bits differ from the step-by-step cell.").format(
            module, self.model.session.config.cell_type.module_name, trace.fused.kernel)
        if ulps == 0:
            return text + " " + self.tr("For this input they happen to agree: 0 ulp.")
        return text + " " + self.tr("Here by up to {0:.0f} ulp (|Δ| ≤ {1:.3g}).").format(ulps, diff)

    def plotted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(t, by hand, nn.RNN, |Δ|) of the followed units for the revealed steps in time order: what the plots
        may show, and all they show."""
        m = self.model
        ts = np.array(sorted(m.stepped), dtype=int)
        units = list(m.followed_units)
        manual = numbers(m.cell.hidden[:, m.batch])[np.ix_(ts, units)]
        reference = numbers(m.cell.reference[:, m.batch])[np.ix_(ts, units)]
        diff = m.cell.step_abs_diff[ts]
        return ts, manual, reference, diff

    def refresh(self) -> None:
        """The revealed steps, and nothing after them: the curves' data stop at the last step computed."""
        ts, manual, reference, diff = self.plotted()
        for u, (mc, rc) in enumerate(zip(self.manual_curves, self.reference_curves)):
            set_points(mc, ts, manual[:, u])
            set_points(rc, ts, reference[:, u])
        positive = diff > 0
        set_points(self.diff_curve, ts[positive], diff[positive])
        fused = self.fused_step_diff()
        self.fused_curve.setVisible(fused is not None)
        shown = list(diff[positive])
        if fused is not None:
            fused = fused[ts]
            set_points(self.fused_curve, ts[fused > 0], fused[fused > 0])
            shown += list(fused[fused > 0])
        # The distances' decades and epsilon's, so the reference line is always on show; an empty plot frames ε.
        finite = [d for d in shown if np.isfinite(d)]
        eps = np.log10(self.epsilon())
        low, high = (min(np.log10(min(finite)), eps), max(np.log10(max(finite)), eps)) if finite else (eps - 2, eps + 1)
        self.diff_plot.setYRange(low - 0.5, high + 0.8, padding=0)  # room above ε's line for its label
        self.fit_values(manual, reference)
        module = module_label(self.model.session.config)
        if ts.size == 0:
            text = self.tr("Step to compare with {0}").format(module)
        elif not (diff > 0).any() and not self.model.cell.step_bits_equal[ts].all():
            text = self.tr("equal values, but a zero's sign differs (−0.0 against 0.0)")
        elif not (diff > 0).any():  # "(1/3)" read as "1 of 3 matched": the count says what is revealed
            native, steps = self.model.trace.fused is not None, self.model.seq_len
            if ts.size == steps:
                text = (self.tr("bitwise identical to the native path at all {0} steps") if native else
                        self.tr("bitwise identical at all {0} steps")).format(steps)
            else:
                text = (self.tr("bitwise identical to the native path so far: {0} of {1} steps revealed") if native
                        else self.tr("bitwise identical so far: {0} of {1} steps revealed")).format(ts.size, steps)
        else:
            text = ""
        self.verdict.setText(text)
        self._place_verdict()
        self.ulps_note.setText(self.ulps_text())
        self.ulps_room.setVisible(bool(self.ulps_note.text()))
        self.fit_notes()
        self.fill_table()

    MARKER_ROOM_PX = 6  # half a marker (9 px) and its outline: markers at the ends of the range are drawn whole

    def fit_values(self, manual: np.ndarray, reference: np.ndarray) -> None:
        """The value axis over the revealed points, set when it changes. pyqtgraph's autorange asked each of the
        16 curves for its bounds, twice, and the new range made each measure itself again (~2 ms a step)."""
        drawn = np.concatenate([manual.ravel(), reference.ravel()]).astype(np.float64)
        drawn = drawn[np.isfinite(drawn)]
        low, high = (float(drawn.min()), float(drawn.max())) if drawn.size else (-1.0, 1.0)
        if high - low < 1e-12 * max(abs(low), abs(high), 1.0):  # one value: a span around it
            low, high = low - 1.0, high + 1.0
        # 5 % of the span, and at least MARKER_ROOM_PX pixels in a short plot (a presentation's, at 2×)
        room = self.MARKER_ROOM_PX / max(self.values_plot.getPlotItem().vb.height() - 2 * self.MARKER_ROOM_PX, 1.0)
        margin = max(0.05, room) * (high - low)
        shown = (low - margin, high + margin)
        if shown != tuple(self.values_plot.getPlotItem().vb.targetRange()[1]):  # or a zoom: the revealed points
            self.values_plot.setYRange(*shown, padding=0)

    def shown_step(self) -> int | None:
        """The last timestep whose h_t is revealed: the table's step (in the middle of a step, h_t is not yet)."""
        done = self.model.completed
        return done[-1] if done else None

    def step_values(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(by hand, torch, |Δ|, ulps) of every unit at step t, in the batch row on show."""
        m = self.model
        manual, reference = m.cell.hidden[t, m.batch], m.cell.reference[t, m.batch]
        return numbers(manual), numbers(reference), abs_diff(manual, reference), ulp_distance(manual, reference)

    def fill_table(self) -> None:
        t = self.shown_step()
        m = self.model
        if t is None:
            self.table_caption.setText(self.tr("h_t per unit, once a step is computed"))
            self.step_table.set_values()
            return
        if m.has_ended(t):
            self.table_caption.setText(self.tr("Sequence {0} ended before t = {1}: no h_{1}").format(m.batch, t))
            self.step_table.set_values()
            return
        caption = self.tr("h_{0} per unit").format(t)
        if m.phase_index is not None and m.position % len(m.phases):  # in the middle of the next step
            caption += " " + self.tr("(h_{0} not yet revealed)").format(m.t)
        self.table_caption.setText(caption)
        columns = self.step_values(t)
        self.step_table.set_values(columns, m.session.config.dtype)
        self.fit_columns(columns)

    def fit_columns(self, columns: tuple) -> None:
        """Each column widened to its longest text among the rows in sight and each column's extremes (the most
        digits and the longest exponent are found there): writing all of h's units to measure them cost a step at
        H = 1,024 more than drawing it."""
        units = len(columns[0])
        first = max(self.table.rowAt(0), 0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        rows = set(range(first, (last if last >= 0 else min(units - 1, first + 40)) + 1))
        with np.errstate(invalid="ignore"):
            for values in columns:
                magnitude = np.abs(np.asarray(values, dtype=np.float64))
                magnitude[~np.isfinite(magnitude)] = np.inf  # NaN and ±inf are short: any row of them will do
                rows |= {int(np.argmax(magnitude)), int(np.argmin(np.where(magnitude > 0, magnitude, np.inf)))}
        metrics = self.table.fontMetrics()
        for c, values in enumerate(columns):
            longest = max((self.step_table.written(c, values[r]) for r in rows if r < units), key=len, default="")
            width = metrics.horizontalAdvance(longest + "00")
            if width > self.table.columnWidth(c):
                self.table.setColumnWidth(c, width)

    def ulps_text(self) -> str:
        """One sentence on ulps where they appear, told with the largest distance revealed: near zero one ulp is
        tiny, so many ulps can be a tiny absolute difference."""
        m = self.model
        done = m.completed
        if not done:
            return ""
        steps = np.array(done, dtype=int)
        worst = int(steps[np.argmax(m.cell.step_ulps[steps])])
        if m.cell.step_ulps[worst] == 0 or not np.isfinite(m.cell.step_ulps[worst]):
            return ""
        manual = m.cell.hidden[worst]  # (B, P): the largest may be in another batch row
        reference = m.cell.reference[worst]
        ulps = ulp_distance(manual, reference)
        b, u = np.unravel_index(int(np.argmax(ulps)), ulps.shape)
        value = float(manual[b, u])
        diff = abs_diff(manual[b:b + 1, u], reference[b:b + 1, u])[0]
        return self.tr("One ulp is the gap from a {0} to the next; it shrinks with the number: ε = {1:.3g} at 1.0, "
                       "{3:.3g} at {2:.3g}. So {4:.0f} ulp at h_{5}[{6}] = {2:.3g} is an absolute difference of only "
                       "{7:.3g}.").format(
            self.dtype_name(), self.epsilon(), value, spacing(value, self.dtype_name()), float(ulps[b, u]),
            worst, int(u), float(diff))

    # --- hovering a marker or a line ----------------------------------------------------------------------------

    def hover_values(self, scene_pos) -> None:
        self.show_hover(self.values_plot, self.point_at(scene_pos))

    def hover_diff(self, scene_pos) -> None:
        vb = self.diff_plot.getPlotItem().vb
        t = None
        if vb.sceneBoundingRect().contains(scene_pos):
            x = vb.mapSceneToView(scene_pos).x()
            t = int(np.floor(x + 0.5))
        point = None
        if t is not None and t in self.model.completed:
            _, _, diff, ulps = self.step_values(t)
            point = (t, int(np.argmax(ulps)))
        self.show_hover(self.diff_plot, point)

    def show_hover(self, plot: pg.PlotWidget, point: tuple[int, int] | None) -> None:
        self.hover_text = "" if point is None else self.describe(*point)
        plot.setToolTip(self.hover_text)
        if self.hover_text and plot.underMouse():
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), self.hover_text, plot)

    def point_at(self, scene_pos) -> tuple[int, int] | None:
        """The (t, unit) of the marker or line nearest a scene point, within HOVER_PX; None elsewhere or over a
        step not revealed (there is nothing drawn there)."""
        vb = self.values_plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        ts, manual, _, _ = self.plotted()
        if ts.size == 0:
            return None
        x = vb.mapSceneToView(scene_pos).x()
        t = int(np.clip(np.floor(x + 0.5), ts[0], ts[-1]))
        if t not in ts:
            return None
        # Between two revealed steps the pointer is on the lines joining them: their height there, in pixels.
        i = int(np.searchsorted(ts, min(max(x, ts[0]), ts[-1])))
        i0, i1 = max(i - 1, 0), min(i, ts.size - 1)
        share = 0.0 if ts[i1] == ts[i0] else (min(max(x, ts[0]), ts[-1]) - ts[i0]) / (ts[i1] - ts[i0])
        heights = manual[i0] + share * (manual[i1] - manual[i0])
        best, nearest = None, float(self.HOVER_PX)
        for k, y in enumerate(heights):
            if not np.isfinite(y):
                continue
            at = vb.mapViewToScene(QtCore.QPointF(min(max(x, ts[0]), ts[-1]), float(y)))
            gap = float(np.hypot(at.x() - scene_pos.x(), at.y() - scene_pos.y()))
            if gap <= nearest:
                best, nearest = k, gap
        return None if best is None else (t, self.model.followed_units[best])

    def describe(self, t: int, unit: int) -> str:
        """What a marker or a line says of itself: t, the unit, both values and their distance."""
        manual, reference, diff, ulps = self.step_values(t)
        return self.tr("t = {0}, unit h[{1}]\nby hand: {2}\n{3}: {4}\n|Δ| = {5:.3g} = {6:.0f} ulp").format(
            t, unit, style.exact(manual[unit], self.dtype_name()), module_label(self.model.session.config),
            style.exact(reference[unit], self.dtype_name()),
            float(diff[unit]), ulps[unit])

    def verdict_text(self) -> str:
        return self.verdict.textItem.toPlainText()

    def _place_verdict(self) -> None:
        """Under ε's line and its label, in the middle of what is left of an empty plot; at its top over a second
        reference's curve."""
        vb = self.diff_plot.getPlotItem().vb
        over_curve = self.fused_curve.isVisible()
        line = vb.mapFromView(QtCore.QPointF(0, self.epsilon_line.value())).y()
        top_of_label, below = self.fit_epsilon_label(vb, line)  # the band ε's line and its label take
        self.verdict.setTextWidth(-1)  # its natural width: lines broken only where the plot is too narrow for it
        if self.verdict.textItem.boundingRect().width() > vb.width():
            self.verdict.setTextWidth(max(vb.width(), 1))
        height = self.verdict.textItem.boundingRect().height()
        self.verdict.setAnchor((0.5, 0.0) if over_curve else (0.5, 0.5))
        top = 0 if over_curve else max((below + vb.height()) / 2, below + height / 2)
        self.verdict.setPos(vb.width() / 2, top)
        # In a plot too short to hold it, it stays unsaid rather than drawn over the axes: the status line says it.
        room = vb.height() if over_curve else vb.height() - below
        self.verdict.setVisible(bool(self.verdict_text()) and height <= room)
        if over_curve and self.verdict.isVisible() and top_of_label < height:
            self.epsilon_line.label.setVisible(False)  # the verdict at the top has the band; the tooltip says ε

    def curve_paths(self, vb: pg.ViewBox) -> list[QtGui.QPainterPath]:
        """The distance curves on show as drawn, in the view's pixels: what ε's label keeps clear of."""
        paths = []
        for curve in (self.diff_curve, self.fused_curve):
            xs, ys = curve.getData()
            if not curve.isVisible() or xs is None or not len(xs):
                continue
            points = [vb.mapFromView(QtCore.QPointF(float(x), float(y))) for x, y in zip(xs, ys)]
            path = QtGui.QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            stroked = QtGui.QPainterPathStroker()
            stroked.setWidth(6)  # the line and its markers
            paths.append(stroked.createStroke(path) if len(points) > 1 else path)
            if len(points) == 1:
                paths[-1].addEllipse(points[0], 4, 4)
        return paths

    def fit_epsilon_label(self, vb: pg.ViewBox, line: float) -> tuple[float, float]:
        """ε's label above its line at the right, or under it where the top is too near; with its dtype where it
        fits, without it where not, and unsaid in a plot too small for either (the line's tooltip says it). Returns
        the band, top and bottom in the view's pixels, that the line and its label take."""
        label = self.epsilon_line.label
        self.epsilon_line.setToolTip(self.epsilon_texts[0])
        metrics = QtGui.QFontMetricsF(label.textItem.font())
        text = next((t for t in self.epsilon_texts if t and metrics.horizontalAdvance(t) + 8 <= vb.width()), "")
        height = metrics.height() + 4
        width = metrics.horizontalAdvance(text) + 8
        # Where it strikes no curve (issue 26: the fused curve ran through it): above or under the line, at the
        # right or the left end, the first place clear of data; above at the right where none is
        curves = self.curve_paths(vb)
        places = [(side, end) for end in ("right", "left") for side in ("above", "below")
                  if (line - height >= 0 if side == "above" else line + height <= vb.height())]

        def band(side: str, end: str) -> QtCore.QRectF:
            left = vb.width() - width if end == "right" else 0.0
            return QtCore.QRectF(left, line - height if side == "above" else line, width, height)
        clear = [place for place in places if not any(path.intersects(band(*place)) for path in curves)]
        place = (clear or places or [("above", "right")])[0]
        above = place[0] == "above"
        shown = bool(text) and bool(places)
        if shown:
            anchor = (1 if place[1] == "right" else 0, 1 if above else 0)
            label.anchors = [anchor, anchor]
            label.orthoPos = 0.98 if place[1] == "right" else 0.02
            if label.format != text:
                label.setFormat(text)
            label.updatePosition()
        label.setVisible(shown)
        top = line - (height if shown and above else 0)
        return top, max(line, 0) + (height if shown and not above else 0) + 2


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
        self.maps = QtWidgets.QVBoxLayout()
        self.maps.setSpacing(2)
        self.norm_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        style.cache_drawing(self.norm_plot.getPlotItem())
        self.norm_plot.setLabel("bottom", "t", **{"font-size": f"{label_px()}px"})
        set_plot_title(self.norm_plot, "‖h_t‖")
        self.norm_curve = self.norm_plot.plot(pen=pg.mkPen(style.MANUAL, width=2))
        style.cache_drawing(self.norm_curve)
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
        self.norm_curve.setSymbol("o" if m.seq_len <= MAX_MARKERS else None)
        self.norm_curve.setSymbolBrush(style.MANUAL)
        self.norm_curve.setSymbolSize(5)
        self.norm_plot.setXRange(-0.5, max(m.seq_len - 0.5, 0.5), padding=0.02)
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
        for state, view in self.heatmaps.items():
            values = numbers(m.cell.phases[state][:, m.batch])  # (T, units)
            # NaN in the values' own dtype: a float64 NaN made the whole T × units copy float64, then float32 again
            drawn = np.where(shown[:, None], values, values.dtype.type(np.nan)).T
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
