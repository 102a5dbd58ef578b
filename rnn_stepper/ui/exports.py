"""File > Export: the comparison plot, the trace, a slide, the equation as LaTeX and a Python snippet."""

from __future__ import annotations

import pyqtgraph.exporters
from PySide6 import QtCore, QtWidgets

from ..core.errors import InputError
from ..core.export import phase_latex, python_snippet, trace_to_csv, trace_to_json
from ..core.writing import write_atomically
from ..model import StepperModel

SLIDE_SIZES = ((1280, 720), (1920, 1080), (2560, 1440), (3840, 2160))


def png_bytes(image) -> bytes:
    """A QImage or QPixmap as PNG bytes, to be written by write_atomically like every other file."""
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the image could not be encoded as PNG")
    return bytes(buffer.data())


def render_window(window: QtWidgets.QWidget, path: str, size: tuple[int, int] | None = None) -> None:
    """The window drawn at `size` into a PNG: what `--screenshot` and File > Export > Slide both do. Raises
    InputError when the file cannot be written."""
    app = QtWidgets.QApplication.instance()
    before = window.size()
    if size:
        window.resize(*size)
    for _ in range(5):  # let layouts settle and pyqtgraph lay its items out at the final size
        app.processEvents()
    window.repaint()
    app.processEvents()
    image = window.grab()
    if size:
        window.resize(before)
    write_atomically(path, png_bytes(image))


class Exports(QtCore.QObject):
    def __init__(self, model: StepperModel, window):
        super().__init__(window)
        self.model = model
        self.window = window

    def plot(self, path: str) -> bool:
        """The comparison plot as PNG (pyqtgraph's ImageExporter), or as SVG when the name ends in .svg."""
        if path.lower().endswith(".svg"):
            return self._write(lambda: write_atomically(path, self._svg(self.window.comparison.values_plot)), path)
        exporter = pyqtgraph.exporters.ImageExporter(self.window.comparison.values_plot.getPlotItem())
        exporter.parameters()["width"] = 1600
        return self._write(lambda: write_atomically(path, png_bytes(exporter.export(toBytes=True))), path)

    @staticmethod
    def _svg(widget: QtWidgets.QWidget) -> bytes:
        # pyqtgraph 0.14's SVGExporter cannot parse the path data Qt 6.11 writes (pyqtgraph issue #3485), so the
        # plot is painted straight into Qt's own SVG generator: still vectors, lines and text.
        from PySide6 import QtGui, QtSvg

        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.WriteOnly)
        generator = QtSvg.QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(widget.size())
        generator.setViewBox(widget.rect())
        generator.setTitle("RNN Stepper: hidden state by hand and the torch module")
        painter = QtGui.QPainter()
        if not painter.begin(generator):
            raise OSError("the SVG could not be drawn")
        widget.render(painter)
        painter.end()
        return bytes(buffer.data())

    def trace(self, path: str) -> bool:
        """The trace in `trace --format json`'s schema, or CSV when the name ends in .csv."""
        text = trace_to_csv(self.model.trace) if path.lower().endswith(".csv") else trace_to_json(self.model.trace)
        return self._write(lambda: write_atomically(path, text.encode("utf-8")), path)

    def slide(self, path: str, size: tuple[int, int]) -> bool:
        return self._write(lambda: render_window(self.window, path, size), path)

    def snippet(self, path: str) -> bool:
        text = python_snippet(self.model.session)
        return self._write(lambda: write_atomically(path, text.encode("utf-8")), path)

    def latex(self) -> str:
        """The equation on show, with its numbers, as LaTeX; copied to the clipboard."""
        m = self.model
        if m.phase is None:
            self.model.events.message.emit(self.tr("Step first: there is no equation on show yet."))
            return ""
        text = phase_latex(m.cell, m.t, m.batch, m.phase, m.session.config, m.session.order)
        QtWidgets.QApplication.clipboard().setText(text)
        self.model.events.message.emit(self.tr("Copied the equation as LaTeX."))
        return text

    def _write(self, write, path: str) -> bool:
        try:
            write()
        except (OSError, RuntimeError, ValueError) as exc:  # InputError is a ValueError; its detail omits the path
            text = self.tr("Could not write {0}: {1}").format(path, exc.detail if isinstance(exc, InputError) else exc)
            self.model.events.message.emit(text)
            QtWidgets.QMessageBox.warning(self.window, self.tr("Export failed"), text)
            return False
        self.model.events.message.emit(self.tr("Exported {0}").format(path))
        return True

    # --- dialogs ------------------------------------------------------------------------------------------------

    def ask_path(self, title: str, name: str, filters: str) -> str:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, title, name, filters)
        return path

    def plot_dialog(self) -> None:
        path = self.ask_path(self.tr("Export the comparison plot"), "comparison.png", "PNG (*.png);;SVG (*.svg)")
        if path:
            self.plot(path)

    def trace_dialog(self) -> None:
        path = self.ask_path(self.tr("Export the trace"), "trace.json", "JSON (*.json);;CSV (*.csv)")
        if path:
            self.trace(path)

    def slide_dialog(self) -> None:
        sizes = [f"{w}×{h}" for w, h in SLIDE_SIZES]
        choice, ok = QtWidgets.QInputDialog.getItem(self.window, self.tr("Slide size"), self.tr("Size:"), sizes, 1,
                                                    False)
        if not ok:
            return
        path = self.ask_path(self.tr("Export a slide"), "slide.png", "PNG (*.png)")
        if path:
            self.slide(path, SLIDE_SIZES[sizes.index(choice)])

    def snippet_dialog(self) -> None:
        path = self.ask_path(self.tr("Export a Python snippet"), "rnn_session.py", self.tr("Python (*.py)"))
        if path:
            self.snippet(path)
