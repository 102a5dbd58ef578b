"""Readable from the back row (issue 13): at every projector and laptop size, every font scale and in both
languages, no text is cut or drawn over another, and in presentation mode the numbers are big enough to read
from the back of the hall. tests/legibility.py walks the window's widgets and pyqtgraph items to measure it."""

import numpy as np
import pytest
from PySide6 import QtCore

import legibility
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import i18n
from rnn_stepper.ui.font_scales import FONT_SCALES
from rnn_stepper.ui.main_window import MainWindow

SIZES = ((1024, 768), (1280, 720), (1920, 1080), (3840, 2160))
LOOKS = [("normal", 1.0)] + [("presentation", scale) for scale in FONT_SCALES]


def open_window(qtbot, model, size, look, lang):
    mode, scale = look
    i18n.install(lang)
    QtCore.QSettings().setValue("font_scale", scale)
    window = MainWindow(model, presenting=mode == "presentation")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def pages(window):
    """Each arrangement of the window a reader can reach: the layout itself, and in a focus layout each panel it
    keeps behind a tab or key."""
    yield "as opened"
    for page in getattr(window, "focus_pages", lambda: ())():
        window.show_focus_page(page)
        yield page
    if window.passes is not None:  # the full layout's second page: the backward pass
        window.show_page(window.BACKWARD_KEY)
        yield "backward"
        window.show_page(0)


def minimums_for(size, look):
    return legibility.PRESENTATION_MINIMUM_PX if look[0] == "presentation" and size >= (1280, 720) else None


def measure(qtbot, window, size, look) -> list[str]:
    minimums = minimums_for(size, look)
    found = []
    for page in pages(window):
        legibility.settle(window)
        found += [f"[{page}] {problem}" for problem in legibility.problems(window, minimums)]
    return found


def close(window) -> None:
    while window.replaced_by is not None:
        window = window.replaced_by
    if window.presenting:
        window = window.rebuild(presenting=False)  # the normal fonts and look for the tests after this one
    window.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("look", LOOKS, ids=[f"{mode}-{scale:g}x" for mode, scale in LOOKS])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_notebook_session_is_legible_at_every_size_scale_and_language(qtbot, size, look, lang):
    model = StepperModel()
    window = open_window(qtbot, model, size, look, lang)
    model.step()
    model.step_phase()  # mid-step: the strip shows computed numbers beside blank ones
    problems = measure(qtbot, window, size, look)
    close(window)
    assert not problems, "\n".join(problems)


BIG = [(64, (1280, 720), ("presentation", 1.5)), (256, (1920, 1080), ("normal", 1.0)),
       (256, (1280, 720), ("presentation", 2.0)), (256, (1024, 768), ("normal", 1.0))]


@pytest.mark.parametrize("hidden, size, look", BIG, ids=[f"hidden{h}-{w}x{v}-{m}" for h, (w, v), (m, _) in BIG])
def test_a_real_sized_model_shows_the_first_and_last_entries_legibly(qtbot, hidden, size, look):
    config = RNNConfig(input_size=5, hidden_size=hidden)
    model = StepperModel(make_session(config, np.linspace(-1, 1, 40 * 5).reshape(40, 5), seed=0))
    window = open_window(qtbot, model, size, look, "en")
    for _ in range(3):
        model.step()
    problems = measure(qtbot, window, size, look)
    close(window)
    assert not problems, "\n".join(problems)


GATED = [(cell, look) for cell in ("gru", "lstm") for look in LOOKS[1:]]


@pytest.mark.parametrize("cell, look", GATED, ids=[f"{cell}-{m}-{s:g}x" for cell, (m, s) in GATED])
def test_a_gated_cell_at_1280_by_720_in_presentation_is_legible(qtbot, cell, look):
    # Seven or nine vectors share the strip's width here, and a stacked gate vector keeps both ends of every gate
    # block: its numbers reach 20 px (the heatmaps' minimum), not nn.RNN's 28. Nothing is cut or drawn over.
    model = StepperModel(make_session(RNNConfig(cell=cell)))
    window = open_window(qtbot, model, (1280, 720), look, "en")
    model.step()
    model.step_phase()
    minimums = legibility.PRESENTATION_MINIMUM_PX | {"strip number": legibility.PRESENTATION_MINIMUM_PX["heatmap number"]}
    found = []
    for page in pages(window):
        legibility.settle(window)
        found += [f"[{page}] {problem}" for problem in legibility.problems(window, minimums)]
    close(window)
    assert not found, "\n".join(found)


BACKWARD = [("notebook", (1280, 720), ("presentation", 1.5), "en"), ("notebook", (1280, 720), ("presentation", 2.0), "ko"),
            ("notebook", (1920, 1080), ("normal", 1.0), "ko"), ("notebook", (1024, 768), ("normal", 1.0), "en"),
            ("gradient-vanishing", (1280, 720), ("presentation", 1.5), "en"),
            ("gradient-vanishing", (1920, 1080), ("presentation", 1.5), "ko"),
            ("lstm-gradient-surviving", (1280, 720), ("presentation", 1.5), "en"),
            ("lstm-gradient-surviving", (1024, 768), ("presentation", 1.5), "ko")]


@pytest.mark.parametrize("example, size, look, lang", BACKWARD,
                         ids=[f"{e}-{w}x{h}-{m}-{s:g}x-{lang}" for e, (w, h), (m, s), lang in BACKWARD])
def test_the_backward_pass_is_legible_while_stepping_back_and_at_the_walks_end(qtbot, example, size, look, lang):
    from rnn_stepper.core.session_file import load_session
    from rnn_stepper.ui.session_files import example_sessions

    model = StepperModel(load_session(example_sessions()[example])[0])
    window = open_window(qtbot, model, size, look, lang)
    model.run_to_end()
    model.backprop.compute()
    window.show_backward()
    found = []
    for moves, where in ((6, "stepping back"), (model.backprop.end, "at the walk's end")):
        for _ in range(moves):
            model.backprop.step_back_phase()
        for story in range(window.backward.story.count()):
            window.backward.story.setCurrentIndex(story)
            if window.backward.story.widget(story) is window.backward.connectivity:
                window.backward.connectivity.show_connectivity()  # its map drawn, not the page's prompt alone
            legibility.settle(window)
            found += [f"[{where}, {window.backward.story.tabText(story)}] {problem}"
                      for problem in legibility.problems(window, minimums_for(size, look))]
    close(window)
    assert not found, "\n".join(found)


GATED_BACKWARD = [(cell, size, lang) for cell in ("gru", "lstm") for size, lang in (((1280, 720), "en"),
                                                                                   ((1024, 768), "ko"))]


@pytest.mark.parametrize("cell, size, lang", GATED_BACKWARD,
                         ids=[f"{cell}-{w}x{h}-{lang}" for cell, (w, h), lang in GATED_BACKWARD])
def test_a_gated_cells_walk_back_is_legible_in_presentation(qtbot, cell, size, lang):
    # Walking back gate by gate (issue 28): δh_t, an LSTM's δc_t, δ at each gate, ∂L/∂W_hh so far (on a page of
    # its own) and what flows to step t-1, at every phase of a step, on the pages a gated walk brings up
    model = StepperModel(make_session(RNNConfig(cell=cell, input_size=5, hidden_size=2)))
    look = ("presentation", 1.5)
    window = open_window(qtbot, model, size, look, lang)
    model.run_to_end()
    model.backprop.compute()
    window.show_backward()
    found = []
    for _ in range(2 * len(model.backprop.phases)):
        model.backprop.step_back_phase()
        for story in (window.backward.FORGETTING, window.backward.RECURRENT_WEIGHTS):
            window.backward.story.setCurrentIndex(story)
            legibility.settle(window)
            found += [f"[{model.backprop.phase}, {window.backward.story.tabText(story)}] {problem}"
                      for problem in legibility.problems(window, minimums_for(size, look))]
    close(window)
    assert not found, "\n".join(found)
