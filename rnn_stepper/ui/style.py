"""Colours, the colormap and how numbers are written: one place, so every panel reads alike."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

BACKGROUND = "#ffffff"
FOREGROUND = "#202020"
ACTIVE = "#d95f02"  # the phase being shown
MUTED = "#9a9a9a"  # phases not reached yet
MANUAL = "#1b6ac9"
REFERENCE = "#202020"
COLORMAP = "CET-D1"  # perceptually uniform, diverging: blue < 0 < red, white at zero
UNIT_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]

pg.setConfigOptions(background=BACKGROUND, foreground=FOREGROUND, antialias=True, imageAxisOrder="row-major")


def colormap() -> pg.ColorMap:
    return pg.colormap.get(COLORMAP)


def active_pen() -> QtGui.QPen:
    return pg.mkPen(ACTIVE, width=3)


def font_pt() -> float:
    app = QtWidgets.QApplication.instance()
    return app.font().pointSizeF() if app is not None and app.font().pointSizeF() > 0 else 10.0


def short(value: float) -> str:
    """A number that fits in a heatmap cell: 3 significant digits, 2 when 3 would need more than 6 characters."""
    if not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.1e}"
    text = f"{value:.3g}"
    return text if len(text) <= 6 else f"{value:.2g}"


def exact(value: np.floating) -> str:
    """The shortest digits that give back the same float32 or float64, as numpy prints a scalar of that dtype."""
    return str(value)


def text_on(value: float, levels) -> QtGui.QColor:
    """Black on the pale middle of the colormap, white on its dark ends."""
    try:
        high = float(levels[1])
    except (TypeError, IndexError):
        high = 1.0
    dark = np.isfinite(value) and high > 0 and abs(value) / high > 0.6
    return QtGui.QColor("#ffffff" if dark else "#000000")


def vector_text(values: np.ndarray) -> str:
    """A vector as numpy prints it, as the notebook shows `.numpy()`; long ones are summarised."""
    return np.array2string(np.asarray(values), max_line_width=80, threshold=12, edgeitems=3)
