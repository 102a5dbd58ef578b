"""Starting the window: the QApplication, its names, and the screenshot mode lecturers make slides with.

The window paints first; torch loads and the first trace is computed on a worker thread after that (issue 5's
time to first frame), while the window says what is loading.
"""

from __future__ import annotations

import os
import sys


def open_window(session=None, steps: int = 0, size: tuple[int, int] | None = None, lang: str | None = None,
                presenting: bool = False, argv: list[str] | None = None, background: bool = True,
                restore: bool = True, caption: str | None = None):
    """The application and its shown window, on `session` (the notebook's when None).

    `background`: compute on a worker thread once the window has painted; otherwise before it shows (a
    screenshot needs the finished picture). `caption` titles the window until its session is saved."""
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6 import QtCore, QtWidgets

    from .. import i18n
    from ..model import StepperModel, run_now
    from .background import BackgroundRunner
    from .main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0], *(argv or [])])
    app.setOrganizationName("RNN Stepper")
    app.setApplicationName("rnn-stepper")
    # --lang, else the language chosen in the menu last time, else the system's; before any widget exists.
    i18n.install(lang or QtCore.QSettings().value("language", "") or i18n.system_language())
    runner = BackgroundRunner(held=True, parent=app) if background else run_now
    model = StepperModel(session, runner=runner)
    window = MainWindow(model, presenting=presenting, caption=caption)
    window.resize(*(size or (1280, 720)))
    if restore:
        window.files.offer_restore()
    if steps:
        step_when_ready(model, steps)
    if presenting and background:
        window.showFullScreen()  # a screenshot keeps --size: the slide's size
    else:
        window.show()
    if background:
        release_after_first_paint(window, runner)
    return app, window


def step_when_ready(model, steps: int) -> None:
    """--steps N: step once the trace exists (at once, unless it is still being computed)."""
    def step():
        if model.trace is None:
            return
        model.events.trace.disconnect(step)
        for _ in range(min(steps, model.seq_len)):  # past the sequence's end a step does nothing
            model.step()

    model.events.trace.connect(step)
    step()


def release_after_first_paint(window, runner) -> None:
    """Start the queued computation once the window is on screen; loading torch holds the interpreter for
    seconds, and the first frame should not wait for it. A window that never paints (minimised) starts anyway."""
    from PySide6 import QtCore

    class FirstPaint(QtCore.QObject):
        def eventFilter(self, obj, event):
            if event.type() == QtCore.QEvent.Paint:
                obj.removeEventFilter(self)
                QtCore.QTimer.singleShot(0, runner.release)  # after this paint has finished
            return False

    watcher = FirstPaint(window)
    window.centralWidget().installEventFilter(watcher)
    QtCore.QTimer.singleShot(1000, runner.release)


def run_window(session=None, steps: int = 0, screenshot: str | None = None, size: tuple[int, int] | None = None,
               lang: str | None = None, presenting: bool = False, argv: list[str] | None = None) -> int:
    if screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a slide needs no screen
    if screenshot:  # no dialogs, no restore: a slide is made unattended
        _, window = open_window(session, steps, size, lang, presenting, argv, background=False, restore=False)
        return save_screenshot(window, screenshot)
    from .crash import CrashGuard

    guard = CrashGuard().install()  # first: an error while restoring an autosave is explained like any other
    try:
        try:
            app, window = open_window(session, steps, size, lang, presenting, argv)
        except Exception:
            guard.handle(*sys.exc_info())  # logged and explained, never a traceback
            return 1
        return app.exec()
    finally:
        guard.uninstall()


def save_screenshot(window, path: str) -> int:
    from ..core.errors import InputError
    from .exports import render_window

    try:
        render_window(window, path)
    except InputError as exc:
        print(f"rnn-stepper: error: {exc}", file=sys.stderr)
        return 2
    return 0
