"""The window on a whole classifier (the book's part-2 sentiment model): the batch of reviews above, each word in
its timestep's column, the reviews that have ended greyed; then the embedding with the row x_t lit, the packed
cell's step strip, and the head from each review's last real hidden state to its output.

Every view draws the classifier session (rnn_stepper/classifier_session.py) and its cells' cursor, and keeps
nothing of its own."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..classifier_session import ClassifierSession
from ..core.distance import numbers
from . import style
from .embedding_view import EmbeddingView, shown
from .plots import legible_axes, set_plot_title, without_menus
from .stages_window import StagesWindow, open_beside, open_stages_window, run_stages_window
from .step_panel import StepPanel
from .typography import label_font, label_px

ENDED = "#9a9a9a"  # a review the packed batch no longer steps, and the padding after it


class FollowsTheCursor:
    """A part of this window that draws where the cells' cursor is: the review and timestep on show."""

    def on_change(self, what: frozenset) -> bool:
        if not what & {"cursor", "cell"}:
            return False
        self.refresh()
        return True


class ReviewTable(FollowsTheCursor, QtWidgets.QTableWidget):
    """One row per review, one column per timestep: each word in the column of the step that reads it, the padding
    after a review's end written "·" in grey, the step on show framed in the active colour. A review that has ended
    by the step on show is greyed whole. The last column is the head's output, once it is revealed. A click on a
    word shows that review at that step."""

    def __init__(self, session: ClassifierSession, parent=None):
        super().__init__(parent)
        self.session = session
        ids = session.trace.ids if session.model.config.batch_first else session.trace.ids.T
        B, T = ids.shape
        self.setRowCount(B)
        self.setColumnCount(T + 1)
        self.setHorizontalHeaderLabels([f"t = {t}" for t in range(T)] + [self.tr("output")])
        self.setVerticalHeaderLabels([self.tr("review {0} ({1})").format(b, n)
                                      for b, n in enumerate(session.lengths)])
        # Every word whole, at any font size: the columns and rows follow their contents
        self.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        self.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Fixed)
        self.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QtWidgets.QAbstractItemView.NoSelection)
        self.setFocusPolicy(QtCore.Qt.NoFocus)
        self.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollPerPixel)
        for b in range(B):
            for t in range(T):
                item = QtWidgets.QTableWidgetItem()
                item.setTextAlignment(QtCore.Qt.AlignCenter)
                k = int(ids[b, t])
                if t < session.lengths[b]:
                    item.setText(shown(session.token(k)))
                    item.setToolTip(self.tr("Review {0}, t = {1}: token {2}, “{3}”: row {2} of the embedding is "
                                            "x_t").format(b, t, k, shown(session.token(k))))
                else:
                    item.setText("·")
                    item.setToolTip(self.tr("Padding (id {0}) after review {1}'s {2} words: embedded, but never "
                                            "stepped").format(k, b, session.lengths[b]))
                self.setItem(b, t, item)
            output = QtWidgets.QTableWidgetItem()
            output.setTextAlignment(QtCore.Qt.AlignCenter)
            self.setItem(b, T, output)
        self.cellClicked.connect(self.show_clicked)
        session.cells.events.changed.connect(self.on_change)
        self.refresh()

    def show_clicked(self, b: int, t: int) -> None:
        s = self.session
        s.show(b, t if t < s.lengths[b] else None)

    def refresh(self) -> None:
        s = self.session
        T = self.columnCount() - 1
        font = self.font()
        bold = QtGui.QFont(font)
        bold.setBold(True)
        ended = s.cells.cell.ended(s.t)
        for b in range(self.rowCount()):
            for t in range(T):
                item = self.item(b, t)
                here = b == s.batch and t == s.t
                past_end = t >= s.lengths[b]
                item.setForeground(QtGui.QColor(ENDED if past_end or b in ended else style.FOREGROUND))
                item.setBackground(QtGui.QColor(style.ACTIVE) if here and not past_end else
                                   QtGui.QColor(0, 0, 0, 0))
                if here and not past_end:
                    item.setForeground(QtGui.QColor("#ffffff"))
                item.setFont(bold if b == s.batch else font)
            output = self.item(b, T)
            p = s.probability(b)
            revealed = s.head_revealed(b)
            output.setText(("?" if not revealed else f"{p:.3f}" if p is not None else self.tr("see the head")))
            output.setToolTip(self.tr("The head's output for review {0}: revealed once its last real step is "
                                      "computed").format(b))
            output.setFont(bold if b == s.batch else font)
        self.updateGeometry()

    SHOWN_REVIEWS = 8  # a larger batch scrolls

    def sizeHint(self) -> QtCore.QSize:
        """As tall as its header and rows (up to SHOWN_REVIEWS of them), and the horizontal scroll bar's room."""
        rows = sum(self.verticalHeader().sectionSizeHint(b) for b in range(min(self.rowCount(), self.SHOWN_REVIEWS)))
        height = (self.horizontalHeader().sizeHint().height() + rows + 2 * self.frameWidth()
                  + self.horizontalScrollBar().sizeHint().height())
        return QtCore.QSize(super().sizeHint().width(), height)


class HeadPanel(FollowsTheCursor, QtWidgets.QWidget):
    """The head: each review's last real hidden state, through the head's layers and activations, to its output.
    The review on show written out stage by stage; every review's output as a bar, once revealed."""

    SHOWN_VALUES = 4  # a stage as long as this is written whole; a longer one by its first two and its length

    def __init__(self, session: ClassifierSession, parent=None):
        super().__init__(parent)
        self.session = session
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QtWidgets.QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold")
        self.stages = QtWidgets.QLabel()
        self.stages.setWordWrap(True)
        self.stages.setTextFormat(QtCore.Qt.RichText)
        self.stages.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.stages.setAlignment(QtCore.Qt.AlignTop | QtCore.Qt.AlignLeft)
        self.plot = without_menus(pg.PlotWidget(axisItems=legible_axes(integer_x=False)))
        self.bars = pg.BarGraphItem(x0=[], y=[], height=[], width=[], brushes=[])
        self.plot.addItem(self.bars)
        self.plot.invertY(True)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.labels: list[pg.TextItem] = []
        layout.addWidget(self.title)
        layout.addWidget(self.stages)
        layout.addWidget(self.plot, 1)
        session.cells.events.changed.connect(self.on_change)
        self.refresh()

    def written(self, values) -> str:
        values = numbers(values).reshape(-1)  # numpy scalars of the model's dtype: written with its digits
        dtype = self.session.model.config.dtype
        if values.size <= self.SHOWN_VALUES:
            return "[" + ", ".join(style.exact(v, dtype) for v in values) + "]"
        return self.tr("[{0}, …] ({1} values)").format(", ".join(style.exact(v, dtype) for v in values[:2]),
                                                       values.size)

    def refresh(self) -> None:
        s = self.session
        b = s.batch
        names = s.head_stages()
        self.title.setText(self.tr("The head, review {0}: {1}").format(b, " → ".join(names)))
        if s.head_revealed(b):
            lines = [f"{name} = {self.written(s.trace.stages[name][b])}" for name in names]
            self.stages.setText("<br>".join(lines))
        else:
            last = s.lengths[b] - 1
            self.stages.setText(self.tr("The head reads review {0}'s last real hidden state, h at t = {1} in the last "
                                        "layer: step there (Run to end) to see it.").format(b, last))
        outputs = [s.probability(r) if s.head_revealed(r) else None for r in range(len(s.lengths))]
        one_number = s.trace.output.shape[-1] == 1
        self.plot.setVisible(one_number)
        if not one_number:
            return
        rows = np.arange(len(outputs))
        widths = np.array([p if p is not None else 0.0 for p in outputs])
        brushes = [pg.mkBrush(style.ACTIVE if r == b else style.MANUAL) for r in rows]
        self.bars.setOpts(x0=np.zeros(len(rows)), y=rows, height=np.full(len(rows), 0.7), width=widths,
                          brushes=brushes, pens=[pg.mkPen(None)] * len(rows))
        self.plot.getAxis("left").setTicks([[(r, self.tr("review {0}").format(r)) for r in rows], []])
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        for r, p in zip(rows, outputs):
            label = pg.TextItem("?" if p is None else f"{p:.3f}", anchor=(0, 0.5), color=style.FOREGROUND)
            label.setFont(label_font())
            label.setPos(0.0 if p is None else p, r)
            self.plot.addItem(label)
            self.labels.append(label)
        self.plot.setRange(xRange=(0, 1.3), yRange=(-0.6, len(rows) - 0.4), padding=0)
        self.plot.getAxis("bottom").setLabel(self.tr("output ({0})").format(names[-1]),
                                             **{"font-size": f"{label_px()}px"})
        set_plot_title(self.plot, self.tr("Every review's output, once its last step is revealed"))


class ClassifierWindow(FollowsTheCursor, StagesWindow):
    """The window on a whole classifier: the reviews and the stepping controls above, then the embedding, the
    packed cell and the head."""

    def __init__(self, session: ClassifierSession, presenting: bool = False, caption: str | None = None,
                 parent=None):
        super().__init__(presenting, caption or session.model.describe(), parent)
        self.session = session
        m = session.cells
        controls = QtWidgets.QHBoxLayout()
        buttons = []
        for text, tip, key, act in (
                (self.tr("Reset"), self.tr("Back to before the first step"), "Home", m.reset),
                (self.tr("◀ Back"), self.tr("One timestep back (Backspace)"), "Backspace", m.back),
                (self.tr("◁ Phase"), self.tr("One phase back (Shift+←)"), "Shift+Left", m.back_phase),
                (self.tr("Phase ▷"), self.tr("One phase on (Shift+→)"), "Shift+Right", m.step_phase),
                (self.tr("Step ▶"), self.tr("The next timestep of the packed batch (Space)"), "Space", m.step),
                (self.tr("Run to end"), self.tr("Every timestep: each review's last hidden state reaches the head"),
                 "End", m.run_to_end)):
            button = QtWidgets.QPushButton(text)
            button.setToolTip(tip)
            button.setShortcut(QtGui.QKeySequence(key))
            button.clicked.connect(lambda _=False, act=act: act())
            controls.addWidget(button)
            buttons.append(button)
        self.buttons = buttons
        controls.addStretch(1)
        self.above.addLayout(controls)
        self.reviews = ReviewTable(session)
        self.above.addWidget(self.reviews)
        self.text = QtWidgets.QLabel()
        self.text.setWordWrap(True)
        self.above.addWidget(self.text)

        self.embedding = EmbeddingView(session, (m.events.changed,))
        self.cell_heading = QtWidgets.QLabel()
        self.cell_heading.setWordWrap(True)
        self.cell_heading.setStyleSheet("font-weight: bold")
        self.step_view = StepPanel(m)
        cell = QtWidgets.QWidget()
        cell_layout = QtWidgets.QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.addWidget(self.cell_heading)
        cell_layout.addWidget(self.step_view, 1)
        self.cell = cell
        self.head = HeadPanel(session)
        self.hidden_in_focus = [self.text, self.cell_heading]
        m.events.changed.connect(self.on_change)
        self.say_assumed(session.trace.assumptions)
        self.arrange()
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        m = s.cells
        b, t = s.batch, s.t
        running = m.trace.batch_size - len(m.cell.ended(t))
        self.text.setText(self.tr("{0} reviews packed by their lengths {1} (pack_padded_sequence, "
                                  "enforce_sorted=False): the batch shrinks as reviews end, and the head reads each "
                                  "review's last real hidden state.").format(
            len(s.lengths), ", ".join(map(str, s.lengths))))
        k = s.lit_token()
        if k is None:
            heading = self.tr("Review {0}, t = {1}: the review has ended after {2} words; {3} of {4} reviews "
                              "running at this step").format(b, t, s.lengths[b], running, m.trace.batch_size)
        else:
            heading = self.tr("Review {0}, t = {1}: x_t = “{2}”; {3} of {4} reviews running at this step").format(
                b, t, shown(s.token(k)), running, m.trace.batch_size)
        self.cell_heading.setText(heading)
        self.set_cell_tab(heading)
        apart = [stage for stage, same in s.trace.stages_equal.items() if not same]
        verdict = (self.tr("every stage bitwise equal to the model's own modules (nn.Embedding, the packed {0}, "
                           "nn.Linear, the activations)").format(s.model.config.cell_type.module_name)
                   if not apart else self.tr("stages differing from the model's own modules: {0}").format(
                       ", ".join(apart)))
        if s.trace.model_note:  # the stages agree with the model's modules, but not with the model itself
            verdict = self.tr("your model itself: {0}").format(s.trace.model_note)
        parts = [verdict]
        if s.trace.fused_output is not None:
            parts.append(self.tr("your PyTorch would run oneDNN's fused kernel here: {0:g} ulp away").format(
                s.trace.fused_max_ulps))
        self.status.setText("   ·   ".join(parts))


def open_example(presenting: bool = False) -> ClassifierWindow:
    """File ▸ Open Example's sentiment classifier, in a window of its own beside the stepper's."""
    return open_beside(lambda: ClassifierWindow(ClassifierSession.example(), presenting=presenting))


def open_classifier_window(session: ClassifierSession, size=None, lang: str | None = None, presenting: bool = False,
                           caption: str | None = None, font_scale: float | None = None):
    """The application and a shown window on `session` (as ui/app.py's open_window for a recurrent module)."""
    return open_stages_window(lambda: ClassifierWindow(session, presenting=presenting, caption=caption), size, lang,
                              font_scale)


def run_classifier_window(session: ClassifierSession, screenshot: str | None = None, size=None,
                          lang: str | None = None, presenting: bool = False, font_scale: float | None = None,
                          steps: int = 0, batch: int = 0) -> int:
    """`rnn-stepper --weights F --input ids.npy --lengths …`: the window on review `batch`, `steps` timesteps in, or
    with `screenshot` its picture."""
    def opened_at_step():
        window = ClassifierWindow(session, presenting=presenting)
        session.show(batch)
        session.cells.move_to(steps * len(session.cells.phases))
        return window

    return run_stages_window(opened_at_step, screenshot, size, lang, presenting, font_scale)
