"""The network unrolled: a small box per layer, direction and timestep, with the cell on show lit and the cells
already computed filled in. It is the one place that draws a deep or bidirectional model's structure: the forward
direction's arrows run left to right, the reverse direction's right to left, and each layer feeds the one above.
A click on a box shows that cell at that timestep (StepperModel.show_step).

A view of the model like the panels: it draws what the model holds and keeps nothing of its own. "Computed" is
the model's (StepperModel.computed): PyTorch's order, layer by layer and each layer's forward direction first.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..model import StepperModel
from . import style
from .plots import LegibleAxis, without_menus
from .typography import label_font

MAX_BOXES = 120  # timesteps drawn as boxes with arrows between; a longer sequence is a bar per row
BOX_W, BOX_H = 0.64, 0.62  # a box's size in the grid's units (one timestep, one row)
PENDING_FILL, COMPUTED_FILL = "#ffffff", "#9ecae1"


def rect_path(rects) -> QtGui.QPainterPath:
    path = QtGui.QPainterPath()
    for x0, y0, w, h in rects:
        path.addRect(QtCore.QRectF(x0, y0, w, h))
    return path


def cosmetic(color: str, width: float = 1.0) -> QtGui.QPen:
    pen = pg.mkPen(color, width=width)
    pen.setCosmetic(True)
    return pen


class UnrolledView(pg.PlotWidget):
    """Rows are the cells, top to bottom from the last layer to the first (the input comes in at the bottom), a
    layer's forward direction over its reverse; columns are timesteps."""

    def __init__(self, model: StepperModel, parent=None):
        self.left_axis = LegibleAxis("left")
        super().__init__(parent, axisItems={"bottom": LegibleAxis("bottom", integer=True), "left": self.left_axis})
        self.model = model
        self.setBackground(style.BACKGROUND)
        without_menus(self)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        item = self.getPlotItem()
        item.invertY(True)
        item.setContentsMargins(2, 2, 6, 2)
        self.setObjectName("unrolled")
        # As wide as the step panel under it, never wider: its boxes shrink with the room rather than push the
        # panels beside it aside.
        self.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Fixed)
        self.setMinimumWidth(100)
        self.layers = {}  # the drawing items, made once
        for name, z in (("pending", 1), ("computed", 2), ("arrows", 3), ("lit", 4)):
            path = QtWidgets.QGraphicsPathItem()
            path.setZValue(z)
            item.vb.addItem(path)
            self.layers[name] = path
        self.layers["pending"].setPen(cosmetic("#9a9a9a"))
        self.layers["pending"].setBrush(pg.mkBrush(PENDING_FILL))
        self.layers["computed"].setPen(cosmetic(style.MANUAL))
        self.layers["computed"].setBrush(pg.mkBrush(COMPUTED_FILL))
        self.layers["arrows"].setPen(cosmetic("#606060"))
        self.layers["arrows"].setBrush(pg.mkBrush("#606060"))
        self.layers["lit"].setPen(cosmetic(style.ACTIVE, style.FRAME_WIDTH))
        self.layers["lit"].setBrush(pg.mkBrush(style.ACTIVE))
        self.setToolTip(self.tr("The network unrolled: a box per layer, direction and time step. Arrows show the "
                                "way each direction walks; filled boxes are computed, the lit one is on show. Click "
                                "a box to go there."))
        self.scene().sigMouseClicked.connect(self.clicked)
        self.scene().sigMouseMoved.connect(self.hovered)
        model.events.changed.connect(self.on_change)
        self.redraw()

    def on_change(self, what: frozenset) -> bool:
        if "trace" in what:
            self.redraw()  # and the boxes lit
        elif what & {"cell", "cursor"}:
            self.refresh()
        else:
            return False
        return True

    # --- the grid --------------------------------------------------------------------------------------------------

    def cells(self) -> list[tuple[int, int]]:
        """(layer, direction) of each row, top to bottom."""
        config = self.model.session.config
        return [(layer, d) for layer in reversed(range(config.num_layers)) for d in range(config.num_directions)]

    def row_label(self, layer: int, direction: int) -> str:
        arrow = " ←" if direction else (" →" if self.model.session.config.bidirectional else "")
        return self.tr("L{0}").format(layer) + arrow

    def boxes(self, T: int) -> bool:
        return T <= MAX_BOXES

    def box(self, row: int, t0: int, t1: int | None = None):
        """The rectangle of timesteps t0 … t1 (one box, or a bar over several in a long sequence) in row `row`."""
        t1 = t0 if t1 is None else t1
        if self.boxes(self.model.seq_len):
            return [(t - BOX_W / 2, row - BOX_H / 2, BOX_W, BOX_H) for t in range(t0, t1 + 1)]
        return [(t0 - 0.5, row - BOX_H / 2, t1 - t0 + 1, BOX_H)]

    def wanted(self) -> bool:
        """On show for a network of more than one cell: stacked layers, or two directions."""
        config = self.model.session.config if self.model.session is not None else None
        return config is not None and config.num_layers * config.num_directions > 1

    def redraw(self) -> None:
        """Rows, boxes, arrows and axes: once per trace; a step only fills boxes in."""
        m = self.model
        if m.trace is None:
            return
        T, cells = m.seq_len, self.cells()
        # One cell has no structure to show (the sequence's heatmap already fills in step by step): the strip under
        # it keeps the height, which a 12-unit strip at 1280 × 720 needs for its numbers
        self.setVisible(self.wanted())
        pending = []
        for row in range(len(cells)):
            pending += self.box(row, 0, T - 1) if T else []
        self.layers["pending"].setPath(rect_path(pending))
        self.layers["arrows"].setPath(self.arrow_path(T, cells) if self.boxes(T) else QtGui.QPainterPath())
        self.left_axis.setTicks([[(row, self.row_label(*cell)) for row, cell in enumerate(cells)]])
        self.left_axis.setStyle(tickFont=label_font())
        self.getPlotItem().getAxis("bottom").setStyle(tickFont=label_font())
        # the widest row label, and room for the time axis' numbers: nothing cut, nothing over the boxes
        metrics = QtGui.QFontMetricsF(label_font())
        self.left_axis.setWidth(int(max(metrics.horizontalAdvance(self.row_label(*c)) for c in cells) + 10))
        self.getPlotItem().vb.setRange(xRange=(-0.5, max(T, 1) - 0.5), yRange=(-0.5, len(cells) - 0.5), padding=0)
        # rows just taller than their labels, so that four of them (2 layers, both directions) stay a thin strip
        row_px = max(metrics.height() * 1.1, 22)
        self.setFixedHeight(int(len(cells) * row_px + metrics.height() * 1.8 + 8))
        self.refresh()

    def arrow_path(self, T: int, cells) -> QtGui.QPainterPath:
        """Along each row, from box to box the way its direction walks; up from each layer to the next."""
        path = QtGui.QPainterPath()
        gap = 1 - BOX_W
        head_x, head_y = gap * 0.45, BOX_H * 0.16
        for row, (_, direction) in enumerate(cells):
            sign = -1 if direction else 1
            for t in range(T - 1):
                start = t + BOX_W / 2 if sign > 0 else t + 1 - BOX_W / 2
                tip = start + sign * gap
                path.moveTo(start, row)
                path.lineTo(tip - sign * head_x, row)
                path.addPolygon(QtGui.QPolygonF([QtCore.QPointF(tip, row),
                                                 QtCore.QPointF(tip - sign * head_x, row - head_y),
                                                 QtCore.QPointF(tip - sign * head_x, row + head_y),
                                                 QtCore.QPointF(tip, row)]))
        # layer l feeds layer l + 1 at every t: from the top of l's rows to the bottom of l + 1's
        per_layer = self.model.session.config.num_directions
        for layer in range(self.model.session.config.num_layers - 1):
            below_top = cells.index((layer, 0))
            above_bottom = cells.index((layer + 1, per_layer - 1))
            y0, y1 = below_top - BOX_H / 2, above_bottom + BOX_H / 2
            for t in range(T):
                x = t + BOX_W * 0.3
                path.moveTo(x, y0)
                path.lineTo(x, y1 + 0.06)
                path.addPolygon(QtGui.QPolygonF([QtCore.QPointF(x, y1), QtCore.QPointF(x - 0.07, y1 + 0.08),
                                                 QtCore.QPointF(x + 0.07, y1 + 0.08), QtCore.QPointF(x, y1)]))
        return path

    def refresh(self) -> None:
        """Fill in the computed boxes and light the one on show."""
        m = self.model
        if m.trace is None:
            return
        done = []
        for row, (layer, direction) in enumerate(self.cells()):
            start, stop = m.computed(layer, direction)
            if stop > start:
                done += self.box(row, start, stop - 1)
        self.layers["computed"].setPath(rect_path(done))
        lit = QtGui.QPainterPath()
        if m.t is not None:
            row = self.cells().index((m.layer, m.direction))
            x0, y0, w, h = self.box(row, m.t)[0] if self.boxes(m.seq_len) else (m.t - 0.5, row - BOX_H / 2, 1, BOX_H)
            lit.addRect(QtCore.QRectF(x0, y0, w, h))
        self.layers["lit"].setPath(lit)

    def lit(self) -> tuple[int, int, int] | None:
        """(layer, direction, t) of the box lit: the step on show."""
        m = self.model
        return None if m.t is None else (m.layer, m.direction, m.t)

    # --- reading the mouse -------------------------------------------------------------------------------------------

    def box_at(self, scene_pos) -> tuple[int, int, int] | None:
        """(layer, direction, t) of the box under a scene position, or None between rows or outside the grid."""
        if self.model.trace is None:
            return None
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = vb.mapSceneToView(scene_pos)
        row, t = int(np.floor(point.y() + 0.5)), int(np.floor(point.x() + 0.5))
        cells = self.cells()
        if not (0 <= row < len(cells) and 0 <= t < self.model.seq_len) or abs(point.y() - row) > 0.5:
            return None
        return (*cells[row], t)

    def box_scene_pos(self, layer: int, direction: int, t: int) -> QtCore.QPointF:
        """Where a box's centre is in the scene: for a test's click."""
        return self.getPlotItem().vb.mapViewToScene(QtCore.QPointF(t, self.cells().index((layer, direction))))

    def clicked(self, event) -> None:
        if event.button() != QtCore.Qt.LeftButton or self.model.busy:
            return
        hit = self.box_at(event.scenePos())
        if hit is not None:
            self.model.show_step(*hit)

    def hovered(self, scene_pos) -> None:
        hit = self.box_at(scene_pos)
        if hit is None:
            return
        layer, direction, t = hit
        where = self.tr("reverse") if direction else self.tr("forward")
        text = self.tr("layer {0}, {1}, t = {2}: click to show this step").format(layer, where, t)
        if text != self.toolTip():
            self.setToolTip(text)


__all__ = ["UnrolledView"]
