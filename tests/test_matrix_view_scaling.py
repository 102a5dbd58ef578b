"""A MatrixView's numbers grow with the room they have (issue 13): sized to the cell between a legible minimum and
a maximum, and with the presentation font scale; a matrix too big to number every cell shows its first and last
entries around an ellipsis, with their true indices; zooming in brings every number back; colour scales fit the
data, and saturated cells carry a mark of their own."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

import legibility
from rnn_stepper.ui import style
from rnn_stepper.ui.matrix_view import ELLIPSIS, MatrixView, saturated


@pytest.fixture
def font_scale(qtbot):
    """Sets the application's font to `scale` times its own for the views built after, as presentation mode
    does, and puts everything back."""
    app = QtWidgets.QApplication.instance()
    base = app.font()

    def scale(factor: float, presenting: bool = False) -> None:
        font = QtGui.QFont(base)
        font.setPointSizeF(base.pointSizeF() * factor)
        app.setFont(font)
        style.set_presentation("CET-D1", high_contrast=presenting)

    yield scale
    app.setFont(base)
    style.set_presentation("CET-D1", high_contrast=False)


def bare_view(qtbot, **kwargs) -> MatrixView:
    """A view in a plain window of its own, as a panel holds it (pyqtgraph's GraphicsView.close, which qtbot
    would call on the view itself, clears the scene under its items; a window's close does not)."""
    holder = QtWidgets.QWidget()
    qtbot.addWidget(holder)
    layout = QtWidgets.QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    view = MatrixView(kwargs.pop("title", "v"), colorbar=kwargs.pop("colorbar", False),
                      editable=kwargs.pop("editable", False))
    layout.addWidget(view)
    HOLDERS.append(holder)  # qtbot keeps only a weak reference
    return view


HOLDERS: list[QtWidgets.QWidget] = []


def shown_view(qtbot, size, values, **kwargs) -> MatrixView:
    view = bare_view(qtbot, **{k: kwargs.pop(k) for k in ("title", "colorbar", "editable") if k in kwargs})
    view.window().resize(*size)
    view.window().show()
    qtbot.waitExposed(view.window())
    view.set_matrix(values, **kwargs)
    settle(view)
    return view


def settle(view: MatrixView) -> None:
    """Until the view's window stops moving: layouts run and the view relays out its cells (a fixed 20 ms wait could
    end in the middle of that on a loaded machine)."""
    legibility.settle(view.window())


def numbers(view: MatrixView) -> list[str]:
    return [text for row in view.cell_texts() for text in row if text not in ("⋮", "…", "⋱")]


def tick_labels(view: MatrixView, side: str) -> list[str]:
    """The index labels pyqtgraph really draws on an axis (it drops those that do not fit)."""
    return [text for _rect, _flags, text in legibility.drawn_ticks(view.axes[side])]


def base_px() -> float:
    return style.pt_to_px(style.font_pt())


def number_font_px(view: MatrixView) -> set[int]:
    return {QtGui.QFontInfo(view.number_font()).pixelSize()} if view.number_boxes() else set()


VALUES = np.array([[0.364, -0.312, -0.137], [0.424, -0.145, 0.36]], dtype=np.float32)


def written(values: np.ndarray, value: float, digits: int = 3) -> str:
    """`value` as a view of `values` writes it: the decimals of the largest magnitude's `digits` digits."""
    return style.in_view(float(value), style.view_decimals(float(np.nanmax(np.abs(values))), digits), digits)


def test_a_view_writes_every_number_with_the_decimal_places_of_its_largest_and_keeps_each_sign():
    # issue 26: r_0 showed "0.1" beside "-3e-03", z "1" for 0.998; one view, one format
    values = np.array([0.1003, -0.0031, 0.0004, -0.00004], dtype=np.float32)
    decimals = style.view_decimals(float(np.abs(values).max()))
    assert [style.in_view(float(v), decimals) for v in values] == ["0.100", "-0.003", "0.000", "-0.000"]
    assert [style.in_view(float(v), style.view_decimals(1.31)) for v in (-1.31, -1.3044)] == ["-1.31", "-1.30"]
    assert style.in_view(0.998, style.view_decimals(0.998)) == "0.998"
    # scientific notation only where fixed point would not fit: a view of values all under 0.001
    assert style.in_view(1.234e-5, style.view_decimals(1.234e-5)) == "1.23e-05"
    assert style.in_view(-123456.0, style.view_decimals(123456.0)) == "-123456"


def test_numbers_grow_with_the_cell_between_a_legible_minimum_and_three_times_the_font(qtbot):
    small = shown_view(qtbot, (260, 120), VALUES)
    large = shown_view(qtbot, (900, 500), VALUES)
    huge = shown_view(qtbot, (2400, 1400), VALUES)
    assert numbers(small) == numbers(large) == ["0.364", "-0.312", "-0.137", "0.424", "-0.145", "0.360"]
    (px_small,), (px_large,), (px_huge,) = number_font_px(small), number_font_px(large), number_font_px(huge)
    assert round(base_px() * 0.85) <= px_small < px_large <= px_huge == round(base_px() * 3)
    # Every number sits inside its own cell.
    for view in (small, large, huge):
        for (r, c), text, glyphs in view.number_boxes():
            cell = view.mapFromScene(view.vb.mapViewToScene(QtCore.QRectF(c - 0.5, r - 0.5, 1, 1)))
            assert QtCore.QRectF(cell.boundingRect()).adjusted(-1, -1, 1, 1).contains(glyphs), text


def test_numbers_grow_with_the_presentation_font_scale(qtbot, font_scale):
    sizes = []
    for scale in (1.0, 1.5, 2.0):
        font_scale(scale)
        view = shown_view(qtbot, (2400, 1400), VALUES)  # room enough that the maximum decides
        (px,) = number_font_px(view)
        sizes.append(px)
        assert px == round(base_px() * 3)
    assert sizes[0] < sizes[1] < sizes[2]


def test_presentation_mode_never_writes_a_number_or_an_index_under_20_px(qtbot, font_scale):
    font_scale(1.25, presenting=True)
    assert style.MIN_LEGIBLE_PX == 20 and base_px() * 0.85 < 20  # the 1.25 scale alone would give ~14 px
    view = shown_view(qtbot, (420, 160), VALUES)
    assert numbers(view) and min(number_font_px(view)) >= 20
    assert QtGui.QFontInfo(view.tick_font).pixelSize() >= 20


def test_a_256_unit_vector_in_a_short_view_shows_its_first_and_last_entries_with_their_true_indices(qtbot):
    h = np.linspace(-0.9, 0.9, 256).astype(np.float32)
    view = shown_view(qtbot, (140, 300), h)
    rows = view.shown_rows()
    k = rows.index(None)
    assert k >= 2 and rows == list(range(k)) + [None] + list(range(256 - k, 256))
    texts = view.cell_texts()
    assert [row[0] for row in texts] == [written(h, v) for v in h[:k]] + ["⋮"] + [written(h, v) for v in h[-k:]]
    assert min(number_font_px(view)) >= round(base_px() * 0.85)
    labels = tick_labels(view, "left")
    assert labels[:2] == ["0", "1"] and labels[-1] == "255" and "⋮" in labels
    # Hover, double-click and the editor's position speak in true indices; the ellipsis is no cell.
    last = view.cell_scene_pos(255, 0)
    assert view.cell_at(last) == (255, 0) and view.describe_cell(255, 0).endswith(style.exact(h[255]))
    assert view.cell_at(view.vb.mapViewToScene(QtCore.QPointF(0, k))) is None


def test_stacked_gate_blocks_each_keep_their_first_and_last_rows_and_their_frame(qtbot):
    gates = np.arange(3 * 64, dtype=np.float32)[:, None] / 200
    view = shown_view(qtbot, (160, 420), gates, blocks=("r", "z", "n"))
    rows = view.shown_rows()
    assert rows.count(None) == 3
    for block in range(3):
        assert block * 64 in rows and block * 64 + 63 in rows
    assert len(view._separators) == 2
    view.mark_rows(64, 128)  # the z block
    frame = view._mark_items[-1].rect()
    top, bottom = rows.index(64), rows.index(127)
    assert (frame.top(), frame.bottom()) == (top - 0.5, bottom + 0.5)
    assert "z0" in tick_labels(view, "left")


def test_the_mouse_wheel_zooms_in_until_every_number_in_sight_is_back_and_out_to_the_overview(qtbot):
    h = np.linspace(-1, 1, 256).astype(np.float32)
    view = shown_view(qtbot, (140, 300), h)
    assert view.is_elided()

    def wheel(notches: int) -> None:
        at = view.mapFromScene(view.cell_scene_pos(0, 0))
        event = QtGui.QWheelEvent(QtCore.QPointF(at), QtCore.QPointF(view.mapToGlobal(at)), QtCore.QPoint(0, 0),
                                  QtCore.QPoint(0, 120 * notches), QtCore.Qt.NoButton, QtCore.Qt.NoModifier,
                                  QtCore.Qt.NoScrollPhase, False)
        QtWidgets.QApplication.sendEvent(view.viewport(), event)
        settle(view)

    wheel(1)
    assert view.is_zoomed() and not view.is_elided() and view.shown_rows() == list(range(256))
    for _ in range(30):
        if numbers(view):
            break
        wheel(1)
    shown = numbers(view)
    (y0, y1) = view.vb.viewRange()[1]
    assert shown and len(shown) == len(view.number_boxes())
    first = int(np.ceil(y0 + 0.5 - 1e-6))
    # consecutive entries, none skipped
    assert shown == [written(h, v, view.plan.digits) for v in h[first:first + len(shown)]]
    wheel(-60)
    assert not view.is_zoomed() and view.is_elided()


def test_the_z_key_zooms_to_readable_numbers_and_escape_returns(qtbot):
    weights = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    view = shown_view(qtbot, (400, 300), weights, colorbar=True)
    assert view.is_elided() and numbers(view)
    view.setFocus()
    qtbot.keyClick(view, QtCore.Qt.Key_Z)
    settle(view)
    assert view.is_zoomed() and numbers(view)
    assert all(index is not None for index in view.shown_rows())
    qtbot.keyClick(view, QtCore.Qt.Key_Escape)
    settle(view)
    assert not view.is_zoomed()


def test_a_title_is_never_cut_over_a_narrow_vector(qtbot):
    view = shown_view(qtbot, (90, 300), np.zeros(64, dtype=np.float32))
    view.set_title("r<sub>t</sub> (64,)", subtitle="W<sub>hh</sub> h<sub>t-1</sub> + b<sub>hh</sub>")
    settle(view)
    text = view.title.item
    glyphs = view.mapFromScene(text.sceneBoundingRect()).boundingRect()
    assert view.viewport().rect().adjusted(-1, -1, 1, 1).contains(glyphs)
    assert glyphs.bottom() <= view.mapFromScene(view.vb.sceneBoundingRect()).boundingRect().top() + 1
    assert "(64,)" in text.toPlainText() and "b" in text.toPlainText().split("+")[-1]


def test_a_presentation_title_is_at_least_20_px_and_grows_a_line_rather_than_shrink_below(qtbot, font_scale):
    font_scale(1.25, presenting=True)
    view = shown_view(qtbot, (110, 400), np.zeros(64, dtype=np.float32))
    view.set_title("r<sub>t</sub> (64,)", subtitle="W<sub>hh</sub> h<sub>t-1</sub> + b<sub>hh</sub>")
    settle(view)
    document = view.title.item.document()
    sizes = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().text().strip():
                sizes.append(QtGui.QFontInfo(it.fragment().charFormat().font()).pixelSize())
            it += 1
        block = block.next()
    assert sizes and min(sizes) >= 20
    glyphs = view.mapFromScene(view.title.item.sceneBoundingRect()).boundingRect()
    assert view.viewport().rect().adjusted(-1, -1, 1, 1).contains(glyphs)


@pytest.mark.parametrize("scale", [1.5, 2.0])
def test_column_indices_stay_at_large_font_scales(qtbot, font_scale, scale):
    font_scale(scale, presenting=True)
    weights = np.random.default_rng(1).standard_normal((2, 5)).astype(np.float32)
    view = shown_view(qtbot, (900, 300), weights, colorbar=True)
    assert tick_labels(view, "top") == ["0", "1", "2", "3", "4"]
    assert tick_labels(view, "left") == ["0", "1"]
    assert QtGui.QFontInfo(view.tick_font).pixelSize() >= 20


def test_a_narrow_cell_writes_two_digits_rather_than_hide_an_entry(qtbot):
    view = shown_view(qtbot, (10, 200), VALUES)
    for width in range(120, 400, 10):  # the narrowest view that shows all three columns
        view.window().resize(width, 200)
        settle(view)
        if view.shown_columns() == [0, 1, 2] and numbers(view):
            break
    assert numbers(view) == [written(VALUES, v, 2) for v in VALUES.ravel()]
    view.window().resize(900, 200)
    settle(view)
    assert numbers(view) == [written(VALUES, v) for v in VALUES.ravel()]


def test_unbounded_values_get_a_symmetric_scale_from_the_data_and_bounds_do_not_change_it(qtbot):
    h = np.array([0.08, -0.11, 0.02], dtype=np.float32)
    largest = float(np.abs(h).max())
    view = shown_view(qtbot, (200, 300), h)
    assert view.levels == (-largest, largest)
    view.set_matrix(h, bounds=(-1, 1))  # tanh's range marks saturation; the colours still show the values
    assert view.levels == (-largest, largest)
    top = style.colormap().getLookupTable(nPts=256, alpha=True)[-1]
    assert (view.image.image[1, 0] != top).any() and view.image.image[1, 0, 3] == 255
    view.set_matrix(h, levels=1.0, bounds=(-1, 1))  # ±1, the fixed scale, as an option
    assert view.levels == (-1.0, 1.0) and view.saturated_cells() == []


def test_saturated_cells_and_only_those_carry_the_mark(qtbot):
    h = np.array([[0.995, -0.2], [-0.991, 0.989], [np.nan, -1.0]], dtype=np.float32)
    view = shown_view(qtbot, (300, 300), h, bounds=(-1, 1), colorbar=True)
    assert sorted(view.saturated_cells()) == [(0, 0), (1, 0), (2, 1)]
    assert sorted(map(tuple, np.argwhere(saturated(h, (-1, 1))))) == [(0, 0), (1, 0), (2, 1)]
    assert not view.saturation_outline().isEmpty()
    assert "saturated" in view.saturation_note() and view.legend.isVisible()
    assert "saturated" in view.describe_cell(0, 0) and "saturated" not in view.describe_cell(0, 1)
    gates = np.array([0.005, 0.5, 0.991, 0.98], dtype=np.float32)
    gate_view = shown_view(qtbot, (120, 300), gates, sequential=True, levels=1.0, bounds=(0, 1))
    assert gate_view.saturated_cells() == [(0, 0), (2, 0)]
    view.set_matrix(h)  # no bounds: no marks, no legend
    assert view.saturated_cells() == [] and not view.legend.isVisible()


@pytest.mark.parametrize("size", [(60, 200), (90, 300), (200, 400)])
def test_the_saturation_mark_never_covers_a_digit(qtbot, size):
    # issue 26: at 1024 × 768 the dashed box came within a pixel of "−0.994"'s minus sign, which read "0.994"
    h = np.array([-0.9994, 0.9991, -0.5, -1.0], dtype=np.float32)
    view = shown_view(qtbot, size, h, bounds=(-1, 1))
    boxes = view.number_boxes()
    assert boxes and len(view.saturated_cells()) == 3
    outline = view.saturation_outline()
    assert not outline.isEmpty()
    for _, text, box in boxes:
        assert not outline.intersects(box), text
    # and the marks are there: each saturated cell's box has dashes on screen
    for r, c in view.saturated_cells():
        centre = view.mapFromScene(view.cell_scene_pos(r, c))
        cell = QtCore.QRectF(centre.x() - size[0] / 2, centre.y() - 20, size[0], 40)
        assert outline.intersects(cell)


def test_a_plain_step_rewrites_numbers_without_making_new_items(qtbot):
    view = shown_view(qtbot, (140, 300), np.zeros(256, dtype=np.float32))
    items = set(view.scene().items())
    for t in range(5):
        view.set_matrix(np.full(256, 0.1 * t, dtype=np.float32))
    assert set(view.scene().items()) == items and numbers(view)[0] == "0.400"
    assert ELLIPSIS == -1


def test_the_step_strip_can_ask_for_larger_numbers_than_a_heatmap(qtbot, font_scale):
    font_scale(1.25, presenting=True)
    assert style.MIN_PROMINENT_PX == 28
    view = shown_view(qtbot, (150, 400), np.array([-0.352, 0.525], dtype=np.float32), colorbar=False)
    view.set_number_minimum(style.MIN_PROMINENT_PX)
    settle(view)
    assert numbers(view) == ["-0.352", "0.525"] and min(number_font_px(view)) >= 28
    six = np.linspace(-0.5, 0.5, 6).astype(np.float32)
    view.set_matrix(six)
    for height in range(400, 60, -20):  # shorter and shorter: fewer rows, never smaller numbers
        view.window().resize(150, height)
        settle(view)
        if numbers(view):
            assert min(number_font_px(view)) >= 28
    assert view.shown_rows() == list(range(6))  # at last no number fits: the image alone, every entry in it
    view.window().resize(150, 190)
    settle(view)
    assert view.shown_rows()[:2] == [0, None] and numbers(view)[0] == written(six, six[0])


def test_a_colour_bar_keeps_its_drawing_while_its_scale_stays_and_redraws_when_it_changes(qtbot):
    """A step sets every heatmap's values; a colour bar whose scale they leave as it was is not drawn again."""
    values = np.array([[0.5, -0.25], [0.125, 0.75]])
    view = shown_view(qtbot, (300, 200), values, colorbar=True, levels=1.0)
    qtbot.waitUntil(lambda: view.colorbar.axis.picture is not None)  # drawn once shown
    view.set_matrix(values * 0.5, levels=1.0)  # new numbers, the same ±1 scale
    assert view.colorbar.axis.picture is not None
    view.set_matrix(values, levels=2.0)
    assert view.colorbar.axis.picture is None  # to be drawn again, with the new ends
    assert tuple(view.colorbar.vb.viewRange()[1]) == (-2.0, 2.0)


class Paints(QtCore.QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget: QtWidgets.QWidget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        self.count += event.type() == QtCore.QEvent.Paint
        return False


def test_a_vector_whose_colours_and_numbers_stay_as_drawn_is_not_painted_again(qtbot):
    """A step sets every vector of the strip: one that reads the same (a gradient sum that moved less than its digits
    show) costs no repaint; pyqtgraph's image asked for one at every call of its downsampling switch."""
    values = np.array([0.5, -0.25, 0.125], dtype=np.float32)
    view = shown_view(qtbot, (160, 300), values)
    paints = Paints(view.viewport())
    view.set_matrix(values.copy())
    QtWidgets.QApplication.processEvents()
    assert paints.count == 0
    view.set_matrix(values * 0.5)  # new numbers and colours: drawn again
    qtbot.waitUntil(lambda: paints.count > 0)
