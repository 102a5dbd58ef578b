"""A matrix or vector drawn as a heatmap: pyqtgraph's MatrixDisplay pattern, with numbers on the cells.

Diverging colormap centred on zero, colour bar, inverted y, cells centred on their indices. Each cell's value is
written inside it while cells are big enough to read; otherwise the image alone, with the value on hover. Items
are built once per shape and updated with setImage / setText.
"""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from . import style

MAX_TEXT_CELLS = 400  # beyond this many cells, text is never drawn: the image carries the numbers
MIN_CELL_PX = (38, 16)  # a cell narrower or shorter than this (in pixels) is too small to hold a number
# Above this many rows or columns an image can have more cells than its view has pixels: pyqtgraph averages it
# down to the screen and colours it. Below, each cell is coloured here, once per change: pyqtgraph's own way
# costs ~0.35 ms per draw, paid five times a step by the step panel's vectors.
DOWNSAMPLE_FROM = 256
TITLE_SCALES = (1.0, 0.85, 0.75)  # a title too wide for its view, even wrapped, is set smaller: to 75 % at least
WRAP_AT = (" + ", " ⊙ ", " − ")  # where a subtitle too wide for its view goes onto a second line


@functools.lru_cache(maxsize=512)
def text_width(html: str) -> float:
    """The width in pixels `html` takes on one line per <br>, in the application's font."""
    document = QtGui.QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(html)
    return document.idealWidth()


class ColorBar(pg.GraphicsLayout):
    """The colour scale beside a heatmap: the colormap as a column with its values on the right.

    pyqtgraph's ColorBarItem is a whole PlotItem (12 ms to build, three of them on the way to the first trace);
    this shows the same scale with one ViewBox and one axis."""

    def __init__(self, colormap: pg.ColorMap, width: int = 12):
        super().__init__()
        self.layout.setSpacing(0)
        self._colormap = colormap
        self.vb = pg.ViewBox(enableMenu=False, defaultPadding=0.0)
        self.vb.setMouseEnabled(x=False, y=False)
        self.vb.setFixedWidth(width)
        self.bar = pg.ImageItem(np.linspace(0.0, 1.0, 256)[:, None], axisOrder="row-major", levels=(0.0, 1.0))
        self.bar.setColorMap(colormap)
        self.vb.addItem(self.bar)
        self.axis = pg.AxisItem("right", linkView=self.vb)
        style.cache_drawing(self.axis)
        self.addItem(self.vb, 0, 0)
        self.addItem(self.axis, 0, 1)

    def colorMap(self) -> pg.ColorMap:
        return self._colormap

    def setLevels(self, levels: tuple[float, float]) -> None:
        low, high = levels
        self.bar.setRect(QtCore.QRectF(0.0, low, 1.0, high - low))  # row 0, the colormap's low end, at `low`
        self.vb.setRange(xRange=(0.0, 1.0), yRange=(low, high), padding=0)


class MatrixView(pg.GraphicsLayoutWidget):
    """Shows one 2-D array. It keeps only its drawing items; the numbers come from `set_matrix` each time.

    Built from a bare ViewBox with a title, a row axis and a column axis rather than a PlotItem: a PlotItem
    brings four axes, a menu and its controls, and ten of these views are built before the first trace shows."""

    cell_activated = QtCore.Signal(int, int)  # double-click on a cell: (row, column)
    _title: tuple | None = None  # (title, active, subtitle); GraphicsView's __init__ already sends a resize
    _framed = False

    def __init__(self, title: str = "", parent=None, colorbar: bool = True, editable: bool = False,
                 column_ticks: bool = True):
        super().__init__(parent=parent)
        self.setBackground(style.BACKGROUND)
        self.ci.layout.setContentsMargins(2, 2, 2, 2)
        self.ci.layout.setSpacing(0)
        self.editable = editable
        self.title = pg.LabelItem("")
        self.vb = pg.ViewBox(enableMenu=False, invertY=True, defaultPadding=0.0)
        self.vb.setMouseEnabled(x=False, y=False)
        self.axes = {"left": pg.AxisItem("left", linkView=self.vb),
                     "top": pg.AxisItem("top", linkView=self.vb, showValues=column_ticks)}
        self.axes["left"].setWidth(18)
        self.axes["top"].setHeight(18)
        self.ci.addItem(self.title, 0, 1)
        self.ci.addItem(self.axes["top"], 1, 1)
        self.ci.addItem(self.axes["left"], 2, 0)
        self.ci.addItem(self.vb, 2, 1)
        for axis in self.axes.values():
            style.cache_drawing(axis)
        self.image = pg.ImageItem(axisOrder="row-major")
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
        self.set_title(title)
        self._values = np.zeros((0, 0), dtype=np.float32)
        self.levels = (-1.0, 1.0)  # the colour scale's ends
        self._texts: list[pg.TextItem] = []
        self._text_shape: tuple[int, int] | None = None
        self._texts_stale = False
        self._row_labels: list[str] | None = None
        self._col_labels: list[str] | None = None
        self.sequential = False
        self._blocks: tuple[str, ...] = ()
        self._separators: list[QtWidgets.QGraphicsLineItem] = []
        self._marked: tuple[int, int] | None = None  # the rows framed by mark_rows
        self._mark_items: list[QtWidgets.QGraphicsRectItem] = []
        self.hover_text = ""
        self.setToolTip("")
        self.scene().sigMouseMoved.connect(self._hovered)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.vb.sigResized.connect(self._place_texts)

    # --- data -------------------------------------------------------------------------------------------------

    def set_matrix(self, values, levels: float | None = None, row_labels=None, col_labels=None,
                   sequential: bool = False, blocks: tuple[str, ...] = ()) -> None:
        """Draw `values` (2-D; NaN cells are left blank). `levels` is the ± extent of the colour scale, or its top
        when `sequential` (a gate's 0 … 1). `blocks` names equal row blocks stacked in the matrix (a GRU's r, z,
        n): rows are labelled by block and a line separates each from the next."""
        values = np.asarray(values)
        if values.ndim == 1:
            values = values[:, None]
        blocks = tuple(blocks) if len(blocks) > 1 and values.shape[0] % len(blocks) == 0 else ()
        if blocks and row_labels is None:
            size = values.shape[0] // len(blocks)
            row_labels = [f"{name}{j}" for name in blocks for j in range(size)]
        shape_changed = (values.shape != self._values.shape or row_labels != self._row_labels
                         or col_labels != self._col_labels)
        self._values = values  # in its own dtype, so a hover shows the float64 digits of a float64 session
        self._row_labels, self._col_labels = row_labels, col_labels
        if blocks != self._blocks or shape_changed:
            self._draw_separators(blocks, values.shape)
        if levels is None:
            finite = np.abs(values[np.isfinite(values)])
            levels = float(finite.max()) if finite.size else 1.0
        levels = levels if np.isfinite(levels) and levels > 0 else 1.0
        if sequential != self.sequential:
            self.sequential = sequential
            self.image.setColorMap(style.colormap(sequential))
            if self.colorbar is not None:
                self.colorbar.bar.setColorMap(style.colormap(sequential))
        self.levels = (0.0 if sequential else -levels, levels)
        if max(values.shape) > DOWNSAMPLE_FROM:
            # Averaged down to the screen by pyqtgraph, then coloured through the colormap's table. A float32
            # array is drawn as it is, transposed or not: no copy of a 10,000 × 1,024 trace per view.
            with np.errstate(over="ignore"):  # a float64 beyond float32's range is drawn as the end of the scale
                image = values if values.dtype == np.float32 else values.astype(np.float32)
            self.image.setAutoDownsample(True)
            self.image.setImage(image, levels=self.levels, autoLevels=False)
        else:
            self.image.setAutoDownsample(False)
            self.image.setImage(style.cell_colours(values, levels, sequential), levels=None, autoLevels=False)
        if self.colorbar is not None:
            self.colorbar.setLevels(self.levels)
        if shape_changed:
            self._set_ticks()
            if self._marked:
                self.mark_rows(*self._marked)
            self.vb.setRange(xRange=(-0.5, values.shape[1] - 0.5), yRange=(-0.5, values.shape[0] - 0.5),
                             padding=0)
        self._update_texts()

    row_ticks = True

    def show_row_ticks(self, on: bool) -> None:
        """Row numbers on the left, or a bare edge: a strip of same-length vectors numbers its units once."""
        if on == self.row_ticks:
            return
        self.row_ticks = on
        self.axes["left"].setStyle(showValues=on)
        self.axes["left"].setWidth(18 if on else 4)
        if on:
            self._set_ticks()

    def values(self) -> np.ndarray:
        return self._values

    def set_title(self, title: str, active: bool = False, subtitle: str = "", framed: bool | None = None) -> None:
        """The title over the cells; the phase being shown is drawn in the accent colour with a frame (`framed`
        False: the title alone, where mark_rows frames the rows that count)."""
        framed = active if framed is None else framed
        if (title, active, subtitle) == self._title and framed == self._framed:
            return  # relaying out a title costs more than the rest of a step
        self._framed = framed
        self.vb.setBorder(style.active_pen() if framed else None)
        if (title, active, subtitle) == self._title:
            return
        self._title = (title, active, subtitle)
        self._show_title()
        # Room for a subtitle on two lines in every view that has one, so side-by-side views keep their cells level.
        height = int(style.font_pt() * (5.6 if subtitle else 2.4)) if title else 0
        self.title.setMaximumHeight(height)
        self.ci.layout.setRowFixedHeight(0, height)

    def _show_title(self) -> None:
        """The title as large as fits over the cells: at 1280 × 720 a step vector is ~80 px wide, and its
        "W_hh h_t-1 + b_hh" would be cut off at both ends. First the subtitle goes onto two lines at an operator
        (the one that leaves the shorter longest line), then the font shrinks, to no less than TITLE_SCALES[-1]."""
        room = self.width() - self.axes["left"].maximumWidth() - 6
        margin = 2 * self.title.item.document().documentMargin()  # the text item's own, which text_width leaves out
        for scale, wrap in [(1.0, False)] + [(scale, True) for scale in TITLE_SCALES]:
            html = self._title_html(scale, wrap)
            if text_width(html) + margin <= room:
                break
        if html != self.title.text:
            self.title.setText(html)
            # pyqtgraph makes a label's text its minimum width; a title still too wide at the smallest scale would
            # widen the cells' column past the view and be cut on one side. Centred, it loses both ends alike.
            self.title.setMinimumWidth(0)
            self.ci.setGeometry(self.range)  # the layout sized itself to the text's width: back to the view's

    def _title_html(self, scale: float, wrap: bool) -> str:
        title, active, subtitle = self._title
        if wrap:  # at the operator that makes the longer of the two lines shortest
            splits = [f"{subtitle[:i]}<br>{operator.strip()} {subtitle[i + len(operator):]}"
                      for operator in WRAP_AT for i in range(len(subtitle)) if subtitle.startswith(operator, i)]
            subtitle = min(splits, key=text_width, default=subtitle)
        color = style.ACTIVE if active else style.FOREGROUND
        size = f"font-size:{style.font_pt() * scale:.1f}pt"
        html = f"<span style='color:{color}; {size}'>{f'<b>{title}</b>' if active else title}"
        if subtitle:
            html += f"<br><span style='{size}'>{subtitle}</span>"
        return html + "</span>"

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._title is not None:
            self._show_title()

    # --- gate blocks and the rows a phase reads ------------------------------------------------------------------

    def _draw_separators(self, blocks: tuple[str, ...], shape: tuple[int, int]) -> None:
        for line in self._separators:
            self.vb.removeItem(line)
        self._separators = []
        self._blocks = blocks
        if not blocks:
            return
        rows, cols = shape
        size = rows // len(blocks)
        pen = pg.mkPen(style.FOREGROUND, width=2)
        pen.setCosmetic(True)
        for k in range(1, len(blocks)):
            line = QtWidgets.QGraphicsLineItem(-0.5, k * size - 0.5, cols - 0.5, k * size - 0.5)
            line.setPen(pen)
            line.setZValue(10)  # over the cells and their numbers
            self.vb.addItem(line, ignoreBounds=True)
            self._separators.append(line)

    def mark_rows(self, start: int | None = None, stop: int | None = None) -> None:
        """Frame rows [start, stop) and pale the others: the gate block a phase reads. No rows: no mark."""
        for item in self._mark_items:
            self.vb.removeItem(item)
        self._mark_items = []
        self._marked = None if start is None else (start, stop)
        if start is None:
            return
        rows, cols = self._values.shape
        veil = pg.mkBrush(255, 255, 255, 150)
        for top, bottom in ((0, start), (stop, rows)):
            if bottom > top:
                item = QtWidgets.QGraphicsRectItem(-0.5, top - 0.5, cols, bottom - top)
                item.setBrush(veil)
                item.setPen(pg.mkPen(None))
                item.setZValue(5)
                self.vb.addItem(item, ignoreBounds=True)
                self._mark_items.append(item)
        frame = QtWidgets.QGraphicsRectItem(-0.5, start - 0.5, cols, stop - start)
        frame.setPen(style.active_pen())  # cosmetic, as pyqtgraph makes its pens: 3 px at any zoom
        frame.setZValue(11)
        self.vb.addItem(frame, ignoreBounds=True)
        self._mark_items.append(frame)

    def marked_rows(self) -> tuple[int, int] | None:
        return self._marked

    # --- numbers on cells -------------------------------------------------------------------------------------

    def _set_ticks(self) -> None:
        rows, cols = self._values.shape
        for axis, n, labels, most in (("left", rows, self._row_labels, 8), ("top", cols, self._col_labels, 6)):
            step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10**4,
                                    10**5, 10**6) if n / s <= most) if n > most else 1
            ticks = [(i, labels[i] if labels else str(i)) for i in range(0, n, step)]
            self.axes[axis].setTicks([ticks, []])
            if axis == "left" and self.row_ticks:  # pyqtgraph leaves out a label wider than its axis: room for it
                widest = max((self.fontMetrics().horizontalAdvance(label) for _, label in ticks), default=0)
                self.axes[axis].setWidth(max(18, widest + 10))

    def _update_texts(self) -> None:
        """Write the numbers, but only while they can be read: text items are made when cells first get big
        enough, so a 256-unit vector that never shows its numbers carries no 256 hidden items through each step."""
        rows, cols = self._values.shape
        if rows * cols > MAX_TEXT_CELLS:
            self._clear_texts()
            return
        readable = self._cells_readable()
        self._texts_stale = not readable
        if not readable:
            self._show_texts(False)
            return
        if self._text_shape != (rows, cols):
            self._clear_texts()
            font = QtGui.QFont()
            font.setPointSizeF(style.font_pt() * 0.85)
            for r in range(rows):
                for c in range(cols):
                    item = pg.TextItem(anchor=(0.5, 0.5))
                    item.setFont(font)
                    item.setPos(c, r)
                    self.vb.addItem(item)
                    self._texts.append(item)
            self._text_shape = (rows, cols)
        levels = self.levels
        for item, value in zip(self._texts, self._values.ravel()):
            item.setText("" if np.isnan(value) else style.short(value))
            item.setColor(style.text_on(value, levels))
        self._show_texts(True)

    def _show_texts(self, visible: bool) -> None:
        if self._texts and self._texts[0].isVisible() != visible:
            for item in self._texts:
                item.setVisible(visible)

    def _cells_readable(self) -> bool:
        rows, cols = self._values.shape
        rect = self.vb.sceneBoundingRect()
        return rect.width() / max(cols, 1) >= MIN_CELL_PX[0] and rect.height() / max(rows, 1) >= MIN_CELL_PX[1]

    def _clear_texts(self) -> None:
        for item in self._texts:
            self.vb.removeItem(item)
        self._texts = []
        self._text_shape = None

    def _place_texts(self) -> None:
        """On a resize: show the numbers only while a cell is big enough on screen to hold one."""
        if not self._texts and not self._texts_stale:
            return
        readable = self._cells_readable()
        if readable and self._texts_stale:
            self._update_texts()
        else:
            self._show_texts(readable)

    def cell_texts(self) -> list[list[str]]:
        """The numbers written on the cells, as a reader sees them (empty when none are drawn)."""
        rows, cols = self._values.shape
        if not self._texts:
            return []
        return [[self._texts[r * cols + c].textItem.toPlainText() for c in range(cols)] for r in range(rows)]

    # --- hover and double-click -------------------------------------------------------------------------------

    def cell_at(self, scene_pos) -> tuple[int, int] | None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.vb.mapSceneToView(scene_pos)
        r, c = int(np.floor(point.y() + 0.5)), int(np.floor(point.x() + 0.5))
        rows, cols = self._values.shape
        return (r, c) if 0 <= r < rows and 0 <= c < cols else None

    def describe_cell(self, r: int, c: int) -> str:
        value = self._values[r, c]
        name = QtGui.QTextDocumentFragment.fromHtml(self.title.text or "").toPlainText().split(" ")[0]
        index = f"[{r}]" if self._values.shape[1] == 1 else f"[{r}, {c}]"
        return f"{name}{index} = {'(not yet computed)' if np.isnan(value) else style.exact(value)}"

    def _hovered(self, scene_pos) -> None:
        cell = self.cell_at(scene_pos)
        self.hover_text = "" if cell is None else self.describe_cell(*cell)
        self.setToolTip(self.hover_text)
        if self.hover_text and self.underMouse():
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), self.hover_text, self)

    def _clicked(self, event) -> None:
        if not (self.editable and event.double()):
            return
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            self.cell_activated.emit(*cell)

    def cell_scene_pos(self, r: int, c: int) -> QtCore.QPointF:
        return self.vb.mapViewToScene(QtCore.QPointF(c, r))

    def cell_widget_pos(self, r: int, c: int) -> QtCore.QPoint:
        return self.mapFromScene(self.cell_scene_pos(r, c))
