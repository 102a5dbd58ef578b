"""A page of a tab or stacked widget whose content is built the first time it shows, or is asked for: a window is
ready sooner by what a page nobody has opened yet costs to build (issue 30: the backward pass, 0.14–0.16 s of the
window's views, is on show only once the reader asks for it)."""

from __future__ import annotations

from typing import Callable

from PySide6 import QtWidgets


class LazyPage(QtWidgets.QWidget):
    """Holds the widget `build()` returns, edge to edge, once it is wanted: when the page shows (a key, a tab or a
    button brought it up) or when `content()` is called. Until then it is an empty page that costs nothing."""

    def __init__(self, build: Callable[[], QtWidgets.QWidget], parent=None):
        super().__init__(parent)
        self._build = build
        self._content: QtWidgets.QWidget | None = None
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._content is not None

    def content(self) -> QtWidgets.QWidget:
        """The page's widget, built now if it has not been."""
        if self._content is None:
            self._content = self._build()
            self.layout().addWidget(self._content)
            if self.isVisible():
                # Shown and laid out now, not when Qt is next idle (a layout shows a new child then): the page's
                # first paint, and a key pressed at once, find it in place
                self._content.show()
                self.layout().activate()
        return self._content

    def showEvent(self, event) -> None:
        # Qt has shown this page's children before its show event: the content built here is shown by content()
        self.content()
        super().showEvent(event)
