"""A place in a layout for a label whose text changes at every step, without relaying out the window.

Qt relays out a whole window at each setText of a label whose size is not fixed (QWidget::updateGeometry asks the
parent's layout again), and a relayout repaints every view in the window: measured at H = 256, about 10 ms of a
40-ms step. Inside a SteadyText the label is placed by hand, so its changes reach this widget alone; the window's
layout sees this widget, whose height changes only when a text needs more lines than it has, or on a resize."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets


class SteadyText(QtWidgets.QWidget):
    """Holds `label` and takes its place in a layout. The label is used as before (setText, setFont,
    setFixedHeight, setMinimumHeight, setVisible): this widget follows its size constraints and visibility. Between
    resizes its height only grows, to the height the label's text needs at this width."""

    def __init__(self, label: QtWidgets.QLabel, parent=None):
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy().horizontalPolicy(), QtWidgets.QSizePolicy.Fixed)
        self.setVisible(not label.isHidden())
        self._height = 0  # the tallest the label's texts have needed since the last resize
        label.installEventFilter(self)
        self.follow()

    def needed(self) -> int:
        """The height the label's text needs at this width: its lines when it wraps, else its one line."""
        label = self.label
        if not label.text():
            return 0
        if label.wordWrap():
            return label.heightForWidth(max(self.width(), 1))
        return label.sizeHint().height()

    def follow(self) -> None:
        """Take the label's height: fixed where it is fixed, else the tallest text since the last resize, within
        its minimum and maximum."""
        label = self.label
        low, high = label.minimumHeight(), label.maximumHeight()
        if low == high:  # fixed by its panel, which has measured it: measuring a rich text again costs ~0.2 ms
            height = low
        else:
            self._height = max(self._height, self.needed())
            height = min(max(self._height, low), high)
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)
        if label.geometry() != self.rect():
            # a hidden widget's resize arrives as one pending event at show, with the size it had then: a height
            # fixed after it would leave the label at its old height, 0 for a text set while hidden
            label.setGeometry(self.rect())
        width = label.minimumWidth()
        if width != self.minimumWidth():
            self.setMinimumWidth(width)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(self.label.sizeHint().width(), self.minimumHeight())

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(self.label.minimumWidth(), self.minimumHeight())

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind in (QtCore.QEvent.ShowToParent, QtCore.QEvent.HideToParent):
            self.setVisible(kind == QtCore.QEvent.ShowToParent)
        return False

    def event(self, event) -> bool:
        # The label's text, font or size constraints changed: its updateGeometry asks this widget, which has no
        # layout, rather than the window's.
        if event.type() == QtCore.QEvent.LayoutRequest:
            self.follow()
            return True
        return super().event(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())
        if event.size().width() != event.oldSize().width():
            self._height = 0  # a new width measures afresh: a wider one needs fewer lines
            self.follow()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.follow()  # its label may have changed while hidden, when no request reaches a hidden parent
