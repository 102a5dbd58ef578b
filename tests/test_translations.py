"""Korean and English: every user-facing string has a Korean translation, and switching keeps the session."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rnn_stepper.model import StepperModel
from rnn_stepper.ui import i18n
from rnn_stepper.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "rnn_stepper_ko.ts"
TOOLS = Path(sys.executable).parent


def sources() -> list[str]:
    return sorted(str(p) for p in [*ROOT.glob("rnn_stepper/ui/*.py"), *ROOT.glob("rnn_stepper/*.py")])


def test_every_user_facing_string_has_a_korean_translation(tmp_path):
    fresh = tmp_path / "ko.ts"
    shutil.copy(TS, fresh)
    # lupdate merges what the code says now into a copy of the committed .ts: a new or changed string comes out
    # "unfinished" until someone translates it.
    subprocess.run([str(TOOLS / "pyside6-lupdate"), *sources(), "-ts", str(fresh)], check=True, capture_output=True)
    untranslated = []
    for context in ET.parse(fresh).getroot():
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation.get("type") in ("vanished", "obsolete"):
                continue
            if translation.get("type") == "unfinished" or not (translation.text or "").strip():
                untranslated.append(f"{context.findtext('name')}: {message.findtext('source')!r}")
    assert untranslated == [], "translate these in resources/translations/rnn_stepper_ko.ts, then make translations"


def test_the_shipped_qm_is_built_from_the_ts(tmp_path):
    built = tmp_path / "ko.qm"
    subprocess.run([str(TOOLS / "pyside6-lrelease"), str(TS), "-qm", str(built)], check=True, capture_output=True)
    assert built.read_bytes() == Path(i18n.qm_path("ko")).read_bytes(), "run make translations"


def test_korean_keeps_placeholders_intact():
    for message in ET.parse(TS).getroot().iter("message"):
        source, translation = message.findtext("source"), message.findtext("translation") or ""
        for token in ("{0}", "{1}", "{2}", "{3}", "{4}", "{5}", "{t}", "{p}", "{diff}", "{layer}", "{direction}"):
            assert (token in source) == (token in translation), (source, translation)


def test_korean_never_leaves_a_particle_for_the_reader_to_choose():
    """을(를), 은(는), (으)로 after a placeholder read as a form left unfilled: the sentence is built so no particle
    follows a value filled in at run time (issue 26)."""
    import re

    unresolved = re.compile(r"\}(?:을\(를\)|를\(을\)|은\(는\)|는\(은\)|이\(가\)|가\(이\)|\(으\)로|과\(와\))")
    left = [message.findtext("translation") for message in ET.parse(TS).getroot().iter("message")
            if unresolved.search(message.findtext("translation") or "")]
    assert left == []


def test_trace_in_korean_says_its_thread_count_in_korean(capsys):
    from helpers import run_cli

    status, out, _ = run_cli(capsys, "trace", "--lang", "ko")
    assert status == 0 and "threads" not in out and "스레드 " in out
    i18n.install("en")


@pytest.fixture
def english():
    yield
    i18n.install("en")


def test_switching_the_window_to_korean_and_back_keeps_the_session(qtbot, english):
    window = MainWindow(StepperModel())
    qtbot.addWidget(window)
    window.show()
    window.model.step()
    window.model.configure(hidden_size=3)
    korean = window.set_language("ko")
    qtbot.addWidget(korean)
    assert korean.actions_by_name["step"].text() == "타임 스텝 ▶"  # a time step; a phase is an operation, "연산"
    assert korean.menuBar().actions()[0].text() == "파일(&F)"
    assert "타임 스텝 t = 0" in korean.step_view.heading.text()
    assert korean.model is window.model and korean.model.session.config.hidden_size == 3
    assert korean.model.position == 4 and korean.isWindowModified()
    korean.model.step()  # the old window's views are gone from the model: nothing touches deleted widgets
    from PySide6 import QtCore
    assert QtCore.QSettings().value("language") == "ko"
    back = korean.set_language("en")
    qtbot.addWidget(back)
    assert back.actions_by_name["step"].text() == "Step ▶"
