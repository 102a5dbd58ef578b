"""What a reader at the back of the hall sees: every text the window shows, its size in pixels, where it is drawn,
and where it has to stay. `problems(window)` lists what is clipped, overlapping or too small, one sentence each.

A text's size is its font's pixel size (QFontInfo), and for rich text the smallest font of any non-blank
fragment: a title whose subtitle is set smaller counts at the subtitle's size. Positions are in the window's
coordinates, so a text is checked against the room its widget or view really has on screen."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtTest, QtWidgets

from rnn_stepper.ui.matrix_items import NumberLayer

# Issue 13's measured legibility, in presentation mode at 1280 × 720 and larger: the step strip's numbers and the
# equation are read from the back row; heatmap numbers, titles and axis labels from the middle.
PRESENTATION_MINIMUM_PX = {"strip number": 28, "equation": 28, "heatmap number": 20, "title": 20, "axis label": 20}
SLACK_PX = 1.0  # rounding between a layout's integer geometry and a text's fractional bounding box


@dataclass
class Text:
    where: str  # which widget or view, for the message
    text: str
    role: str  # a key of PRESENTATION_MINIMUM_PX, or "label" / "control" (no minimum of their own)
    px: int  # the smallest font pixel size in it
    rect: QtCore.QRectF  # drawn here, in window coordinates
    room: QtCore.QRectF  # and must stay inside this


def layout_state(window: QtWidgets.QWidget) -> list:
    """Where every shown widget and every graphics widget (a plot's title, axes, view box) sits."""
    state = [widget.geometry().getRect() for widget in window.findChildren(QtWidgets.QWidget) if widget.isVisible()]
    for view in window.findChildren(QtWidgets.QGraphicsView):
        if view.isVisible() and view.scene() is not None:
            state += [item.geometry().getRect() for item in view.scene().items()
                      if isinstance(item, QtWidgets.QGraphicsWidget)]
    return state


def settle(window: QtWidgets.QWidget, timeout_ms: int = 5000) -> None:
    """Wait until the window's layout has stopped moving, however slow the machine. A page switch or a resize
    ripples through several event passes (a view is resized, its plot refits its title, the title's row is relaid
    out): a fixed wait of 30 ms measured a loaded CI machine's plot in the middle of that, its title one row short."""
    QtTest.QTest.qWait(30)
    timer = QtCore.QElapsedTimer()
    timer.start()
    before = layout_state(window)
    while timer.elapsed() < timeout_ms:
        for _ in range(3):
            QtWidgets.QApplication.processEvents()
        QtTest.QTest.qWait(10)
        now = layout_state(window)
        if now == before:
            return
        before = now


def font_px(font: QtGui.QFont) -> int:
    return QtGui.QFontInfo(font).pixelSize()


def document_px(document: QtGui.QTextDocument) -> int:
    """The smallest font of any fragment that shows a character."""
    sizes = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.text().strip():
                sizes.append(font_px(fragment.charFormat().font().resolve(document.defaultFont())))
            it += 1
        block = block.next()
    return min(sizes, default=font_px(document.defaultFont()))


def rich_text_px(text: str, font: QtGui.QFont) -> int:
    document = QtGui.QTextDocument()
    document.setDefaultFont(font)
    if QtGui.Qt.mightBeRichText(text):
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document_px(document)


def name(widget) -> str:
    parts = []
    while widget is not None and len(parts) < 3:
        parts.append(widget.objectName() or type(widget).__name__)
        widget = widget.parent() if isinstance(widget, QtCore.QObject) else None
    return "/".join(reversed(parts))


def shown(widget: QtWidgets.QWidget, window: QtWidgets.QWidget) -> bool:
    # Not visibleRegion(): an offscreen window is never exposed, so its regions stay empty.
    return widget.isVisible() and widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def in_scroll_area(widget: QtWidgets.QWidget) -> bool:
    """A scroll area's content may be larger than its room: the reader scrolls, nothing is cut."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QtWidgets.QAbstractScrollArea) and not isinstance(parent, QtWidgets.QGraphicsView):
            return True
        parent = parent.parentWidget()
    return False


def window_rect(widget: QtWidgets.QWidget, rect: QtCore.QRect | QtCore.QRectF, window) -> QtCore.QRectF:
    rect = QtCore.QRectF(rect)
    top_left = widget.mapTo(window, QtCore.QPoint(0, 0))
    return rect.translated(top_left.x(), top_left.y())


# --- widgets ---------------------------------------------------------------------------------------------------

def widget_problems(window: QtWidgets.QWidget) -> list[str]:
    """Labels, buttons, combo boxes and fields whose text does not fit the room the layout gave them."""
    out = []
    for widget in window.findChildren(QtWidgets.QWidget):
        if not shown(widget, window) or in_scroll_area(widget) or isinstance(widget, QtWidgets.QMenu):
            continue
        metrics = widget.fontMetrics()
        if isinstance(widget, QtWidgets.QLabel) and widget.text() and not widget.pixmap():
            room = widget.contentsRect()
            if widget.wordWrap():
                need_h, need_w = widget.heightForWidth(room.width()), 0
            else:
                hint = widget.sizeHint()
                need_h, need_w = hint.height() - 2 * widget.margin(), hint.width()
            if need_h > widget.height() + SLACK_PX or need_w > widget.width() + SLACK_PX:
                out.append(f"{name(widget)} {widget.text()[:40]!r} is cut: needs {need_w}×{need_h} px, "
                           f"has {widget.width()}×{widget.height()}")
        elif isinstance(widget, QtWidgets.QComboBox):
            option = QtWidgets.QStyleOptionComboBox()
            widget.initStyleOption(option)
            field = widget.style().subControlRect(QtWidgets.QStyle.CC_ComboBox, option,
                                                  QtWidgets.QStyle.SC_ComboBoxEditField, widget)
            need = metrics.horizontalAdvance(widget.currentText())
            if need > field.width() + SLACK_PX:
                out.append(f"{name(widget)} shows {widget.currentText()!r} cut: needs {need} px, has {field.width()}")
        elif isinstance(widget, QtWidgets.QLineEdit) and widget.text():
            margins = widget.textMargins()
            room = widget.contentsRect().width() - margins.left() - margins.right() - 4  # Qt's own 2 px a side
            need = metrics.horizontalAdvance(widget.displayText())
            if need > room + SLACK_PX:
                out.append(f"{name(widget)} shows {widget.displayText()!r} cut: needs {need} px, has {room}")
        elif isinstance(widget, QtWidgets.QAbstractButton) and widget.text() and not isinstance(
                widget, QtWidgets.QToolButton) or (isinstance(widget, QtWidgets.QToolButton) and widget.text()
                                                    and widget.toolButtonStyle() != QtCore.Qt.ToolButtonIconOnly):
            need = widget.sizeHint().width()
            if need > widget.width() + SLACK_PX:
                out.append(f"{name(widget)} {widget.text()!r} is cut: needs {need} px, has {widget.width()}")
    return out


# --- graphics: pyqtgraph's texts --------------------------------------------------------------------------------

def role_of(view: QtWidgets.QGraphicsView, item, window) -> str:
    """What this text is to the reader, from which panel holds the view."""
    step_view = getattr(window, "step_view", None)
    if isinstance(item, (pg.TextItem, NumberLayer)):
        if step_view is not None and view in getattr(step_view, "vectors", {}).values():
            return "strip number"
        return "heatmap number" if hasattr(view, "set_matrix") else "label"
    if isinstance(item, pg.LabelItem):
        parent = item.parentItem()
        if isinstance(parent, pg.LegendItem) or isinstance(parent, pg.ItemSample):
            return "label"
        return "title"
    return "axis label"


def view_texts(view: QtWidgets.QGraphicsView, window) -> list[Text]:
    """Every text a pyqtgraph view draws: numbers on cells (TextItem), titles (LabelItem), tick labels and axis
    labels (AxisItem, from its own layout of the labels: generateDrawSpecs)."""
    out = []
    port = window_rect(view.viewport(), view.viewport().rect(), window)
    where = name(view)

    def to_window(scene_rect: QtCore.QRectF, margin: float = 0.0) -> QtCore.QRectF:
        polygon = view.mapFromScene(scene_rect)
        rect = window_rect(view.viewport(), QtCore.QRectF(polygon.boundingRect()), window)
        return rect.adjusted(margin, margin, -margin, -margin)

    def glyphs(item: QtWidgets.QGraphicsTextItem) -> QtCore.QRectF:
        """Where the letters are: a text item's box has its document's empty margin around them."""
        return to_window(item.sceneBoundingRect(), item.document().documentMargin())

    for item in view.scene().items():
        if not item.isVisible() or (item.parentItem() is not None and not item.isVisibleTo(None)):
            continue
        if isinstance(item, NumberLayer):  # a matrix view's numbers: each its glyphs' box, staying on its cell
            for (r, c), text, box in view.number_boxes():
                if not text.strip():
                    continue
                cell = QtCore.QRectF(c - 0.5, r - 0.5, 1.0, 1.0)
                room = to_window(view.vb.mapViewToScene(cell).boundingRect()).intersected(to_window(
                    view.vb.sceneBoundingRect()))
                out.append(Text(where, text, role_of(view, item, window), font_px(view.number_font()),
                                window_rect(view.viewport(), box, window), room))
        elif isinstance(item, pg.TextItem):
            text = item.textItem.toPlainText()
            if not text.strip():
                continue
            vb = item.getViewBox()
            room = to_window(vb.sceneBoundingRect()) if vb is not None else port
            if vb is not None and hasattr(view, "set_matrix"):  # a number on a cell stays on its cell
                cell = QtCore.QRectF(item.pos().x() - 0.5, item.pos().y() - 0.5, 1.0, 1.0)
                room = to_window(vb.mapViewToScene(cell).boundingRect()).intersected(room)
            out.append(Text(where, text, role_of(view, item, window), document_px(item.textItem.document()),
                            glyphs(item.textItem), room))
        elif isinstance(item, pg.LabelItem):
            text = item.item.toPlainText()
            if not text.strip():
                continue
            out.append(Text(where, text, role_of(view, item, window), document_px(item.item.document()),
                            glyphs(item.item), port))
        elif isinstance(item, pg.AxisItem):
            out.extend(axis_texts(item, where, to_window, glyphs, port))
    return out


def drawn_ticks(axis: pg.AxisItem) -> list[tuple]:
    """(rect, flags, text) of each tick label pyqtgraph really draws on `axis` (it drops those that do not fit)."""
    image = QtGui.QImage(8, 8, QtGui.QImage.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else list(specs[2])


def axis_texts(axis: pg.AxisItem, where: str, to_window, glyphs, port: QtCore.QRectF) -> list[Text]:
    out = []
    if axis.style.get("showValues", True):
        font = axis.style.get("tickFont") or axis.font()
        for rect, _flags, text in drawn_ticks(axis):
            if text.strip():
                scene = axis.mapRectToScene(QtCore.QRectF(rect))
                out.append(Text(where, text, "axis label", font_px(font), to_window(scene), port))
    if axis.label.isVisible() and axis.label.toPlainText().strip():
        out.append(Text(where, axis.label.toPlainText(), "axis label", document_px(axis.label.document()),
                        glyphs(axis.label), port))
    return out


def matrix_problems(window) -> list[str]:
    """A matrix view that shows values shows some of them as numbers, and its index labels: the first k, an
    ellipsis and the last k when all of them would not be legible."""
    out = []
    for view in window.findChildren(QtWidgets.QGraphicsView):
        if not (shown(view, window) and hasattr(view, "set_matrix") and view.values().size):
            continue
        where = name(view)
        numbers = [text for row in view.cell_texts() for text in row if text.strip()]
        finite = view.values()[~(view.values() != view.values())]  # NaN cells (not yet computed) are blank
        if finite.size and not numbers:
            out.append(f"{where}: shows {view.values().shape[0]}×{view.values().shape[1]} values and not one number")
        for side, axis in view.axes.items():
            if axis.isVisible() and axis.style.get("showValues", True) and axis.width() > 0:
                if not axis_texts(axis, where, lambda r, m=0.0: r, lambda i: i.sceneBoundingRect(), QtCore.QRectF()):
                    out.append(f"{where}: its {side} index labels are all gone")
    return out


def graphics_texts(window) -> list[Text]:
    out = []
    for view in window.findChildren(QtWidgets.QGraphicsView):
        if shown(view, window) and isinstance(view, pg.GraphicsView):
            out.extend(view_texts(view, window))
    return out


def widget_texts(window) -> list[Text]:
    """The widget texts with a minimum of their own: the step panel's equation."""
    step_view = getattr(window, "step_view", None)
    equation = getattr(step_view, "equation", None)
    if equation is None or not shown(equation, window) or not equation.text():
        return []
    rect = window_rect(equation, equation.contentsRect(), window)
    return [Text(name(equation), equation.text(), "equation", rich_text_px(equation.text(), equation.font()),
                 rect, rect)]


def overlapping(a: QtCore.QRectF, b: QtCore.QRectF) -> bool:
    both = a.intersected(b)
    return both.width() > SLACK_PX and both.height() > SLACK_PX


def inside(rect: QtCore.QRectF, room: QtCore.QRectF) -> bool:
    return room.adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX).contains(rect)


def problems(window, minimums: dict[str, int] | None = None) -> list[str]:
    """Everything a reader would find wrong with what the window shows now."""
    out = widget_problems(window) + matrix_problems(window)
    texts = graphics_texts(window) + widget_texts(window)
    for text in texts:
        if not inside(text.rect, text.room):
            out.append(f"{text.where}: {text.role} {text.text[:30]!r} is cut: drawn at {rect_text(text.rect)}, "
                       f"room {rect_text(text.room)}")
        least = (minimums or {}).get(text.role)
        if least and text.px < least:
            out.append(f"{text.where}: {text.role} {text.text[:30]!r} is {text.px} px, below {least} px")
    by_view: dict[str, list[Text]] = {}
    for text in texts:
        by_view.setdefault(text.where, []).append(text)
    for where, group in by_view.items():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if overlapping(a.rect, b.rect):
                    out.append(f"{where}: {a.text[:20]!r} and {b.text[:20]!r} overlap")
    return out


def rect_text(rect: QtCore.QRectF) -> str:
    return f"({rect.x():.0f}, {rect.y():.0f}) {rect.width():.0f}×{rect.height():.0f}"


# --- every value a number (issue 26) ---------------------------------------------------------------------------

def matrix_views(widget: QtWidgets.QWidget, window) -> list:
    """The matrix views on show inside `widget`."""
    return [view for view in widget.findChildren(QtWidgets.QGraphicsView)
            if hasattr(view, "set_matrix") and shown(view, window)]


def unwritten_values(view, least_px: int = 0) -> list[str]:
    """What a reader cannot read in one matrix view: a computed value (finite) on show with no number on its cell,
    a number under `least_px`, or a value left out with no ellipsis to say so. A view writes a number on every
    computed cell it shows, or leaves rows or columns out around a visible "⋮" / "…" (its axes then give the true
    indices of those it keeps)."""
    values = view.values()
    if not values.size:
        return []
    title = QtGui.QTextDocumentFragment.fromHtml(view.title.text or "").toPlainText().split("\n")[0]
    where = f"{name(view)} {title!r}"
    rows, columns = view.shown_rows(), view.shown_columns()
    written = {cell: text for cell, text, _ in view.number_boxes() if text.strip()}
    out = []
    for axis, kept, n in (("rows", rows, values.shape[0]), ("columns", columns, values.shape[1])):
        kept_true = {i for i in kept if i is not None}
        if len(kept_true) < n and None not in kept:
            out.append(f"{where}: leaves {n - len(kept_true)} {axis} out with no ellipsis")
    missing = [(rows[dr], columns[dc]) for dr in range(len(rows)) for dc in range(len(columns))
               if rows[dr] is not None and columns[dc] is not None
               and np.isfinite(values[rows[dr], columns[dc]]) and (dr, dc) not in written]
    if missing:
        r, c = missing[0]
        out.append(f"{where}: {len(missing)} computed values have no number, e.g. [{r}, {c}] = {values[r, c]}")
    px = font_px(view.number_font())
    if written and least_px and px < least_px:
        out.append(f"{where}: numbers are {px} px, below {least_px} px")
    return out
