"""Colours, the colormap and how numbers are written: one place, so every panel reads alike."""

from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from ..core.distance import array_text, exact_text

# How a view writes its numbers lives without Qt, for the layout planner (matrix_plan); the panels read it here.
from .number_format import FIXED_BELOW, FIXED_FROM, in_view, view_decimals  # noqa: F401

BACKGROUND = "#ffffff"
FOREGROUND = "#202020"
ACTIVE = "#d95f02"  # the phase being shown
MANUAL = "#1b6ac9"
FUSED = "#7570b3"  # a second reference: the fused kernel torch runs by default (oneDNN's LSTM)
COLORMAPS = {"CET-D1": "blue – white – red", "CET-CBD1": "colour-blind safe: blue – white – yellow"}
COLORMAP = "CET-D1"  # perceptually uniform, diverging: blue < 0 < red, white at zero
FRAME_WIDTH = 3
# The smallest pixel size a title, an axis's index or a cell's number may take: none of its own in a window (the
# interface's font decides), 20 px in presentation mode, what a projector's back row still reads.
PRESENTATION_LEGIBLE_PX = 20
MIN_LEGIBLE_PX = 0
# The numbers a lecture is about (the step strip's cells, the equation) are read from further still: 28 px.
PRESENTATION_PROMINENT_PX = 28
MIN_PROMINENT_PX = 0
UNIT_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]

pg.setConfigOptions(background=BACKGROUND, foreground=FOREGROUND, antialias=True, imageAxisOrder="row-major")


# A gate is a share between 0 and 1, not a signed value: it gets a sequential scale of its own, white (closed) to
# dark green (open), which neither diverging colormap uses, so a gate is never read as a negative or a positive.
GATE_COLORMAP = "gate"
GATE_STOPS = ((0.0, "#f7fcf5"), (0.5, "#74c476"), (1.0, "#00441b"))
# Which colour scale a phase's vector is drawn on (Phase.scale): the gates' sequential one, or the diverging one.
SEQUENTIAL_SCALES = ("gate",)


def colormap(sequential: bool = False) -> pg.ColorMap:
    return _colormap(GATE_COLORMAP if sequential else COLORMAP)


def _colormap(name: str) -> pg.ColorMap:
    if name == GATE_COLORMAP:
        return pg.ColorMap([p for p, _ in GATE_STOPS], [c for _, c in GATE_STOPS], name=GATE_COLORMAP)
    return pg.colormap.get(name)


@functools.lru_cache(maxsize=None)
def _rgba_table(name: str) -> np.ndarray:
    return _colormap(name).getLookupTable(nPts=256, alpha=True)


def cell_colours(values: np.ndarray, levels: float, sequential: bool = False) -> np.ndarray:
    """RGBA bytes for a 2-D array on the colormap, -levels and +levels at its ends (±inf beyond them), NaN cells
    transparent: what pyqtgraph's ImageItem would draw for it, in a tenth of the time for a small array (it
    rebuilds a 256-colour table on every draw). `sequential`: the gates' scale, from 0 to +levels."""
    low = 0.0 if sequential else -levels
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.clip((values - low) * (255.0 / (levels - low)), 0.0, 255.0)
    blank = np.isnan(scaled)
    rgba = _rgba_table(GATE_COLORMAP if sequential else COLORMAP)[np.where(blank, 0.0, scaled).astype(np.uint8)]
    rgba[blank, 3] = 0
    return rgba


# Gradients span decades: on a linear scale δh_0 = 0.0056 is white beside δh_2 = 1, or as dark once each view is
# fitted to its own largest, and the vanishing gradient, the lesson itself, is hidden. A log scale keeps the sign by
# hue and spends the colours on log10 |value|: from the scale's top down LOG_DECADES decades.
LOG_DECADES = 6


def log_position(values: np.ndarray, top: float, decades: int = LOG_DECADES) -> np.ndarray:
    """Where each value sits on a symmetric log colour scale of -1 … 1: its sign, times log10 |value| mapped from
    top·10^-decades (0) to top (1). Smaller magnitudes and zeros sit at 0 (white), larger ones at ±1; NaN stays
    NaN (blank)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        values = np.asarray(values, dtype=np.float64)
        return np.sign(values) * np.clip(1.0 + np.log10(np.abs(values) / top) / decades, 0.0, 1.0)


def log_top(largest: float) -> float:
    """A log scale's top for magnitudes up to `largest`: the power of ten at or above it (1 for nothing to
    measure), so the legend's marks are whole decades."""
    if not math.isfinite(largest) or largest <= 0:
        return 1.0
    return 10.0 ** math.ceil(math.log10(largest) - 1e-12)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float) -> str:
    """A whole power of ten, signed, as a legend writes it: "1", "10", "10⁻³", "−10⁻⁶"."""
    sign = "−" if value < 0 else ""
    exponent = round(math.log10(abs(value)))
    return sign + ("1" if exponent == 0 else "10" if exponent == 1 else "10" + str(exponent).translate(_SUPERSCRIPT))


def active_pen() -> QtGui.QPen:
    return pg.mkPen(ACTIVE, width=FRAME_WIDTH)


def set_presentation(colormap_name: str, high_contrast: bool, presenting: bool | None = None) -> None:
    """Colours and legible minimum sizes for the next views built: a projector washes out pale tones, so high
    contrast darkens them; `presenting` (default: as `high_contrast`, which presentation mode turns on) sets
    MIN_LEGIBLE_PX for titles, indices and cell numbers."""
    global COLORMAP, FOREGROUND, ACTIVE, FRAME_WIDTH, MIN_LEGIBLE_PX, MIN_PROMINENT_PX
    presenting = high_contrast if presenting is None else presenting
    MIN_LEGIBLE_PX = PRESENTATION_LEGIBLE_PX if presenting else 0
    MIN_PROMINENT_PX = PRESENTATION_PROMINENT_PX if presenting else 0
    COLORMAP = colormap_name if colormap_name in COLORMAPS else "CET-D1"
    FOREGROUND = "#000000" if high_contrast else "#202020"
    ACTIVE = "#b34700" if high_contrast else "#d95f02"
    FRAME_WIDTH = 5 if high_contrast else 3
    pg.setConfigOptions(foreground=FOREGROUND)
    app = QtWidgets.QApplication.instance()
    if app is not None:
        palette = app.style().standardPalette()
        if high_contrast:
            for role, color in ((QtGui.QPalette.Window, "#ffffff"), (QtGui.QPalette.WindowText, "#000000"),
                                (QtGui.QPalette.Base, "#ffffff"), (QtGui.QPalette.Text, "#000000"),
                                (QtGui.QPalette.Button, "#f0f0f0"), (QtGui.QPalette.ButtonText, "#000000"),
                                (QtGui.QPalette.Highlight, "#b34700"), (QtGui.QPalette.HighlightedText, "#ffffff")):
                palette.setColor(role, QtGui.QColor(color))
        app.setPalette(palette)


def font_pt() -> float:
    app = QtWidgets.QApplication.instance()
    return app.font().pointSizeF() if app is not None and app.font().pointSizeF() > 0 else 10.0


def pt_to_px(pt: float) -> float:
    """Pixels of a `pt`-point font on this screen, as Qt sizes it (QFontInfo(font).pixelSize() is what a reader's
    eye and the legibility test measure)."""
    screen = QtGui.QGuiApplication.primaryScreen() if QtWidgets.QApplication.instance() is not None else None
    dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
    return pt * dpi / 72.0


def legible_px(pt: float) -> int:
    """A `pt`-point size in whole pixels, and never under the legible minimum of presentation mode."""
    return max(round(pt_to_px(pt)), MIN_LEGIBLE_PX)


def pixel_font(px: int, base: QtGui.QFont | None = None) -> QtGui.QFont:
    font = QtGui.QFont(base) if base is not None else QtGui.QFont()
    font.setPixelSize(max(int(px), 1))
    return font


def short(value: float, digits: int = 3) -> str:
    """A number that fits in a heatmap cell: 3 significant digits (`digits`), one fewer when they would need more
    than 6 characters (digits + 3)."""
    if not math.isfinite(value):  # math, not numpy: a step writes hundreds, and numpy's costs a microsecond each
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value != 0 and abs(value) < 10.0 ** -digits:
        return f"{value:.{digits - 2}e}"
    text = f"{value:.{digits}g}"
    return text if len(text) <= digits + 3 else f"{value:.{digits - 1}g}"


def exact(value: np.floating, dtype: str | None = None) -> str:
    """The shortest digits that give back the same number of its dtype, as numpy prints a scalar of that dtype.
    `dtype` names the dtype the value stands for where numpy has none: "bfloat16" for its float32 image."""
    return exact_text(value, dtype or np.asarray(value).dtype.name)


def dark_cells(values: np.ndarray, high: float) -> np.ndarray:
    """Which cells are dark on a scale whose end is `high`: beyond 0.6 of it, at either end of a diverging scale or
    the high end of a sequential one (whose pale end is its low one, so the same rule holds)."""
    with np.errstate(invalid="ignore", over="ignore"):
        values = np.asarray(values, dtype=np.float64)
        if not high > 0:
            return np.zeros(values.shape, dtype=bool)
        return np.isfinite(values) & (np.abs(values) / high > 0.6)


def text_colour(dark: bool) -> QtGui.QColor:
    """White on a dark cell, black on a pale one (dark_cells)."""
    return _WHITE if dark else _BLACK


_WHITE, _BLACK = QtGui.QColor("#ffffff"), QtGui.QColor("#000000")  # shared: a step asks for hundreds


def vector_text(values: np.ndarray, dtype: str | None = None, edgeitems: int | None = None) -> str:
    """A vector as numpy prints it, as the notebook shows `.numpy()`: one of more than 12 values summarised to its
    first and last three around "...". With `edgeitems`, summarised to that many at each end wherever it has more
    (an equation with no room for all of an 8-unit GRU's). `dtype` as exact's."""
    # floatmode "unique": each float's shortest round-trip digits, as exact() and the CSV write it (numpy's default
    # rounds to 8 decimals: 0.051781476 printed as 0.05178148 here and in full in the breakdown)
    summary = {"threshold": 12, "edgeitems": 3} if edgeitems is None else {"threshold": 0, "edgeitems": edgeitems}
    return array_text(values, dtype, max_line_width=80, floatmode="unique", **summary)


def cache_drawing(item: pg.PlotItem | pg.PlotDataItem | QtWidgets.QGraphicsItem) -> None:
    """Keep a curve's strokes, or a plot's axes, as a pixmap. Curves and axes change per trace, while a step
    repaints the view around them; re-stroking thousands of segments or replaying every tick label per step costs
    more than a frame. A plot item: its axes; a PlotDataItem: its line and markers; else the item itself."""
    if isinstance(item, pg.PlotItem):
        children = [axis["item"] for axis in item.axes.values()]
    elif isinstance(item, pg.PlotDataItem):
        children = [item.curve, item.scatter]
    else:
        children = [item]
    for child in children:
        child.setCacheMode(QtWidgets.QGraphicsItem.DeviceCoordinateCache)
