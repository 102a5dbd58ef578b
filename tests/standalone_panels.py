"""The comparison and sequence panels, and the step panel, on a model of their own, without a window, for tests of
what they draw.

The model's callbacks hold the panels, and the panels the model: left to the garbage collector, they were freed at
a moment of its choosing, amid a later test's paint (a crash in ImageItem.paint). `release()` takes them off their
model's events and deletes them; the tests call it after each test (an autouse fixture)."""

from __future__ import annotations

from PySide6 import QtCore

from rnn_stepper.ui.comparison_panel import ComparisonPanel
from rnn_stepper.ui.sequence_panel import SequencePanel
from rnn_stepper.ui.step_panel import StepPanel

_made: list = []


def panels(qtbot, model, size=(700, 500)):
    comparison, sequence = ComparisonPanel(model), SequencePanel(model)
    _made.append((model, (comparison, sequence)))
    for panel in (comparison, sequence):
        qtbot.addWidget(panel)
        panel.resize(*size)
        panel.show()
    qtbot.waitExposed(comparison)
    return comparison, sequence


def step_panel(qtbot, model, size=(1400, 600)) -> StepPanel:
    """The step panel alone, wide enough for a strip of seven vectors with their numbers."""
    panel = StepPanel(model)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def release() -> None:
    while _made:
        model, owners = _made.pop()
        model.unsubscribe(owners)
        for panel in owners:
            panel.close()
            panel.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.DeferredDelete)
