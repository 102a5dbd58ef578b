"""The last line of defence: an unexpected error is logged, explained in a dialog, and the window carries on.

Every edit builds a new Session before the model switches to it, so an error part-way leaves the open session as
it was; the dialog says so, and File > Save still works."""

from __future__ import annotations

import datetime
import sys
import traceback
from pathlib import Path

from PySide6 import QtCore, QtWidgets


def log_path() -> Path:
    folder = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.AppDataLocation)
    return Path(folder or Path.home() / ".rnn-stepper") / "errors.log"


class CrashGuard(QtCore.QObject):
    """Installed as sys.excepthook while the window runs (Qt calls it for errors raised in slots)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.previous = sys.excepthook
        self.shown: list[str] = []

    def install(self) -> "CrashGuard":
        sys.excepthook = self.handle
        return self

    def uninstall(self) -> None:
        sys.excepthook = self.previous

    def handle(self, kind, error, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self.previous(kind, error, tb)
            return
        details = "".join(traceback.format_exception(kind, error, tb))
        path = log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(f"--- {datetime.datetime.now().isoformat(timespec='seconds')}\n{details}\n")
            where = self.tr("The details are in {0}.").format(path)
        except OSError:
            where = self.tr("The details could not be written to a log file.")
        text = self.tr("Something unexpected went wrong: {0}: {1}\n\nThe session you were working on was kept, and "
                       "you can go on or save it. {2}").format(kind.__name__, error, where)
        self.shown.append(text)
        if QtWidgets.QApplication.instance() is None:  # it failed before there was a window to show a dialog
            print(text.replace("\n\n", " "), file=sys.stderr)
            return
        QtWidgets.QMessageBox.critical(None, self.tr("Unexpected error"), text)
