"""What the backward pass's pages share: their parts in one column, and a way to ask to be brought up. The pages
are drawn by BackwardPanel, which follows the models; a page keeps nothing but its widgets.

Their texts are translated in the context they were written in, BackwardPanel's (resources/translations): a page
writes `translate("BackwardPanel", …)` where a widget of its own would write `self.tr(…)`."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

translate = QtCore.QCoreApplication.translate


class BackwardPage(QtWidgets.QWidget):
    """One page of what the whole walk shows. `wanted`: something on the page has just changed for the class to
    see (the walk's end, a connectivity asked for, a training run), and its container brings it up."""

    wanted = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.column = QtWidgets.QVBoxLayout(self)
        self.column.setContentsMargins(2, 2, 2, 2)

    def add(self, *parts: QtWidgets.QWidget | QtWidgets.QLayout) -> None:
        """Top to bottom: a label takes the height of its lines, a plot or a heatmap the rest."""
        for part in parts:
            if isinstance(part, QtWidgets.QLayout):
                self.column.addLayout(part)
            else:
                self.column.addWidget(part, 0 if isinstance(part, QtWidgets.QLabel) else 1)
