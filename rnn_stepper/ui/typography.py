"""Sizes and measures of the interface's text: the font's pixel size, the plots' label size, a
text wrapped to a width, a coloured chip for a legend."""

from __future__ import annotations

import numpy as np
from PySide6 import QtGui, QtWidgets

from . import style


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
