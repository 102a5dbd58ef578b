"""What the file a model came from did not record, and the window had to assume (a relu nn.RNN's nonlinearity, the
layout of its input, a classifier's head activations): one line above the views, each assumption with the flag
that changes it, so a model read wrongly is never shown as "bitwise identical" without a word."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets


class AssumptionNote(QtWidgets.QLabel):
    """Its container hides it when nothing was assumed (`say` returns whether anything was)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.setStyleSheet("color: #7a4a00; background: #fff4dc; padding: 2px 6px")
        self.setSizePolicy(QtWidgets.QSizePolicy.Expanding, QtWidgets.QSizePolicy.Fixed)

    def say(self, assumed) -> bool:
        assumed = list(assumed)
        self.setText(self.tr("Assumed, not recorded in the file: {0}").format("; ".join(assumed)) if assumed else "")
        return bool(assumed)

    # A tool bar (the stepper window's place for it) asks for a size, not for a height at a width: the height its
    # wrapped lines need at the width it has, asked again when that width changes.
    def sizeHint(self) -> QtCore.QSize:
        width = max(self.width(), 200)
        return QtCore.QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(100, self.sizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()
