"""Hostile inputs, round 3 (issue 31): locales and settings that stop the start, small files that take gigabytes,
non-finite numbers, deep nesting, odd environments, write-protected targets, and a module that is not what its
cell's equations say.

A case that needs its own environment (a locale, a display that is gone) runs in a fresh process."""

import ast
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from helpers import SLACK, peak

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCALES = ("tr_TR", "de_DE", "ko_KR")


# --- locales --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def locale_folder(tmp_path_factory):
    """tr_TR, de_DE and ko_KR compiled into a folder of the test's own (LOCPATH): an image ships with only C and
    POSIX, and generating them system-wide needs root. Skipped where glibc's localedef or its sources are missing."""
    if shutil.which("localedef") is None or not os.path.isdir("/usr/share/i18n/locales"):
        pytest.skip("needs glibc's localedef and /usr/share/i18n/locales to make the locales")
    folder = tmp_path_factory.mktemp("locales")
    for name in LOCALES:
        done = subprocess.run(["localedef", "-i", name, "-f", "UTF-8", str(folder / f"{name}.UTF-8")],
                              capture_output=True, text=True)
        if not (folder / f"{name}.UTF-8").is_dir():
            pytest.skip(f"localedef could not make {name}.UTF-8: {done.stderr.strip()[:200]}")
    return str(folder)


def in_locale(locale_folder, name: str, home) -> dict:
    """The environment of a fresh process under `name`, with a HOME and settings of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    return {**env, "LOCPATH": locale_folder, "LANG": f"{name}.UTF-8", "LC_ALL": f"{name}.UTF-8", "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ROOT}


def test_no_qt_object_is_built_with_keyword_properties():
    """`QTimer(self, interval=…)` sets a Qt property found by name through the C locale's case rules: under tr_TR
    'interval' is not found and the window never opens. Properties are set with their setters."""
    found = []
    for path in pathlib.Path(ROOT, "rnn_stepper").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.keywords:
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name[:1] == "Q" and name[1:2].isupper():
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}({[k.arg for k in node.keywords]})")
    assert found == []


WINDOW_UNDER_LOCALE = """
import locale, sys
from rnn_stepper.ui.app import open_window
app, window = open_window(background=False, restore=False)
window.model.step()
app.processEvents()
print(locale.setlocale(locale.LC_CTYPE), window.model.position > 0, window.isVisible())
window.close()
"""


@pytest.mark.parametrize("name", LOCALES)
def test_the_window_a_screenshot_and_slides_work_under_each_locale(locale_folder, tmp_path, name):
    env = in_locale(locale_folder, name, tmp_path / "home")
    run = dict(capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    window = subprocess.run([sys.executable, "-c", WINDOW_UNDER_LOCALE], **run)
    assert window.returncode == 0 and window.stdout.split() == [f"{name}.UTF-8", "True", "True"], window.stderr
    shot = subprocess.run([sys.executable, "-m", "rnn_stepper", "--screenshot", str(tmp_path / "s.png")], **run)
    assert shot.returncode == 0 and (tmp_path / "s.png").stat().st_size > 0, shot.stderr
    slides = subprocess.run([sys.executable, "-m", "rnn_stepper", "slides", str(tmp_path / "slides")], **run)
    assert slides.returncode == 0 and len(os.listdir(tmp_path / "slides")) == 12, slides.stderr
    assert "Traceback" not in window.stderr + shot.stderr + slides.stderr


SHOW_UNDER_LOCALE = """
import torch, rnn_stepper
torch.manual_seed(1)
rnn = torch.nn.RNN(5, 2, batch_first=True)
rnn_stepper.show(rnn, torch.ones(1, 3, 5), block=False)
from rnn_stepper.ui.show import windows
print(windows[-1].isVisible(), windows[-1].model.trace is not None)
windows[-1].close()
"""


def test_show_works_under_tr_tr(locale_folder, tmp_path):
    done = subprocess.run([sys.executable, "-c", SHOW_UNDER_LOCALE], capture_output=True, text=True, cwd=ROOT,
                          env=in_locale(locale_folder, "tr_TR", tmp_path / "home"), timeout=300)
    assert done.returncode == 0 and done.stdout.split() == ["True", "True"], done.stderr


# --- the settings file --------------------------------------------------------------------------------------------

def window_with_settings(qtbot, **values):
    from PySide6 import QtCore

    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    for key, value in values.items():
        QtCore.QSettings().setValue(key, value)
    window = MainWindow(StepperModel(), presenting=True)
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("key, value, default", [
    ("language", "de", "the system's language"),
    ("font_scale", "nan", "1.5"),
    ("font_scale", "1e308", "1.5"),
    ("font_scale", "-inf", "1.5"),
    ("font_scale", "large", "1.5"),
    ("colormap", "viridis", "'CET-D1'"),
    ("state_unit_scale", "maybe", "False"),
])
def test_a_bad_setting_falls_back_to_its_default_and_the_status_bar_says_so(qtbot, key, value, default):
    window = window_with_settings(qtbot, **{key: value})
    said = window.statusBar().currentMessage()
    assert f"The setting {key}={value!r}" in said and said.endswith(f"using {default}") and "\n" not in said
    assert window.font_scale() == 1.5


def test_good_settings_are_used_and_nothing_is_said(qtbot):
    window = window_with_settings(qtbot, font_scale="2.0", colormap="CET-CBD1", state_unit_scale="true",
                                  language="en")
    assert window.font_scale() == 2.0 and window.unit_scale() is True and window.statusBar().currentMessage() == ""


@pytest.mark.parametrize("line", ["language=de", "font_scale=nan", "font_scale=1e308"])
def test_a_screenshot_is_taken_whatever_the_settings_file_holds(tmp_path, line):
    home = tmp_path / "home"
    conf = home / "config" / "RNN Stepper" / "rnn-stepper.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text(f"[General]\n{line}\n")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "PYTHONPATH": ROOT,
           "XDG_DATA_HOME": str(home / "data"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "rnn_stepper", "--presentation", "--screenshot",
                           str(tmp_path / "s.png")], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0 and (tmp_path / "s.png").stat().st_size > 0, done.stderr
    assert "Traceback" not in done.stderr and "QPainter" not in done.stderr


# --- memory from tiny files ---------------------------------------------------------------------------------------

def notebook_weights() -> dict:
    from rnn_stepper.core import make_session

    return dict(make_session().weights)


def test_a_dict_shared_40_levels_deep_is_walked_once_and_refused_by_its_count(tmp_path):
    import torch

    from rnn_stepper.core import InputError
    from rnn_stepper.core.files import MAX_ENTRIES, load_tensors

    shared = notebook_weights()
    for _ in range(40):
        shared = {"a": shared, "b": shared}  # pickle stores each level once: 2⁴⁰ paths in a few KB
    torch.save(shared, tmp_path / "shared.pt")
    assert (tmp_path / "shared.pt").stat().st_size < 10_000
    with pytest.raises(InputError, match=f"names more than {MAX_ENTRIES:,} tensors and dict entries") as refusal:
        load_tensors(str(tmp_path / "shared.pt"))
    assert str(refusal.value).startswith(str(tmp_path / "shared.pt") + ": ")


def test_a_dict_shared_a_few_levels_deep_is_read_under_every_name(tmp_path):
    import torch

    from rnn_stepper.core.files import load_tensors

    tied = notebook_weights()
    for _ in range(3):
        tied = {"a": tied, "b": tied}
    torch.save(tied, tmp_path / "tied.pt")
    loaded = load_tensors(str(tmp_path / "tied.pt"))
    assert len(loaded) == 8 * 4 and torch.equal(loaded["a.b.a.weight_hh_l0"], notebook_weights()["weight_hh_l0"])


def test_a_dict_that_contains_itself_is_one_line(tmp_path):
    import torch

    from rnn_stepper.core import InputError
    from rnn_stepper.core.files import load_tensors

    weights = notebook_weights()
    weights["again"] = weights
    torch.save(weights, tmp_path / "loop.pt")
    with pytest.raises(InputError, match="its dict 'again' contains itself"):
        load_tensors(str(tmp_path / "loop.pt"))


def pt_with_pickle(path, data_pkl: bytes) -> str:
    """A torch archive whose data.pkl is `data_pkl`: what a file made by hand can hold that torch.save never
    writes (a dict nested 10,000 deep overflows the pickler that would save it)."""
    import io
    import zipfile

    import torch

    buffer = io.BytesIO()
    torch.save({}, buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w") as archive:
        for record in source.infolist():
            archive.writestr(record, data_pkl if record.filename.endswith("data.pkl") else source.read(record))
    return str(path)


def nested_dict_pickle(depth: int) -> bytes:
    """{'a': {'a': … {'a': 1} …}} `depth` dicts deep, as pickle opcodes."""
    import pickle

    key = pickle.BINUNICODE + b"\x01\0\0\0a"
    return (pickle.PROTO + b"\x02" + (pickle.EMPTY_DICT + key) * depth + pickle.BININT1 + b"\x01"
            + pickle.SETITEM * depth + pickle.STOP)


@pytest.mark.parametrize("depth", [150, 10_000])
def test_a_pt_dict_nested_thousands_deep_is_one_line(capsys, tmp_path, depth):
    from helpers import refused

    path = pt_with_pickle(tmp_path / "deep.pt", nested_dict_pickle(depth))
    refused(capsys, "--weights", path, says="nests dicts more than 100 deep")


def deflated(path, archive_bytes: bytes) -> str:
    """A zip archive (a torch file) written again with every record deflated, as torch.save never writes one."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in source.infolist():
            archive.writestr(record.filename, source.read(record))
    return str(path)


def deflated_pt(path, weights: dict) -> str:
    import io

    import torch

    buffer = io.BytesIO()
    torch.save(weights, buffer)
    return deflated(path, buffer.getvalue())


def test_a_deflated_checkpoint_that_fits_loads(tmp_path):
    import torch

    from rnn_stepper.core.files import load_tensors

    path = deflated_pt(tmp_path / "small.pt", notebook_weights())
    loaded = load_tensors(path)
    assert all(torch.equal(loaded[k], v) for k, v in notebook_weights().items())


@pytest.mark.parametrize("record", ["storage", "data.pkl"])
def test_deflated_records_are_sized_from_the_zip_directory_before_torch_inflates_them(tmp_path, monkeypatch,
                                                                                     record):
    import torch

    import rnn_stepper.core.config as config
    from rnn_stepper.core import InputError
    from rnn_stepper.core.files import load_tensors

    MiB = 1 << 20
    monkeypatch.setattr(config, "memory_budget", lambda: 32 * MiB)  # this machine's budget is gigabytes
    if record == "storage":  # a 64 MiB storage of zeros: 64 KiB on disk
        path = deflated_pt(tmp_path / "big.pt", {**notebook_weights(), "zeros": torch.zeros(16 * MiB)})
    else:  # a 64 MiB bytes object pickled in data.pkl
        import pickle

        plain = pt_with_pickle(tmp_path / "plain.pt", pickle.dumps({"blob": bytes(64 * MiB)}, protocol=2))
        path = deflated(tmp_path / "big.pt", pathlib.Path(plain).read_bytes())
    assert os.path.getsize(path) < MiB
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load ran on a file to refuse"))
    with pytest.raises(InputError) as refusal:
        load_tensors(path)
    said = str(refusal.value)
    assert said.startswith(path + ": its compressed records inflate to 64") and "but only 32.0 MiB can be used" in \
        said and "\n" not in said, said


def test_a_deflated_bomb_within_the_memory_budget_is_refused_before_torch_inflates_it(tmp_path, monkeypatch):
    """Fitting the budget is not enough: a few hundred KiB that inflate to 128 MiB are not weights anyone saved, and
    torch.load would inflate all of it before any check (the issue's 3 MB file took 3.3 GB to be refused)."""
    import torch

    from rnn_stepper.core import InputError
    from rnn_stepper.core.files import load_tensors

    MiB = 1 << 20
    path = deflated_pt(tmp_path / "bomb.pt", {**notebook_weights(), "zeros": torch.zeros(32 * MiB)})
    assert os.path.getsize(path) < 2 * MiB
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load ran on a file to refuse"))
    with pytest.raises(InputError) as refusal:
        load_tensors(path)
    said = str(refusal.value)
    assert said.startswith(path + ": its compressed records inflate to 128") and "times the file's" in said, said


def test_shared_dicts_take_no_big_memory_in_the_cli(tmp_path, baseline_rss):
    import torch

    shared = notebook_weights()
    for _ in range(40):
        shared = {"a": shared, "b": shared}
    torch.save(shared, tmp_path / "shared.pt")
    status, rss = peak("trace", "--weights", str(tmp_path / "shared.pt"))
    assert status == 2 and rss < baseline_rss + SLACK, rss / (1 << 20)


# --- non-finite numbers -------------------------------------------------------------------------------------------

def nonfinite_session(value: float, cell: str = "rnn", where: str = "input"):
    """The notebook's session (or a GRU/LSTM of its sizes) with one NaN or ±Inf in its input or in W_hh."""

    from rnn_stepper.core import make_session
    from rnn_stepper.core.config import RNNConfig

    session = make_session(RNNConfig(cell=cell)) if cell != "rnn" else make_session()
    inputs = session.inputs.clone()
    weights = dict(session.weights)
    if where == "input":
        inputs.view(-1)[1] = value
    else:
        weights["weight_hh_l0"] = weights["weight_hh_l0"].clone()
        weights["weight_hh_l0"].view(-1)[0] = value
    return make_session(session.config, inputs, weights=weights)


NOT_FINITE = ("is NaN (not a number)", "is +Inf", "is −Inf")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("order", ["kernel", "textbook"])
def test_every_phase_of_a_non_finite_number_is_explained_as_what_it_is(value, cell, order):
    import dataclasses
    import math

    from rnn_stepper.core.explain import explain
    from rnn_stepper.core.trace import compute_trace

    trace = compute_trace(dataclasses.replace(nonfinite_session(value, cell), order=order))
    explained = 0
    for phase, values in trace.cell(0, 0).phases.items():
        for unit in range(values.shape[-1]):
            breakdown = explain(trace, 0, 0, 0, 0, phase, unit)
            text, latex = breakdown.text(), breakdown.latex()
            assert latex.startswith("\\begin{aligned}")
            if not math.isfinite(breakdown.returned):
                said = [line.strip() for line in text.splitlines() if line.strip().startswith(breakdown.symbol + " is")]
                assert len(said) == 1 and any(kind in said[0] for kind in NOT_FINITE), text
                explained += 1
    assert explained > 0  # the input's NaN or Inf reaches the first step


def test_explain_on_the_command_line_says_nan(capsys):
    from helpers import run

    status, out, err = run(capsys, "--sequence", "1,nan,1,1,1; 2,2,2,2,2", "--explain", "0,0,0,0,hidden,0")
    assert status == 0, err
    assert "is NaN (not a number)" in out


def test_an_overflowing_exact_sum_rounds_to_inf():
    import torch

    from rnn_stepper.core import make_session
    from rnn_stepper.core.explain import explain
    from rnn_stepper.core.trace import compute_trace

    notebook = make_session()  # W x with every product 3e38 × 1e38: an exact sum past float64's range
    weights = {k: torch.full_like(v, 3e38 if k.startswith("weight") else 0) for k, v in notebook.weights.items()}
    session = make_session(notebook.config, torch.full((1, 3, 5), 1e38), weights=weights)
    trace = compute_trace(session)
    breakdown = explain(trace, 0, 0, 0, 0, "input_projection", 0)
    assert breakdown.rounded == float("inf") and breakdown.returned == float("inf") and breakdown.ulps == 0
    assert "is +Inf" in breakdown.text()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("where", ["input", "weight"])
def test_the_python_snippet_runs_with_non_finite_numbers_and_agrees_with_the_window(value, where):
    from rnn_stepper.core.export import python_snippet
    from rnn_stepper.core.trace import compute_trace

    session = nonfinite_session(value, where=where)
    trace = compute_trace(session)
    done = subprocess.run([sys.executable, "-c", python_snippet(session)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stdout.splitlines() if line.startswith("bitwise identical to nn.RNN:")]
    assert said == [f"bitwise identical to nn.RNN: {trace.bitwise_equal}"] and trace.bitwise_equal


# --- deep nesting -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [70, 980])
def test_a_json_input_nested_deeper_than_any_sequence_is_one_line(capsys, tmp_path, depth):
    from helpers import refused

    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "1" + "]" * depth)
    # json.loads itself may stop first, at Python's recursion limit less the caller's stack (pytest's is deep)
    err = refused(capsys, "--input", str(path), says="nested")
    assert "is nested more than 32 lists deep" in err or "not valid JSON (nested too deeply)" in err


def deep_session_file(path, depth: int = 600) -> str:
    import json

    from rnn_stepper.core import make_session
    from rnn_stepper.core.session_file import session_to_document

    doc = json.loads(json.dumps(session_to_document(make_session())))
    weight = 1.0
    for _ in range(depth):
        weight = [weight]
    doc["weights"]["weight_hh_l0"] = weight
    path.write_text(json.dumps(doc))
    return str(path)


def test_a_session_files_weight_nested_600_deep_is_one_line(tmp_path):
    from rnn_stepper.core import InputError
    from rnn_stepper.core.session_file import load_session

    path = deep_session_file(tmp_path / "deep.rnnstep.json")
    with pytest.raises(InputError) as refusal:
        load_session(path)
    assert str(refusal.value) == f"{path}: weights.weight_hh_l0: is nested more than 32 lists deep; a sequence " \
                                 "is 3 deep (time, batch, features), a weight 2"


def test_open_and_import_of_deep_files_say_what_is_wrong_in_the_window(qtbot, tmp_path, no_modal_dialogs):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    before = window.model.session
    assert not window.files.open_path(deep_session_file(tmp_path / "deep.rnnstep.json"))
    assert not window.files.import_weights(pt_with_pickle(tmp_path / "deep.pt", nested_dict_pickle(10_000)))
    (_, opened), (_, imported) = no_modal_dialogs
    assert opened.startswith(str(tmp_path / "deep.rnnstep.json") + ": ") and "nested more than 32" in opened
    assert imported == f"{tmp_path / 'deep.pt'}: nests dicts more than 100 deep; a checkpoint nests a few"
    assert "Unexpected" not in opened + imported and window.model.session is before


# --- the environment: a display that is gone, odd data folders, stale temporary files -----------------------------

def without_a_display(home, display=":97") -> dict:
    """An environment whose DISPLAY names an X server that is not there (as after `ssh -X` ended)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    return {**env, "DISPLAY": display, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"), "PYTHONPATH": ROOT}


def test_a_display_that_is_gone_leaves_screenshots_slides_and_trace_working(tmp_path):
    run = dict(capture_output=True, text=True, cwd=ROOT, env=without_a_display(tmp_path / "home"), timeout=300)
    shot = subprocess.run([sys.executable, "-m", "rnn_stepper", "--screenshot", str(tmp_path / "s.png")], **run)
    assert shot.returncode == 0 and (tmp_path / "s.png").stat().st_size > 0, shot.stderr
    slides = subprocess.run([sys.executable, "-m", "rnn_stepper", "slides", str(tmp_path / "slides")], **run)
    assert slides.returncode == 0 and len(os.listdir(tmp_path / "slides")) == 12, slides.stderr
    trace = subprocess.run([sys.executable, "-m", "rnn_stepper", "trace", "--lang", "ko"], **run)
    assert trace.returncode == 0 and trace.stdout, trace.stderr
    window = subprocess.run([sys.executable, "-m", "rnn_stepper"], **run)
    assert window.returncode == 2 and window.stderr == (
        "rnn-stepper: error: no window can be opened: the display DISPLAY=:97 cannot be reached (its X server is "
        "gone, e.g. after ssh -X ended); --screenshot FILE and slides DIR need no display\n")


SHOW_WITHOUT_A_DISPLAY = """
import torch, rnn_stepper
try:
    rnn_stepper.show(torch.nn.RNN(5, 2), torch.ones(3, 5))
except RuntimeError as error:
    print(error)
"""


def test_show_raises_its_documented_error_when_the_display_is_gone(tmp_path):
    done = subprocess.run([sys.executable, "-c", SHOW_WITHOUT_A_DISPLAY], capture_output=True, text=True, cwd=ROOT,
                          env=without_a_display(tmp_path / "home"), timeout=300)
    assert done.returncode == 0 and "needs a screen" in done.stdout and "DISPLAY=:97 cannot be reached" in \
        done.stdout, done.stderr


def test_a_display_that_answers_is_used(monkeypatch):
    import socket

    from rnn_stepper.ui.app import display_problem

    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:  # an X server's abstract socket, listening
        server.bind("\0/tmp/.X11-unix/X4242")
        server.listen(1)
        monkeypatch.setenv("DISPLAY", ":4242.0")
        assert display_problem() is None
    monkeypatch.setenv("DISPLAY", ":4243")
    assert "DISPLAY=:4243 cannot be reached" in display_problem()
    monkeypatch.delenv("DISPLAY")
    assert display_problem() == "there is no display (DISPLAY is not set)"


def test_an_orphaned_autosave_in_a_read_only_data_folder_never_stops_the_start(qtbot, tmp_path, monkeypatch):
    import errno

    from instances import killed
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow
    from rnn_stepper.ui.session_files import autosave_folder, autosave_path

    first = MainWindow(StepperModel())
    qtbot.addWidget(first)
    first.model.configure(hidden_size=4)
    first.files.autosave(block=True)
    orphan = autosave_path()
    killed()
    folder = autosave_folder()

    # The folder is read-only: nothing in it can be deleted, replaced or created. (chmod 0555 alone does not do it
    # for root, whom the tests may run as.)
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    real_unlink, real_replace = pathlib.Path.unlink, os.replace
    monkeypatch.setattr(pathlib.Path, "unlink", lambda self, *a, **k: refused() if self.parent == folder else
                        real_unlink(self, *a, **k))
    monkeypatch.setattr(os, "replace", lambda a, b: refused() if folder in (pathlib.Path(a).parent,
                                                                            pathlib.Path(b).parent)
                        else real_replace(a, b))
    for answer in (False, True):  # declined: it cannot be deleted; restored: it cannot be moved
        window = MainWindow(StepperModel())
        qtbot.addWidget(window)
        window.files.offer_restore(ask=lambda path, answer=answer: answer)
        window.files.autosave(block=True)
        assert window.close()
    assert orphan.exists()


def test_xdg_data_home_that_is_a_file_never_stops_a_start_or_a_close(qtbot, tmp_path, monkeypatch):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui import session_files
    from rnn_stepper.ui.main_window import MainWindow

    (tmp_path / "not-a-folder").write_text("a file")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "not-a-folder"))
    monkeypatch.setattr(session_files, "_slots", {})
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    messages = []
    window.model.events.message.connect(messages.append)
    assert not window.files.offer_restore(ask=lambda path: True)
    window.model.configure(hidden_size=3)
    window.files.autosave(block=True)
    qtbot.waitUntil(lambda: any(m.startswith("Autosave failed") for m in messages))
    assert window.close()


def test_stale_temporary_files_of_a_killed_save_are_removed_at_the_next_start(qtbot, tmp_path):
    import time

    from rnn_stepper.core import make_session
    from rnn_stepper.core.session_file import save_session
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    lecture = tmp_path / "lectures" / "ch15.rnnstep.json"
    lecture.parent.mkdir()
    save_session(str(lecture), make_session())
    old, fresh = lecture.parent / ".rnnstep-k1ll3d_x.tmp", lecture.parent / ".rnnstep-5av1ng0n.tmp"
    mine = lecture.parent / ".rnnstep-notours.tmp.bak"  # not our name: never touched
    for path in (old, fresh, mine):
        path.write_bytes(b"half a session")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))
    os.utime(mine, (an_hour_ago, an_hour_ago))
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.files.remember(str(lecture))
    window.files.offer_restore(ask=lambda path: False)
    assert not old.exists() and fresh.exists() and mine.exists() and lecture.exists()


# --- write-protected targets are never replaced --------------------------------------------------------------------

def test_saving_onto_a_write_protected_session_is_refused_and_the_file_kept(tmp_path):
    from rnn_stepper.core import InputError, make_session
    from rnn_stepper.core.session_file import save_session

    path = tmp_path / "kept.rnnstep.json"
    save_session(str(path), make_session())
    os.chmod(path, 0o444)
    before = path.read_bytes()
    with pytest.raises(InputError) as refusal:
        save_session(str(path), make_session(seed=2))
    assert str(refusal.value) == f"{path}: is write-protected (mode 0444) and was not replaced; save under another " \
                                 "name, or make it writable first"
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["kept.rnnstep.json"]


def test_a_screenshot_onto_a_write_protected_png_is_one_line_and_the_png_is_kept(tmp_path):
    png = tmp_path / "kept.png"
    png.write_bytes(b"the lecturer's slide")
    os.chmod(png, 0o444)
    env = {**os.environ, "PYTHONPATH": ROOT, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "rnn_stepper", "--screenshot", str(png)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "is write-protected (mode 0444)" in done.stderr
    assert png.read_bytes() == b"the lecturer's slide"


@pytest.mark.parametrize("export", ["plot.png", "trace.json", "snippet.py", "slide.png"])
def test_window_exports_and_save_onto_write_protected_files_say_so_and_keep_them(qtbot, tmp_path,
                                                                               no_modal_dialogs, export):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    path = tmp_path / export
    path.write_bytes(b"kept")
    os.chmod(path, 0o444)
    do = {"plot": lambda: window.exports.plot(str(path)), "trace": lambda: window.exports.trace(str(path)),
          "slide": lambda: window.exports.slide(str(path), (1280, 720)),
          "snippet": lambda: window.exports.snippet(str(path))}[export.split(".")[0]]
    assert not do()
    assert path.read_bytes() == b"kept" and "is write-protected" in no_modal_dialogs[-1][1]


# --- the user's module is the reference ---------------------------------------------------------------------------

def modules_that_are_not_their_equations():
    import torch
    import torch.nn as nn

    class Overridden(nn.RNN):
        def forward(self, x, h=None):
            output, h_n = super().forward(x, h)
            return torch.tanh(output * 3), h_n

    class TimeFlipped(nn.GRU):
        def forward(self, x, h=None):
            return super().forward(x.flip(1), h)

    torch.manual_seed(1)
    hooked = nn.RNN(5, 2, batch_first=True)
    hooked.register_forward_hook(lambda module, args, out: (out[0] + 1, out[1]))
    pre_hooked = nn.RNN(5, 2, batch_first=True)
    pre_hooked.register_forward_pre_hook(lambda module, args: (args[0] * 2, *args[1:]))
    patched = nn.LSTM(5, 2, batch_first=True)
    real_forward = patched.forward
    patched.forward = lambda x, state=None: real_forward(x.flip(1), state)
    return {
        "subclass overriding forward": (Overridden(5, 2, batch_first=True), "its class Overridden overrides forward"),
        "GRU subclass flipping time": (TimeFlipped(5, 2, batch_first=True), "its class TimeFlipped overrides forward"),
        "forward hook": (hooked, "a forward hook changes its output"),
        "forward pre-hook": (pre_hooked, "a forward pre-hook changes its input"),
        "forward replaced on the instance": (patched, "its forward was replaced on the instance"),
    }


@pytest.mark.parametrize("case", list(modules_that_are_not_their_equations()))
def test_trace_of_a_module_that_is_not_its_equations_says_so_instead_of_bitwise_equal(capsys, case):
    import torch

    import rnn_stepper

    module, cause = modules_that_are_not_their_equations()[case]
    x = torch.randn(1, 4, 5, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        own_output = module(x)[0]
    trace = rnn_stepper.trace(module, x)
    assert not trace.bitwise_equal and trace.module_note is not None
    far = float((own_output - trace.output).abs().max())
    assert cause in trace.module_note and f"by up to {far:.3g}" in trace.module_note
    assert trace.module_note in repr(trace) and "not to the module itself" in repr(trace)
    assert trace.to_dict()["bitwise_equal"] is False and trace.to_dict()["module_note"] == trace.module_note
    err = capsys.readouterr().err
    assert err == f"rnn_stepper: {trace.module_note}\n"
    assert module.training  # eval mode only while it ran


def test_a_subclass_that_computes_the_equations_is_bitwise_equal_and_nothing_is_said(capsys):
    import torch
    import torch.nn as nn

    import rnn_stepper

    class Logged(nn.RNN):
        def forward(self, *args):
            return super().forward(*args)

    torch.manual_seed(1)
    trace = rnn_stepper.trace(Logged(5, 2, batch_first=True), torch.ones(1, 3, 5))
    assert trace.bitwise_equal and trace.module_note is None and capsys.readouterr().err == ""


def test_a_column_major_w_hh_is_bitwise_equal_to_the_users_module():
    import torch
    import torch.nn as nn

    import rnn_stepper

    torch.manual_seed(0)
    for hidden in (2, 16, 64):
        rnn = nn.RNN(8, hidden, batch_first=True)
        rnn.weight_hh_l0 = nn.Parameter(rnn.weight_hh_l0.detach().t().contiguous().t())
        x = torch.randn(3, 20, 8)
        with torch.no_grad():
            own, h_n = rnn(x)
        trace = rnn_stepper.trace(rnn, x)
        assert trace.bitwise_equal and torch.equal(trace.output, own) and torch.equal(trace.h_n, h_n)


def test_show_says_in_the_window_that_the_module_is_not_its_equations(qtbot, close_shown_windows, capsys):
    import torch

    import rnn_stepper
    from rnn_stepper.ui import show

    module, cause = modules_that_are_not_their_equations()["forward hook"]
    rnn_stepper.show(module, torch.ones(1, 3, 5), block=False)
    window = show.latest(show.windows[-1])
    said = window.statusBar().currentMessage()
    assert cause in said and "not bitwise equal to module(x)" in said
    assert capsys.readouterr().err == f"rnn_stepper: {said}\n"


# --- unclear or ignored -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["trace", "--weights", ""], ["trace", "--input", ""], ["trace", "--h0", " "],
                                  ["--screenshot", ""], ["slides", ""], ["--session", ""]])
def test_an_empty_path_is_an_error_not_the_default(capsys, argv):
    from rnn_stepper.cli import main

    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the file name is empty (an unset shell variable?)" in err, err


def test_an_npy_with_no_features_names_the_file(capsys, tmp_path):
    import numpy as np

    from helpers import refused

    np.save(tmp_path / "x.npy", np.zeros((3, 0)))
    err = refused(capsys, "--input", str(tmp_path / "x.npy"), says="holds no numbers (shape (3, 0))")
    assert str(tmp_path / "x.npy") in err


def test_a_zero_size_checkpoint_says_it_holds_no_hidden_units(capsys, tmp_path):
    import torch

    from helpers import refused

    torch.save({"weight_ih_l0": torch.zeros(0, 5), "weight_hh_l0": torch.zeros(0, 0), "bias_ih_l0": torch.zeros(0),
                "bias_hh_l0": torch.zeros(0)}, tmp_path / "w.pt")
    refused(capsys, "--weights", str(tmp_path / "w.pt"), says="weight_hh_l0 has shape (0, 0): it holds no hidden units")


def test_a_quoted_csv_field_holding_a_line_break_is_said_as_such(capsys, tmp_path):
    from helpers import refused

    (tmp_path / "x.csv").write_text('1,1,1,1,1\n"2\n",2,2,2,2\n')
    refused(capsys, "--input", str(tmp_path / "x.csv"), says="row 2: a quoted field goes on past the end of the line")


def test_a_ragged_list_of_tensors_gets_our_own_message():
    import torch

    import rnn_stepper

    with pytest.raises(ValueError) as refusal:
        rnn_stepper.trace(torch.nn.RNN(5, 2), [torch.ones(5), torch.ones(5), torch.ones(4)])
    assert str(refusal.value).startswith("x is a list of tensors of different shapes: x[0] is (5,) but x[2] is (4,)")


# --- the Model form -------------------------------------------------------------------------------------------------

def test_the_model_form_shows_a_sessions_real_sizes_past_its_caps(qtbot):
    import torch

    from rnn_stepper.core import make_session
    from rnn_stepper.core.config import RNNConfig
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    session = make_session(RNNConfig(input_size=5000, hidden_size=3, num_layers=12), torch.ones(1, 3, 5000), seed=1)
    window = MainWindow(StepperModel(session))
    qtbot.addWidget(window)
    fields = window.config_panel.fields
    assert fields["num_layers"].value() == 12 and fields["input_size"].value() == 5000
    assert fields["num_layers"].text() == "12" and fields["input_size"].text() == "5000"
    fields["num_layers"].stepDown()  # one click down is 11 layers, not the old cap of 8
    assert window.model.session.config.num_layers == 11


def test_a_long_text_walkthrough_is_refused_by_its_estimate_before_anything_is_computed(capsys, tmp_path,
                                                                                        monkeypatch):
    import rnn_stepper.core.trace as trace_module
    from helpers import refused

    (tmp_path / "long.csv").write_text("1,2,3,4,5\n" * 20_000)
    monkeypatch.setattr("rnn_stepper.core.config.TIME_LIMIT_S", 10)  # 20,000 steps: about 28 s of text
    monkeypatch.setattr(trace_module, "compute_trace", lambda *a, **k: pytest.fail("computed before refusing"))
    refused(capsys, "--input", str(tmp_path / "long.csv"),
            says="the text walkthrough of 20,000 timesteps would take about")


def test_a_text_walkthrough_past_half_a_minute_says_its_estimate_first(capsys, monkeypatch):
    import rnn_stepper.cli as cli
    from helpers import run

    monkeypatch.setattr(cli, "TEXT_NOTE_S", 0)
    status, out, err = run(capsys)
    assert status == 0 and out and err.startswith("rnn-stepper: note: the text walkthrough of 3 timesteps takes "
                                                  "about 0 seconds; --format csv is faster")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_click_on_a_nan_in_the_window_explains_it_as_nan(qtbot, lang):
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui import i18n
    from rnn_stepper.ui.main_window import MainWindow

    i18n.install(lang)
    model = StepperModel(nonfinite_session(float("nan")))
    window = MainWindow(model)
    qtbot.addWidget(window)
    model.step()
    assert model.select(0, "hidden", 0)
    from rnn_stepper.ui.explain_panel import breakdown_of

    text = window.step_view.breakdown.text()  # the panel the click opens, in the window's language
    assert breakdown_of(model).returned != breakdown_of(model).returned  # NaN
    assert ("is NaN (not a number)" if lang == "en" else "NaN(숫자가 아님)") in text


def test_the_windows_save_onto_a_write_protected_session_says_so_and_keeps_the_file(qtbot, tmp_path,
                                                                                  no_modal_dialogs):
    from rnn_stepper.core import make_session
    from rnn_stepper.core.session_file import save_session
    from rnn_stepper.model import StepperModel
    from rnn_stepper.ui.main_window import MainWindow

    path = tmp_path / "kept.rnnstep.json"
    save_session(str(path), make_session(seed=5))
    os.chmod(path, 0o444)
    before = path.read_bytes()
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.model.configure(hidden_size=3)
    assert not window.files.save_to(str(path))
    (title, text), = no_modal_dialogs
    assert title == "Could not save the session" and "is write-protected (mode 0444)" in text
    assert path.read_bytes() == before and window.model.dirty
