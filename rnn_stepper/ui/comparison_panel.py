"""The comparison: the followed units' hidden states by hand against the module's, their distance per
step, and the step on show unit by unit."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..core.distance import abs_diff, numbers, spacing, ulp_distance
from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .cell_notation import module_label, parse_units, units_text
from .plots import (
    MAX_MARKERS,
    LineMarkers,
    UnitLine,
    UnitMarkers,
    least_height,
    legible_axes,
    marked_line,
    set_plot_title,
    set_points,
    without_menus,
)
from .steady import SteadyText
from .typography import font_px, label_font, label_px, wrapped

MAX_PLOTTED_UNITS = StepperModel.MAX_FOLLOWED  # the comparison's curves: as many as its colours tell apart
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's widest widget
PLOT_AREA_LINES = 4  # the least a plot keeps to draw in, in lines of its labels, before the lesson takes more


class StepTable(QtCore.QAbstractTableModel):
    """The step on show, unit by unit: by hand, the module, |Δ| and ulps, one row per unit. The view asks only for
    the rows in sight, so a step of a 256-unit model writes a dozen rows, not a thousand cells."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.units = 0
        self.colours: dict[int, str] = {}  # a followed unit's row label in its colour in the plot
        self.columns: tuple = ()  # (by hand, torch, |Δ|, ulps) of every unit, or none before a step is computed
        self.dtype: str | None = None  # the session's: the values are written in its digits (style.exact)

    def set_units(self, units: int, headers: list[str], colours: dict[int, str]) -> None:
        self.beginResetModel()
        self.units, self.headers, self.colours, self.columns = units, headers, colours, ()
        self.endResetModel()

    def set_values(self, columns: tuple = (), dtype: str | None = None) -> None:
        """The step's four columns as arrays; each cell is written when the view asks for it, so a step formats
        the rows in sight, not all of h's units. `dtype` as style.exact's."""
        self.columns, self.dtype = columns, dtype
        if self.units:
            self.dataChanged.emit(self.index(0, 0), self.index(self.units - 1, 3))

    def written(self, column: int, value) -> str:
        return style.exact(value, self.dtype) if column < 2 else f"{value:.3g}" if column == 2 else f"{value:.0f}"

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else self.units

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def data(self, index, role=QtCore.Qt.DisplayRole):
        if role == QtCore.Qt.DisplayRole:
            if not self.columns:
                return ""
            return self.written(index.column(), self.columns[index.column()][index.row()])
        if role == QtCore.Qt.TextAlignmentRole:
            return int(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=QtCore.Qt.DisplayRole):
        if orientation == QtCore.Qt.Horizontal:
            return self.headers[section] if role == QtCore.Qt.DisplayRole and section < len(self.headers) else None
        if role == QtCore.Qt.DisplayRole:
            return f"h[{section}]"
        if role == QtCore.Qt.ForegroundRole:
            return QtGui.QColor(self.colours.get(section, style.FOREGROUND))
        return None

    def text(self, row: int, column: int) -> str:
        return self.data(self.index(row, column))


class CompactTable(QtWidgets.QTableView):
    """A table that scrolls rather than asks for the height of all its rows: the plots beside it keep their share."""

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(super().sizeHint().width(), 4 * self.fontMetrics().height())

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(super().minimumSizeHint().width(), 3 * self.fontMetrics().height())


class ComparisonPanel(QtWidgets.QWidget):
    """Each followed hidden unit over t: the hand computation as markers, the torch module as lines; below,
    |difference| per step against the dtype's machine epsilon, a sentence on ulps, and the step on show unit by
    unit in a table. Only the revealed steps are drawn, so no zoom can show a step before its time. Where torch
    hands a float32 LSTM to oneDNN's fused kernel there are two references: the module's native path, which the
    hand pass equals bit for bit, and the fused kernel, whose distance is shown and said."""

    HOVER_PX = 12  # how near the pointer must be to a marker or a line for it to say its numbers

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.values_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.values_plot.showGrid(x=True, y=True, alpha=0.2)
        self.values_plot.setLabel("bottom", "t", **{"font-size": f"{label_px()}px"})
        self.diff_plot = without_menus(pg.PlotWidget(axisItems=legible_axes()))
        self.diff_plot.setLogMode(y=True)
        self.diff_plot.showGrid(x=True, y=True, alpha=0.2)
        self.diff_plot.setLabel("bottom", "t", **{"font-size": f"{label_px()}px"})
        self.diff_curve = self.diff_plot.plot()
        self.fused_curve = self.diff_plot.plot()
        self.diff_markers = LineMarkers(self.diff_curve, "o", 6, style.ACTIVE)
        self.fused_markers = LineMarkers(self.fused_curve, "s", 6, style.FUSED)
        # The dtype's machine epsilon, the gap between 1.0 and the next float: the scale an ulp is measured against.
        self.epsilon_line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#888888", width=1,
                                                                                 style=QtCore.Qt.DashLine),
                                            label="", labelOpts={"position": 0.98, "anchors": [(1, 1), (1, 1)],
                                                                 "color": "#555555"})
        self.epsilon_line.label.setFont(label_font())
        self.diff_plot.addItem(self.epsilon_line, ignoreBounds=True)
        for plot in (self.values_plot, self.diff_plot):
            style.cache_drawing(plot.getPlotItem())
        self.verdict = pg.TextItem(anchor=(0.5, 0.5), color=style.FOREGROUND)
        self.verdict.setFont(label_font())
        self.verdict.setParentItem(self.diff_plot.getPlotItem().vb)
        self.diff_plot.getPlotItem().vb.sigResized.connect(self._place_verdict)
        self.diff_plot.getPlotItem().vb.sigRangeChanged.connect(self._place_verdict)
        self.values_plot.getPlotItem().vb.sigResized.connect(lambda *_: self.fit_values(*self.plotted()[1:3]))
        for plot in (self.values_plot, self.diff_plot):  # a title set again at its area's new width may wrap anew
            plot.getPlotItem().vb.sigResized.connect(lambda *_: self.share_height())
        self.epsilon_texts = ("", "")  # the line's label, with its dtype and without
        self.picker = QtWidgets.QLineEdit()  # which units the plot follows, when h has more than it can colour
        self.picker.returnPressed.connect(self.pick_units)
        self.picker.editingFinished.connect(self.pick_units)
        self.picker_label = QtWidgets.QLabel()
        picker_row = QtWidgets.QHBoxLayout()
        picker_row.setContentsMargins(0, 0, 0, 0)
        picker_row.addWidget(self.picker_label)
        picker_row.addWidget(self.picker, 1)
        self.picker_box = QtWidgets.QWidget()
        self.picker_box.setLayout(picker_row)
        layout.addWidget(self.picker_box)
        for plot in (self.values_plot, self.diff_plot):  # shared by their stretch, whatever their titles ask
            plot.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Ignored)
        layout.addWidget(self.values_plot, 3)
        # The distances over t, and beside them the step on show unit by unit; in a panel too narrow for both side
        # by side, each on a tab of its own (stacked, both would be too short to read).
        self.lower_row = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.lower_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.lower_tabs = QtWidgets.QTabWidget()
        self.lower_tabs.setDocumentMode(True)
        self.lower_tabs.hide()
        self.step_widget = QtWidgets.QWidget()
        step_box = QtWidgets.QVBoxLayout(self.step_widget)
        step_box.setContentsMargins(0, 0, 0, 0)
        step_box.setSpacing(2)
        row.addWidget(self.diff_plot, 2)
        row.addWidget(self.step_widget, 3)
        layout.addWidget(self.lower_row, 2)
        layout.addWidget(self.lower_tabs, 2)
        self.ulps_note = QtWidgets.QLabel()  # what an ulp is, said with the largest one on show
        self.ulps_note.setWordWrap(True)
        self.ulps_note.setStyleSheet("color: #444")
        self.ulps_room = QtWidgets.QScrollArea()  # at most a fifth of the panel (share_height); it scrolls beyond
        self.ulps_room.setWidget(self.ulps_note)
        self.ulps_room.setWidgetResizable(True)
        self.ulps_room.setFrameShape(QtWidgets.QFrame.NoFrame)
        self.ulps_room.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        layout.addWidget(self.ulps_room)
        self.table_caption = QtWidgets.QLabel()
        self.table_caption.setWordWrap(True)
        step_box.addWidget(SteadyText(self.table_caption))
        self.step_table = StepTable(self)
        self.table = CompactTable()  # the step on show, unit by unit; h of 256 units scrolls
        self.table.setModel(self.step_table)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
        # Sized once per step, after every cell is written: sized to its contents, a column measured all of its rows
        # again at each cell written (5 s a step for 256 units).
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.3))
        step_box.addWidget(self.table, 1)
        self.lesson = QtWidgets.QLabel()  # the fused kernel's lesson, in words under the plots
        self.lesson.setWordWrap(True)
        # Plain text from its top: centred, as QLabel is by default, in the lines it counts and does not take, its
        # first line started half a line down the room share_height gives it.
        self.lesson.setTextFormat(QtCore.Qt.PlainText)
        self.lesson.setAlignment(QtCore.Qt.AlignLeft | QtCore.Qt.AlignTop)
        self.lesson.setStyleSheet(f"color: {style.FOREGROUND}; background: #fff4e5; padding: 3px")
        # Where the panel is short (a focus layout at 2×) the lesson scrolls rather than squash the plots to nothing.
        self.lesson_room = QtWidgets.QScrollArea()
        self.lesson_room.setWidget(self.lesson)
        self.lesson_room.setWidgetResizable(True)
        self.lesson_room.setFrameShape(QtWidgets.QFrame.NoFrame)
        self.lesson_room.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        layout.addWidget(self.lesson_room)
        # Bare pyqtgraph items, not PlotDataItems: a step sets 16 of them, and a PlotDataItem's setData cost ten
        # times a PlotCurveItem's (its datasets, clipping and bounds), 4 ms of a step at 8 followed units.
        self.manual_curves: list[UnitLine | UnitMarkers] = []
        self.reference_curves: list[UnitLine] = []
        self.hover_text = ""
        self.titles = ("", "")
        self.values_plot.scene().sigMouseMoved.connect(self.hover_values)
        self.diff_plot.scene().sigMouseMoved.connect(self.hover_diff)
        model.events.changed.connect(self.on_change)
        self.rebuild()

    def on_change(self, what: frozenset) -> bool:
        """The curves made again for another trace, cell or choice of units; a step only gives them its data."""
        if what & {"trace", "cell", "units"}:
            self.rebuild()  # and the revealed steps' data
        elif "cursor" in what:
            self.refresh()
        else:
            return False
        return True

    def sizeHint(self) -> QtCore.QSize:
        """As tall as the plots drawn at their usual size ask: the plots share what they get by stretch alone."""
        plots = (self.values_plot.sizeHint(), self.diff_plot.sizeHint())
        return QtCore.QSize(max(plots[0].width(), self.minimumSizeHint().width()),
                            max(super().sizeHint().height(), plots[0].height() + plots[1].height()))

    def units(self) -> int:
        return len(self.model.followed_units)

    def rebuild(self) -> None:
        """The followed units' curves and the table's rows, made once per trace, cell or choice of units; a step
        only gives them the revealed steps' data."""
        plot = self.values_plot
        for curve in self.manual_curves + self.reference_curves:
            plot.getPlotItem().vb.removeItem(curve)
        self.manual_curves, self.reference_curves = [], []
        T = self.model.seq_len
        for u in self.model.followed_units:
            color = style.UNIT_COLORS[self.model.followed_units.index(u) % len(style.UNIT_COLORS)]
            smooth = T <= MAX_MARKERS  # antialiasing thousands of segments costs more than a frame
            # Past MAX_MARKERS timesteps every pen is 1 px: the raster engine strokes wide pens segment by segment.
            reference = UnitLine(pen=pg.mkPen(color, width=2 if smooth else 1), antialias=smooth, skipFiniteCheck=True)
            marked_line(reference, smooth)  # the hand pass's markers sit on its points
            if T <= MAX_MARKERS:
                manual = UnitMarkers("o", 9, pg.mkPen("#000000", width=1), pg.mkBrush(color))
            else:  # a pale thin line under nn.RNN's dark one
                band = pg.mkColor(color)
                band.setAlpha(110)
                manual = UnitLine(pen=pg.mkPen(band, width=1), antialias=False, skipFiniteCheck=True)
            manual.setZValue(-1 if T > MAX_MARKERS else 1)
            for item in (reference, manual):  # to the view box: the plot item would ask them to downsample
                plot.getPlotItem().vb.addItem(item)
            self.reference_curves.append(reference)
            self.manual_curves.append(manual)
        self.diff_curve.setPen(pg.mkPen(style.ACTIVE, width=2))
        marked_line(self.diff_curve, T <= MAX_MARKERS)
        self.fused_curve.setPen(pg.mkPen(style.FUSED, width=2, style=QtCore.Qt.DashLine))
        m = self.model
        eps = self.epsilon()
        self.epsilon_line.setPos(np.log10(eps))  # the plot's y is log10 of the distance
        self.epsilon_texts = (self.tr("ε ({0}) = {1:.3g}").format(self.dtype_name(), eps), f"ε = {eps:.3g}")
        for p in (self.values_plot, self.diff_plot):
            p.setXRange(-0.5, max(T - 0.5, 0.5), padding=0.02)
        # The distances are PlotDataItems, which downsample themselves; the units' bare curves do it in set_points.
        self.diff_plot.getPlotItem().setDownsampling(auto=True, mode="peak")
        self.diff_plot.getPlotItem().setClipToView(True)
        hidden = m.session.config.output_size
        self.picker_box.setVisible(hidden > MAX_PLOTTED_UNITS)
        self.picker_label.setText(self.tr("Follow units (at most {0}, of 0–{1}):").format(
            MAX_PLOTTED_UNITS, hidden - 1))
        self.picker.setToolTip(self.tr("Unit numbers separated by commas, ranges as 3-6; or click a unit's number "
                                       "beside the h heatmap to add or remove it"))
        self.picker.setStyleSheet("")
        self.picker.setText(units_text(m.followed_units))
        module = module_label(m.session.config)
        if m.trace.fused is not None:
            module = self.tr("{0}, native path").format(module)
        legend = (self.tr("● by hand, — {0}") if T <= MAX_MARKERS else
                  self.tr("pale line by hand, dark line {0}")).format(module)
        self.titles = (self.tr("Hidden state h_t over t: ") + legend,
                       self.tr("|by hand − {0}| per step (log scale)").format(module) if m.trace.fused is None else
                       self.tr("|by hand − native| ● and |by hand − fused| ■ per step (log scale)"))
        self.fit_titles()
        self.values_plot.setToolTip("")
        self.step_table.set_units(
            hidden, [self.tr("by hand"), module_label(m.session.config), "|Δ|", self.tr("ulp")],
            {u: style.UNIT_COLORS[i % len(style.UNIT_COLORS)] for i, u in enumerate(m.followed_units)})
        self.table.resizeColumnsToContents()  # the headers' widths: the numbers widen their columns as they come
        self.lesson.setText(self.lesson_text())
        self.lesson.setVisible(bool(self.lesson.text()))
        self.lesson_room.setVisible(bool(self.lesson.text()))
        self.share_height()
        self.refresh()

    def dtype_name(self) -> str:
        return self.model.session.config.dtype

    def epsilon(self) -> float:
        return spacing(1.0, self.dtype_name())  # machine epsilon: the gap from 1.0 to the next number

    def pick_units(self) -> None:
        """The units typed in the picker, followed; a typing error is said and changes nothing."""
        text = self.picker.text()
        try:
            units = parse_units(text)
            if units != self.model.followed_units:
                self.model.set_followed_units(units)
        except InputError as exc:
            self.picker.setStyleSheet("background: #ffd6d6")
            self.picker.setToolTip(str(exc))
            self.model.events.message.emit(str(exc))
            return
        self.picker.setStyleSheet("")

    def fit_titles(self) -> None:
        """Both plots' titles wrapped to the plots' width, never cut; the units' colours keyed in a line of their
        own, where no legend box can hide a point. Units are written h[0], h[1]; h_0, h_1 are times."""
        item = self.values_plot.getPlotItem()
        font = label_font()
        font.setBold(True)
        room = self.values_plot.width() - item.getAxis("left").width() - font.pixelSize()
        names = {f"h[{u}]": style.UNIT_COLORS[i % len(style.UNIT_COLORS)]
                 for i, u in enumerate(self.model.followed_units)}
        lines = wrapped(" ".join(names), font, max(room, 4 * font.pixelSize()))  # a narrow plot: the key wraps
        key = "<br>".join(" ".join(f"<span style='color:{names[name]}'><b>{name}</b></span>" for name in line.split())
                          for line in lines)
        set_plot_title(self.values_plot, self.titles[0], key)
        set_plot_title(self.diff_plot, self.titles[1])

    def share_height(self) -> None:
        """The panel's height shared by what the plots draw in, not by their frames. A plot's title, axes and tab
        bar take their lines first: on a projector an LSTM's titles wrap to five lines, and shared 2 : 2 with its
        lesson the distances were left 0 px to draw in at 1024 × 768. The notes under the plots then take what they
        need, the sentence on ulps at most a fifth of the panel and the lesson a third, as they always had, but no
        more than leaves each plot PLOT_AREA_LINES of the labels' lines to draw in: one line of the ulps and two of
        the lesson at least, and they scroll beyond. What is left is the plots' areas, 3 : 2, or 1 : 1 beside the
        lesson, whose distances it is about."""
        layout = self.layout()
        frames = {self.values_plot: least_height(self.values_plot)}
        lower = self.lower_tabs if self.lower_tabs.isVisibleTo(self) else self.lower_row
        frames[lower] = least_height(self.diff_plot) + (self.lower_tabs.tabBar().sizeHint().height()
                                                        if lower is self.lower_tabs else 0)
        fixed = self.picker_box.sizeHint().height() if self.picker_box.isVisibleTo(self) else 0
        shown = [widget for widget in (self.picker_box, self.values_plot, self.lower_row, self.lower_tabs,
                                       self.ulps_room, self.lesson_room) if widget.isVisibleTo(self)]
        room = self.height() - fixed - sum(frames.values()) - layout.spacing() * (len(shown) - 1)
        notes = [(scroll, note, most, lines) for scroll, note, most, lines in (
            (self.ulps_room, self.ulps_note, self.height() // 5, 1),
            (self.lesson_room, self.lesson, self.height() // 3, 2)) if note.text()]
        heights = []
        for scroll, note, most, lines in notes:
            whole = note.heightForWidth(scroll.viewport().width() or self.width())
            # its first lines: the text's line (a Korean one, in a fallback font, is taller than the Latin font's
            # line spacing), and the first with the padding as QLabel counts it
            line = note.fontMetrics().boundingRect(
                QtCore.QRect(0, 0, QWIDGETSIZE_MAX, QWIDGETSIZE_MAX), 0, note.text()).height()
            least = max(min(whole, note.heightForWidth(QWIDGETSIZE_MAX) + (lines - 1) * line), 1)
            heights.append([least, max(min(whole, most), least)])
        spare = room - PLOT_AREA_LINES * label_px() * 2 - sum(least for least, _ in heights)
        for (scroll, *_), (least, wanted) in zip(notes, heights):
            height = least + max(min(wanted - least, spare), 0)
            spare -= height - least
            if scroll.maximumHeight() != height:
                scroll.setFixedHeight(height)
            room -= height
        shares = (1, 1) if self.lesson.text() else (3, 2)
        for (widget, frame), share in zip(frames.items(), shares):
            # a box layout shares out its height by stretch where, as here, the size hints are ignored
            stretch = max(round(frame + max(room, 0) * share / sum(shares)), 1)
            if layout.stretch(layout.indexOf(widget)) != stretch:
                layout.setStretchFactor(widget, stretch)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.arrange_lower(self.width() >= 44 * font_px())
        self.fit_tab_names()
        self.fit_titles()
        self.share_height()

    def arrange_lower(self, wide: bool) -> None:
        """The table beside the distances where it has its columns' room, else the two on tabs."""
        if wide == self.lower_row.isVisibleTo(self) and self.lower_row.layout().count() == 2 * wide:
            return
        row = self.lower_row.layout()
        if wide:
            self.lower_tabs.clear()
            row.addWidget(self.diff_plot, 2)
            row.addWidget(self.step_widget, 3)
        else:
            self.lower_tabs.addTab(self.diff_plot, self.tr("|Δ| per step"))
            self.lower_tabs.addTab(self.step_widget, self.tr("This step, unit by unit"))
        for widget in (self.diff_plot, self.step_widget):
            widget.show()
        self.lower_row.setVisible(wide)
        self.lower_tabs.setVisible(not wide)

    def fit_tab_names(self) -> None:
        """The table's tab named in full where the bar has room for both names, else by its first words, the whole
        name in its tooltip: in presentation at 1024 × 768 it was cut behind the tab bar's scroll arrows."""
        bar = self.lower_tabs.tabBar()
        if bar.count() != 2:
            return
        names = (self.tr("This step, unit by unit"), self.tr("This step"))
        for name in names:
            if bar.tabText(1) != name:
                bar.setTabText(1, name)
            if bar.tabSizeHint(0).width() + bar.tabSizeHint(1).width() <= self.lower_tabs.width():
                break
        bar.setTabToolTip(1, names[0])

    def lesson_text(self) -> str:
        """Why two references: the fused kernel and the step-by-step cell it replaces, and how far apart."""
        trace = self.model.trace
        if trace.fused is None:
            return ""
        module = module_label(self.model.session.config)
        ulps, diff = trace.fused_max_ulps, trace.fused_max_abs_diff
        text = self.tr("Two references. {0}'s native path (oneDNN off) runs the step-by-step cell: the hand pass "
                       "equals it bit for bit. By default your PyTorch computes this {1} with oneDNN's fused kernel "
                       "({2}); its bits differ from the step-by-step cell.").format(
            module, self.model.session.config.cell_type.module_name, trace.fused.kernel)
        if ulps == 0:
            return text + " " + self.tr("For this input they happen to agree: 0 ulp.")
        return text + " " + self.tr("Here by up to {0:.0f} ulp (|Δ| ≤ {1:.3g}).").format(ulps, diff)

    def plotted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(t, by hand, nn.RNN, |Δ|) of the followed units for the revealed steps in time order: what the plots
        may show, and all they show."""
        m = self.model
        ts = np.array(sorted(m.stepped), dtype=int)
        units = list(m.followed_units)
        manual = numbers(m.cell.hidden[:, m.batch])[np.ix_(ts, units)]
        reference = numbers(m.cell.reference[:, m.batch])[np.ix_(ts, units)]
        diff = m.cell.step_abs_diff[ts]
        return ts, manual, reference, diff

    def refresh(self) -> None:
        """The revealed steps, and nothing after them: the curves' data stop at the last step computed."""
        ts, manual, reference, diff = self.plotted()
        for u, (mc, rc) in enumerate(zip(self.manual_curves, self.reference_curves)):
            set_points(mc, ts, manual[:, u])
            set_points(rc, ts, reference[:, u])
        positive = diff > 0
        set_points(self.diff_curve, ts[positive], diff[positive])
        m = self.model
        marked = m.seq_len <= MAX_MARKERS
        self.diff_markers.follow(marked)
        fused = m.trace.fused_step_abs_diff(m.layer, m.direction)
        self.fused_curve.setVisible(fused is not None)
        shown = [diff[positive]]
        if fused is not None:
            fused = fused[ts]
            set_points(self.fused_curve, ts[fused > 0], fused[fused > 0])
            self.fused_markers.follow(marked)
            shown.append(fused[fused > 0])
        # The distances' decades and epsilon's, so the reference line is always on show; an empty plot frames ε.
        finite = np.concatenate(shown)
        finite = finite[np.isfinite(finite)]
        eps = np.log10(self.epsilon())
        low, high = ((min(np.log10(finite.min()), eps), max(np.log10(finite.max()), eps)) if finite.size else
                     (eps - 2, eps + 1))
        self.diff_plot.setYRange(low - 0.5, high + 0.8, padding=0)  # room above ε's line for its label
        self.fit_values(manual, reference)
        module = module_label(self.model.session.config)
        if ts.size == 0:
            text = self.tr("Step to compare with {0}").format(module)
        elif not (diff > 0).any() and not self.model.cell.step_bits_equal[ts].all():
            text = self.tr("equal values, but a zero's sign differs (−0.0 against 0.0)")
        elif not (diff > 0).any():  # "(1/3)" read as "1 of 3 matched": the count says what is revealed
            native, steps = self.model.trace.fused is not None, self.model.seq_len
            if ts.size == steps:
                text = (self.tr("bitwise identical to the native path at all {0} steps") if native else
                        self.tr("bitwise identical at all {0} steps")).format(steps)
            else:
                text = (self.tr("bitwise identical to the native path so far: {0} of {1} steps revealed") if native
                        else self.tr("bitwise identical so far: {0} of {1} steps revealed")).format(ts.size, steps)
        else:
            text = ""
        self.verdict.setText(text)
        self._place_verdict()
        ulps = self.ulps_text()
        self.ulps_room.setVisible(bool(ulps))
        if ulps != self.ulps_note.text():  # the largest ulp on show: a new sentence is measured and given its room
            self.ulps_note.setText(ulps)
            self.share_height()
        self.fill_table()

    MARKER_ROOM_PX = 6  # half a marker (9 px) and its outline: markers at the ends of the range are drawn whole

    def fit_values(self, manual: np.ndarray, reference: np.ndarray) -> None:
        """The value axis over the revealed points, set when it changes. pyqtgraph's autorange asked each of the
        16 curves for its bounds, twice, and the new range made each measure itself again (~2 ms a step)."""
        drawn = np.concatenate([manual.ravel(), reference.ravel()]).astype(np.float64)
        drawn = drawn[np.isfinite(drawn)]
        low, high = (float(drawn.min()), float(drawn.max())) if drawn.size else (-1.0, 1.0)
        if high - low < 1e-12 * max(abs(low), abs(high), 1.0):  # one value: a span around it
            low, high = low - 1.0, high + 1.0
        # 5 % of the span, and at least MARKER_ROOM_PX pixels in a short plot (a presentation's, at 2×)
        room = self.MARKER_ROOM_PX / max(self.values_plot.getPlotItem().vb.height() - 2 * self.MARKER_ROOM_PX, 1.0)
        margin = max(0.05, room) * (high - low)
        shown = (low - margin, high + margin)
        if shown != tuple(self.values_plot.getPlotItem().vb.targetRange()[1]):  # or a zoom: the revealed points
            self.values_plot.setYRange(*shown, padding=0)

    def shown_step(self) -> int | None:
        """The last timestep whose h_t is revealed: the table's step (in the middle of a step, h_t is not yet)."""
        done = self.model.completed
        return done[-1] if done else None

    def step_values(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(by hand, torch, |Δ|, ulps) of every unit at step t, in the batch row on show."""
        m = self.model
        manual, reference = m.cell.hidden[t, m.batch], m.cell.reference[t, m.batch]
        return numbers(manual), numbers(reference), abs_diff(manual, reference), ulp_distance(manual, reference)

    def fill_table(self) -> None:
        t = self.shown_step()
        m = self.model
        if t is None:
            self.table_caption.setText(self.tr("h_t per unit, once a step is computed"))
            self.step_table.set_values()
            return
        if m.has_ended(t):
            self.table_caption.setText(self.tr("Sequence {0} ended before t = {1}: no h_{1}").format(m.batch, t))
            self.step_table.set_values()
            return
        caption = self.tr("h_{0} per unit").format(t)
        if m.phase_index is not None and m.position % len(m.phases):  # in the middle of the next step
            caption += " " + self.tr("(h_{0} not yet revealed)").format(m.t)
        self.table_caption.setText(caption)
        columns = self.step_values(t)
        self.step_table.set_values(columns, m.session.config.dtype)
        self.fit_columns(columns)

    def fit_columns(self, columns: tuple) -> None:
        """Each column widened to its longest text among the rows in sight and each column's extremes (the most
        digits and the longest exponent are found there): writing all of h's units to measure them cost a step at
        H = 1,024 more than drawing it."""
        units = len(columns[0])
        first = max(self.table.rowAt(0), 0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        rows = set(range(first, (last if last >= 0 else min(units - 1, first + 40)) + 1))
        with np.errstate(invalid="ignore"):
            for values in columns:
                magnitude = np.abs(np.asarray(values, dtype=np.float64))
                magnitude[~np.isfinite(magnitude)] = np.inf  # NaN and ±inf are short: any row of them will do
                rows |= {int(np.argmax(magnitude)), int(np.argmin(np.where(magnitude > 0, magnitude, np.inf)))}
        metrics = self.table.fontMetrics()
        for c, values in enumerate(columns):
            longest = max((self.step_table.written(c, values[r]) for r in rows if r < units), key=len, default="")
            width = metrics.horizontalAdvance(longest + "00")
            if width > self.table.columnWidth(c):
                self.table.setColumnWidth(c, width)

    def ulps_text(self) -> str:
        """One sentence on ulps where they appear, told with the largest distance revealed: near zero one ulp is
        tiny, so many ulps can be a tiny absolute difference."""
        m = self.model
        done = m.completed
        if not done:
            return ""
        steps = np.array(done, dtype=int)
        worst = int(steps[np.argmax(m.cell.step_ulps[steps])])
        if m.cell.step_ulps[worst] == 0 or not np.isfinite(m.cell.step_ulps[worst]):
            return ""
        manual = m.cell.hidden[worst]  # (B, P): the largest may be in another batch row
        reference = m.cell.reference[worst]
        ulps = ulp_distance(manual, reference)
        b, u = np.unravel_index(int(np.argmax(ulps)), ulps.shape)
        value = float(manual[b, u])
        diff = abs_diff(manual[b:b + 1, u], reference[b:b + 1, u])[0]
        return self.tr("One ulp is the gap from a {0} to the next; it shrinks with the number: ε = {1:.3g} at 1.0, "
                       "{3:.3g} at {2:.3g}. So {4:.0f} ulp at h_{5}[{6}] = {2:.3g} is an absolute difference of only "
                       "{7:.3g}.").format(
            self.dtype_name(), self.epsilon(), value, spacing(value, self.dtype_name()), float(ulps[b, u]),
            worst, int(u), float(diff))

    # --- hovering a marker or a line ----------------------------------------------------------------------------

    def hover_values(self, scene_pos) -> None:
        self.show_hover(self.values_plot, self.point_at(scene_pos))

    def hover_diff(self, scene_pos) -> None:
        vb = self.diff_plot.getPlotItem().vb
        t = None
        if vb.sceneBoundingRect().contains(scene_pos):
            x = vb.mapSceneToView(scene_pos).x()
            t = int(np.floor(x + 0.5))
        point = None
        if t is not None and t in self.model.completed:
            _, _, diff, ulps = self.step_values(t)
            point = (t, int(np.argmax(ulps)))
        self.show_hover(self.diff_plot, point)

    def show_hover(self, plot: pg.PlotWidget, point: tuple[int, int] | None) -> None:
        self.hover_text = "" if point is None else self.describe(*point)
        plot.setToolTip(self.hover_text)
        if self.hover_text and plot.underMouse():
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), self.hover_text, plot)

    def point_at(self, scene_pos) -> tuple[int, int] | None:
        """The (t, unit) of the marker or line nearest a scene point, within HOVER_PX; None elsewhere or over a
        step not revealed (there is nothing drawn there)."""
        vb = self.values_plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        ts, manual, _, _ = self.plotted()
        if ts.size == 0:
            return None
        x = vb.mapSceneToView(scene_pos).x()
        t = int(np.clip(np.floor(x + 0.5), ts[0], ts[-1]))
        if t not in ts:
            return None
        # Between two revealed steps the pointer is on the lines joining them: their height there, in pixels.
        i = int(np.searchsorted(ts, min(max(x, ts[0]), ts[-1])))
        i0, i1 = max(i - 1, 0), min(i, ts.size - 1)
        share = 0.0 if ts[i1] == ts[i0] else (min(max(x, ts[0]), ts[-1]) - ts[i0]) / (ts[i1] - ts[i0])
        heights = manual[i0] + share * (manual[i1] - manual[i0])
        best, nearest = None, float(self.HOVER_PX)
        for k, y in enumerate(heights):
            if not np.isfinite(y):
                continue
            at = vb.mapViewToScene(QtCore.QPointF(min(max(x, ts[0]), ts[-1]), float(y)))
            gap = float(np.hypot(at.x() - scene_pos.x(), at.y() - scene_pos.y()))
            if gap <= nearest:
                best, nearest = k, gap
        return None if best is None else (t, self.model.followed_units[best])

    def describe(self, t: int, unit: int) -> str:
        """What a marker or a line says of itself: t, the unit, both values and their distance."""
        manual, reference, diff, ulps = self.step_values(t)
        return self.tr("t = {0}, unit h[{1}]\nby hand: {2}\n{3}: {4}\n|Δ| = {5:.3g} = {6:.0f} ulp").format(
            t, unit, style.exact(manual[unit], self.dtype_name()), module_label(self.model.session.config),
            style.exact(reference[unit], self.dtype_name()),
            float(diff[unit]), ulps[unit])

    def verdict_text(self) -> str:
        return self.verdict.textItem.toPlainText()

    def _place_verdict(self) -> None:
        """In the middle of the band under ε's line and its label, or of the band over them where the one under has
        no room or a curve runs through it. Where neither holds it, over ε's line as high as no curve runs through
        it, on the plot's background, ε's label given up (the line's tooltip says ε): it is what the plot says. Never
        across a curve or bare over ε's line (a second reference's curve ran through it, and the line through its
        words, in an LSTM's plot 23 px tall); where it has no such room it stays unsaid, and the status line says
        it."""
        vb = self.diff_plot.getPlotItem().vb
        line = vb.mapFromView(QtCore.QPointF(0, self.epsilon_line.value())).y()
        curves = self.curve_paths(vb)
        top_of_label, below = self.fit_epsilon_label(vb, line, curves)  # the band ε's line and its label take
        self.verdict.setTextWidth(-1)  # its natural width: lines broken only where the plot is too narrow for it
        if self.verdict.textItem.boundingRect().width() > vb.width():
            self.verdict.setTextWidth(max(vb.width(), 1))
        size = self.verdict.textItem.boundingRect().size()
        self.verdict.setAnchor((0.5, 0.5))

        def clear(top: float) -> bool:
            box = QtCore.QRectF(vb.width() / 2 - size.width() / 2, top, size.width(), size.height())
            return not any(path.intersects(box) for path in curves)
        bands = [(start + stop - size.height()) / 2 for start, stop in ((below, vb.height()), (0.0, top_of_label))
                 if size.height() <= stop - start]
        top = next((top for top in bands if clear(top)), None)
        across = top is None
        if across:
            step = max(2.0, size.height() / 4)  # a few places to try, not every pixel: each tries every curve
            top = next((i * step for i in range(int((vb.height() - size.height()) / step) + 1) if clear(i * step)),
                       None)
        fill = pg.mkBrush(style.BACKGROUND if across else None)
        if fill != self.verdict.fill:  # a TextItem's paint reads it, and no setter asks for the repaint
            self.verdict.fill = fill
            self.verdict.update()
        self.verdict.setVisible(top is not None and bool(self.verdict_text()))
        if top is not None:
            self.verdict.setPos(vb.width() / 2, top + size.height() / 2)
            if across:
                self.epsilon_line.label.setVisible(False)

    def curve_paths(self, vb: pg.ViewBox) -> list[QtGui.QPainterPath]:
        """The distance curves on show as drawn, in the view's pixels: what ε's label keeps clear of."""
        paths = []
        to_pixels = vb.childTransform()  # as vb.mapFromView maps: one transform for the whole path, not per point
        for curve in (self.diff_curve, self.fused_curve):
            xs, ys = curve.getData()
            if not curve.isVisible() or xs is None or not len(xs):
                continue
            if len(xs) == 1:
                path = QtGui.QPainterPath()
                path.addEllipse(to_pixels.map(QtCore.QPointF(float(xs[0]), float(ys[0]))), 4, 4)  # a marker
                paths.append(path)
                continue
            stroked = QtGui.QPainterPathStroker()
            stroked.setWidth(6)  # the line and its markers
            paths.append(stroked.createStroke(to_pixels.map(pg.arrayToQPath(xs, ys))))
        return paths

    def fit_epsilon_label(self, vb: pg.ViewBox, line: float, curves: list[QtGui.QPainterPath]) -> tuple[float, float]:
        """ε's label above its line at the right, or under it where the top is too near; with its dtype where it
        fits, without it where not, and unsaid in a plot too small for either (the line's tooltip says it). Returns
        the band, top and bottom in the view's pixels, that the line and its label take."""
        label = self.epsilon_line.label
        self.epsilon_line.setToolTip(self.epsilon_texts[0])
        metrics = QtGui.QFontMetricsF(label.textItem.font())
        text = next((t for t in self.epsilon_texts if t and metrics.horizontalAdvance(t) + 8 <= vb.width()), "")
        height = metrics.height() + 4
        width = metrics.horizontalAdvance(text) + 8
        # Where it strikes no curve (issue 26: the fused curve ran through it): above or under the line, at the
        # right or the left end, the first place clear of data; above at the right where none is
        places = [(side, end) for end in ("right", "left") for side in ("above", "below")
                  if (line - height >= 0 if side == "above" else line + height <= vb.height())]

        def band(side: str, end: str) -> QtCore.QRectF:
            left = vb.width() - width if end == "right" else 0.0
            return QtCore.QRectF(left, line - height if side == "above" else line, width, height)
        clear = [place for place in places if not any(path.intersects(band(*place)) for path in curves)]
        place = (clear or places or [("above", "right")])[0]
        above = place[0] == "above"
        shown = bool(text) and bool(places)
        if shown:
            anchor = (1 if place[1] == "right" else 0, 1 if above else 0)
            label.anchors = [anchor, anchor]
            label.orthoPos = 0.98 if place[1] == "right" else 0.02
            if label.format != text:
                label.setFormat(text)
            label.updatePosition()
        label.setVisible(shown)
        top = line - (height if shown and above else 0)
        return top, max(line, 0) + (height if shown and not above else 0) + 2
