"""Slides from the command line: the screenshot path opens any session at any phase of any cell, in any look, and
`rnn-stepper slides DIR` renders every phase of a whole session, one PNG each, with one window."""

import json
import os
import re

import pytest
import torch
from PySide6 import QtCore, QtGui, QtWidgets

from helpers import refused_cli, run_cli
from rnn_stepper.core.session import make_session
from rnn_stepper.core.session_file import load_session, save_session
from rnn_stepper.ui import app
from rnn_stepper.ui.main_window import MainWindow
from rnn_stepper.ui.session_files import example_sessions

PHASES = {"rnn": ["input_projection", "recurrent_term", "pre_activation", "hidden"]}


def example(name: str) -> str:
    return example_sessions()[name]


# --- where the window opens -------------------------------------------------------------------------------------

def test_steps_and_phase_stop_k_phases_into_the_next_timestep(capsys, shot):
    window = shot(capsys, "--steps", "1", "--phase", "3")
    m = window.model
    assert (m.t, m.phase) == (1, "pre_activation")
    assert m.position == 1 * 4 + 3
    assert "t = 1" in window.step_view.heading.text() and "pre-activation" in window.step_view.heading.text()


def test_a_gated_cells_phase_count_bounds_phase(capsys, shot):
    window = shot(capsys, "--cell", "gru", "--steps", "2", "--phase", "5")
    m = window.model
    assert m.position == 2 * len(m.phases) + 5 and m.phase == m.phases[4]
    refused_cli(capsys, "--cell", "gru", "--phase", str(len(m.phases)), "--screenshot", "x.png",
                says=f"--phase {len(m.phases)}: a step of nn.GRU has {len(m.phases)} phases, so --phase goes from 0 to "
                 f"{len(m.phases) - 1}")


def test_a_session_file_opens_with_its_model_input_and_cursor(capsys, shot, tmp_path):
    from rnn_stepper.core.config import RNNConfig

    session = make_session(RNNConfig(input_size=5, hidden_size=3, num_layers=2, bidirectional=True), seed=7)
    path = str(tmp_path / "lecture.rnnstep.json")
    save_session(path, session, {"position": 5, "layer": 1, "direction": 1, "batch": 0})
    window = shot(capsys, "--session", path)
    m = window.model
    assert all(torch.equal(m.session.weights[k], v) for k, v in session.weights.items())
    assert (m.position, m.layer, m.direction) == (5, 1, 1)
    assert window.files.path == path and window.windowTitle().startswith("lecture.rnnstep.json")
    # The options move it elsewhere in the same session.
    window = shot(capsys, "--session", path, "--steps", "0", "--phase", "2", "--layer", "0", "--direction", "forward")
    assert (window.model.position, window.model.layer, window.model.direction) == (2, 0, 0)


def test_layer_direction_and_batch_choose_the_cell_on_show(capsys, shot, tmp_path):
    window = shot(capsys, "--session", example("two-layer-bidirectional"), "--layer", "1", "--direction", "1",
                  "--steps", "1")
    m = window.model
    assert window.files.path is None  # an example shipped with the program: Save asks where, it stays as shipped
    assert (m.layer, m.direction) == (1, 1)
    assert m.t == m.seq_len - 1  # the reverse cell's first step is the last timestep
    assert (window.layer_box.value(), window.direction_box.currentIndex()) == (1, 1)
    rows = tmp_path / "batch.json"
    rows.write_text(json.dumps([[[1, 2]] * 3, [[3, 4]] * 3]))  # two sequences of three timesteps
    window = shot(capsys, "--input", str(rows), "--batch", "1", "--steps", "1")
    assert window.model.batch == 1 and window.batch_box.value() == 1


def test_predict_opens_with_predict_then_reveal_on(capsys, shot):
    window = shot(capsys, "--predict")
    assert window.model.predict_first and window.predict_action.isChecked()
    window.model.step()
    assert window.model.phase == window.model.phases[-2]  # a Step stops before the new hidden state


def test_font_scale_sets_presentation_fonts_for_this_run_and_leaves_the_saved_choice(capsys, shot):
    normal = shot(capsys)
    base = normal.font().pointSizeF()
    QtCore.QSettings().setValue("font_scale", 1.25)  # under the application's names, which the window sets
    window = shot(capsys, "--presentation", "--font-scale", "2")
    assert window.presenting
    assert QtWidgets.QApplication.font().pointSizeF() == pytest.approx(base * 2)
    assert QtCore.QSettings().value("font_scale") in (1.25, "1.25")  # the user's saved choice, untouched
    checked = [a.text() for a in window.findChildren(QtGui.QAction) if a.isCheckable() and a.isChecked()]
    assert "2×" in checked


def test_lang_draws_the_window_in_korean(capsys, shot):
    window = shot(capsys, "--lang", "ko", "--steps", "1")
    assert window.actions_by_name["step"].text() == "타임 스텝 ▶"
    assert window.step_view.heading.text().startswith("타임 스텝 t = 0")


def test_the_screenshot_is_the_size_asked_for(capsys, tmp_path):
    path = tmp_path / "slide.png"
    status, _, err = run_cli(capsys, "--steps", "2", "--phase", "1", "--size", "1024x768", "--screenshot", str(path))
    assert (status, err) == (0, "")  # not even Qt's note about the offscreen platform
    image = QtGui.QImage(str(path))
    assert (image.width(), image.height()) == (1024, 768)
    for window in QtWidgets.QApplication.topLevelWidgets():
        if isinstance(window, MainWindow):
            window.close()


# --- what is refused, in one line -----------------------------------------------------------------------------

@pytest.mark.parametrize("argv, says", [
    (["--layer", "1"], "--layer 1: the session has 1 layer (0)"),
    (["--direction", "1"], "--direction 1: the session is not bidirectional; its one direction is 0, forward"),
    (["--direction", "sideways"], "'sideways' is not 0, 1, forward or reverse"),
    (["--batch", "1"], "--batch 1: the input has 1 batch row (0)"),
    (["--phase", "4"], "--phase 4: a step of nn.RNN has 4 phases, so --phase goes from 0 to 3; for whole "
                       "timesteps use --steps"),
    (["--steps", "3", "--phase", "1"], "--phase 1: --steps 3 already reaches the end of the 3 timesteps; give "
                                       "--steps 2 or fewer"),
    (["--font-scale", "3"], "'3' is not one of 1.25, 1.5, 2"),
    (["--font-scale", "2"], "--font-scale sets presentation mode's font size: add --presentation"),
])
def test_a_place_or_a_look_the_session_does_not_have_is_refused(capsys, argv, says):
    refused_cli(capsys, *argv, "--screenshot", "never.png", says=says)


def test_a_layer_past_a_session_files_layers_names_the_ones_it_has(capsys):
    refused_cli(capsys, "--session", example("two-layer-bidirectional"), "--layer", "2", "--screenshot", "x.png",
                says="--layer 2: the session has 2 layers (0 … 1)")


def test_session_and_model_options_exclude_each_other(capsys):
    refused_cli(capsys, "--session", example("notebook"), "--hidden-size", "3", "--seed", "4", "--screenshot", "x.png",
                says="--session takes the model and its input from ")
    err = refused_cli(capsys, "--session", example("notebook"), "--hidden-size", "3", "--seed", "4", says="leave out")
    assert err.rstrip().endswith("leave out --hidden-size and --seed")


def test_a_missing_or_damaged_session_file_is_one_line(capsys, tmp_path):
    refused_cli(capsys, "--session", str(tmp_path / "nowhere.rnnstep.json"), "--screenshot", "x.png",
                says="nowhere.rnnstep.json: no such file")
    damaged = tmp_path / "damaged.rnnstep.json"
    damaged.write_text('{"format": "rnn-stepper/session", "version": 2, "config": ')
    refused_cli(capsys, "--session", str(damaged), "--screenshot", "x.png", says="damaged.rnnstep.json: is damaged")
    refused_cli(capsys, "slides", str(tmp_path / "out"), "--session", str(damaged), says="is damaged")


# --- slides ------------------------------------------------------------------------------------------------------

def png_size(path) -> tuple[int, int]:
    image = QtGui.QImage(str(path))
    assert not image.isNull(), path
    return image.width(), image.height()


def test_slides_renders_the_notebooks_session_one_png_per_phase_at_1920_by_1080(capsys, tmp_path):
    folder = tmp_path / "deck"
    status, out, err = run_cli(capsys, "slides", str(folder))
    assert status == 0 and out == ""
    names = sorted(os.listdir(folder))
    assert names == [f"{4 * t + k:03d}-t{t}-{phase}.png"
                     for t in range(3) for k, phase in enumerate(PHASES["rnn"])]
    assert all(png_size(folder / name) == (1920, 1080) for name in names)
    lines = err.splitlines()
    assert lines[0] == f"rnn-stepper: slide 1 of 12: {folder / names[0]}"
    assert lines[-1] == f"rnn-stepper: 12 slides in {folder}" and len(lines) == 13


@pytest.mark.parametrize("controls", [False, True])
def test_a_slide_shows_the_content_only_unless_the_controls_are_asked_for(capsys, tmp_path, monkeypatch, controls):
    from PySide6 import QtWidgets

    from rnn_stepper.ui import exports

    drawn = []

    def look(window, path, size=None):  # what is on show when each slide is drawn
        # the controls: the note of what a weights file did not say is no control, and shows only when it says
        bars = [window.menuBar(), window.statusBar(), *(bar for bar in window.findChildren(QtWidgets.QToolBar)
                                                        if bar is not window.assumption_bar)]
        drawn.append([bar.isVisible() for bar in bars])
        window.grab()  # drawn as render_window draws it, without the file

    monkeypatch.setattr(exports, "render_window", look)
    argv = ["slides", str(tmp_path / "deck"), "--size", "1280x720", "--presentation"]
    status, _, err = run_cli(capsys, *argv, *(["--with-controls"] if controls else []))
    assert status == 0, err
    assert len(drawn) == 12 and all(all(shown) == controls and any(shown) == controls for shown in drawn)


def test_slides_left_by_an_earlier_longer_run_are_named_not_deleted(capsys, tmp_path):
    folder = tmp_path / "deck"
    folder.mkdir()
    for name in ("012-t3-input_projection.png", "013-t3-recurrent_term.png", "title.png"):
        (folder / name).write_bytes(b"an earlier deck")
    status, _, err = run_cli(capsys, "slides", str(folder), "--size", "640x480")
    assert status == 0
    assert err.splitlines()[-1] == (f"rnn-stepper: note: {folder} also holds 2 slides this run did not write (from "
                                    "012-t3-input_projection.png on); they were left as they were")
    assert (folder / "013-t3-recurrent_term.png").read_bytes() == b"an earlier deck"
    assert len(os.listdir(folder)) == 12 + 3


def test_the_window_moves_to_its_cursor_once_a_background_computation_is_done(qtbot):
    session, _ = load_session(example("two-layer-bidirectional"))
    _, window = app.open_window(session, restore=False, cursor={"position": 6, "layer": 1, "direction": 1})
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.trace is not None and not window.model.busy, timeout=30_000)
    m = window.model
    assert (m.position, m.layer, m.direction) == (6, 1, 1)


def test_each_slide_is_titled_with_its_timestep_and_phase_in_the_shot(qtbot, tmp_path):
    _, window = app.open_window(size=(1280, 720), background=False, restore=False, cursor={"position": 0})
    qtbot.addWidget(window)
    seen = []

    def each(done, total, path):
        heading = window.step_view.heading
        corner = heading.mapTo(window, QtCore.QPoint(0, 0))
        inside = window.rect().contains(QtCore.QRect(corner, heading.size()))
        seen.append((os.path.basename(path), heading.text(), heading.isVisible() and inside))

    paths = app.render_slides(window, str(tmp_path), each)
    assert len(paths) == 12 and all(png_size(p) == (1280, 720) for p in paths)
    for name, heading, visible in seen:
        t, phase = re.match(r"\d{3}-t(\d+)-(\w+)\.png", name).groups()
        k = PHASES["rnn"].index(phase)
        assert visible, name
        assert heading.startswith(f"Time step t = {t} (step {int(t) + 1} of 3"), heading
        assert f"phase {k + 1} of 4: " in heading, heading


def test_slides_follow_the_chosen_cell_in_its_own_walking_order(qtbot):
    session, _ = load_session(example("two-layer-bidirectional"))
    _, window = app.open_window(session, size=(640, 480), background=False, restore=False,
                                cursor={"position": 0, "layer": 1, "direction": 1})
    qtbot.addWidget(window)
    names = [name for _, name in app.slide_names(window.model)]
    T = session.seq_len
    assert len(names) == T * 4
    assert names[0] == "000-t5-input_projection.png" and names[-1] == f"{T * 4 - 1:03d}-t0-hidden.png"
    assert names == sorted(names)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_a_gated_cell_has_a_slide_for_each_of_its_phases(qtbot, cell):
    from rnn_stepper.core.config import RNNConfig

    config = RNNConfig(cell=cell)
    _, window = app.open_window(make_session(config), size=(640, 480), background=False, restore=False)
    qtbot.addWidget(window)
    names = [name for _, name in app.slide_names(window.model)]
    assert [n.split("-", 2)[2][:-4] for n in names] == list(config.phases) * 3


def test_slides_in_presentation_mode_leave_the_saved_font_scale_alone(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(MainWindow, "font_scale_for_this_run", None)
    status, _, err = run_cli(capsys, "slides", str(tmp_path / "deck"), "--presentation", "--font-scale", "1.25",
                             "--size", "1280x720", "--lang", "ko")
    assert status == 0, err
    assert QtCore.QSettings().value("font_scale") is None and QtCore.QSettings().value("language") is None
    assert png_size(tmp_path / "deck" / "000-t0-input_projection.png") == (1280, 720)
    for window in QtWidgets.QApplication.topLevelWidgets():
        if isinstance(window, MainWindow) and window.presenting:
            window.rebuild(presenting=False).close()


def test_slides_into_a_file_or_under_one_is_one_line(capsys, tmp_path):
    (tmp_path / "taken").write_text("")
    refused_cli(capsys, "slides", str(tmp_path / "taken"), says="taken: is a file, not a folder")
    refused_cli(capsys, "slides", str(tmp_path / "taken" / "deck"), says="cannot write slides there")


def test_a_slide_that_cannot_be_written_stops_the_run_in_one_line(capsys, tmp_path, monkeypatch):
    from rnn_stepper.ui import exports

    written = []

    def full_after_two(path, data):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(path)
        with open(path, "wb") as f:
            f.write(data)

    monkeypatch.setattr(exports, "write_atomically", lambda path, data: _as_input_error(full_after_two, path, data))
    status, out, err = run_cli(capsys, "slides", str(tmp_path), "--size", "640x480")
    assert status == 2 and out == ""
    last = err.splitlines()[-1]
    assert last.startswith("rnn-stepper: error: ") and "002-t0-pre_activation.png" in last and "No space" in last
    assert len(written) == 2


def _as_input_error(write, path, data):
    from rnn_stepper.core.errors import InputError

    try:
        write(path, data)
    except OSError as exc:
        raise InputError(f"could not write it ({exc.strerror})", path) from None


# --- the backward pass -------------------------------------------------------------------------------------------

def test_back_opens_on_the_backward_pass_k_phases_back(capsys, shot):
    window = shot(capsys, "--session", example("gradient-vanishing"), "--back", "5")
    m, backprop = window.model, window.model.backprop
    assert m.at_end and backprop.backward is not None and backprop.backward.bitwise_equal
    assert backprop.position == 5 and (backprop.t, backprop.phase) == (m.seq_len - 2, "incoming")
    assert window.backward.isVisible() and not window.step_view.isVisible()
    # in the focus layout too: its fifth tab
    window = shot(capsys, "--back", "0", "--presentation", "--size", "1280x720")
    assert window.focus_pages() and window.backward.isVisible() and window.model.backprop.position == 0


@pytest.mark.parametrize("argv, says", [
    (("--back", "13"), "--back 13: the walk back has 12 phases (4 for each of the 3 timesteps); give --back 12"),
    (("--back", "1", "--steps", "1"), "--back runs the forward pass to its end: leave out --steps and --phase"),
    (("--cell", "gru", "--order", "textbook", "--back", "1"), "nn.GRU in textbook order is not yet"),
    (("--cell", "lstm", "--back", "16"), "--back 16: the walk back has 15 phases (5 for each of the 3 timesteps)"),
    (("--back", "-1"), "--back"),
])
def test_back_is_checked_before_the_window_opens(capsys, argv, says):
    refused_cli(capsys, *argv, "--screenshot", "never.png", says=says)
    assert not os.path.exists("never.png")
