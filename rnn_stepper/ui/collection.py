"""While a window is open, Python's cyclic garbage collector runs from Qt's event loop, and from nowhere else.

Left alone, the collector starts at whichever allocation crosses its threshold, and inside a Qt call that can be
one that holds a lock of Qt's own: Qt calls back into Python there (PySide's checks for Python overrides of C++
virtuals, the wrapping of a list of widgets for Python). When such a collection frees an object that receives a
signal, PySide disconnects it, QObject::disconnect takes the lock the thread already holds, and the program waits
for itself forever. A suite run hung that way in tests/test_show.py (gdb: gc_collect_main → handle_weakrefs →
libpyside6 → QObject::disconnect → QBasicMutex::lockInternal); when the object freed is a Qt widget still in use,
the program crashes instead (issue 25's topLevelWidgets). A timer's turn of the event loop runs inside no Qt call,
so the collections made there are safe. pyqtgraph ships the same remedy (pyqtgraph.util.garbage_collector) for the
same reason, as does calibre.

In a notebook the collector is the user's: it is held off only while a window of ours is open, and given back as
it was when the last one closes."""

from __future__ import annotations

import gc

from PySide6 import QtCore, QtWidgets

from ..core import collector

INTERVAL_MS = 200  # short enough that garbage never piles up for long, long enough to cost nothing when idle

_windows: set[int] = set()
_timer: QtCore.QTimer | None = None
_collecting: list[bool] = []  # set while a collection runs from the timer: tests tell those from any other


def hold_while_open(window) -> None:
    """From now until `window` closes for good or is deleted, collect from the event loop only. Called before
    Qt builds any of the window: building it is where Qt calls back into Python most."""
    global _timer
    key = id(window)
    if key in _windows:
        return
    if not _windows:
        collector.hold("window")
        if _timer is None:
            _timer = QtCore.QTimer(QtWidgets.QApplication.instance())
            _timer.setInterval(INTERVAL_MS)
            _timer.timeout.connect(collect_due)
        _timer.start()
    _windows.add(key)


def release_when_deleted(window: QtWidgets.QWidget) -> None:
    """A window deleted without closing (a Qt program's deleteLater) gives its hold back too."""
    key = id(window)
    window.destroyed.connect(lambda *_: _release(key))


def holding() -> bool:
    """A window is open: no automatic collection, the event loop's only."""
    return bool(_windows)


def _release(key: int) -> None:
    """The window `key` (its id) is gone: the last one gives the collector back as it was found."""
    if key not in _windows:
        return
    _windows.discard(key)
    if not _windows:
        if _timer is not None:
            _timer.stop()
        collector.release("window")


def release_window(window) -> None:
    """`window` closed for good: its hold ends (a second release of the same window does nothing)."""
    _release(id(window))


def collect_due() -> int:
    """What the automatic collector would have collected since the last turn, by its own thresholds: the youngest
    generation once it has grown past its threshold, and an older one once enough young collections have run. Not
    while a background computation runs: it makes no cycles (core/collector.py), and it would only be walked."""
    if collector.work_in_progress():
        return 0
    (t0, t1, t2), (c0, c1, c2) = gc.get_threshold(), gc.get_count()
    if c0 <= t0:
        return 0
    generation = 2 if (c1 > t1 and c2 > t2) else 1 if c1 > t1 else 0
    _collecting.append(True)
    try:
        return gc.collect(generation)
    finally:
        _collecting.pop()


def from_the_event_loop() -> bool:
    """A collection under way was started by `collect_due` (for gc.callbacks that check where collections start)."""
    return bool(_collecting)
