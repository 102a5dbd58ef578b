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
