"""Korean and English through Qt's translation system: `.ts` sources in resources/translations, built `.qm`
files shipped beside them. Qt is imported only when a translation is asked for, so `trace --format json`
and the numeric core never load it."""

from __future__ import annotations

import importlib.resources
import os

LANGUAGES = ("en", "ko")
_installed: list = []  # the translator in use, kept alive while Qt holds a pointer to it
_app: list = []  # a QCoreApplication made here for the command line, kept alive likewise


def system_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def qm_path(lang: str) -> str:
    return str(importlib.resources.files("rnn_stepper.resources") / "translations" / f"rnn_stepper_{lang}.qm")


def install(lang: str) -> str:
    """Make `lang` the language of every tr() from now on (English is the source text: no translator)."""
    from PySide6 import QtCore

    if QtCore.QCoreApplication.instance() is None:
        _app.append(QtCore.QCoreApplication([]))
    for translator in _installed:
        QtCore.QCoreApplication.removeTranslator(translator)
    _installed.clear()
    if lang != "en":
        translator = QtCore.QTranslator()
        if not translator.load(qm_path(lang)):
            raise FileNotFoundError(f"no translation file for {lang!r} at {qm_path(lang)}")
        QtCore.QCoreApplication.installTranslator(translator)
        _installed.append(translator)
    return lang
