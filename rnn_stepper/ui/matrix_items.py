"""The graphics items a heatmap is drawn with: its cells' colours, the numbers written on them, the dashed marks of
saturated cells, and the colour scale beside it. MatrixView places them as matrix_plan's Plan says."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from . import style


class NumberLayer(QtWidgets.QGraphicsItem):
    """Every number written on the cells, drawn by one item at its own pixel size whatever the view's scale.
    One text item per cell cost a write each (pyqtgraph's TextItem ~80 µs, a plain one ~5 µs) and a paint each,
    and a step back rewrites hundreds; here a step hands over its texts and the item paints them in one pass."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[int, int]] = []  # (row, column) on show of each number
        self.written: list[tuple[str, QtGui.QColor]] = []  # its text and colour
        self.font = QtGui.QFont()
        self.metrics = QtGui.QFontMetricsF(self.font)
        self.widths: dict[str, float] = {}
        self._extent = QtCore.QRectF()
        self._runs: list[tuple[QtGui.QColor, list[tuple[int, int, float, str]]]] | None = None

    def set_font(self, font: QtGui.QFont) -> None:
        font = QtGui.QFont(font)
        font.setStyleStrategy(QtGui.QFont.PreferNoShaping)  # digits need no shaping: 15 % off each drawText
        self.font = font
        self.metrics = QtGui.QFontMetricsF(font)
        self.widths = {}
        self._runs = None
        self.update()

    def set_numbers(self, cells: list[tuple[int, int]], written: list[tuple[str, QtGui.QColor]]) -> None:
        """`written[i]` on cell `cells[i]`; repainted only when a text or a colour changed."""
        if cells == self.cells and written == self.written:
            return
        if cells != self.cells:
            rows = [r for r, _ in cells] or [0]
            columns = [c for _, c in cells] or [0]
            extent = QtCore.QRectF(min(columns) - 0.5, min(rows) - 0.5, max(columns) - min(columns) + 1,
                                   max(rows) - min(rows) + 1)
            if extent != self._extent:
                self.prepareGeometryChange()
                self._extent = extent
        self.cells, self.written = cells, written
        self._runs = None
        self.update()

    def width(self, text: str) -> float:
        width = self.widths.get(text)
        if width is None:
            width = self.widths[text] = self.metrics.horizontalAdvance(text)
        return width

    def box(self, i: int, transform: QtGui.QTransform) -> QtCore.QRectF:
        """Where number i is drawn, through `transform` (the cells' coordinates to the device's)."""
        r, c = self.cells[i]
        centre = transform.map(QtCore.QPointF(c, r))
        width, height = self.width(self.written[i][0]), self.metrics.height()
        return QtCore.QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)

    def boundingRect(self) -> QtCore.QRectF:
        return self._extent

    def runs(self) -> list[tuple[QtGui.QColor, list[tuple[int, int, float, str]]]]:
        """The numbers to draw, one run per colour: (column, row, half its width, text). Worked out once per change
        rather than at every paint, where a step back paints ~80 numbers a view in four views."""
        if self._runs is None:
            by_colour: dict[int, tuple[QtGui.QColor, list]] = {}
            for (r, c), (text, colour) in zip(self.cells, self.written):
                if text:
                    by_colour.setdefault(id(colour), (colour, []))[1].append((c, r, self.width(text) / 2, text))
            self._runs = list(by_colour.values())
        return self._runs

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        transform = painter.transform()
        painter.resetTransform()  # in device pixels: a number keeps its size however large its cell is drawn
        painter.setFont(self.font)
        # The cells' affine map to the device, written out: QTransform.map per number cost more than its drawText.
        m11, m12, m21, m22 = transform.m11(), transform.m12(), transform.m21(), transform.m22()
        dx, dy = transform.dx(), transform.dy()
        baseline = (self.metrics.ascent() - self.metrics.descent()) / 2
        point = QtCore.QPointF
        for colour, texts in self.runs():
            painter.setPen(colour)
            for c, r, half, text in texts:
                painter.drawText(point(m11 * c + m21 * r + dx - half, m12 * c + m22 * r + dy + baseline), text)
        painter.setTransform(transform)


class SaturationMarks(QtWidgets.QGraphicsItem):
    """The dashed box in each saturated cell, drawn in device pixels and broken where its cell's number is written,
    with CLEARANCE pixels to spare: a box inset along the cell's edge came within a pixel of a minus sign at
    1024 × 768, and "−0.994" read "0.994". No dash ever covers a digit, whatever the cell's size."""

    CLEARANCE = 2

    def __init__(self, numbers: NumberLayer) -> None:
        super().__init__()
        self.numbers = numbers
        self.boxes: list[QtCore.QRectF] = []  # each marked cell, in the cells' coordinates
        self.pen = QtGui.QPen()

    def set_boxes(self, boxes: list[QtCore.QRectF]) -> None:
        self.prepareGeometryChange()
        self.boxes = boxes
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        bound = QtCore.QRectF()
        for box in self.boxes:
            bound = bound.united(box)
        return bound.adjusted(-0.1, -0.1, 0.1, 0.1)

    def outline(self, transform: QtGui.QTransform) -> QtGui.QPainterPath:
        """What is painted, in the device's pixels through `transform`: each box's dashed stroke less the box of
        the number written in its cell."""
        written = {cell: i for i, (cell, (text, _)) in enumerate(zip(self.numbers.cells, self.numbers.written))
                   if text}
        stroker = QtGui.QPainterPathStroker()
        stroker.setWidth(self.pen.widthF())
        stroker.setCapStyle(QtCore.Qt.FlatCap)
        stroker.setDashPattern(QtCore.Qt.DashLine)
        out = QtGui.QPainterPath()
        number_transform = None
        for box in self.boxes:
            path = QtGui.QPainterPath()
            path.addRect(box)
            stroke = stroker.createStroke(transform.map(path))
            i = written.get((round(box.center().y()), round(box.center().x())))
            if i is not None:
                if number_transform is None:  # the numbers lie in the same coordinates as the boxes
                    number_transform = transform
                keep_out = QtGui.QPainterPath()
                c = self.CLEARANCE
                keep_out.addRect(self.numbers.box(i, number_transform).adjusted(-c, -c, c, c))
                stroke = stroke.subtracted(keep_out)
            out.addPath(stroke)
        return out

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        if not self.boxes:
            return
        transform = painter.transform()
        painter.resetTransform()
        painter.fillPath(self.outline(transform), self.pen.color())
        painter.setTransform(transform)


class CellImage(pg.ImageItem):
    """The cells' colours. pyqtgraph hands Qt an RGBA8888 or ARGB32 image, which QPainter scales to the view ten
    times slower than the raster engine's own premultiplied format (~0.6 ms a view per repaint, where a step
    repaints a dozen views); converted once per change, it is drawn in ~0.05 ms."""

    def render(self) -> None:
        super().render()
        if self.qimage is not None and self.qimage.format() != QtGui.QImage.Format_ARGB32_Premultiplied:
            self.qimage = self.qimage.convertToFormat(QtGui.QImage.Format_ARGB32_Premultiplied)


class ColorBar(pg.GraphicsLayout):
    """The colour scale beside a heatmap: the colormap as a column with its values on the right.

    pyqtgraph's ColorBarItem is a whole PlotItem (12 ms to build, three of them on the way to the first trace);
    this shows the same scale with one ViewBox and one axis."""

    def __init__(self, colormap: pg.ColorMap, width: int = 12):
        super().__init__()
        self.layout.setSpacing(0)
        self._colormap = colormap
        self.scale: tuple[tuple[float, float], bool] | None = None  # the levels and log flag on show
        self.vb = pg.ViewBox(enableMenu=False, defaultPadding=0.0)
        self.vb.setMouseEnabled(x=False, y=False)
        self.vb.setFixedWidth(width)
        self.bar = pg.ImageItem(np.linspace(0.0, 1.0, 256)[:, None], axisOrder="row-major", levels=(0.0, 1.0))
        self.bar.setColorMap(colormap)
        self.vb.addItem(self.bar)
        self.axis = pg.AxisItem("right", linkView=self.vb)
        font = style.pixel_font(style.legible_px(style.font_pt() * 0.9))
        # Wide enough for its values from the start: pyqtgraph widens an axis only after a paint, and a label
        # drawn before that runs past the view's edge.
        self.axis.setStyle(tickFont=font, autoExpandTextSpace=False)
        self.axis.setWidth(math.ceil(QtGui.QFontMetricsF(font).horizontalAdvance("-0.000") + 12))
        style.cache_drawing(self.axis)
        self.addItem(self.vb, 0, 0)
        self.addItem(self.axis, 0, 1)

    def colorMap(self) -> pg.ColorMap:
        return self._colormap

    def setLevels(self, levels: tuple[float, float], log: bool = False) -> None:
        """The scale from levels[0] to levels[1]; `log`: a symmetric log scale whose top is levels[1], marked at
        whole decades (±top, ±top·10⁻³, 0) where the bar spans -1 … 1. The scale a step leaves as it was is not
        set again: setting an axis's ticks throws away its drawing, and a step redrew it (~0.6 ms) for nothing."""
        if (tuple(levels), log) == self.scale:
            return
        self.scale = (tuple(levels), log)
        low, high = levels
        if log:
            top, half = high, style.LOG_DECADES / 2
            self.axis.setTicks([[(sign * position, style.power_of_ten(sign * top * 10 ** (-half * (2 - 2 * position))))
                                 for sign in (-1, 1) for position in (1.0, 0.5)] + [(0.0, "0")], []])
            low, high = -1.0, 1.0
        else:
            self.axis.setTicks(None)
        self.bar.setRect(QtCore.QRectF(0.0, low, 1.0, high - low))  # row 0, the colormap's low end, at `low`
        self.vb.setRange(xRange=(0.0, 1.0), yRange=(low, high), padding=0)
