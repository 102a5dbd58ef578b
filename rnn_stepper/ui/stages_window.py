"""The window of a whole model (a language model's, a classifier's): what is fed above, then the model's three
stages, the embedding, the recurrent cell and the head, side by side; or where the room is small for the font, the
cell beside the head on one tab and the embedding table on the other."""

from __future__ import annotations

import sys

import shiboken6
from PySide6 import QtCore, QtGui, QtWidgets

from . import collection, style
from .assumption_note import AssumptionNote
from .typography import font_px


class StagesWindow(QtWidgets.QMainWindow):
    """A subclass puts what is fed in `above`, makes `embedding`, `cell` and `head`, lists in `hidden_in_focus` the
    text the focus layout has no room for, then calls `arrange()`; `refresh()` is called after a rearrangement."""

    def __init__(self, presenting: bool, title: str, parent=None):
        collection.hold_while_open(self)
        super().__init__(parent)
        collection.release_when_deleted(self)
        from .main_window import StatusLine, apply_look

        self.presenting = presenting
        self.replaced_by = None  # as the stepper window's: rnn_stepper.show waits for the latest window
        apply_look(presenting)
        self.setWindowTitle(f"{title} — RNN Stepper")
        central = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        self.above = QtWidgets.QVBoxLayout()
        layout.addLayout(self.above)
        self.assumed = AssumptionNote()  # what the model's file did not record: the first line, when anything
        self.assumed.hide()
        self.above.addWidget(self.assumed)
        self.stages = QtWidgets.QStackedWidget()  # the three stages side by side, or in the focus layout's tabs
        layout.addWidget(self.stages, 1)
        self.setCentralWidget(central)
        self.focused: bool | None = None
        self.hidden_in_focus: list[QtWidgets.QWidget] = []
        self.status = StatusLine()  # elided where the window is narrow, the whole line its tooltip
        self.statusBar().addPermanentWidget(self.status, 1)

    def refresh(self) -> None:
        raise NotImplementedError

    def say_assumed(self, assumed) -> None:
        self.assumed.setVisible(self.assumed.say(assumed) and not self.focused)

    def wants_focus(self) -> bool:
        """In presentation mode, always: beside the embedding and the bars, a projector's step strip kept its numbers
        under the back row's size even at 1920 × 1080. Otherwise the stepper window's rule (main_window.FOCUS_BELOW):
        a window small for its font."""
        from .main_window import FOCUS_BELOW

        if self.presenting:
            return True
        line = QtGui.QFontMetrics(QtWidgets.QApplication.font()).height()
        across, down = FOCUS_BELOW
        return self.width() < across * line or self.height() < down * line

    def arrange(self) -> None:
        """The embedding, the cell and the head side by side; where the room is small for the font, the cell beside
        the head on one tab and the embedding table on the other, so the step strip keeps its numbers legible."""
        focus = self.wants_focus()
        if focus == self.focused:
            return
        self.focused = focus
        old = self.stages.currentWidget()
        if focus:
            # The cell beside what it leads to, in the shares of the stepper's focus layout (the step strip plans
            # its rows from its width: given the whole width, it put eleven vectors on one row, each too narrow)
            self.pair = pair = QtWidgets.QSplitter(QtCore.Qt.Horizontal)
            pair.addWidget(self.cell)
            pair.addWidget(self.head)
            pages = QtWidgets.QTabWidget()
            pages.addTab(pair, "")
            pages.addTab(self.embedding, self.tr("The embedding table"))
            new = pages
        else:
            new = QtWidgets.QSplitter(QtCore.Qt.Horizontal)
            for widget in (self.embedding, self.cell, self.head):
                new.addWidget(widget)
                widget.show()
            new.setStretchFactor(0, 2)
            new.setStretchFactor(1, 5)
            new.setStretchFactor(2, 2)
            new.setSizes([200, 500, 200])
        # The step strip needs every line of the window's height for its numbers: what was fed is on show above
        # already, and the step on show is named in the cell's tab
        for widget in self.hidden_in_focus:
            widget.setVisible(not focus)
        # the note of what was assumed too: in the focus layout its two lines were the step strip's last rows
        self.assumed.setVisible(not focus and bool(self.assumed.text()))
        self.stages.addWidget(new)
        self.stages.setCurrentWidget(new)
        if focus:
            self.layout().activate()
            self.share_focus()
        if old is not None:
            self.stages.removeWidget(old)
            old.deleteLater()
            self.refresh()

    CELL_WIDTH_IN_NUMBERS = 55  # the focus layout's cell at most this many numbers' heights wide

    def share_focus(self) -> None:
        """The focus layout's cell two thirds of the width, as the stepper's focus layout gives its step strip, but
        never so wide that the strip plans a gated cell's eleven vectors on one row (ui/step_panel.py: strip_rows),
        each then narrower than two rows would make it; the head takes the rest."""
        room = self.pair.width() - self.pair.handleWidth()
        px = max(font_px(), style.MIN_LEGIBLE_PX)
        cell = min(room * 2 // 3, self.CELL_WIDTH_IN_NUMBERS * px)
        self.pair.setSizes([cell, room - cell])

    def set_cell_tab(self, text: str) -> None:
        """The focus layout's first tab names the step on show (the heading above the cell is hidden there)."""
        if self.focused:
            self.stages.currentWidget().setTabText(0, text)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.focused is not None:
            self.arrange()
            if self.focused:
                self.share_focus()

    def closeEvent(self, event) -> None:
        collection.release_window(self)
        event.accept()


class wait_cursor:
    def __enter__(self):
        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.WaitCursor)

    def __exit__(self, *exc):
        QtWidgets.QApplication.restoreOverrideCursor()


opened: list = []  # the example windows opened from the stepper's menu: Python would free, and close, them


def open_beside(make) -> StagesWindow:
    """An example's window from the stepper's File menu, made by `make()` (which loads the example), shown beside
    the stepper's."""
    from .app import default_size

    with wait_cursor():
        window = make()
    # Deleted once closed: its slots are lambdas over it, held by Qt's connections, a cycle Python's collector cannot
    # see; each example opened and closed kept ~13 MiB alive until the program ended.
    window.setAttribute(QtCore.Qt.WA_DeleteOnClose)
    window.resize(*default_size(QtWidgets.QApplication.instance()))
    opened[:] = [w for w in opened if shiboken6.isValid(w) and w.isVisible()] + [window]  # closed ones go
    window.show()
    return window


def open_stages_window(make, size=None, lang: str | None = None, font_scale: float | None = None):
    """The application, its identity and language set as ui/app.py's open_window sets them, and the window `make()`
    builds, shown."""
    import os

    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from . import i18n
    from .app import default_size, set_identity
    from .main_window import MainWindow
    from .settings import setting

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0]])
    app.setOrganizationName("RNN Stepper")
    app.setApplicationName("rnn-stepper")
    set_identity(app)
    i18n.install(lang or setting("language") or i18n.system_language())
    MainWindow.font_scale_for_this_run = font_scale
    window = make()
    window.resize(*(size or default_size(app)))
    window.show()
    return app, window


def run_stages_window(make, screenshot: str | None = None, size=None, lang: str | None = None,
                      presenting: bool = False, font_scale: float | None = None) -> int:
    """The window `make()` builds, until it is closed; or with `screenshot` its picture, and no screen needed."""
    from .app import display_problem, headless, save_screenshot

    if screenshot:
        headless()
        _, window = open_stages_window(make, size, lang, font_scale)
        return save_screenshot(window, screenshot)
    problem = display_problem()
    if problem is not None:
        print(f"rnn-stepper: error: no window can be opened: {problem}; --screenshot FILE needs no display",
              file=sys.stderr)
        return 2
    app, window = open_stages_window(make, size, lang, font_scale)
    if presenting:
        window.showFullScreen()
    return app.exec()
