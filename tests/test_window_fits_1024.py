"""A projector of 1024 × 768 with presentation's largest font (issue 26): the window fits the screen. The backward
page's button row beside its story tabs set a 1,077-px minimum with --font-scale 2."""

import pytest
from PySide6 import QtCore

from rnn_stepper.model import StepperModel
from rnn_stepper.ui import i18n
from rnn_stepper.ui.main_window import MainWindow


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_with_font_scale_2_the_window_fits_1024_px(qtbot, lang):
    i18n.install(lang)
    QtCore.QSettings().setValue("font_scale", 2.0)
    window = MainWindow(StepperModel(), presenting=True)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    assert window.minimumSizeHint().width() <= 1024
    assert window.width() <= 1024
    normal = MainWindow(StepperModel(), presenting=False)  # the normal font and colours for the next test
    qtbot.addWidget(normal)
