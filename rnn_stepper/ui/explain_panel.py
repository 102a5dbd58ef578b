"""Where one number comes from: the breakdown of the element the model has selected (issue 12).

A view of `model.selected`: it shows in place of the step panel's equation while a selection is open, and writes
out the element's arithmetic with the session's numbers, as core/explain composes it (its sentences translated
here, context "Explain"). It keeps nothing: each refresh asks the core for the breakdown of what the model holds.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ..core.explain import explain
from ..model import StepperModel
from . import style

CONTEXT = "Explain"  # core/explain's sentences are marked for translation in this context


def breakdown_of(model: StepperModel):
    """The core's Breakdown of the model's selected element, or None when nothing is selected. The one place the
    window asks for it: the panel writes it, and the step strip and the weights light up what it reads."""
    if model.selected is None or model.trace is None:
        return None
    return explain(model.trace, *model.selected)


def say(text: str) -> str:
    return QtCore.QCoreApplication.translate(CONTEXT, text)


class ExplainPanel(QtWidgets.QWidget):
    """The selected element's computation: every product, the exact sum, its correct rounding, the value the GEMM
    returned and the distance in ulps; or an elementwise phase's formula with its numbers. Copy as text (Ctrl+C)
    or as LaTeX; × or Esc closes it."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.title = QtWidgets.QLabel()
        self.title.setStyleSheet("font-weight: bold")
        self.title.setWordWrap(True)
        self.copy_text = QtWidgets.QPushButton(self.tr("Copy"))
        self.copy_text.setToolTip(self.tr("Copy this breakdown as text (Ctrl+C)"))
        self.copy_text.clicked.connect(self.copy_as_text)
        self.copy_latex = QtWidgets.QPushButton(self.tr("LaTeX"))
        self.copy_latex.setToolTip(self.tr("Copy this breakdown as a LaTeX aligned block"))
        self.copy_latex.clicked.connect(self.copy_as_latex)
        self.close_button = QtWidgets.QPushButton("×")
        self.close_button.setToolTip(self.tr("Close the breakdown and show the equation again (Esc)"))
        self.close_button.clicked.connect(model.clear_selection)
        head = QtWidgets.QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        for button in (self.copy_text, self.copy_latex, self.close_button):
            button.setSizePolicy(QtWidgets.QSizePolicy.Fixed, QtWidgets.QSizePolicy.Fixed)
            head.addWidget(button)
        self.body = QtWidgets.QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setLineWrapMode(QtWidgets.QPlainTextEdit.WidgetWidth)
        self.body.setFrameShape(QtWidgets.QFrame.NoFrame)
        self.body.installEventFilter(self)
        self.set_font_px(max(QtGui.QFontInfo(QtWidgets.QApplication.font()).pixelSize(), style.MIN_LEGIBLE_PX))
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.body, 1)
        copy = QtGui.QShortcut(QtGui.QKeySequence.Copy, self, self.copy_as_text)
        copy.setContext(QtCore.Qt.WindowShortcut)  # with a strip cell focused after its click, too
        self.setVisible(False)
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        # a new trace with an element open: an edited weight, the same element with new numbers
        if not ("selected" in what or "trace" in what and self.model.selected is not None):
            return False
        self.refresh()
        return True

    def set_font_px(self, px: int) -> None:
        """The body in the equation's monospace font, at the interface's size and no less than the legible one in
        presentation (style.MIN_LEGIBLE_PX): not the equation's prominent size, at which its terms would wrap."""
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont)
        mono.setPixelSize(px)
        self.body.setFont(mono)

    def lines(self) -> list[str]:
        """The breakdown's lines in the interface's language; [] with nothing selected."""
        breakdown = breakdown_of(self.model)
        return [] if breakdown is None else breakdown.lines(say)

    def text(self) -> str:
        return "\n".join(self.lines())

    def refresh(self) -> None:
        breakdown = breakdown_of(self.model)
        self.setVisible(breakdown is not None)
        if breakdown is None:
            self.body.setPlainText("")
            return
        layer, direction, t, batch, phase, unit = self.model.selected
        # the verdict in the title, where it shows without scrolling through a long row's terms
        verdict = (self.tr("{0} ulp from the exact sum") if breakdown.is_product else
                   self.tr("{0} ulp from float64")).format(f"{breakdown.ulps:g}")
        self.title.setText(self.tr("Where {0} comes from: {1}").format(breakdown.symbol, verdict))
        self.title.setToolTip(self.tr("layer {0}, {1}, batch row {2}").format(
            layer, self.tr("reverse") if direction else self.tr("forward"), batch))
        text = "\n".join(breakdown.lines(say))
        if text != self.body.toPlainText():
            self.body.setPlainText(text)

    def copy_as_text(self) -> None:
        if self.model.selected is not None:
            QtWidgets.QApplication.clipboard().setText(self.text())

    def copy_as_latex(self) -> None:
        breakdown = breakdown_of(self.model)
        if breakdown is not None:
            QtWidgets.QApplication.clipboard().setText(breakdown.latex())

    def eventFilter(self, obj, event):
        # Ctrl+C in the text copies what is selected there, else the whole breakdown.
        if (obj is self.body and event.type() in (QtCore.QEvent.ShortcutOverride, QtCore.QEvent.KeyPress)
                and event.matches(QtGui.QKeySequence.Copy) and not self.body.textCursor().hasSelection()):
            if event.type() == QtCore.QEvent.KeyPress:
                self.copy_as_text()
            event.accept()
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if event.key() == QtCore.Qt.Key_Escape:
            self.model.clear_selection()
            return
        super().keyPressEvent(event)
