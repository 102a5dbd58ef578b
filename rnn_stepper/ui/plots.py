"""What every pyqtgraph plot of the window shares: legible axes and titles, no menus, and the curves of
followed units, bounded by their view and decimated to its pixels."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol, renderSymbol
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6 import QtCore, QtGui

from .typography import label_font, wrapped

MAX_MARKERS = 200  # longer sequences draw lines only: thousands of markers cost a frame and show nothing more


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


def least_height(plot: pg.PlotWidget) -> int:
    """The pixels a plot's title and axes take: its whole height but the area its curves are drawn in."""
    return int(np.ceil(plot.getPlotItem().effectiveSizeHint(QtCore.Qt.MinimumSize).height()))


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


def marked_line(curve: pg.PlotCurveItem | pg.PlotDataItem, marked: bool) -> None:
    """A solid line whose every point carries a marker (`marked`: a sequence of at most MAX_MARKERS steps) drawn
    as separate segments, otherwise as one path. Qt fills an antialiased 2-px polyline's outline as one polygon:
    a zigzag of 200 points cost 2.3 ms a line, and the comparison's eight units 18.7 ms of each step near t = 200.
    Its segments cost a third. Antialiased segments overlap where they meet, which would darken each joint, but
    every joint is under its marker; only where a steep zigzag's segments overlap each other do their soft edges
    blend twice (0.2 % of a plot's pixels, none by more than a quarter of its range: test_long_sequence_steps)."""
    curve = getattr(curve, "curve", curve)  # a PlotDataItem draws its line with a PlotCurveItem
    curve.setSegmentedLineMode("on" if marked else "auto")


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


class UnitMarkers(InView, pg.GraphicsObject):
    """A followed unit's markers, the hand pass's points: one symbol, rendered once by pyqtgraph as its scatter plots
    render theirs (renderSymbol), stamped at every point in one drawPixmapFragments call. A ScatterPlotItem keeps a
    record per point, styles and all, and rebuilt the records of all 200 points at each step: eight units' markers
    cost 3.4 ms of a step at T = 200; these, set and painted, a fifth of a scatter plot's cost in a bare plot.
    `getData` and `setData(x=…, y=…)` as a scatter's."""

    def __init__(self, symbol: str, size: float, pen: QtGui.QPen, brush: QtGui.QBrush):
        super().__init__()
        self.style = (symbol, size, pen, brush)
        self.x: np.ndarray | None = None
        self.y: np.ndarray | None = None
        self.stamp: tuple[float, QtGui.QPixmap] | None = None  # (device pixel ratio, the symbol rendered at it)
        self.fragments = PrimitiveArray(QtGui.QPainter.PixmapFragment, 10)

    def setData(self, x, y) -> None:
        self.x, self.y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.update()

    def getData(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        return self.x, self.y

    def clear(self) -> None:
        self.x = self.y = None
        self.update()

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None) -> tuple:
        """The points' extent on axis `ax`, as a scatter plot's: what the plot's auto-range button fits."""
        if self.x is None:
            return None, None
        values, other = (self.x, self.y) if ax == 0 else (self.y, self.x)
        if orthoRange is not None:
            values = values[(other >= orthoRange[0]) & (other <= orthoRange[1])]
        values = values[np.isfinite(values)]
        if not values.size:
            return None, None
        if frac >= 1.0:
            return float(values.min()), float(values.max())
        return tuple(np.percentile(values, [50 * (1 - frac), 50 * (1 + frac)]))

    def pixelPadding(self) -> float:
        """Half a symbol's diagonal, pen included: the room the auto range leaves around the points."""
        _, size, pen, _ = self.style
        return (size + max(pen.widthF(), 1.0)) * 0.7072

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        if self.x is None or not len(self.x):
            return
        transform = painter.transform()
        xs = transform.m11() * self.x + transform.m21() * self.y + transform.dx()
        ys = transform.m12() * self.x + transform.m22() * self.y + transform.dy()
        shown = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = np.clip(xs[shown], -2**30, 2**30), np.clip(ys[shown], -2**30, 2**30)  # as pyqtgraph: Qt faults past
        painter.resetTransform()
        symbol, size, pen, brush = self.style
        if self._exportOpts is not False:  # pyqtgraph's exporters: drawn as vectors at the export's resolution
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, self._exportOpts.get("antialias", True))
            scale = self._exportOpts.get("resolutionScale", 1.0)
            for x, y in zip(xs.tolist(), ys.tolist()):
                painter.resetTransform()
                painter.translate(x, y)
                drawSymbol(painter, symbol, size * scale, pen, brush)
            return
        dpr = widget.devicePixelRatioF() if widget is not None else painter.device().devicePixelRatioF()
        if self.stamp is None or self.stamp[0] != dpr:
            image = renderSymbol(symbol, size, pen, brush, dpr=dpr)
            self.stamp = (dpr, QtGui.QPixmap.fromImage(image))
        stamp = self.stamp[1]
        self.fragments.resize(xs.size)
        fragments = self.fragments.ndarray()
        fragments[:, 0], fragments[:, 1] = xs, ys  # the centre of each symbol
        fragments[:, 2:6] = (0, 0, stamp.width(), stamp.height())  # the whole stamp, in its own pixels
        fragments[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)  # scale, rotation, opacity
        painter.drawPixmapFragments(*self.fragments.drawargs(), stamp)


class LineMarkers(UnitMarkers):
    """A line's markers while every step of the sequence is marked (MAX_MARKERS), stamped as UnitMarkers stamp:
    a PlotDataItem's own are a scatter plot, which rebuilt a record per point at each step (0.9 ms of a step for
    200 points, set and painted). Drawn as the line's child, where its scatter plot was (after its line, under
    what the plot draws later), on the points the line draws (its log scale and downsampling applied), in
    pyqtgraph's default outline; out of the auto range, as a line's markers were."""

    def __init__(self, line: pg.PlotDataItem, symbol: str, size: float, colour) -> None:
        super().__init__(symbol, size, pg.mkPen(200, 200, 200), pg.mkBrush(colour))
        self.setParentItem(line)

    def follow(self, marked: bool) -> None:
        """On the line's points as drawn now; none where the sequence is too long to mark (`marked` False)."""
        x, y = self.parentItem().getData()
        if marked and x is not None and len(x):
            self.setData(x, y)
        else:
            self.clear()


def set_points(item: pg.PlotDataItem | pg.PlotCurveItem | UnitMarkers, x: np.ndarray, y: np.ndarray) -> None:
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
