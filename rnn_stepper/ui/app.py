"""Starting the window: the QApplication, its names, and the screenshot mode lecturers make slides with."""

from __future__ import annotations

import os
import sys


def run_window(session=None, steps: int = 0, screenshot: str | None = None, size: tuple[int, int] | None = None,
               lang: str | None = None, presenting: bool = False, argv: list[str] | None = None) -> int:
    if screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a slide needs no screen
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6 import QtCore, QtWidgets

    from .. import i18n
    from ..model import StepperModel
    from .main_window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0], *(argv or [])])
    app.setOrganizationName("RNN Stepper")
    app.setApplicationName("rnn-stepper")
    # --lang, else the language chosen in the menu last time, else the system's; before any widget exists.
    i18n.install(lang or QtCore.QSettings().value("language", "") or i18n.system_language())
    window = MainWindow(StepperModel(session), presenting=presenting)
    window.resize(*(size or (1280, 720)))
    if not screenshot:
        window.files.offer_restore()
    for _ in range(steps):
        window.model.step()
    if presenting and not screenshot:
        window.showFullScreen()  # a screenshot keeps --size: the slide's size
    else:
        window.show()
    if screenshot:
        return save_screenshot(window, screenshot)
    from .crash import CrashGuard

    guard = CrashGuard(app).install()
    try:
        return app.exec()
    finally:
        guard.uninstall()


def save_screenshot(window, path: str) -> int:
    from .exports import render_window

    if not render_window(window, path):
        print(f"rnn-stepper: error: {path}: could not write the screenshot (is the folder there and writable, "
              "and does the name end in .png?)", file=sys.stderr)
        return 2
    return 0
