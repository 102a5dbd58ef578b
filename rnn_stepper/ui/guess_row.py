"""Predict, then reveal: the fields where a student types h_t's units before the step shows them, and how far each
guess landed once it does."""

from __future__ import annotations

import re

import numpy as np
from PySide6 import QtCore, QtWidgets

from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .cell_notation import parse_number


def parse_guesses(text: str, size: int) -> list[float]:
    """A guess at a whole vector typed in one field: `size` numbers apart by spaces or commas. Raises InputError
    saying how to fix it."""
    parts = [part for part in re.split(r"[\s,;]+", text.strip().strip("[]()")) if part]
    if len(parts) != size:
        raise InputError(f"h_t has {size} units: type {size} numbers apart by spaces, like "
                         f"{' '.join(['0.5', '-0.25', '0'][:min(size, 3)])}{' …' if size > 3 else ''}; "
                         f"got {len(parts)}")
    return [parse_number(part) for part in parts]


class GuessRow(QtWidgets.QWidget):
    """Predict, then reveal as an exercise: while the step waits before h_t, a prompt and a field per unit of h_t
    (one field for the whole vector past MAX_GUESS_FIELDS units) where the class types its guess; once h_t is
    revealed, each guess beside the truth and the error. The guesses are the model's (StepperModel.guesses)."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.prompt = QtWidgets.QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet(f"font-weight: bold; color: {style.ACTIVE}")
        self.fields_row = QtWidgets.QHBoxLayout()
        self.fields_row.setSpacing(4)
        self.fields: list[QtWidgets.QLineEdit] = []
        self.result = QtWidgets.QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(QtCore.Qt.RichText)
        # the prompt and the fields on one line: the strip above keeps the height for its numbers
        line = QtWidgets.QHBoxLayout()
        line.setSpacing(8)
        line.addWidget(self.prompt, 3)
        line.addLayout(self.fields_row, 2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.result)
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        if not what & {"guesses", "trace", "cell", "cursor"}:
            return False
        self.refresh()
        return True

    MAX_GUESS_FIELDS = 8

    def build_fields(self, units: int) -> None:
        """A field per unit, or one for the whole vector: made again only when h_t's size changes."""
        while self.fields_row.count():
            widget = self.fields_row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.fields = []
        count = units if units <= self.MAX_GUESS_FIELDS else 1
        for u in range(count):
            if count > 1:
                self.fields_row.addWidget(QtWidgets.QLabel(f"h[{u}]"))
            field = QtWidgets.QLineEdit()
            field.setObjectName(f"guess-{u}" if count > 1 else "guess-vector")
            field.setPlaceholderText("?")
            field.setToolTip(self.tr("Type a guess for h[{0}] and press Enter").format(u) if count > 1 else
                             self.tr("Type a guess for each of the {0} units of h_t, apart by spaces, and press "
                                     "Enter").format(units))
            field.editingFinished.connect(lambda u=u, field=field: self.commit(field, u))
            self.fields_row.addWidget(field, 1 if count > 1 else 8)
            self.fields.append(field)
        self.fields_row.addStretch(0 if count == 1 else 1)
        self.fields_units = units

    fields_units = -1

    def commit(self, field: QtWidgets.QLineEdit, unit: int) -> None:
        """A guess typed: taken into the model, or a clear message (the field marked) when it is not a number."""
        m = self.model
        if not m.awaiting_guess:
            return
        text = field.text().strip()
        units = m.session.config.output_size
        try:
            if len(self.fields) == 1 and units > 1:
                values = parse_guesses(text, units) if text else [None] * units
                for u, value in enumerate(values):
                    m.set_guess(u, value)
            else:
                m.set_guess(unit, parse_number(text) if text else None)
        except InputError as exc:
            field.setStyleSheet("background: #ffd6d6")
            field.setToolTip(str(exc))
            m.events.message.emit(str(exc))
            return
        field.setStyleSheet("")

    def commit_pending(self) -> None:
        """Take every field's text as typed, Enter or not: a click on Step (a toolbar button takes no focus, so no
        field finishes its editing) revealed h_t without the guess still in the last field (issue 26)."""
        for unit, field in enumerate(self.fields):
            if field.isEnabled() and field.isModified():
                self.commit(field, unit)
                field.setModified(False)

    def refresh(self) -> None:
        m = self.model
        if m.trace is None:
            return
        units = m.session.config.output_size
        waiting = m.awaiting_guess
        errors = m.guess_errors() if m.predict_first else {}
        self.setVisible(waiting or bool(errors))
        if not (waiting or errors):
            return
        if units != self.fields_units:
            self.build_fields(units)
        guesses = m.guesses
        for k in range(self.fields_row.count()):  # once h_t is out, the table below says the guesses
            widget = self.fields_row.itemAt(k).widget()
            if widget is not None:
                widget.setVisible(waiting)
        for u, field in enumerate(self.fields):
            field.setEnabled(waiting)
            if field.hasFocus():
                continue
            if len(self.fields) == 1 and units > 1:
                text = " ".join(style.exact(np.float64(guesses[k])) if k in guesses else "?" for k in range(units))
                text = text if guesses else ""
            else:
                text = style.exact(np.float64(guesses[u])) if u in guesses else ""
            if field.text() != text:
                field.setText(text)
                field.setStyleSheet("")
        self.prompt.setText(self.tr("Guess h_t, then click Step to reveal it") if waiting else
                            self.tr("Your guess beside h_t") if errors else "")
        self.result.setVisible(bool(errors))
        if errors:
            listed = list(errors.items())[:self.MAX_GUESS_FIELDS]
            guess_word, error_word = self.tr("guess"), self.tr("error")
            rows = "".join(f"<tr><td>h[{u}]&nbsp;&nbsp;</td><td>{guess_word} {style.short(g, 4)}&nbsp;&nbsp;</td>"
                           f"<td>h<sub>t</sub> {style.short(truth, 4)}&nbsp;&nbsp;</td>"
                           f"<td>{error_word} {'+' if error > 0 else ''}{style.short(error, 3)}</td></tr>"
                           for u, (g, truth, error) in listed)
            text = f"<table>{rows}</table>"
            if len(errors) > len(listed):
                worst = max(abs(error) for _, _, error in errors.values())
                text += self.tr("… {0} guesses in all; the largest |error| is {1}").format(
                    len(errors), style.short(worst, 3))
            self.result.setText(text)
