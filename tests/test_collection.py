"""While a window is open, Python's cyclic collector runs from the event loop only (ui/collection.py): a collection
started inside a Qt call that holds one of Qt's locks hung the suite in test_show.py, and one that freed a widget in
use crashed it (issue 25)."""

import gc
import weakref

import pytest
from PySide6 import QtCore, QtWidgets

from rnn_stepper.core import collector
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import collection
from rnn_stepper.ui.background import BackgroundRunner
from rnn_stepper.ui.main_window import MainWindow


class Cycle:
    """Garbage only the cyclic collector frees."""

    def __init__(self):
        self.me = self


@pytest.fixture
def collections_started():
    """Each collection that starts, and whether the event loop's collector started it."""
    started = []

    def note(phase, info):
        if phase == "start" and collection.holding():
            started.append(collection.from_the_event_loop())

    gc.callbacks.append(note)
    yield started
    gc.callbacks.remove(note)


@pytest.fixture
def eager_collector():
    """A collector that would start at every allocation, were it on: wherever one may start, one would."""
    thresholds = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    yield
    gc.set_threshold(*thresholds)


def window_open(qtbot, model=None) -> MainWindow:
    window = MainWindow(model or StepperModel())
    qtbot.addWidget(window)
    window.show()
    return window


def test_while_a_window_is_used_every_collection_starts_from_its_event_loop(qtbot, collections_started,
                                                                           eager_collector):
    enabled_before = gc.isenabled()
    window = window_open(qtbot)
    for _ in range(3):
        window.model.step()
    window.model.back()
    window.show_backward()
    window = window.set_language("ko")  # a rebuild: a new window made, the old one closed
    qtbot.addWidget(window)
    QtWidgets.QApplication.topLevelWidgets()  # wrapping Qt's list allocates, inside Qt's call
    garbage = Cycle()
    freed = weakref.ref(garbage)
    del garbage
    qtbot.waitUntil(lambda: freed() is None, timeout=5 * collection.INTERVAL_MS)  # the loop still collects
    assert collections_started and all(collections_started), collections_started
    window.close()
    assert gc.isenabled() == enabled_before  # the last window closed gives the collector back as it was


def test_a_window_deleted_without_closing_gives_the_collector_back(qtbot):
    enabled_before = gc.isenabled()
    window = MainWindow(StepperModel())
    assert not gc.isenabled()
    window.deleteLater()  # as a Qt program deletes a window it was given
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)
    assert gc.isenabled() == enabled_before


def test_a_computation_on_a_worker_does_not_give_the_collector_back_while_a_window_is_open(qtbot):
    enabled_before = gc.isenabled()
    runner = BackgroundRunner()
    window = window_open(qtbot, StepperModel(runner=runner))
    finished = []
    runner(lambda progress: gc.isenabled(), finished.append, lambda done, total: None)
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    assert finished == [False] and not gc.isenabled()  # paused on the worker, still held off after it
    window.close()
    assert gc.isenabled() == enabled_before


def test_holds_from_several_places_give_the_collector_back_only_when_the_last_ends():
    enabled_before = gc.isenabled()
    collector.hold("window")
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled() and collector.work_in_progress()
        assert not gc.isenabled()
    assert not gc.isenabled() and not collector.work_in_progress()  # the window's hold is still on
    collector.release("window")
    assert gc.isenabled() == enabled_before
