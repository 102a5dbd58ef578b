"""`rnn-stepper --install-desktop-entry`: a valid freedesktop.org entry and icon for this user, which starts this
installation's own Python, and `--remove-desktop-entry` takes them away again."""

import shutil
import subprocess
import sys

import pytest

from rnn_stepper import desktop
from rnn_stepper.cli import main


def unquote_exec(value: str) -> list[str]:
    """The Exec key's arguments, read back as the Desktop Entry spec reads them: the string escape first (a doubled
    backslash is one), then the quoting rule (inside double quotes, a backslash escapes the next character)."""
    value = value.replace("\\\\", "\\").replace("%%", "%")
    arguments, current, quoted, escaped = [], "", False, False
    for c in value:
        if escaped:
            current, escaped = current + c, False
        elif quoted and c == "\\":
            escaped = True
        elif c == '"':
            quoted = not quoted
        elif c == " " and not quoted:
            arguments.append(current)
            current = ""
        else:
            current += c
    return arguments + [current]


def entry_keys(path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


@pytest.mark.parametrize("python", ["/usr/bin/python3", "/home/a user/venv $HOME/\"q\"/back\\slash/100%/python"])
def test_the_entry_runs_this_python_however_its_path_is_spelled(tmp_path, monkeypatch, capsys, python):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "executable", python)
    assert main(["--install-desktop-entry"]) == 0
    entry = tmp_path / "applications" / "rnn-stepper.desktop"
    out = capsys.readouterr().out
    assert f"wrote {entry}" in out
    keys = entry_keys(entry)
    assert unquote_exec(keys["Exec"]) == [python, "-m", "rnn_stepper"]
    assert keys["Icon"] == "rnn-stepper" and keys["Terminal"] == "false" and keys["Type"] == "Application"
    icons = tmp_path / "icons" / "hicolor"
    assert (icons / "256x256" / "apps" / "rnn-stepper.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (icons / "scalable" / "apps" / "rnn-stepper.svg").read_bytes()
    if shutil.which("desktop-file-validate"):  # .ci/system-deps installs it
        result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert result.returncode == 0 and "error" not in result.stdout, result.stdout


def test_remove_takes_away_what_install_wrote_and_nothing_else(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    other = tmp_path / "applications" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    main(["--install-desktop-entry"])
    assert main(["--remove-desktop-entry"]) == 0
    assert capsys.readouterr().out.count("removed ") == 3
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["someone-else.desktop"]
    assert main(["--remove-desktop-entry"]) == 0
    assert "no desktop entry" in capsys.readouterr().out


def test_an_unwritable_data_folder_gets_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked))
    assert main(["--install-desktop-entry"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be written" in err and str(blocked) in err


def test_a_relative_xdg_data_home_is_ignored_as_the_spec_says(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.entry_path() == tmp_path / ".local" / "share" / "applications" / "rnn-stepper.desktop"


def test_the_window_carries_the_icon_and_the_entrys_name(qtbot):
    from PySide6 import QtGui, QtWidgets

    from rnn_stepper.ui.app import set_identity

    app = QtWidgets.QApplication.instance()
    set_identity(app)
    assert QtGui.QGuiApplication.desktopFileName() == "rnn-stepper"
    assert not app.windowIcon().isNull() and app.windowIcon().availableSizes()
