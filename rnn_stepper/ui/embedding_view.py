"""The embedding table as a heat map, the row x_t is lit: the first stage of a whole model (a language model's
window, a classifier's)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..core.distance import numbers
from . import style
from .plots import legible_axes, set_plot_title, without_menus
from .typography import label_px

SHOWN = {" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"}  # characters that would otherwise show as nothing


def shown(token: str) -> str:
    """A token as the window writes it: white space made visible."""
    return "".join(SHOWN.get(ch, ch) for ch in token)


class EmbeddingView(pg.PlotWidget):
    """The embedding table, one row per token, with the row x_t is lit. `session` says which (`lit_token()`, None
    for none) and how a token is written (`token(k)`); `changes` are the signals after which that may differ."""

    def __init__(self, session, changes, parent=None):
        super().__init__(parent, axisItems=legible_axes())
        without_menus(self)
        self.session = session
        table = numbers(session.model.embedding)
        self.image = pg.ImageItem(np.ascontiguousarray(table, dtype=np.float32))
        high = float(np.abs(table).max()) or 1.0
        self.image.setLookupTable(style.colormap().getLookupTable(nPts=256))
        self.image.setLevels((-high, high))
        self.image.setRect(QtCore.QRectF(-0.5, -0.5, table.shape[1], table.shape[0]))  # cells centred on indices
        self.addItem(self.image)
        self.lit = QtWidgets.QGraphicsRectItem()
        pen = QtGui.QPen(QtGui.QColor(style.ACTIVE))
        pen.setWidth(style.FRAME_WIDTH)
        pen.setCosmetic(True)
        self.lit.setPen(pen)
        self.addItem(self.lit)
        self.invertY(True)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setRange(xRange=(-0.5, table.shape[1] - 0.5), yRange=(-0.5, table.shape[0] - 0.5), padding=0)
        self.getAxis("bottom").setLabel(self.tr("embedding dimension"), **{"font-size": f"{label_px()}px"})
        for change in changes:
            change.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset | None = None) -> bool:
        """A language session's signals say only that something changed; a stepper model's `changed` says what."""
        if what is not None and not what & {"cursor", "cell", "trace"}:
            return False
        self.refresh()
        return True

    @property
    def lit_row(self) -> int | None:
        """The row lit: the token x_t is, None where no row is."""
        return int(round(self.lit.rect().center().y())) if self.lit.isVisible() else None

    def refresh(self) -> None:
        s = self.session
        k = s.lit_token()
        V, E = s.model.embedding.shape
        self.lit.setVisible(k is not None)
        if k is None:  # a packed batch's review that has ended: no row is read
            self.getAxis("left").setTicks([[], []])
            set_plot_title(self, self.tr("Embedding E ({0} × {1}): no row, the sequence has ended").format(V, E))
            return
        self.lit.setRect(QtCore.QRectF(-0.5, k - 0.5, E, 1))
        self.getAxis("left").setTicks([[(k, f"“{shown(s.token(k))}” {k}")], []])
        set_plot_title(self, self.tr("Embedding E ({0} × {1}): row {2}, “{3}”, is x_t").format(
            V, E, k, shown(s.token(k))))
