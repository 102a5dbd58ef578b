"""The window's remembered choices (QSettings), each checked when it is read.

The settings file is the user's to edit, and a value it holds may be anything: `language=de` (no such
translation), `font_scale=nan` or `1e308` (no font that size), or bytes from a damaged disk. A value that is not
valid falls back to its default, and the window's status bar says which one and why; the start never stops.
"""

from __future__ import annotations

import math

from PySide6 import QtCore

# A font scale written by hand may lie between the View menu's (FONT_SCALES); one outside this range would make
# fonts too small to read or too large for Qt to draw (1e308 overflows its sizes).
FONT_SCALE_RANGE = (0.5, 4.0)

problems: list[str] = []  # what was wrong with the values read so far, for the next window's status bar


def _language(value):
    from . import i18n

    if value in ("", None) or (isinstance(value, str) and value in i18n.LANGUAGES):
        return value or ""
    raise ValueError("the languages are " + ", ".join(i18n.LANGUAGES))


def _font_scale(value):
    try:
        scale = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("not a number") from None
    low, high = FONT_SCALE_RANGE
    if not (math.isfinite(scale) and low <= scale <= high):
        raise ValueError(f"a font scale is between {low:g} and {high:g}")
    return scale


def _colormap(value):
    from .style import COLORMAPS

    if isinstance(value, str) and value in COLORMAPS:
        return value
    raise ValueError("the colormaps are " + ", ".join(COLORMAPS))


def _switch(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int):
        return bool(value)
    raise ValueError("it is true or false")


def _paths(value):
    value = [value] if isinstance(value, str) else value
    if isinstance(value, (list, tuple)):  # an entry that is not a path is left out; the others stay
        return [p for p in value if isinstance(p, str)]
    raise ValueError("a list of file paths")


# key: (default, check); a check returns the value to use or raises ValueError saying what a valid one is.
SETTINGS = {
    "language": ("", _language),
    "font_scale": (1.5, _font_scale),
    "colormap": ("CET-D1", _colormap),
    "state_unit_scale": (False, _switch),
    "recent": ([], _paths),
}


def setting(key: str, settings: QtCore.QSettings | None = None):
    """The value saved under `key`, or its default when none is saved or the saved one is not valid (noted in
    `problems` for the status bar)."""
    default, check = SETTINGS[key]
    settings = settings if settings is not None else QtCore.QSettings()
    try:
        value = settings.value(key)
    except Exception:  # a value QSettings itself cannot turn back into an object (a damaged @Variant)
        value, error = "(unreadable)", ValueError("QSettings could not read it")
    else:
        if value is None:
            return default
        try:
            return check(value)
        except ValueError as exc:
            error = exc
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "…"
    note = QtCore.QCoreApplication.translate(
        "Settings", "The setting {key}={value} in {file} is not valid ({why}); using {default}").format(
        key=key, value=shown, file=settings.fileName(), why=error,
        default="the system's language" if key == "language" else repr(default))
    if note not in problems:
        problems.append(note)
    return default


def take_problems() -> list[str]:
    """The notes about bad settings not yet shown, once."""
    taken = list(problems)
    problems.clear()
    return taken
