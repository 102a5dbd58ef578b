"""Sizes and measures of the interface's text: the font's pixel size, the plots' label size, a
text wrapped to a width, a coloured chip for a legend, and where a formula's caption may break."""

from __future__ import annotations

import functools

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from . import style
from .matrix_plan import REF_PX


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


WRAP_AT = (" + ", " ⊙ ", " − ")  # where a subtitle too wide for its view goes onto a second line


@functools.lru_cache(maxsize=512)
def text_width(html: str) -> float:
    """The width in pixels `html` takes on one line per <br>, in the application's font."""
    document = QtGui.QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(html)
    return document.idealWidth()


def formula_depths(text: str) -> list[int]:
    """How deep inside brackets each character of `text` is: a formula's parts are the terms at depth 0."""
    depths, depth = [], 0
    for ch in text:
        if ch in ")]":
            depth = max(depth - 1, 0)
        depths.append(depth)
        if ch in "([":
            depth += 1
    return depths


def formula_breaks(subtitle: str) -> list[tuple[int, str]]:
    """Where a formula may go onto its second line: at an operator between its parts, outside brackets; a formula
    that is one bracket, σ(a_f + s_f), at the operator in it."""
    depths = formula_depths(subtitle)
    breaks = [(i, operator) for operator in WRAP_AT for i in range(len(subtitle)) if subtitle.startswith(operator, i)]
    return sorted([(i, operator) for i, operator in breaks if depths[i] == 0] or breaks)


def unbreakable_brackets(html: str) -> str:
    """`html` whose spaces inside brackets do not break: Qt wraps a title between words, and a bracket's words are
    one part of the formula."""
    out, in_tag = [], False
    for ch, depth in zip(html, formula_depths(html)):
        in_tag = (in_tag or ch == "<") and ch != ">"
        out.append("&nbsp;" if ch == " " and depth and not in_tag else ch)
    return "".join(out)


def word_wrap(document: QtGui.QTextDocument) -> QtGui.QTextDocument:
    """Lines broken between words only, never inside one, and centred."""
    option = document.defaultTextOption()
    if option.wrapMode() == QtGui.QTextOption.WordWrap and option.alignment() == QtCore.Qt.AlignHCenter:
        return document  # setting it lays the document's text out again, even when it is the same option
    option.setWrapMode(QtGui.QTextOption.WordWrap)
    option.setAlignment(QtCore.Qt.AlignHCenter)
    document.setDefaultTextOption(option)
    return document


@functools.lru_cache(maxsize=512)
def wrapped_size(html: str, width: float) -> tuple[float, float]:
    """(widest line, height) in pixels of `html` wrapped between words to `width` (-1: one line per <br>), with
    the default document margin, as a title's text item draws it. A word longer than `width` overflows it."""
    document = word_wrap(QtGui.QTextDocument())
    document.setHtml(html)
    document.setTextWidth(width)
    return document.idealWidth(), document.size().height()


@functools.lru_cache(maxsize=4096)
def number_width(text: str, px: int = REF_PX) -> float:
    """Pixels `text` takes at `px` in the application's font (at REF_PX, for widths scaled to any size)."""
    return _metrics(px).horizontalAdvance(text)


@functools.lru_cache(maxsize=64)
def _metrics(px: int) -> QtGui.QFontMetricsF:
    return QtGui.QFontMetricsF(style.pixel_font(px))
