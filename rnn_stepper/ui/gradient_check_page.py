"""The backward pass's Check page: every gradient by hand beside what loss.backward() leaves in .grad, as the
forward's comparison sets the hand's numbers beside nn.RNN's."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ..backprop import Backprop
from .backward_page import BackwardPage, translate


class GradientCheckPage(BackwardPage):
    def __init__(self, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.backprop = backprop
        self.check_table = QtWidgets.QTableWidget(0, 4)
        self.check_table.setHorizontalHeaderLabels([translate("BackwardPanel", "gradient"),
                                                    translate("BackwardPanel", "by hand = autograd"),
                                                    translate("BackwardPanel", "max |Δ|"),
                                                    translate("BackwardPanel", "ulps")])
        self.check_table.verticalHeader().hide()
        self.check_table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.check_table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        self.check_table.horizontalHeader().setStretchLastSection(True)
        self.add(self.check_table)

    def draw(self) -> None:
        """One row per gradient: the parameters' (∂L/∂weight_hh_l0 …), ∂L/∂x and ∂L/∂h0."""
        backward = self.backprop.backward
        rows = backward.comparison() if backward is not None else []
        self.check_table.setRowCount(len(rows))
        for r, (name, shape, same, difference, ulps) in enumerate(rows):
            name = {"input": "x"}.get(name, name)
            cells = (f"∂L/∂{name} {'×'.join(map(str, shape))}",
                     translate("BackwardPanel", "bitwise ✓") if same else
                     translate("BackwardPanel", "no: ±0") if ulps == 0 else translate("BackwardPanel", "no"),
                     f"{difference:.3g}", f"{ulps:g}")
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
                self.check_table.setItem(r, c, item)
