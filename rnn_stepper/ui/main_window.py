"""The stepper window: controls, the four panels, the editors and the status bar around one StepperModel."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ..core.errors import Cancelled
from ..model import StepperModel
from . import collection, i18n, style
from .app import window_title
from .assumption_note import AssumptionNote
from .backward_panel import BackwardPanel
from .cell_notation import module_label
from .comparison_panel import ComparisonPanel
from .editors import ConfigPanel, InputEditor
from .exports import Exports
from .font_scales import FONT_SCALES
from .lazy_page import LazyPage
from .phase_weights import PhaseWeights
from .sequence_panel import SequencePanel
from .session_files import SessionFiles, example_sessions
from .settings import setting, take_problems
from .steady import SteadyText
from .step_panel import StepPanel
from .unrolled import UnrolledView
from .weights_panel import WeightsPanel

BUSY_BAR_DELAY_MS = 300
# Below this many of its font's line heights across or down, the window's four panels side by side would
# each get too little room to be read: the focus layout shows the step, its equation and the comparison, and the
# rest behind tabs. 1280 × 720 in presentation at any scale, and 1920 × 1080 at 1.5× and 2×, fall below; 1024 × 768
# and 1280 × 720 at the normal size, 1920 × 1080 at 1.25× and 3840 × 2160 at any scale do not.
FOCUS_BELOW = (60, 45)
# Presentation mode's back-row minimums (28-px numbers in the step strip and the equation) need a quarter more
# room than its font alone: 1920 × 1080 at 1.25× keeps every panel, at 1.5× it takes the focus layout.
PRESENTATION_ROOM = 1.25
_base_font_pt: list[float] = []  # the application's own font size, before any presentation scaling


def apply_look(presenting: bool, scale: float | None = None) -> None:
    """Fonts and colours for the views about to be built: presentation mode's font `scale` (the one chosen, when
    None) and high contrast, or the application's own font."""
    app = QtWidgets.QApplication.instance()
    font = app.font()
    if not _base_font_pt:
        _base_font_pt.append(font.pointSizeF() if font.pointSizeF() > 0 else 10.0)
    if scale is None:
        scale = MainWindow.font_scale_for_this_run or setting("font_scale")
    font.setPointSizeF(_base_font_pt[0] * (scale if presenting else 1.0))
    app.setFont(font)
    style.set_presentation(setting("colormap"), high_contrast=presenting)


class StatusLine(QtWidgets.QLabel):
    """The status bar's line: where a window is too narrow for all of it (a projector at 2×), it ends in "…" and
    the whole line is its tooltip. `text()` is always the whole line."""

    def __init__(self):
        super().__init__()
        self.whole = ""
        self.setMinimumWidth(1)  # the status bar may give it less than its whole text: it elides instead

    def setText(self, text: str) -> None:
        self.whole = text
        self.elide()

    def text(self) -> str:
        return self.whole

    def elide(self) -> None:
        shown = self.fontMetrics().elidedText(self.whole, QtCore.Qt.ElideRight, max(self.contentsRect().width(), 1))
        super().setText(shown)
        self.setToolTip(self.whole if shown != self.whole else "")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.elide()


class SharedSplitter(QtWidgets.QSplitter):
    """A splitter that keeps its panels in given shares of its width as the window resizes, until the user drags
    it. In pixels of its width: QSplitter gives sizes that add up to more than it has to its first widget."""

    def __init__(self, orientation):
        super().__init__(orientation)
        self.shares: tuple[int, ...] = ()
        self.dragged = False
        self.splitterMoved.connect(self.was_dragged)

    def was_dragged(self, *_) -> None:
        self.dragged = True

    def share(self, shares: tuple[int, ...]) -> None:
        self.shares, self.dragged = shares, False
        self.apply_shares()

    def apply_shares(self) -> None:
        if self.shares and not self.dragged:
            room = self.width() - self.handleWidth() * (self.count() - 1)
            self.setSizes([room * share // sum(self.shares) for share in self.shares])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.apply_shares()


class Lineage:
    """The windows that rebuild made one after another from a first (F11, a language, a look): only the latest is on
    show, and only it is held here, by all of them. A replaced window is deleted (MainWindow.closeEvent); a chain of
    replaced_by from the first window, which the program holds to the end, kept every one of them alive."""

    def __init__(self, window: "MainWindow"):
        self.latest = window


class MainWindow(QtWidgets.QMainWindow):
    """The window. `presenting` builds it for a projector: full screen, fonts scaled, the session panel hidden,
    high contrast. Language, presentation, font scale and colormap changes rebuild the window around the same
    model (`rebuild`): every view only draws the model, so nothing is recomputed or lost."""

    def __init__(self, model: StepperModel | None = None, parent=None, presenting: bool = False,
                 caption: str | None = None):
        collection.hold_while_open(self)
        super().__init__(parent)
        collection.release_when_deleted(self)
        self.model = model or StepperModel()
        self.presenting = presenting
        self.caption = caption  # the title until the session is saved to a file: rnn_stepper.show(title=…)
        self.lineage = Lineage(self)
        self.apply_look()
        self.setWindowTitle("RNN Stepper")
        self.play_timer = QtCore.QTimer(self)
        self.play_timer.timeout.connect(self.play_tick)
        self.files = SessionFiles(self.model, self)
        self.files.path_changed.connect(self.update_title)
        self.exports = Exports(self.model, self)
        self.model.events.saved.connect(self.update_title)
        self.normal_geometry = QtCore.QRect(100, 100, 1280, 720)
        self.build_menus()
        self.build_toolbar()
        # What the weights file did not record, under the tool bar until that option is set (model.assumptions)
        self.assumed = AssumptionNote()
        self.assumed.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Preferred)
        self.assumption_bar = QtWidgets.QToolBar(self.tr("Assumptions"))
        self.assumption_bar.setObjectName("assumptions")
        self.assumption_bar.setMovable(False)
        self.assumption_bar.addWidget(self.assumed)
        hide = self.assumption_bar.addAction("✕")
        hide.setToolTip(self.tr("Hide this note"))
        hide.triggered.connect(self.assumption_bar.hide)
        self.addToolBarBreak()
        self.addToolBar(self.assumption_bar)
        self.show_assumptions()
        self.status = StatusLine()
        self.statusBar().addPermanentWidget(SteadyText(self.status), 1)  # it changes every step: ui/steady.py
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(220)
        self.cancel_button = QtWidgets.QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop this computation and keep the session on show (Esc)"))
        self.cancel_button.setShortcut(QtGui.QKeySequence("Esc"))
        self.cancel_button.clicked.connect(self.model.cancel)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        # A short computation shows no progress bar, so small edits do not flicker one.
        # Set through setters, not QTimer(self, singleShot=…, interval=…): PySide finds keyword properties by name
        # through the C locale's case rules, and under tr_TR 'interval' is not found (its i has no dot to lose).
        self.busy_timer = QtCore.QTimer(self)
        self.busy_timer.setSingleShot(True)
        self.busy_timer.setInterval(BUSY_BAR_DELAY_MS)
        self.busy_timer.timeout.connect(self.show_progress_bar)
        self.model.events.busy.connect(self.show_busy)
        self.model.events.progress.connect(self.show_progress)
        self.model.events.stopped.connect(self.show_stopped)
        self.model.events.message.connect(self.show_message)
        # The dock exists from the start, so the layout does not jump when the views arrive.
        self.side = QtWidgets.QDockWidget(self.tr("Session"), self)
        self.side.setObjectName("session-dock")
        self.side.setWidget(QtWidgets.QWidget())  # the editors come with the first trace
        self.side.setFeatures(QtWidgets.QDockWidget.DockWidgetMovable | QtWidgets.QDockWidget.DockWidgetClosable)
        self.addDockWidget(QtCore.Qt.LeftDockWidgetArea, self.side)
        self.side.visibilityChanged.connect(self.side_shown)
        side_action = self.side.toggleViewAction()  # a closed panel comes back from the View menu, not only a
        side_action.setText(self.tr("Session pa&nel"))  # right-click on the tool bar
        self.view_menu.insertAction(self.presentation_action, side_action)
        self.resizeDocks([self.side], [270], QtCore.Qt.Horizontal)
        self.side.setVisible(not presenting)
        self.side_wanted = True  # the dock's place in the full layout, unless the user closes it
        self.pages: QtWidgets.QTabWidget | None = None
        self.passes: QtWidgets.QStackedWidget | None = None  # the full layout's forward and backward pages
        self.focused: bool | None = None  # the focus layout or the full one; None until the views exist
        self.backward_wanted = False  # the backward pass's page is on show, in whichever layout
        if self.model.trace is None:
            # Until torch has loaded and the first trace exists, the window says so; the views come with it.
            self.loading = QtWidgets.QLabel(self.loading_text())
            self.loading.setAlignment(QtCore.Qt.AlignCenter)
            self.loading.setWordWrap(True)
            self.setCentralWidget(self.loading)
            self.model.events.trace.connect(self.show_first_trace)
        else:
            self.build_views()
        self.update_title()
        self.show_busy()
        bad_settings = take_problems()  # a value in the settings file that is not valid: its default was used
        if bad_settings:
            self.show_message(" ".join(bad_settings))

    def loading_text(self) -> str:
        return self.tr("Loading PyTorch and computing the notebook's example…")

    def show_first_trace(self) -> None:
        self.model.events.trace.disconnect(self.show_first_trace)
        self.build_views()

    def build_views(self) -> None:
        """The four panels and the session editors, once the model has a trace to show; `arrange` lays them out."""
        self.weights = WeightsPanel(self.model)
        self.step_view = StepPanel(self.model)
        self.unrolled = UnrolledView(self.model)
        self.comparison = ComparisonPanel(self.model)
        # The focus layout's right column: the weights the phase on show reads, where its equation names weights
        # it cannot write out (the Weights page is another tab there, and a slide has no tabs), over the comparison
        self.reading = PhaseWeights(self.model)
        self.reading_column = QtWidgets.QStackedWidget(self)  # the reading weights or the comparison, by phase
        self.reading_column.addWidget(self.reading)
        self.reading_column.hide()
        # The backward pass's page: its panel is built when the reader first asks for it (`backward`)
        self.backward_page = LazyPage(self.build_backward)
        self.sequence = SequencePanel(self.model, unit_scale=self.unit_scale())
        self.config_panel = ConfigPanel(self.model)
        self.input_editor = InputEditor(self.model)
        self.session_tabs = tabs = QtWidgets.QTabWidget()
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(self.config_panel)
        scroll.setWidgetResizable(True)
        tabs.addTab(scroll, self.tr("Model"))
        tabs.addTab(self.input_editor, self.tr("Input"))
        self.side.setWidget(tabs)
        self.arrange()
        # Once the new layout has settled: a dock filled while the window shows would take half of it. The window
        # is the timer's context: deleted before then (a Qt program's deleteLater), it is not called on.
        QtCore.QTimer.singleShot(0, self, lambda: self.resizeDocks([self.side], [270], QtCore.Qt.Horizontal))
        self.model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        """The window's own parts: the panels' balance for a new trace, the breakdown of a selection, the tool bar
        and status line for any move."""
        if "trace" in what:
            self.balance_top()
            self.show_assumptions()
        if "selected" in what:
            self.show_breakdown()
        if not what & {"trace", "cell", "cursor", "selected"}:
            return False
        if what & {"trace", "cell", "cursor"}:
            self.show_reading()
            self.refresh()
        return True

    # --- the layout: all four panels, or the step in focus ------------------------------------------------------

    def wants_focus(self) -> bool:
        """Whether the window is small for its font (FOCUS_BELOW), measured in that font's line height: one rule for
        every window size and font scale, so a 1024 × 768 laptop keeps every panel and a projector gets the focus."""
        line = QtGui.QFontMetrics(QtWidgets.QApplication.font()).height() * (
            PRESENTATION_ROOM if self.presenting else 1.0)
        across, down = FOCUS_BELOW
        return self.width() < across * line or self.height() < down * line

    def arrange(self) -> None:
        """Lay the same panels out for the room there is: the full layout, or the focus layout (the step strip, its
        equation and the comparison filling the window; weights, the sequence and the session behind tabs, keys
        1–5). Done again when a resize crosses FOCUS_BELOW; the panels only move, so nothing is recomputed."""
        focus = self.wants_focus()
        if focus == self.focused:
            return
        first = self.focused is None
        if focus and self.focused is False and not self.presenting:
            self.side_wanted = not self.side.isHidden()  # closed by the user: it stays closed on the way back
        self.focused = focus
        for tabs in (self.pages, self.passes):
            if tabs is not None:
                tabs.blockSignals(True)  # its pages leave for the new layout: not a reader's change of page
        if focus:
            centre = self.focus_layout()
        else:
            centre = self.full_layout()
        old = self.takeCentralWidget()
        self.setCentralWidget(centre)
        if self.isVisible():
            centre.show()  # now, not when Qt is next idle (a layout shows a new child then): a key at once finds it
        if old is not None:
            old.deleteLater()  # its panels have moved into the new layout
        # Laid out now rather than when Qt is next idle: a window shown, or a slide grabbed, straight after a
        # resize finds its panels at their places, and the top splitter shared out in pixels of its width.
        if not focus:
            self.resizeDocks([self.side], [270], QtCore.Qt.Horizontal)
        if self.backward_wanted:  # the backward pass stays on show across a change of layout
            self.show_page(self.BACKWARD_KEY)
        tabs = self.pages if focus else self.passes
        tabs.currentChanged.connect(lambda index: self.backward_shown(tabs.widget(index) is self.backward_page))
        self.backward_action.setChecked(self.backward_wanted)
        self.layout().activate()  # also while a window is being shown: its own layout ran before this resize
        self.balance_top()
        if not first:
            self.show_message(self.tr("Focus layout: the window is small for its font, so weights, the sequence, "
                                      "the session and the backward pass are behind the tabs (keys 1–5)") if focus else
                              self.tr("Full layout: every panel on show"))

    def full_layout(self) -> QtWidgets.QWidget:
        """Weights and the step above, the comparison and the sequence below; the session in its dock."""
        self.pages = None
        self.top = top = SharedSplitter(QtCore.Qt.Horizontal)
        top.addWidget(self.weights)
        top.addWidget(self.with_unrolled(self.step_view))
        self._balanced_for = None
        bottom = QtWidgets.QSplitter(QtCore.Qt.Horizontal)
        bottom.addWidget(self.comparison)
        bottom.addWidget(self.sequence)
        self.reading_column.setParent(self)  # the weights panel is on show here: no second copy beside the strip
        self.reading_column.hide()
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([500, 500])
        forward = QtWidgets.QSplitter(QtCore.Qt.Vertical)
        forward.addWidget(top)
        forward.addWidget(bottom)
        # The step above a little taller than the plots below: a gated cell's strip on two rows, its colour legend
        # and its equation all keep their numbers at 1,024 × 768
        forward.setStretchFactor(0, 3)
        forward.setStretchFactor(1, 2)
        # The backward pass has the whole window, as the forward pass has: its walk back where the step strip is,
        # what the walk shows where the comparison is (issue 15)
        # The toolbar's ∂ Backward button and keys 1 and 5 switch between them: no tab bar takes the strip's height
        self.passes = centre = QtWidgets.QStackedWidget()
        centre.setObjectName("passes")
        centre.addWidget(forward)
        centre.addWidget(self.backward_page)
        for panel in (self.weights, self.step_view, self.comparison, self.sequence):
            panel.show()  # leaving the focus layout's tabs, which hid every page but the current one, hid it
        if self.side.widget() is not self.session_tabs:
            self.side.setWidget(self.session_tabs)
        self.session_tabs.show()
        self.side.setVisible(not self.presenting and self.side_wanted)
        return centre

    def focus_layout(self) -> QtWidgets.QWidget:
        """The step (strip and equation, two thirds of the width) beside the comparison on the first tab; the
        weights, the sequence and the session each on a tab of their own, and the backward pass, keyed 1–5 and named with their key."""
        self.side.hide()
        self.passes = None
        self.top = step = SharedSplitter(QtCore.Qt.Horizontal)  # shared out by balance_top, as the full layout's
        step.addWidget(self.step_view)
        column = self.reading_column
        column.addWidget(self.comparison)
        step.addWidget(column)
        self._balanced_for = None
        for panel in (self.step_view, self.comparison, column):
            panel.show()  # leaving the full layout's splitters hid it
        self.show_reading()
        self.pages = pages = QtWidgets.QTabWidget()
        pages.setObjectName("focus-pages")
        pages.setDocumentMode(True)
        for key, (widget, name, tip) in enumerate((
                (step, self.tr("Step"), self.tr("The step strip, its equation and the comparison")),
                (self.weights, self.tr("Weights"), self.tr("W_ih, W_hh and the biases; double-click a cell to edit")),
                (self.with_unrolled(self.sequence), self.tr("Sequence"),
                 self.tr("The network unrolled, h over the whole sequence, ‖h_t‖ and ρ(W_hh)")),
                (self.session_tabs, self.tr("Session"), self.tr("The model's options and the input table")),
                (self.backward_page, self.tr("∂ Backward"), self.tr("Backpropagation through time, stepped back one "
                                                                    "phase per click"))), 1):
            index = pages.addTab(widget, self.tr("{0} {1}").format(key, name))
            pages.setTabToolTip(index, self.tr("{0} (key {1})").format(tip, key))
        return pages

    def show_assumptions(self) -> None:
        self.assumption_bar.setVisible(self.assumed.say(self.model.assumptions.values()))

    def show_reading(self) -> None:
        """In the focus layout: the weights the phase on show reads, where its equation does not write them out,
        else the comparison (PhaseWeights)."""
        column = self.reading_column
        if column.indexOf(self.comparison) >= 0:
            column.setCurrentWidget(self.reading if self.reading.read() is not None else self.comparison)

    def backward_shown(self, shown: bool) -> None:
        self.backward_wanted = shown
        self.backward_action.setChecked(shown)

    def show_breakdown(self) -> None:
        """A cell of the sequence's heatmap clicked in the focus layout: its breakdown is on the step's tab."""
        if (self.model.selected is not None and self.pages is not None
                and self.pages.currentIndex() == self.FOCUS_PAGES.index("sequence")):
            self.show_focus_page("step")

    def with_unrolled(self, panel: QtWidgets.QWidget) -> QtWidgets.QWidget:
        """The unrolled network, a thin strip, over a panel: over the step strip in the full layout, over the
        sequence on the focus layout's Sequence page (where the Step page's room is the strip's and the
        comparison's)."""
        column = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.unrolled)
        layout.addWidget(panel, 1)
        self.unrolled.setVisible(self.unrolled.wanted())
        panel.show()
        return column

    def side_shown(self, visible: bool) -> None:
        """The session panel brought back (its toolbar menu) in the focus layout, where its editors are on the
        Session tab: that tab comes up instead, rather than an empty panel."""
        if visible and self.pages is not None:
            self.side.hide()
            self.show_focus_page("session")

    # The focus layout's tabs, keys 1–5. The full layout has two: the forward pass (1) and the backward pass (5).
    FOCUS_PAGES = ("step", "weights", "sequence", "session", "backward")
    BACKWARD_KEY = 4  # the index of key 5

    def focus_pages(self) -> tuple[str, ...]:
        """The pages a reader can bring up in the focus layout; none in the full layout, where all are on show."""
        return self.FOCUS_PAGES if self.pages is not None else ()

    def show_focus_page(self, page: str) -> bool:
        return self.show_page(self.FOCUS_PAGES.index(page))

    def show_page(self, index: int) -> bool:
        """Keys 1–5 in the focus layout: the step, the weights, the sequence, the session, the backward pass. In the
        full layout, key 1 is the forward pass and key 5 the backward pass."""
        if index == self.BACKWARD_KEY and self.has_views:
            self.backward_page.content()  # built when first asked for, so that it comes up whole (`backward`)
        if self.passes is not None:
            if index not in (0, self.BACKWARD_KEY):
                return False
            self.passes.setCurrentIndex(0 if index == 0 else 1)
            self.passes.currentWidget().show()  # a page that came from the other layout's tabs was hidden there
            return True
        if self.pages is None:
            return False
        if not 0 <= index < self.pages.count():
            return False
        self.pages.setCurrentIndex(index)
        self.pages.currentWidget().show()  # a page that came from the other layout's tabs was hidden there
        return True

    def show_backward(self) -> None:
        self.show_page(self.BACKWARD_KEY)

    def keyPressEvent(self, event) -> None:
        # Here only keys no widget took: a digit typed into a spin box or the input table stays there.
        keys = (QtCore.Qt.Key_1, QtCore.Qt.Key_2, QtCore.Qt.Key_3, QtCore.Qt.Key_4, QtCore.Qt.Key_5)
        if event.key() in keys and not event.modifiers() & ~QtCore.Qt.KeypadModifier:
            if self.show_page(keys.index(event.key())):
                return
        if event.key() == QtCore.Qt.Key_Escape and self.model.selected is not None:
            self.model.clear_selection()  # an open breakdown closes; the equation is back
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.focused is not None:  # once the views exist: build_views lays them out the first time
            self.arrange()
            self.balance_top()  # a gated strip's share of the focus layout changes at 1,200 px

    def balance_top(self) -> None:
        """Weights and step strip share the top by what they hold: an RNN's five vectors and its small matrices
        half each, a GRU's seven vectors seven tenths, an LSTM's nine three quarters (its weights show their
        numbers on hover where cells get too small). Done again only when the strip's length changes (another cell
        type), so a splitter the user dragged stays put."""
        vectors = len([name for name in self.step_view.vectors if not name.endswith("_prev")])  # h_{t-1} is narrow
        if self.pages is not None:  # the focus layout: the step beside the comparison, two thirds to one; a
            # gated cell's strip, on two rows of five or six vectors, more: its captions wrap less. Three quarters
            # on a 1,024-px projector; 5:2 from 1,200 px, where the comparison's titles need the rest
            shares = ((3, 1) if self.width() < 1200 else (5, 2)) if vectors > 5 else (2, 1)
        else:  # a gated cell's strip on two rows needs no more width than an RNN's one: the weights keep theirs
            # for their numbers (at 30 % an LSTM's eight-row matrices were slivers of colour)
            shares = (max(450, 1000 - 100 * vectors), min(100 * vectors, 550))
        if self.top is not None and self._balanced_for != shares:
            self._balanced_for = shares
            self.top.share(shares)

    @property
    def backward(self) -> BackwardPanel:
        """The backward pass's panel, built the first time it is asked for: its page shown (key 5, the ∂ Backward
        button, --back) or the panel named. Its 0.14–0.16 s are not spent before the window is ready (issue 30)."""
        return self.backward_page.content()

    def build_backward(self) -> BackwardPanel:
        return BackwardPanel(self.model, self.model.backprop)

    @property
    def has_views(self) -> bool:
        return hasattr(self, "comparison")

    # --- the file ---------------------------------------------------------------------------------------------

    def build_menus(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&File"))
        files = self.files

        def item(text, slot, key=None):
            act = menu.addAction(text)
            act.triggered.connect(slot)
            if key is not None:
                act.setShortcut(QtGui.QKeySequence(key))
            return act

        item(self.tr("&Open…"), files.open_dialog, QtGui.QKeySequence.Open)
        self.recent_menu = menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        examples = menu.addMenu(self.tr("Open &Example"))
        for name, path in example_sessions().items():
            examples.addAction(name).triggered.connect(lambda _=False, path=path: files.open_example(path))
        examples.addSeparator()  # whole models, each in a window of its own (ui/stages_window.py)
        self.language_example_action = examples.addAction(self.tr("The Mysterious Island: a character LSTM, "
                                                                  "prompt to sampled text"))
        self.language_example_action.triggered.connect(self.open_language_example)
        self.classifier_example_action = examples.addAction(self.tr("Sentiment: a classifier over reviews of "
                                                                    "different lengths, packed"))
        self.classifier_example_action.triggered.connect(self.open_classifier_example)
        item(self.tr("&Import weights…"), files.import_dialog)
        menu.addSeparator()
        item(self.tr("&Save"), files.save, QtGui.QKeySequence.Save)
        item(self.tr("Save &As…"), files.save_as, QtGui.QKeySequence.SaveAs)
        export = menu.addMenu(self.tr("&Export"))
        for text, slot, key in (
                (self.tr("Comparison plot (PNG or SVG)…"), self.exports.plot_dialog, None),
                (self.tr("Trace (JSON or CSV)…"), self.exports.trace_dialog, None),
                (self.tr("Slide (PNG)…"), self.exports.slide_dialog, None),
                (self.tr("Copy equation as LaTeX"), self.exports.latex, "Ctrl+Shift+C"),
                (self.tr("Python snippet…"), self.exports.snippet_dialog, None)):
            act = export.addAction(text)
            act.triggered.connect(slot)
            if key:
                act.setShortcut(QtGui.QKeySequence(key))
        # Everything above Quit reads or replaces the session: off while a computation is under way.
        self.session_actions = [a for a in menu.actions() if not a.isSeparator()]
        menu.addSeparator()
        item(self.tr("&Quit"), self.close, QtGui.QKeySequence.Quit)
        menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.undo_action = item(self.tr("&Undo"), self.undo, QtGui.QKeySequence.Undo)
        self.undo_action.setToolTip(self.tr("Back to the session before the last change: an edit, an option, "
                                            "imported weights or a whole Train run"))
        self.redo_action = item(self.tr("&Redo"), self.redo)
        # both, on every platform: Qt's standard Redo is Ctrl+Y on some desktops and Ctrl+Shift+Z on others
        self.redo_action.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")])
        self.build_view_menu()
        languages = self.menuBar().addMenu(self.tr("&Language"))
        group = QtGui.QActionGroup(self)
        current = setting("language") or i18n.system_language()
        for lang, name in (("en", "English"), ("ko", "한국어")):
            act = languages.addAction(name)
            act.setCheckable(True)
            act.setChecked(lang == current)
            group.addAction(act)
            act.triggered.connect(lambda _=False, lang=lang: self.set_language(lang))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About RNN Stepper")).triggered.connect(self.show_about)

    def about_text(self) -> str:
        """What a student compares before comparing numbers with a classmate: what decides the module's last bits."""
        from ..version import __version__

        lines = [self.tr("RNN Stepper {version}").format(version=__version__), ""]
        if self.model.trace is None:  # torch is still loading on its worker: asking it now would freeze the window
            lines.append(self.tr("PyTorch is still loading."))
        else:
            from ..core.machine import numeric_environment

            lines.append(self.tr("Computed with {environment}.").format(environment=numeric_environment().describe(self.tr("{0} threads"))))
        module = "nn.RNN" if self.model.session is None else module_label(self.model.session.config)
        lines += ["", self.tr(
            "Kernel order makes {0}'s own calls on operands of the same shapes, strides and memory alignment, so "
            "it equals {0} bit for bit on any machine. {0}'s own last bits, and how far the textbook order "
            "lands from them, depend on the PyTorch version, the BLAS library, the CPU's vector instructions and the "
            "thread count above: compare these before comparing numbers with a classmate.").format(module)]
        return "\n".join(lines)

    def show_about(self) -> None:
        QtWidgets.QMessageBox.about(self, self.tr("About RNN Stepper"), self.about_text())

    def build_view_menu(self) -> None:
        menu = self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.presentation_action = menu.addAction(self.tr("&Presentation mode"))
        self.presentation_action.setCheckable(True)
        self.presentation_action.setChecked(self.presenting)
        self.presentation_action.setShortcut(QtGui.QKeySequence("F11"))
        self.presentation_action.setToolTip(self.tr("Full screen, large fonts, high contrast, no side panel (F11)"))
        self.presentation_action.triggered.connect(lambda: self.rebuild(presenting=not self.presenting))
        scales = menu.addMenu(self.tr("Presentation &font size"))
        group = QtGui.QActionGroup(self)
        for scale in FONT_SCALES:
            act = scales.addAction(f"{scale:g}×")
            act.setCheckable(True)
            act.setChecked(scale == self.font_scale())
            group.addAction(act)
            act.triggered.connect(lambda _=False, scale=scale: self.set_view_setting("font_scale", scale))
        colormaps = menu.addMenu(self.tr("&Colormap"))
        group = QtGui.QActionGroup(self)
        names = {"CET-D1": self.tr("Blue – white – red"),
                 "CET-CBD1": self.tr("Colour-blind safe: blue – white – yellow")}
        for name, text in names.items():
            act = colormaps.addAction(text)
            act.setCheckable(True)
            act.setChecked(name == style.COLORMAP)
            group.addAction(act)
            act.triggered.connect(lambda _=False, name=name: self.set_view_setting("colormap", name))
        self.unit_scale_action = menu.addAction(self.tr("Hidden state on the ±1 &scale"))
        self.unit_scale_action.setCheckable(True)
        self.unit_scale_action.setChecked(self.unit_scale())
        self.unit_scale_action.setToolTip(self.tr("Colour h over t on tanh's whole range, −1 to 1, instead of a scale "
                                                  "fitted to its values"))
        self.unit_scale_action.triggered.connect(lambda on: self.set_view_setting("state_unit_scale", on))
        menu.addSeparator()
        self.predict_action = menu.addAction(self.tr("Predict, then &reveal"))
        self.predict_action.setCheckable(True)
        self.predict_action.setChecked(self.model.predict_first)
        self.predict_action.setShortcut(QtGui.QKeySequence("R"))
        self.predict_action.setToolTip(self.tr("Step stops before the new hidden state; the next click reveals it, "
                                               "so the class can guess first (R)"))
        self.predict_action.toggled.connect(self.set_predict)
        # no shortcut of its own: key 5 is taken in keyPressEvent, so a 5 typed into a field stays there
        menu.addAction(self.tr("&Backward pass (5)")).triggered.connect(
            lambda: self.has_views and self.show_backward())

    font_scale_for_this_run: float | None = None  # --font-scale: read instead of the saved choice, never saved

    def font_scale(self) -> float:
        if MainWindow.font_scale_for_this_run is not None:
            return MainWindow.font_scale_for_this_run
        return setting("font_scale")

    def unit_scale(self) -> bool:
        return setting("state_unit_scale")

    def apply_look(self) -> None:
        apply_look(self.presenting, self.font_scale())

    def set_view_setting(self, key: str, value) -> "MainWindow":
        if key == "font_scale":
            MainWindow.font_scale_for_this_run = None  # the menu's choice replaces --font-scale's, and is saved
        QtCore.QSettings().setValue(key, value)
        return self.rebuild()

    def open_language_example(self) -> None:
        from .language_window import open_example

        open_example(self.presenting)

    def open_classifier_example(self) -> None:
        from .classifier_window import open_example

        open_example(self.presenting)

    def set_predict(self, on: bool) -> None:
        self.model.set_predict(on)
        self.model.events.message.emit(self.tr("Predict, then reveal: on") if on else
                                       self.tr("Predict, then reveal: off"))

    def rebuild(self, presenting: bool | None = None) -> "MainWindow":
        """A new window in the current language, look and mode, around the same model; this one goes away."""
        presenting = self.presenting if presenting is None else presenting
        successor = MainWindow(self.model, presenting=presenting, caption=self.caption)
        # rnn_stepper.show's window is deleted once closed: the one that replaces it too
        successor.setAttribute(QtCore.Qt.WA_DeleteOnClose, self.testAttribute(QtCore.Qt.WA_DeleteOnClose))
        successor.files.path = self.files.path
        successor.speed.setValue(self.speed.value())
        successor.normal_geometry = self.normal_geometry if self.presenting else self.geometry()
        successor.update_title()
        if self.backward_wanted:  # the page on show stays: a language or look changes, not where the class is
            successor.show_page(self.BACKWARD_KEY)
        if presenting:
            successor.showFullScreen()
        else:
            successor.setGeometry(successor.normal_geometry)
            successor.show()
        successor.raise_()
        successor.activateWindow()  # keys go on to the new window: F11 again leaves presentation
        successor.lineage = self.lineage
        self.lineage.latest = successor
        self.close()  # and deleted (closeEvent): the model no longer refers to it
        return successor

    @property
    def replaced_by(self) -> "MainWindow | None":
        """The window on show in this one's place (its latest successor), or None while this one is on show."""
        return None if self.lineage.latest is self else self.lineage.latest

    def show_content_only(self) -> None:
        """What a slide shows: the panels, without the menu bar, tool bars, status bar or the focus layout's tabs
        (the page on show stays)."""
        self.menuBar().hide()
        self.statusBar().hide()
        for bar in self.findChildren(QtWidgets.QToolBar):
            bar.hide()
        if self.pages is not None:
            self.pages.tabBar().hide()

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.files.recent():
            self.recent_menu.addAction(path).triggered.connect(
                lambda _=False, path=path: self.files.may_discard() and self.files.open_path(path))
        if not self.files.recent():
            self.recent_menu.addAction(self.tr("(none yet)")).setEnabled(False)

    def update_title(self) -> None:
        self.setWindowTitle(window_title(self.files.path, self.caption, modified_mark=True))
        self.setWindowModified(self.model.dirty)

    def set_language(self, lang: str) -> "MainWindow":
        """Switch language, remembered for next time."""
        QtCore.QSettings().setValue("language", lang)
        i18n.install(lang)
        return self.rebuild()

    def undo(self) -> None:
        if self.model.undo():
            self.show_message(self.tr("Undone: the session before the last change is back (Ctrl+Shift+Z redoes it)"))

    def redo(self) -> None:
        if self.model.redo():
            self.show_message(self.tr("Redone: the change is back"))

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def closeEvent(self, event) -> None:
        if self.replaced_by is not None:
            self.play_timer.stop()
            self.files.autosave_timer.stop()
            self.model.unsubscribe([self, *self.findChildren(QtCore.QObject)])
            collection.release_window(self)
            event.accept()
            # Its actions' and panels' slots are lambdas over it, held by Qt's connections: a cycle through C++ that
            # Python's collector cannot see. Left to Python, every F11 and every language switch kept a whole
            # window alive (~14 MiB each). Deleted from the event loop, its connections go and Python frees it.
            self.deleteLater()
        elif self.files.may_discard():
            self.play_timer.stop()
            self.model.cancel()
            if hasattr(self.model.runner, "wait"):
                self.model.runner.wait()  # a worker still computing would outlive the interpreter's teardown
            self.files.closed_cleanly()
            collection.release_window(self)
            event.accept()
        else:
            event.ignore()

    # --- controls ---------------------------------------------------------------------------------------------

    def with_guesses(self, move):
        """`move` after taking the guesses typed but not yet entered: a step forward reveals h_t."""
        def go(*_):
            self.step_view.guess_row.commit_pending()
            move()
        return go

    def build_toolbar(self) -> None:
        bar = self.addToolBar(self.tr("Stepping"))
        bar.setObjectName("stepping")
        bar.setToolButtonStyle(QtCore.Qt.ToolButtonTextOnly)
        m = self.model

        def action(text, tip, keys, slot):
            act = QtGui.QAction(text, self)
            act.setShortcuts([QtGui.QKeySequence(k) for k in keys])
            shown = ", ".join(QtGui.QKeySequence(k).toString(QtGui.QKeySequence.NativeText) for k in keys)
            act.setToolTip(f"{tip} ({shown})")
            act.setShortcutContext(QtCore.Qt.WindowShortcut)
            act.triggered.connect(slot)
            bar.addAction(act)
            return act

        self.actions_by_name = {
            "reset": action(self.tr("Reset"), self.tr("Back to before the first timestep"), ["Home"], m.reset),
            "back": action(self.tr("◀ Back"), self.tr("Undo one timestep"), ["Left", "PgUp"], m.back),
            "back_phase": action(self.tr("◁ Phase"), self.tr("Undo one phase"), ["Shift+Left"], m.back_phase),
            "step_phase": action(self.tr("Phase ▷"), self.tr("Show the next phase of this timestep"),
                                 ["Shift+Right"], self.with_guesses(m.step_phase)),
            "step": action(self.tr("Step ▶"), self.tr("Compute the next whole timestep, as one pass of the "
                                                      "notebook's loop"), ["Space", "Right", "PgDown"],
                           self.with_guesses(m.step)),
            "end": action(self.tr("Run to end"), self.tr("Compute every remaining timestep"), ["End"],
                          self.with_guesses(m.run_to_end)),
            "play": action(self.tr("Play"), self.tr("Step automatically; again to pause"), ["P"], self.toggle_play),
        }
        self.actions_by_name["play"].setCheckable(True)
        self.speed = QtWidgets.QSpinBox()
        self.speed.setRange(1, 30)
        self.speed.setValue(2)
        self.speed.setSuffix(self.tr(" steps/s"))
        self.speed.setToolTip(self.tr("Play speed"))
        # Not the window's first focus: the keys 1–5, Left and Right would edit the speed instead of moving
        self.speed.setFocusPolicy(QtCore.Qt.ClickFocus)
        self.speed.valueChanged.connect(lambda _: self.play_timer.setInterval(self.play_interval()))
        bar.addWidget(self.speed)
        bar.addSeparator()
        # The backward pass's page, in place of the forward pass's: key 5 (in keyPressEvent, so a 5 typed into a
        # field stays there), or this button, which is also how a reader sees which pass is on show
        self.backward_action = QtGui.QAction(self.tr("∂ Backward"), self)
        self.backward_action.setCheckable(True)
        self.backward_action.setToolTip(self.tr("Backpropagation through time, stepped back one phase per click; "
                                                "again for the forward pass (5, and 1)"))
        self.backward_action.triggered.connect(lambda on: self.has_views and self.show_page(
            self.BACKWARD_KEY if on else 0))
        bar.addAction(self.backward_action)
        # Presentation mode sits at the menu bar's right end: a projector's 1024 px tool bar, in the presentation
        # font, had moved it behind its » button, and it is how a lecturer leaves the mode
        self.presentation_button = QtWidgets.QToolButton(self.menuBar())
        self.presentation_button.setDefaultAction(self.presentation_action)
        self.presentation_button.setAutoRaise(True)
        self.menuBar().setCornerWidget(self.presentation_button, QtCore.Qt.TopRightCorner)
        self.layer_box = QtWidgets.QSpinBox()
        self.layer_box.setPrefix(self.tr("layer "))
        self.layer_box.setToolTip(self.tr("Which layer the step view shows"))
        self.direction_box = QtWidgets.QComboBox()
        self.direction_box.addItems([self.tr("forward"), self.tr("reverse")])
        self.direction_box.setToolTip(self.tr("Which direction the step view shows"))
        # A toolbar short of room moves its last widgets behind its » button rather than cut "forward" to "forwarc".
        self.direction_box.setSizePolicy(QtWidgets.QSizePolicy.Fixed, QtWidgets.QSizePolicy.Fixed)
        self.batch_box = QtWidgets.QSpinBox()
        self.batch_box.setPrefix(self.tr("batch row "))
        self.batch_box.setToolTip(self.tr("Which sequence of the batch the step view shows"))
        for box in (self.layer_box, self.batch_box):
            box.valueChanged.connect(self.choose_cell)
        self.direction_box.currentIndexChanged.connect(self.choose_cell)
        # A toolbar shows or hides a widget through the action addWidget returns; the widget's own setVisible is
        # overridden by the toolbar's layout.
        self.box_actions = {widget: bar.addWidget(widget)
                            for widget in (self.layer_box, self.direction_box, self.batch_box)}

    def choose_cell(self, *_):
        self.model.show_cell(self.layer_box.value(), self.direction_box.currentIndex(), self.batch_box.value())

    def play_interval(self) -> int:
        return int(1000 / self.speed.value())

    def toggle_play(self) -> None:
        if self.play_timer.isActive():
            self.play_timer.stop()
        else:
            if self.model.at_end:
                self.model.reset()
            self.play_timer.start(self.play_interval())
        self.actions_by_name["play"].setChecked(self.play_timer.isActive())
        self.actions_by_name["play"].setText(self.tr("Pause") if self.play_timer.isActive() else self.tr("Play"))

    def play_tick(self) -> None:
        self.model.step()
        if self.model.at_end:
            self.toggle_play()

    # --- what the window says -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        m = self.model
        ready = m.trace is not None and not m.busy
        acts = self.actions_by_name
        for name in ("step", "step_phase", "end", "play"):
            acts[name].setEnabled(ready and not m.at_end)
        for name in ("back", "back_phase", "reset"):
            acts[name].setEnabled(ready and m.position > 0)
        for act in self.session_actions:
            act.setEnabled(ready)
        self.undo_action.setEnabled(ready and m.can_undo)
        self.redo_action.setEnabled(ready and m.can_redo)
        for box in (self.layer_box, self.batch_box):
            box.setEnabled(ready)
        # set once: off and on again at every step, it repainted the tool bar
        self.direction_box.setEnabled(ready and m.session.config.bidirectional)
        if self.has_views:
            self.session_tabs.setEnabled(not m.busy)
        if m.trace is None:
            return
        config = m.session.config
        self.box_actions[self.direction_box].setVisible(config.bidirectional)  # one direction: nothing to choose
        for box, value, top in ((self.layer_box, m.layer, config.num_layers - 1),
                                (self.batch_box, m.batch, m.trace.batch_size - 1)):
            blocked = box.blockSignals(True)
            box.setRange(0, top)
            box.setValue(value)
            self.box_actions[box].setVisible(top > 0)  # one layer, one batch row: nothing to choose
            box.blockSignals(blocked)
        blocked = self.direction_box.blockSignals(True)
        self.direction_box.setCurrentIndex(m.direction)
        self.direction_box.blockSignals(blocked)
        if not m.busy:
            self.status.setText(self.status_text())

    # --- long computations ------------------------------------------------------------------------------------

    def show_busy(self) -> None:
        """What is being computed, with progress and Cancel once it has taken a moment; controls that need the
        new trace are off meanwhile."""
        m = self.model
        if m.busy:
            self.play_timer.stop()
            self.progress.setRange(0, 0)  # "working", until the first progress report says how far
            if m.trace is None:
                self.status.setText(self.loading_text())
            elif m.reading is not None:
                self.status.setText(self.tr("Reading {0}…").format(m.reading))
            elif m.pending is not None:
                config = m.pending.config
                self.status.setText(self.tr("Computing the trace: {0} timesteps × {1} cells × {2} units…").format(
                    m.pending.seq_len, config.num_layers * config.num_directions, config.hidden_size))
            if m.trace is None:
                self.show_progress_bar()
            elif not self.progress.isVisible() and not self.busy_timer.isActive():
                self.busy_timer.start()
        else:
            self.busy_timer.stop()
            self.progress.hide()
            self.progress.setValue(0)
            self.cancel_button.hide()
        self.refresh()

    def show_progress_bar(self) -> None:
        if self.model.busy:
            self.progress.show()
            self.cancel_button.setVisible(self.model.trace is not None)  # at startup there is nothing to go back to

    def show_progress(self, done: int, total: int) -> None:
        # Before anything is counted (nn.RNN's own pass is one call, silent until it ends) a busy bar, not 0 %.
        self.progress.setRange(0, max(total, 1) if done else 0)
        self.progress.setValue(done)

    def show_stopped(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            text = self.tr("Stopped. The session from before is still on show.")
        else:
            text = self.tr("Could not compute the trace ({0}). The session from before is still on show.").format(
                error)
        if self.model.trace is None:
            text = self.tr("Could not load the notebook's example: {0}").format(error)
            self.loading.setText(text)
        self.show_message(text)

    def status_text(self) -> str:
        m = self.model
        t = "–" if m.t is None else self.tr("{0} (step {1})").format(m.t, m.step_index + 1)
        where = self.tr("layer {0} {1}").format(m.layer, self.tr("reverse") if m.direction else self.tr("forward"))
        diff, ulps = m.max_abs_diff_so_far(), m.max_ulps_so_far()
        if m.position > 0 and diff == 0 and ulps == 0:  # the verdict in words: a short |Δ| plot has no room for it
            compared = self.tr("bitwise identical so far")
        else:
            compared = self.tr("max |Δ| so far {0}").format("0" if diff == 0 else f"{diff:.3g} ({ulps:.0f} ulp)")
        line = self.tr("t = {0} of T = {1}   ·   {2}   ·   {3}   ·   {4} order   ·   {5}").format(
            t, m.seq_len, where, compared, m.session.order, m.session.config.describe())
        batch = self.batch_text()
        return line if not batch else line + "   ·   " + batch

    def batch_text(self) -> str:
        """How the batch is stepped where it has sequences of different lengths: packed by its lengths, the rows
        that have ended named; or padded, its padding stepped through, as torch.nn steps a padded tensor."""
        m = self.model
        if m.session.lengths is not None:
            t = m.t if m.t is not None else m.cell.walk[0]
            ended = m.cell.ended(t)
            text = self.tr("packed, lengths {0}").format(", ".join(map(str, m.session.lengths)))
            if ended:
                text += "; " + self.tr("ended at t = {0}: sequence {1}").format(
                    t, ", ".join(map(str, ended)))
            return text
        padded = m.trace.padded_rows
        if padded:
            return self.tr("rows {0} end in zeros: if that is padding, it is stepped through (give lengths to "
                           "pack the batch)").format(", ".join(map(str, padded)))
        return ""
