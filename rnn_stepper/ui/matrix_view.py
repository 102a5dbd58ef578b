"""A matrix or vector drawn as a heatmap: pyqtgraph's MatrixDisplay pattern, with numbers on the cells.

Diverging colormap centred on zero, colour bar, inverted y, cells centred on their indices. Each cell's value is
written inside it, in a font that grows with the cell; a matrix with more rows or columns than fit legibly shows
its first and last ones around an ellipsis, and zooming in brings the rest back. Items are built once per layout
and updated with setImage; one NumberLayer writes every number. What shows where, and how large, is
matrix_plan's to decide (without Qt); this module draws its Plan.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..core.distance import is_bfloat16, numbers
from . import matrix_plan, style
from .matrix_items import CellImage, ColorBar, NumberLayer, SaturationMarks
from .matrix_plan import ELLIPSIS, saturated
from .typography import formula_breaks, number_width, text_width, unbreakable_brackets, word_wrap, wrapped_size

# Above this many rows or columns an image can have more cells than its view has pixels: pyqtgraph averages it
# down to the screen and colours it. Below, each cell is coloured here, once per change: pyqtgraph's own way
# costs ~0.35 ms per draw, paid five times a step by the step panel's vectors.
DOWNSAMPLE_FROM = 256
TITLE_SCALES = (1.0, 0.85, 0.75)  # a title too wide for its view, even wrapped, is set smaller: to 75 % at least
WORD_WRAP_SCALES = (0.75, 0.65, 0.6)  # … then it wraps between words, smaller until its longest word fits
ZOOM_PER_NOTCH = 1.25  # one click of a mouse wheel


class MatrixView(pg.GraphicsLayoutWidget):
    """Shows one 2-D array. It keeps only its drawing items; the numbers come from `set_matrix` each time.

    Built from a bare ViewBox with a title, a row axis and a column axis rather than a PlotItem: a PlotItem
    brings four axes, a menu and its controls, and ten of these views are built before the first trace shows.

    What shows where, and how large, is matrix_plan's to decide from the room the view has; the view draws its
    Plan. Numbers grow with the room. Each cell's number is sized to the cell on screen: the widest number fits its
    width with a margin and takes NUMBER_HEIGHT of its height, between 0.85 and 3 times the interface's font (which
    carries presentation mode's font scale), and never under style.MIN_LEGIBLE_PX (20 px in presentation mode).

    A matrix too big to number every cell legibly shows its first k rows, a "⋮" row and its last k rows (stacked
    gate blocks: each block's ends), and likewise its columns around a "…" column, k as large as the room allows.
    The axes say the true indices; hover, double-click, `cell_at`, `describe_cell`, `cell_scene_pos` and
    `mark_rows` all speak in true indices; `shown_rows()` / `shown_columns()` say which are on show (None for
    the ellipsis).

    Zoom: the mouse wheel over the cells zooms into the whole matrix around the pointer, and numbers come back
    once the cells are big enough to hold them; drag to pan. Wheeling out to the whole matrix, Escape, or the Z
    key (and a double-click where double-click does not edit) returns to the overview; Z or a double-click also
    zooms in, to where the numbers are readable.

    Colours: `levels` is the colour scale's ± extent (None: fitted to the data, max |x|). `bounds` is the
    function's range, (-1, 1) for tanh or (0, 1) for a gate, apart from the colour scale: cells within 1 % of
    either end get a dashed outline, explained by `saturation_note()` (under the colour bar, and on hover).

    For the panels that hold these views:
        set_matrix(values, levels=None, row_labels=None, col_labels=None, sequential=False, blocks=(),
                   bounds=None, dtype=None)  levels None: a symmetric scale from the data (free, unbounded values);
                                          a number: ± that (e.g. 1.0, tanh's fixed scale, as an option);
                                          bounds=(-1, 1) or (0, 1): mark saturation, whatever the colours
        set_number_minimum(px)            the step strip's numbers: style.MIN_PROMINENT_PX (28 px presenting)
        shown_rows(), shown_columns(), is_elided(), number_px(), number_boxes(), saturated_cells(),
        saturation_note(), zoom(factor, center=None), zoom_to_numbers(center=None), reset_zoom(), is_zoomed()"""

    cell_activated = QtCore.Signal(int, int)  # double-click on a cell: (row, column), true indices
    # a click on a cell, or Enter on the focused one: (row, column), true indices. A view takes focus (pyqtgraph's
    # StrongFocus: Tab or a click); arrows then move a focused cell, drawn dashed, and Enter chooses it.
    cell_selected = QtCore.Signal(int, int)
    title_resized = QtCore.Signal()  # the height its title needs changed: views side by side level theirs
    _title: tuple | None = None  # (title, active, subtitle); GraphicsView's __init__ already sends a resize
    _framed = False
    _title_needed = 0  # the height the title needs, before level_title's floor
    _title_floor = 0

    def __init__(self, title: str = "", parent=None, colorbar: bool = True, editable: bool = False,
                 column_ticks: bool = True):
        super().__init__(parent=parent)
        self.setBackground(style.BACKGROUND)
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.ci.layout.setSpacing(0)
        self.editable = editable
        self.title = pg.LabelItem("")
        # Drawn from a pixmap between its changes: a step repaints the whole view, and rich text costs ~0.2 ms
        self.title.item.setCacheMode(QtWidgets.QGraphicsItem.DeviceCoordinateCache)
        self.vb = pg.ViewBox(enableMenu=False, invertY=True, defaultPadding=0.0)
        self.vb.setMouseEnabled(x=False, y=False)
        self.axes = {"left": pg.AxisItem("left", linkView=self.vb),
                     "top": pg.AxisItem("top", linkView=self.vb, showValues=column_ticks)}
        self.column_ticks = column_ticks
        self.tick_font = style.pixel_font(style.legible_px(style.font_pt() * 0.9))
        for axis in self.axes.values():  # no tick marks: inward, they would strike through the first numbers
            axis.setStyle(tickFont=self.tick_font, autoExpandTextSpace=False, tickLength=0)
            style.cache_drawing(axis)
        self.ci.addItem(self.title, 0, 0, 1, 3)  # over the whole view: a narrow vector's title has its axis' room too
        self.ci.addItem(self.axes["top"], 1, 1)
        self.ci.addItem(self.axes["left"], 2, 0)
        self.ci.addItem(self.vb, 2, 1)
        self.image = CellImage(axisOrder="row-major")
        self.image.setTransform(QtGui.QTransform().translate(-0.5, -0.5))  # cell (r, c) centred on (c, r)
        # Drawn from a pixmap between changes: scaling a 256 × 1,000 image on every repaint costs milliseconds.
        self.image.setCacheMode(QtWidgets.QGraphicsItem.DeviceCoordinateCache)
        self.image.setColorMap(style.colormap())
        self.vb.addItem(self.image)
        self.colorbar = None
        if colorbar:
            self.colorbar = ColorBar(style.colormap())
            self.colorbar.setLevels((-1.0, 1.0))
            self.ci.addItem(self.colorbar, 2, 2)
        self.legend = pg.LabelItem("")  # what the saturation mark means, under the cells while there is one
        self.legend.setVisible(False)
        self._numbers = matrix_plan.Numbers(np.zeros((0, 0), dtype=np.float32))  # the values, and their texts
        self.dtype: str | None = None  # see set_matrix
        self._display_memo = None
        self.levels = (-1.0, 1.0)  # the colour scale's ends
        self.bounds: tuple[float, float] | None = None  # the function's range, for the saturation marks
        self.log_top: float | None = None  # a log colour scale's top (None: linear, ± levels)
        self.plan = matrix_plan.Plan()  # the rows and columns on show, the numbers' digits and size
        self._zoomed = False
        self._min_number_px = 0
        self.numbers = NumberLayer()  # the numbers on the cells on show that carry one, over the image
        # Kept as drawn between changes: a new image repaints the view, and ∂L/∂W_hh's 231 numbers at H = 256, which
        # a step back rarely changes at 3 digits, cost 2 ms to write again.
        self.numbers.setCacheMode(QtWidgets.QGraphicsItem.DeviceCoordinateCache)
        self.vb.addItem(self.numbers, ignoreBounds=True)
        self._text_font_px = 0
        self._row_labels: list[str] | None = None
        self._col_labels: list[str] | None = None
        self._tick_key = None
        self.sequential = False
        self._blocks: tuple[str, ...] = ()
        self._separators: list[QtWidgets.QGraphicsLineItem] = []
        self._marked: tuple[int, int] | None = None  # the rows framed by mark_rows, true indices
        self._mark_items: list[QtWidgets.QGraphicsRectItem] = []
        self._saturation = SaturationMarks(self.numbers)
        self._saturation.pen = pg.mkPen(style.FOREGROUND, width=max(2, style.FRAME_WIDTH - 1))
        self._saturation.setZValue(8)  # over the cells, under the block separators and the phase's frame
        self.vb.addItem(self._saturation, ignoreBounds=True)
        self._saturated_cells: list[tuple[int, int]] = []
        self._focus_cell: tuple[int, int] | None = None  # the keyboard's cell, true indices
        self._marked_cell: tuple[int, int] | None = None  # a cell framed by mark_cell (an open breakdown's)
        self._cell_items: dict[str, QtWidgets.QGraphicsRectItem] = {}
        self.set_title(title)
        self.hover_text = ""
        self.setToolTip("")
        self.scene().sigMouseMoved.connect(self._hovered)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.vb.sigResized.connect(self._range_changed)
        self.vb.sigRangeChanged.connect(self._range_changed)

    # --- data -------------------------------------------------------------------------------------------------

    def set_matrix(self, values, levels: float | None = None, row_labels=None, col_labels=None,
                   sequential: bool = False, blocks: tuple[str, ...] = (),
                   bounds: tuple[float, float] | None = None, log_top: float | None = None,
                   dtype: str | None = None) -> None:
        """Draw `values` (2-D; NaN cells are left blank). `levels` is the ± extent of the colour scale, or its top
        when `sequential` (a gate's 0 … 1); None fits it to the data (max |x|), the scale for unbounded values.
        `blocks` names equal row blocks stacked in the matrix (a GRU's r, z, n): rows are labelled by block and a
        line separates each from the next. `bounds` is the range of the function that made the values (tanh's
        (-1, 1), a gate's (0, 1)), whatever the colour scale: cells within 1 % of its ends are marked saturated.
        `log_top`: a symmetric log colour scale instead (style.log_position), from ±log_top down
        style.LOG_DECADES decades: gradients, whose magnitudes span decades. The numbers stay the true values.
        `values` may be a tensor; `dtype` names the dtype an array's values stand for where numpy has none
        ("bfloat16" for the float32 image of one), so a hover writes the digits that dtype has."""
        self.dtype = dtype or ("bfloat16" if is_bfloat16(values) else None)  # what a hover writes the numbers in
        values = numbers(values)
        if values.ndim == 1:
            values = values[:, None]
        blocks = tuple(blocks) if len(blocks) > 1 and values.shape[0] % len(blocks) == 0 else ()
        if blocks and row_labels is None:
            size = values.shape[0] // len(blocks)
            row_labels = [f"{name}{j}" for name in blocks for j in range(size)]
        shape_changed = (values.shape != self._numbers.values.shape or row_labels != self._row_labels
                         or col_labels != self._col_labels or blocks != self._blocks)
        # in its own dtype, so a hover shows the float64 digits of a float64 session
        self._numbers = matrix_plan.Numbers(values, len(blocks))
        self._display_memo = None
        self._row_labels, self._col_labels = row_labels, col_labels
        self._blocks = blocks
        self.bounds = None if bounds is None else (float(bounds[0]), float(bounds[1]))
        self.log_top = log_top
        if log_top is not None:
            levels = log_top
        if levels is None:
            levels = self._numbers.largest  # 0 when nothing is finite: the scale is ±1 then, as below
        levels = levels if np.isfinite(levels) and levels > 0 else 1.0
        if sequential != self.sequential:
            self.sequential = sequential
            self.image.setColorMap(style.colormap(sequential))
            if self.colorbar is not None:
                self.colorbar.bar.setColorMap(style.colormap(sequential))
        self.levels = (0.0 if sequential else -levels, levels)
        if self.colorbar is not None:
            self.colorbar.setLevels(self.levels, log=log_top is not None)
        if shape_changed and self._zoomed:
            self._leave_zoom(relayout=False)
        self._relayout(force=shape_changed, new_values=True)

    row_ticks = True

    def show_row_ticks(self, on: bool) -> None:
        """Row numbers on the left, or a bare edge: a strip of same-length vectors numbers its units once."""
        if on == self.row_ticks:
            return
        self.row_ticks = on
        self.axes["left"].setStyle(showValues=on)
        self._tick_key = None
        self._set_ticks()

    def values(self) -> np.ndarray:
        return self._numbers.values

    def shown_rows(self) -> list[int | None]:
        """The true index of each row on show, top to bottom; None for the ellipsis row."""
        return [None if r == ELLIPSIS else int(r) for r in self.plan.rows]

    def shown_columns(self) -> list[int | None]:
        return [None if c == ELLIPSIS else int(c) for c in self.plan.columns]

    def is_elided(self) -> bool:
        return self.plan.is_elided()

    def number_px(self) -> int:
        """The pixel size of the numbers on the cells (0 when none are written)."""
        return self.plan.px if self.plan.readable and self.numbers.cells else 0

    # --- the layout: which rows and columns, how big the numbers ----------------------------------------------

    def set_number_minimum(self, px: int) -> None:
        """A larger legible minimum for this view's numbers than a heatmap's: the step strip's, which presentation
        mode sets to style.MIN_PROMINENT_PX (28 px). Cells too small for it show fewer rows around an ellipsis."""
        if px != self._min_number_px:
            self._min_number_px = int(px)
            self._relayout(force=True)

    def least_number_px(self) -> int:
        """The smallest pixel size its numbers may take: a smaller cell shows fewer rows around an ellipsis."""
        return self._number_range()[0]

    def _number_range(self) -> tuple[int, int]:
        return matrix_plan.number_range(style.pt_to_px(style.font_pt()), style.MIN_LEGIBLE_PX, self._min_number_px)

    def _room(self) -> matrix_plan.Room:
        """The room the cells have now, for the planner."""
        rect = self.vb.boundingRect()
        zoom = tuple(map(tuple, self.vb.viewRange())) if self._zoomed else None
        return matrix_plan.Room(max(rect.width(), 1.0), max(rect.height(), 1.0), self._number_range(), zoom)

    def _relayout(self, force: bool = False, new_values: bool = False) -> None:
        """Plan which rows and columns are on show, and the numbers' size and digits (matrix_plan.plan), and draw
        them: on a new matrix, a resize or a zoom. A plain step (same shape, same room) keeps the layout and only
        writes the new numbers."""
        before = self.plan
        self.plan = matrix_plan.plan(self._numbers, self._room(), number_width, None if force else before)
        shown_r, shown_c = self.plan.rows, self.plan.columns
        layout_changed = force or not (np.array_equal(shown_r, before.rows) and np.array_equal(shown_c, before.columns))
        if layout_changed and not self._zoomed:
            self.vb.setLimits(xMin=None, xMax=None, yMin=None, yMax=None)
            self.vb.setRange(xRange=(-0.5, shown_c.size - 0.5), yRange=(-0.5, shown_r.size - 0.5), padding=0)
        if layout_changed or new_values:
            self._draw_image()
        if layout_changed:
            self._draw_separators()
            if self._marked:
                self.mark_rows(*self._marked)
            self._frame_cells()
        self._set_ticks()
        self._update_texts()
        self._mark_saturation()

    def _display_texts(self) -> list[list[tuple[str, QtGui.QColor]]] | None:
        """Each cell on show as displayed, row by row: its text (Numbers.grid) and the colour it is written in.
        Made in one pass per matrix and layout; None where more cells are on show than ever carry numbers."""
        rows, cols = self.plan.rows, self.plan.columns
        key = (rows.tobytes(), cols.tobytes(), self.plan.digits, self.levels, self.log_top)
        if self._display_memo is not None and self._display_memo[0] == key:
            return self._display_memo[1]
        texts = self._numbers.grid(rows, cols, self.plan.digits)
        if texts is None:
            return None
        dark = style.dark_cells(*self.colour_scale(self._shown_values()))
        colours = [[style.text_colour(d) for d in row] for row in dark.tolist()]
        mark = QtGui.QColor(style.FOREGROUND)
        for i in np.flatnonzero(rows == ELLIPSIS):
            colours[i] = [mark] * len(colours[i])
        for j in np.flatnonzero(cols == ELLIPSIS):
            for row in colours:
                row[j] = mark
        grid = [list(zip(text_row, colour_row)) for text_row, colour_row in zip(texts, colours)]
        self._display_memo = (key, grid)
        return grid

    def _shown_values(self) -> np.ndarray:
        """The values of the rows and columns on show, NaN in the ellipsis row and column."""
        return self._numbers.shown(self.plan.rows, self.plan.columns)

    def colour_scale(self, values: np.ndarray) -> tuple[np.ndarray, float]:
        """`values` as the colormap reads them, and the scale's end: themselves and ±levels, or their places on
        the log scale (style.log_position) and ±1."""
        if self.log_top is None:
            return values, self.levels[1]
        return style.log_position(values, self.log_top), 1.0

    def _draw_image(self) -> None:
        values, levels = self.colour_scale(self._shown_values())
        if max(values.shape, default=0) > DOWNSAMPLE_FROM:
            # Averaged down to the screen by pyqtgraph, then coloured through the colormap's table. A float32
            # array is drawn as it is, transposed or not: no copy of a 10,000 × 1,024 trace per view.
            with np.errstate(over="ignore"):  # a float64 beyond float32's range is drawn as the end of the scale
                image = values if values.dtype == np.float32 else values.astype(np.float32)
            self._set_downsampled(True)
            self.image.setImage(image, levels=(0.0 if self.sequential else -levels, levels), autoLevels=False)
        else:
            self._set_downsampled(False)
            colours = style.cell_colours(values, levels, self.sequential)
            drawn = self.image.image
            if drawn is not None and drawn.shape == colours.shape and np.array_equal(drawn, colours):
                return  # as drawn (a gradient sum that moved less than a colour step): the view needs no repaint
            self.image.setImage(colours, levels=None, autoLevels=False)

    def _set_downsampled(self, on: bool) -> None:
        # pyqtgraph renders the image again and repaints at every call, even one that changes nothing: a step's
        # vectors, whose colours are as drawn, were drawn anew
        if self.image.autoDownsample != on:
            self.image.setAutoDownsample(on)

    def _display_row(self, r: int) -> int:
        """Where true row `r` is on show (the ellipsis row, if it is elided)."""
        return matrix_plan.display_index(self.plan.rows, r)

    def _display_col(self, c: int) -> int:
        return matrix_plan.display_index(self.plan.columns, c)

    # --- title ------------------------------------------------------------------------------------------------

    def set_title(self, title: str, active: bool = False, subtitle: str = "", framed: bool | None = None) -> None:
        """The title over the cells; the phase being shown is drawn in the accent colour with a frame (`framed`
        False: the title alone, where mark_rows frames the rows that count)."""
        framed = active if framed is None else framed
        if (title, active, subtitle) == self._title and framed == self._framed:
            return  # relaying out a title costs more than the rest of a step
        self._framed = framed
        self.vb.setBorder(style.active_pen() if framed else None)
        self.repaint_frames()
        if (title, active, subtitle) == self._title:
            return
        self._title = (title, active, subtitle)
        self._show_title()

    def repaint_frames(self) -> None:
        """The whole view drawn again where a frame went or moved. A frame's pen is cosmetic, 3 px on screen at any
        zoom, and Qt's item geometry does not count a cosmetic pen's width: the update Qt asks for when a frame goes
        misses the outer pixels of its line, and an orange edge stayed on screen after the phase had moved on."""
        self.viewport().update()

    def is_framed(self) -> bool:
        """Whether the whole view is framed: the phase on show, or a vector an open breakdown reads whole."""
        return self._framed

    def _title_px(self) -> int:
        return round(style.pt_to_px(style.font_pt()))

    def _reserved_title_height(self) -> int:
        """Room for a subtitle on two lines in every view that has one, so side-by-side views keep their cells
        level; a title that needs more gets more rather than being cut."""
        title, _, subtitle = self._title
        if not title:
            return 0
        lines = 3 if subtitle else 1
        return int(math.ceil(lines * QtGui.QFontMetricsF(style.pixel_font(self._title_px())).lineSpacing()) + 10)

    def _show_title(self) -> None:
        """The title as large as fits over the cells: at 1280 × 720 a step vector is ~80 px wide, and its
        "W_hh h_t-1 + b_hh" would be cut off at both ends. First the subtitle goes onto two lines at an operator
        (the one that leaves the shorter longest line), then the font shrinks, to no less than TITLE_SCALES[-1]
        nor under style.MIN_LEGIBLE_PX; a title still too wide wraps between words, smaller down to
        WORD_WRAP_SCALES[-1] until its longest word fits, and the title row grows to hold its lines."""
        room = self.width() - 6
        margin = 2 * self.title.item.document().documentMargin()  # the text item's own, which text_width leaves out
        floor = style.MIN_LEGIBLE_PX / max(self._title_px(), 1)
        scales = [s for s in TITLE_SCALES if s >= floor] or [max(floor, 1.0)]
        width = -1.0
        # Measured by shape: "= h_6" lays out as "= h_7", and the title of h_t-1 changes at every step.
        for scale, wrap in [(scales[0], False)] + [(scale, True) for scale in scales]:
            chosen = (scale, wrap, True)
            if text_width(self._title_html(*chosen, measured=True)) + margin <= room:
                break
        else:
            width = float(max(room, 1))  # Qt wraps it between words, never inside brackets (unbreakable_brackets)
            for scale in [s for s in WORD_WRAP_SCALES if s >= floor] or [scales[-1]]:
                chosen = (scale, True, True)
                size = wrapped_size(self._title_html(*chosen, measured=True), width)
                # the title and two lines of formula at most, as _reserved_title_height keeps room for: a caption
                # over 3-5 lines started its column's numbers lower than its neighbours' (issue 26)
                lines = QtGui.QFontMetricsF(style.pixel_font(max(round(self._title_px() * scale),
                                                                 style.MIN_LEGIBLE_PX))).lineSpacing()
                if size[0] <= width and size[1] <= 3 * lines + 2 * self.title.item.document().documentMargin() + 1:
                    break
            else:  # no two lines of the formula fit: the symbol alone, as large as fits (it was set at the smallest
                # scale, a 9-px "n_t" beside 13-px neighbours); the equation stays in the tooltip
                chosen = next((alone for alone in ((scale, False, False) for scale in scales)
                               if text_width(self._title_html(*alone, measured=True)) + margin <= room),
                              (scales[-1], False, False))
        html = self._title_html(*chosen)
        if html != self.title.text or width != self.title.item.textWidth():
            word_wrap(self.title.item.document())
            if width != self.title.item.textWidth():  # a text width set lays the text out again, even the same one
                self.title.item.setTextWidth(width)
            self.title.setText(html)
            # pyqtgraph makes a label's text its minimum width; a title still too wide at the smallest scale would
            # widen the cells' column past the view and be cut on one side.
            self.title.setMinimumWidth(0)
        height = max(self._reserved_title_height(),
                     int(math.ceil(wrapped_size(self._title_html(*chosen, measured=True), width)[1])) if self._title[0]
                     else 0)
        if height != self._title_needed:
            self._title_needed = height
            self.title_resized.emit()
        height = max(height, self._title_floor)
        if height != self.title.maximumHeight():
            self.title.setMaximumHeight(height)
            self.ci.layout.setRowFixedHeight(0, height)
        self.ci.setGeometry(self.range)  # the layout sized itself to the text's width: back to the view's

    def title_needed(self) -> int:
        """The height the title needs at this width, whatever level_title asked for."""
        return self._title_needed

    def level_title(self, height: int) -> None:
        """Give the title at least `height`: views side by side keep their cells level though one caption's
        subscripts make it a few pixels taller than its neighbours' (issue 26)."""
        if height != self._title_floor:
            self._title_floor = height
            height = max(self._title_needed, height)
            if height != self.title.maximumHeight():
                self.title.setMaximumHeight(height)
                self.ci.layout.setRowFixedHeight(0, height)
                self.ci.setGeometry(self.range)

    def _title_html(self, scale: float, wrap: bool, subtitle: bool = True, measured: bool = False) -> str:
        """The title's HTML at `scale`, its subtitle on two lines when `wrap`, or without it; `measured`: its shape,
        which measures as it does."""
        title, active, subtitle = self._title if subtitle else (*self._title[:2], "")
        if measured:
            title, subtitle = matrix_plan.shape(title, number_width), matrix_plan.shape(subtitle, number_width)
        if wrap:  # at the operator that makes the longer of the two lines shortest
            splits = [f"{subtitle[:i]}<br>{operator.strip()} {subtitle[i + len(operator):]}"
                      for i, operator in formula_breaks(subtitle)]
            subtitle = min(splits, key=lambda split: text_width(matrix_plan.shape(split, number_width)),
                           default=subtitle)
        subtitle = unbreakable_brackets(subtitle)
        color = style.ACTIVE if active else style.FOREGROUND
        size = f"font-size:{max(round(self._title_px() * scale), style.MIN_LEGIBLE_PX)}px"
        html = f"<span style='color:{color}; {size}'>{f'<b>{title}</b>' if active else title}"
        if subtitle:
            html += f"<br><span style='{size}'>{subtitle}</span>"
        return html + "</span>"

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._title is not None:
            self._show_title()
            self._show_legend()

    # --- gate blocks and the rows a phase reads ------------------------------------------------------------------

    def _draw_separators(self) -> None:
        for line in self._separators:
            self.vb.removeItem(line)
        self._separators = []
        if not self._blocks:
            return
        size = self._numbers.values.shape[0] // len(self._blocks)
        pen = pg.mkPen(style.FOREGROUND, width=2)
        pen.setCosmetic(True)
        for k in range(1, len(self._blocks)):
            y = self._display_row(k * size) - 0.5
            line = QtWidgets.QGraphicsLineItem(-0.5, y, self.plan.columns.size - 0.5, y)
            line.setPen(pen)
            line.setZValue(10)  # over the cells and their numbers
            self.vb.addItem(line, ignoreBounds=True)
            self._separators.append(line)

    def mark_rows(self, start: int | None = None, stop: int | None = None) -> None:
        """Frame rows [start, stop) (true indices) and pale the others: the gate block a phase reads. No rows: no
        mark."""
        if self._mark_items:
            self.repaint_frames()
        for item in self._mark_items:
            self.vb.removeItem(item)
        self._mark_items = []
        self._marked = None if start is None else (start, stop)
        if start is None or stop <= start:
            return
        rows, cols = self.plan.rows.size, self.plan.columns.size
        top, bottom = self._display_row(start), self._display_row(stop - 1) + 1
        veil = pg.mkBrush(255, 255, 255, 150)
        for a, b in ((0, top), (bottom, rows)):
            if b > a:
                item = QtWidgets.QGraphicsRectItem(-0.5, a - 0.5, cols, b - a)
                item.setBrush(veil)
                item.setPen(pg.mkPen(None))
                item.setZValue(5)
                self.vb.addItem(item, ignoreBounds=True)
                self._mark_items.append(item)
        frame = QtWidgets.QGraphicsRectItem(-0.5, top - 0.5, cols, bottom - top)
        frame.setPen(style.active_pen())  # cosmetic, as pyqtgraph makes its pens: 3 px at any zoom
        frame.setZValue(11)
        self.vb.addItem(frame, ignoreBounds=True)
        self._mark_items.append(frame)

    def marked_rows(self) -> tuple[int, int] | None:
        return self._marked

    # --- saturation ---------------------------------------------------------------------------------------------

    def _mark_saturation(self) -> None:
        """A dashed outline in each saturated cell on show, while cells are big enough on screen to carry one."""
        rect = self.vb.boundingRect()
        hits = matrix_plan.marked_saturated(self.plan, self._numbers, self.bounds, rect.width(), rect.height())
        inset = 0.03  # along the cell's edge; where its number reaches it, the box gives way (SaturationMarks)
        boxes = [QtCore.QRectF(dc - 0.5 + inset, dr - 0.5 + inset, 1 - 2 * inset, 1 - 2 * inset) for dr, dc in hits]
        cells = [(int(self.plan.rows[dr]), int(self.plan.columns[dc])) for dr, dc in hits]
        if cells or self._saturated_cells:
            self._saturation.set_boxes(boxes)
        self._saturated_cells = cells
        self._show_legend()

    def saturation_outline(self) -> QtGui.QPainterPath:
        """The saturation marks as painted now, in the viewport's pixels (number_boxes' coordinates)."""
        self.vb.updateMatrix()
        return self._saturation.outline(self._saturation.deviceTransform(self.viewportTransform()))

    def saturated_cells(self) -> list[tuple[int, int]]:
        """The cells on show marked saturated, as (row, column) true indices."""
        return list(self._saturated_cells)

    def saturation_note(self) -> str:
        """What the dashed outline means, for a legend (empty when no cell on show is marked)."""
        if not self._saturated_cells or self.bounds is None:
            return ""
        low, high = self.bounds
        return self.tr("dashed box: saturated, within 1% of the end of its range ({0} … {1})").format(
            f"{low:g}", f"{high:g}")

    note_in_title = False  # a view without a colour bar: the saturation note as its title's subtitle

    def title_note(self) -> str:
        """The subtitle a note_in_title view has now: the saturation note on show."""
        return self._title[2] if self._title is not None else ""

    def _show_legend(self) -> None:
        """Under views with a colour bar, the saturation note while a cell carries the mark; as the subtitle of a
        view without one that asks for it (note_in_title)."""
        if self.colorbar is None:
            if self.note_in_title and self._title is not None and self._title[2] != self.saturation_note():
                self.set_title(self._title[0], self._title[1], self.saturation_note())
            return
        note = self.saturation_note()
        if not note:
            if self.legend.isVisible():
                self.legend.setVisible(False)
                self.ci.removeItem(self.legend)
            return
        px = style.legible_px(style.font_pt() * 0.85)
        html = f"<span style='font-size:{px}px'>{note}</span>"
        width = float(max(self.width() - 10, 40))
        if not self.legend.isVisible():
            self.ci.addItem(self.legend, 3, 0, 1, 3)
            self.legend.setVisible(True)
        if html != self.legend.text or width != self.legend.item.textWidth():
            self.legend.item.setTextWidth(width)
            self.legend.setText(html)
            self.legend.setMinimumWidth(0)
            height = int(math.ceil(wrapped_size(html, width)[1]))
            self.legend.setMaximumHeight(height)
            self.legend.setMinimumHeight(height)

    # --- the axes: true indices, sized from the font --------------------------------------------------------------

    def _label(self, axis: str, i: int) -> str:
        """The name of true row (axis "left") or column ("top") `i` on its axis."""
        return matrix_plan.index_label(i, self._row_labels if axis == "left" else self._col_labels, axis == "left")

    def _set_ticks(self) -> None:
        """The indices the planner labels (matrix_plan.axis_ticks) on each axis, and the axes sized to their labels'
        font, since pyqtgraph drops a label that does not fit inside its axis."""
        metrics = QtGui.QFontMetricsF(self.tick_font)
        rect = self.vb.boundingRect()
        span_r, span_c = self.plan.span()
        rows, cols = self.plan.rows, self.plan.columns
        key = (rows.tobytes(), cols.tobytes(), round(rect.height() / max(span_r, 1e-9), 1),
               round(rect.width() / max(span_c, 1e-9), 1), self.row_ticks)
        if key == self._tick_key:
            return
        self._tick_key = key
        (x0, _), (y0, _) = self.plan.zoom or ((-0.5, 0), (-0.5, 0))
        height = metrics.height()
        row_ticks = matrix_plan.axis_ticks(rows, self._row_labels, True, rect.height(), span_r, y0,
                                           lambda label: height)
        column_ticks = matrix_plan.axis_ticks(cols, self._col_labels, False, rect.width(), span_c, x0,
                                              metrics.horizontalAdvance)
        self.axes["left"].setTicks([row_ticks, []])
        self.axes["top"].setTicks([column_ticks, []])
        widest = max((metrics.horizontalAdvance(label) for _, label in row_ticks), default=0.0)
        left = math.ceil(widest + 12) if self.row_ticks else 4
        if self.axes["left"].maximumWidth() != left:
            self.axes["left"].setWidth(left)
        top = math.ceil(metrics.height() * 0.8 + 6) if self.column_ticks else 4
        if self.axes["top"].maximumHeight() != top:
            self.axes["top"].setHeight(top)

    # --- numbers on cells -------------------------------------------------------------------------------------

    def _update_texts(self) -> None:
        """Write the numbers on the cells the planner numbers (matrix_plan.numbered_cells): a 256-unit vector that
        never shows its numbers writes none through each step."""
        cells = matrix_plan.numbered_cells(self.plan, self._numbers, self.numbers.cells)
        if self._text_font_px != self.plan.px:
            self.numbers.set_font(style.pixel_font(self.plan.px))
            self._text_font_px = self.plan.px
        grid = self._display_texts()
        if grid is not None:
            written = [grid[r][c] for r, c in cells]
        else:  # zoomed into a matrix larger than any grid of numbers: the cells in sight, one by one
            rows, cols, values = self.plan.rows, self.plan.columns, self._numbers.values
            true = [(rows[r], cols[c]) for r, c in cells]
            dark = style.dark_cells(*self.colour_scale(np.array([values[r, c] for r, c in true])))
            written = [(self._numbers.written(r, c, self.plan.digits), style.text_colour(d))
                       for (r, c), d in zip(true, dark.tolist())]
        self.numbers.set_numbers(cells, written)

    def cell_texts(self) -> list[list[str]]:
        """The numbers written on the cells on show, row by row, as a reader sees them (the ellipsis row and
        column as "⋮" and "…"; empty when none are drawn). shown_rows()/shown_columns() give their indices."""
        out: dict[int, list[str]] = {}
        for (r, _), (text, _) in zip(self.numbers.cells, self.numbers.written):
            out.setdefault(r, []).append(text)
        return list(out.values())

    def number_boxes(self) -> list[tuple[tuple[int, int], str, QtCore.QRectF]]:
        """Each number written now: its (row, column) on show, its text, and where it is drawn in the viewport."""
        self.vb.updateMatrix()  # pyqtgraph scales the cells lazily, before the next paint: as that paint will
        transform = self.numbers.deviceTransform(self.viewportTransform())
        return [(cell, text, self.numbers.box(i, transform))
                for i, (cell, (text, _)) in enumerate(zip(self.numbers.cells, self.numbers.written))]

    def number_font(self) -> QtGui.QFont:
        return self.numbers.font

    # --- zoom -------------------------------------------------------------------------------------------------

    def is_zoomed(self) -> bool:
        return self._zoomed

    def zoom(self, factor: float, center: QtCore.QPointF | None = None) -> None:
        """Zoom the cells by `factor` (> 1: in) around `center`, a point in true (column, row) coordinates
        (default: the middle of what is on show). An axis stops zooming in at a third of what holds legible
        numbers (a vector's one column stays whole); zooming out to the whole matrix returns to the overview."""
        rows, cols = self._numbers.values.shape
        if not rows or not cols:
            return
        if self._zoomed:
            (x0, x1), (y0, y1) = self.vb.viewRange()
        elif factor <= 1:
            return
        else:
            (x0, x1), (y0, y1) = (-0.5, cols - 0.5), (-0.5, rows - 0.5)
        if center is None:
            center = QtCore.QPointF((x0 + x1) / 2, (y0 + y1) / 2)
        fit_r, fit_c = self._legible_count()
        w = min(max((x1 - x0) / factor, min(cols, max(fit_c / 3, 1.0))), cols)
        h = min(max((y1 - y0) / factor, min(rows, max(fit_r / 3, 1.0))), rows)
        if w >= cols - 1e-6 and h >= rows - 1e-6:
            self._leave_zoom()
            return
        if not self._zoomed:
            self._zoomed = True
            self.vb.setLimits(xMin=-0.5, xMax=cols - 0.5, yMin=-0.5, yMax=rows - 0.5)
            self.vb.setMouseEnabled(x=True, y=True)  # drag to pan
        fx = (center.x() - x0) / max(x1 - x0, 1e-9)
        fy = (center.y() - y0) / max(y1 - y0, 1e-9)
        nx0 = min(max(center.x() - fx * w, -0.5), cols - 0.5 - w)
        ny0 = min(max(center.y() - fy * h, -0.5), rows - 0.5 - h)
        self.vb.setRange(xRange=(nx0, nx0 + w), yRange=(ny0, ny0 + h), padding=0)
        self._relayout(force=True)

    def _legible_count(self) -> tuple[float, float]:
        """How many rows and columns of numbers fit the view at the legible minimum."""
        return matrix_plan.legible_count(self._numbers, self._room(), number_width)

    def zoom_to_numbers(self, center: QtCore.QPointF | None = None) -> None:
        """Zoom in just far enough for every cell in sight to carry a readable number."""
        rows, cols = self._numbers.values.shape
        fit_r, fit_c = self._legible_count()
        self.zoom(max(rows / max(int(fit_r), 1), cols / max(int(fit_c), 1), 1.0) * 1.01, center)

    def _leave_zoom(self, relayout: bool = True) -> None:
        if not self._zoomed:
            return
        self._zoomed = False
        self.vb.setMouseEnabled(x=False, y=False)
        self.vb.setLimits(xMin=None, xMax=None, yMin=None, yMax=None)
        if relayout:
            self._relayout(force=True)

    def reset_zoom(self) -> None:
        self._leave_zoom()

    def _true_point(self, scene_pos) -> QtCore.QPointF:
        """The true (column, row) coordinates under a scene point (an ellipsis maps to its middle)."""
        point = self.vb.mapSceneToView(scene_pos)
        if self._zoomed:
            return point
        return QtCore.QPointF(matrix_plan.true_position(self.plan.columns, point.x()),
                              matrix_plan.true_position(self.plan.rows, point.y()))

    def wheelEvent(self, event) -> None:
        scene_pos = self.mapToScene(event.position().toPoint())
        if not self.vb.sceneBoundingRect().contains(scene_pos) or not self._numbers.values.size:
            event.ignore()
            return
        notches = event.angleDelta().y() / 120
        if notches:
            self.zoom(ZOOM_PER_NOTCH ** notches, self._true_point(scene_pos))
        event.accept()

    MOVES = {QtCore.Qt.Key_Up: (-1, 0), QtCore.Qt.Key_Down: (1, 0), QtCore.Qt.Key_Left: (0, -1),
             QtCore.Qt.Key_Right: (0, 1)}
    CHOOSE = (QtCore.Qt.Key_Return, QtCore.Qt.Key_Enter)

    def setToolTip(self, tip: str) -> None:
        # A change of tooltip is an event, delivered through event() below in Python (~30 µs): a step sets each of
        # the strip's vectors' to what it was, and a hover sets the cell's at every move of the mouse over it.
        if tip != self.toolTip():
            super().setToolTip(tip)

    def event(self, event) -> bool:
        # While a cell has the keyboard, its arrows and Enter are the view's, not the window's shortcuts (← and →
        # step); a view focused by a click and no arrow yet leaves them to the window.
        if (event.type() == QtCore.QEvent.ShortcutOverride and not event.modifiers()
                and (event.key() in self.CHOOSE or event.key() in self.MOVES and self._focus_cell is not None)):
            event.accept()
            return True
        return super().event(event)

    def focused_cell(self) -> tuple[int, int] | None:
        return self._focus_cell

    def focus_cell(self, r: int | None, c: int = 0) -> None:
        """Give the keyboard's frame to cell (r, c), true indices, clamped to the matrix; None: no cell."""
        rows, cols = self._numbers.values.shape
        if r is None or not rows or not cols:
            self._focus_cell = None
        else:
            self._focus_cell = (min(max(int(r), 0), rows - 1), min(max(int(c), 0), cols - 1))
        self._frame_cells()

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        if event.reason() in (QtCore.Qt.TabFocusReason, QtCore.Qt.BacktabFocusReason) and self._focus_cell is None:
            self.focus_cell(0, 0)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.focus_cell(None)

    def mark_cell(self, r: int | None = None, c: int = 0) -> None:
        """Frame one cell (true indices): the element whose arithmetic is open. No row: no frame."""
        self._marked_cell = None if r is None else (int(r), int(c))
        self._frame_cells()

    def marked_cell(self) -> tuple[int, int] | None:
        return self._marked_cell

    def _frame_cells(self) -> None:
        """The keyboard's cell dashed, the marked cell solid in the accent colour: each where its cell is on show."""
        self.repaint_frames()
        for name, cell in (("focus", self._focus_cell), ("mark", self._marked_cell)):
            item = self._cell_items.get(name)
            if cell is None or not self._numbers.values.size:
                if item is not None:
                    item.setVisible(False)
                continue
            if item is None:
                item = self._cell_items[name] = QtWidgets.QGraphicsRectItem()
                pen = style.active_pen() if name == "mark" else pg.mkPen(
                    style.FOREGROUND, width=style.FRAME_WIDTH, style=QtCore.Qt.DashLine)
                pen.setCosmetic(True)
                item.setPen(pen)
                item.setZValue(12 if name == "focus" else 11.5)  # over the rows' frame
                self.vb.addItem(item, ignoreBounds=True)
            r, c = cell
            item.setRect(self._display_col(c) - 0.5, self._display_row(r) - 0.5, 1.0, 1.0)
            item.setVisible(True)

    def keyPressEvent(self, event) -> None:
        if event.key() in self.MOVES and not event.modifiers() and self._numbers.values.size:
            dr, dc = self.MOVES[event.key()]
            r, c = self._focus_cell or (0, 0)
            self.focus_cell(*((r + dr, c + dc) if self._focus_cell is not None else (0, 0)))
        elif event.key() in self.CHOOSE and self._numbers.values.size:
            if self._focus_cell is None:
                self.focus_cell(0, 0)
            self.cell_selected.emit(*self._focus_cell)
        elif event.key() == QtCore.Qt.Key_Z and not event.modifiers():
            self._toggle_zoom(None)
        elif event.key() == QtCore.Qt.Key_Escape and self._zoomed:
            self._leave_zoom()
        else:
            super().keyPressEvent(event)

    def _toggle_zoom(self, scene_pos) -> None:
        if self._zoomed:
            self._leave_zoom()
        else:
            self.zoom_to_numbers(None if scene_pos is None else self._true_point(scene_pos))

    def _range_changed(self, *_) -> None:
        """A resize, or a zoom's pan: the same cells may hold bigger numbers, or more of them fit."""
        if self._numbers.values.size:
            self._relayout()

    # --- hover and double-click -------------------------------------------------------------------------------

    def cell_at(self, scene_pos) -> tuple[int, int] | None:
        """The (row, column), true indices, of the cell under a scene point; None off the cells or on an
        ellipsis."""
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.vb.mapSceneToView(scene_pos)
        r, c = int(np.floor(point.y() + 0.5)), int(np.floor(point.x() + 0.5))
        if not (0 <= r < self.plan.rows.size and 0 <= c < self.plan.columns.size):
            return None
        r, c = int(self.plan.rows[r]), int(self.plan.columns[c])
        return None if ELLIPSIS in (r, c) else (r, c)

    def describe_cell(self, r: int, c: int) -> str:
        value = self._numbers.values[r, c]
        name = QtGui.QTextDocumentFragment.fromHtml(self.title.text or "").toPlainText().split(" ")[0]
        index = f"[{r}]" if self._numbers.values.shape[1] == 1 else f"[{r}, {c}]"
        text = f"{name}{index} = {'(not yet computed)' if np.isnan(value) else style.exact(value, self.dtype)}"
        if self.bounds is not None and saturated(np.array([value], dtype=np.float64), self.bounds)[0]:
            text += " — " + self.tr("saturated: within 1% of the end of its range ({0} … {1})").format(
                f"{self.bounds[0]:g}", f"{self.bounds[1]:g}")
        return text

    def _hovered(self, scene_pos) -> None:
        cell = self.cell_at(scene_pos)
        self.hover_text = "" if cell is None else self.describe_cell(*cell)
        self.setToolTip(self.hover_text)
        if self.hover_text and self.underMouse():
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), self.hover_text, self)

    def _clicked(self, event) -> None:
        if not event.double():
            cell = self.cell_at(event.scenePos())
            if cell is not None and event.button() == QtCore.Qt.LeftButton:
                self.cell_selected.emit(*cell)
            return
        cell = self.cell_at(event.scenePos())
        if self.editable:
            if cell is not None:
                self.cell_activated.emit(*cell)
        elif self.vb.sceneBoundingRect().contains(event.scenePos()):
            self._toggle_zoom(event.scenePos())

    def cell_scene_pos(self, r: int, c: int) -> QtCore.QPointF:
        """The scene point at the centre of cell (r, c), true indices (an elided cell: its ellipsis)."""
        return self.vb.mapViewToScene(QtCore.QPointF(self._display_col(c), self._display_row(r)))

    def cell_widget_pos(self, r: int, c: int) -> QtCore.QPoint:
        return self.mapFromScene(self.cell_scene_pos(r, c))
