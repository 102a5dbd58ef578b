"""A label whose text changes at every step (the step panel's heading and equation, the status line) sits in a
SteadyText: a new text of the same height moves nothing else in the window, a longer one gets its lines, and
the label's own size constraints and visibility still hold."""

from PySide6 import QtCore, QtWidgets

import legibility
from rnn_stepper.ui.steady import SteadyText


class Neighbour(QtWidgets.QWidget):
    """A widget beside the label that counts how often the layout moves it."""

    def __init__(self):
        super().__init__()
        self.moves = 0

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.moves += 1

    def sizeHint(self):
        return QtCore.QSize(300, 200)


def page(qtbot):
    window = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(window)
    label = QtWidgets.QLabel("t = 0")
    label.setWordWrap(True)
    neighbour = Neighbour()
    layout.addWidget(SteadyText(label))
    layout.addWidget(neighbour, 1)
    qtbot.addWidget(window)
    window.resize(300, 400)
    window.show()
    qtbot.waitExposed(window)
    legibility.settle(window)  # the first layout done: the tests count the relayouts that come after it
    return window, label, neighbour


def relayouts(qtbot, window):
    requests = []

    class Spy(QtCore.QObject):
        def eventFilter(self, watched, event):
            if watched is window and event.type() == QtCore.QEvent.LayoutRequest:
                requests.append(1)
            return False

    spy = Spy()
    window.installEventFilter(spy)
    return requests, spy


def test_a_new_text_of_the_same_height_relays_out_nothing(qtbot):
    window, label, neighbour = page(qtbot)
    requests, _spy = relayouts(qtbot, window)
    moves = neighbour.moves
    for t in range(1, 20):
        label.setText(f"t = {t}")
        QtWidgets.QApplication.processEvents()
    assert requests == [] and neighbour.moves == moves
    assert label.text() == "t = 19" and label.geometry() == label.parentWidget().rect()


def test_a_text_that_needs_more_lines_gets_them_and_keeps_them_until_a_resize(qtbot):
    window, label, neighbour = page(qtbot)
    one_line = label.parentWidget().height()
    label.setText("a sentence long enough to wrap onto several lines in a label three hundred pixels wide, "
                  "and then some more words to be sure of it")
    qtbot.waitUntil(lambda: label.parentWidget().height() >= label.heightForWidth(label.width()) > one_line)
    tall = label.parentWidget().height()
    label.setText("short")  # between resizes the room only grows: the window does not jump at every step
    QtWidgets.QApplication.processEvents()
    assert label.parentWidget().height() == tall
    window.resize(320, 400)  # a resize measures afresh
    qtbot.waitUntil(lambda: label.parentWidget().height() == label.heightForWidth(label.width()))
    assert label.parentWidget().height() < tall


def test_the_labels_fixed_height_and_visibility_are_its_rooms(qtbot):
    window, label, neighbour = page(qtbot)
    room = label.parentWidget()
    label.setFixedHeight(57)
    qtbot.waitUntil(lambda: room.height() == 57)
    label.setVisible(False)
    assert not room.isVisible()
    label.setVisible(True)
    assert room.isVisible() and label.isVisible()
