"""Every number on the projector, for every cell (issue 26). The legibility tests measure the texts that are drawn;
a number that is not drawn at all went unseen there: an LSTM's gates coloured with no digits, an RNN's r_t blank at
1024 × 768. Here every value a view shows must be written on its cell, at presentation mode's legible minimum when
presenting, or left out around a visible ellipsis (the axes give the true indices of what stays); every vector of
the step strip is on show; the backward page shows its heading and its numbers; and a picture of the window is the
size asked for."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

import legibility
from rnn_stepper.core import RNNConfig, make_session
from rnn_stepper.model import StepperModel
from rnn_stepper.ui import i18n, style
from rnn_stepper.ui.exports import render_window
from rnn_stepper.ui.main_window import MainWindow

CELLS = ("rnn", "gru", "lstm")
SIZES = ((1280, 720), (1024, 768))
CASES = [(cell, size, lang, presenting) for cell in CELLS for size in SIZES for lang in ("en", "ko")
         for presenting in (True, False)]


def open_window(qtbot, model, size, lang, presenting):
    i18n.install(lang)
    QtCore.QSettings().setValue("font_scale", 1.5)
    window = MainWindow(model, presenting=presenting)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def unreadable(window, widget, least_px) -> list[str]:
    legibility.settle(window)
    return [problem for view in legibility.matrix_views(widget, window)
            for problem in legibility.unwritten_values(view, least_px)]


def picture_size(window, tmp_path, name) -> tuple[int, int]:
    path = str(tmp_path / f"{name}.png")
    render_window(window, path)
    image = QtGui.QImage(path)
    return image.width(), image.height()


@pytest.mark.parametrize("cell, size, lang, presenting", CASES,
                         ids=[f"{c}-{w}x{h}-{lang}-{'presenting' if p else 'window'}" for c, (w, h), lang, p in CASES])
def test_every_value_on_show_is_a_number_a_reader_can_read(qtbot, tmp_path, cell, size, lang, presenting):
    model = StepperModel(make_session(RNNConfig(cell=cell)))
    window = open_window(qtbot, model, size, lang, presenting)
    least = style.PRESENTATION_LEGIBLE_PX if presenting else 0
    try:
        for _ in range(model.seq_len):  # the whole forward pass: every vector of the strip computed
            model.step()
        found = unreadable(window, window.centralWidget(), least)
        strip = window.step_view
        found += [f"the strip's {name} is not on show" for name, view in strip.vectors.items()
                  if not legibility.shown(view, window)]
        if picture_size(window, tmp_path, "forward") != size:
            found.append(f"a picture of the forward page is {picture_size(window, tmp_path, 'forward')}, not {size}")

        window.show_backward()
        backward = window.backward
        if backward.walk.refusal() is None:  # a GRU's and an LSTM's walk back is not stepped yet: the page says so
            model.backprop.compute()
            for _ in range(6):  # a step and a half back: the walk's gradients on show
                model.backprop.step_back_phase()
        found += [f"[backward] {problem}" for problem in unreadable(window, backward, least)]
        if not (legibility.shown(backward.walk.heading, window) and backward.walk.heading.text()):
            found.append("[backward] its heading is not on show")
        if picture_size(window, tmp_path, "backward") != size:
            found.append(f"a picture of the backward page is {picture_size(window, tmp_path, 'backward')}, "
                         f"not {size}")
    finally:
        while window.replaced_by is not None:
            window = window.replaced_by
        if window.presenting:
            window = window.rebuild(presenting=False)
        window.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_picture_of_the_backward_page_opened_from_the_command_line_is_the_size_asked_for(qtbot, tmp_path, size):
    # As `--back 6 --presentation --size WxH --screenshot` opens it: the walk back set up before the window shows
    from rnn_stepper.ui.app import open_window as open_from_command_line

    _, window = open_from_command_line(size=size, presenting=True, background=False, restore=False, back=6,
                                       lang="en")
    qtbot.addWidget(window)
    try:
        found = [f"[backward] {problem}" for problem in unreadable(window, window.backward,
                                                                   style.PRESENTATION_LEGIBLE_PX)]
        if not (legibility.shown(window.backward.walk.heading, window) and window.backward.walk.heading.text()):
            found.append("[backward] its heading is not on show")
        if picture_size(window, tmp_path, "backward") != size:
            found.append(f"the picture is {picture_size(window, tmp_path, 'backward')}, not {size}")
    finally:
        window = window.rebuild(presenting=False) if window.presenting else window
        window.close()
    assert not found, "\n".join(found)


WIDE = [("gru", 300, (1280, 720)), ("lstm", 300, (1024, 768)), ("gru", 300, (1920, 1080)), ("rnn", 300, (1280, 720)),
        ("gru", 8, (1024, 768)), ("lstm", 8, (1024, 768))]


@pytest.mark.parametrize("cell, hidden, size", WIDE, ids=[f"{c}{n}-{w}x{h}" for c, n, (w, h) in WIDE])
def test_a_wide_vectors_equation_gives_way_to_the_strips_numbers_on_a_projector(qtbot, cell, hidden, size):
    # A GRU(300)'s h_t written out wraps to twelve lines at a projector's size: it took the whole step panel at
    # 1280 × 720 and the strip showed titles and no number. A GRU(8)'s, which numpy writes whole, took seventeen
    # lines at 1024 × 768 and did the same. The equation is written shorter until it fits.
    model = StepperModel(make_session(RNNConfig(cell=cell, hidden_size=hidden)))
    window = open_window(qtbot, model, size, "en", True)
    try:
        found = []
        for _ in range(model.seq_len * len(window.step_view.phases())):
            model.step_phase()
            legibility.settle(window)
            strip = window.step_view
            phase = strip.equation_phase()
            for name, view in strip.vectors.items():
                if not legibility.shown(view, window):
                    continue
                written = [text for _, text, _ in view.number_boxes() if text.strip()]
                if np.isfinite(view.values()).any() and len(written) < 2:
                    found.append(f"t={model.t} {phase.name}: the strip's {name} writes {len(written)} numbers")
            equation = strip.equation
            lines = equation.text().split("\n")
            written_in_full = strip.equation_text(phase).split("\n")
            if equation.height() < equation.heightForWidth(equation.width()):
                found.append(f"t={model.t} {phase.name}: the equation is cut ({equation.height()} px of "
                             f"{equation.heightForWidth(equation.width())})")
            # What is left out is the middle of each vector, then the line of numbers; never the equation's first
            # line or its result, the last, which is what the strip's framed vector holds.
            result = np.asarray(strip.shown()[phase.name])
            summaries = [style.vector_text(result, edgeitems=edgeitems).replace(" ", "").replace("\n", "")
                         for edgeitems, _ in strip.EQUATION_DETAIL]
            if lines[0] != written_in_full[0] or lines[-1].replace(" ", "").strip("=") not in summaries:
                found.append(f"t={model.t} {phase.name}: wrote {lines[0]!r} … {lines[-1]!r}")
            if size == (1920, 1080) and phase.name == "hidden" and len(lines) < 3:
                found.append("at 1920 × 1080 the line of h_t's numbers is left out: it has the room")
    finally:
        window = window.rebuild(presenting=False)
        window.close()
    assert not found, "\n".join(found[:10])


def test_a_long_result_is_one_line_of_the_equation_wrapped_by_the_label_not_by_numpy(qtbot):
    # An LSTM(2)'s a_t has eight values: numpy breaks them at 80 characters, and the break began a line of its own
    # under the "=" rather than under the first number
    model = StepperModel(make_session(RNNConfig(cell="lstm")))
    window = open_window(qtbot, model, (1024, 768), "en", True)
    try:
        model.step_phase()
        legibility.settle(window)
        result = window.step_view.equation.text().split("\n")[-1]
        written = np.array(result.strip(" =[]").split(), dtype=np.float32)
        assert written.tolist() == window.step_view.shown()["input_projection"].tolist()
    finally:
        window = window.rebuild(presenting=False)
        window.close()
