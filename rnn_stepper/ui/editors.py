"""The configuration form and the input sequence table: where a user changes the session."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..core.cells import CELL_TYPES, every_option
from ..core.config import DTYPES
from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .cell_notation import module_label, parse_number, translate_cell

INVALID_CELL = "#ffd6d6"
SHOWN_COLUMNS = 6  # an input this wide shows every column without scrolling; a wider one scrolls sideways


class SeedBox(QtWidgets.QLineEdit):
    """A seed in torch.manual_seed's whole range, -2**63 … 2**64 - 1: a QSpinBox holds only 32 bits, and a seed
    of 2**31 overflowed it. Applied on Enter or when focus leaves, like the spin boxes; bad text reverts.

    A session whose weights came from a file or were edited has no seed (None): the box is empty and says so, since
    a number there would claim the weights were drawn from it. Typing one draws new weights from it."""

    valueChanged = QtCore.Signal(object)  # a Python int: a C++ int signal would overflow as the spin box did

    def __init__(self, tip: str):
        super().__init__("0")
        self._value: int | None = 0
        self.setValidator(QtGui.QRegularExpressionValidator(QtCore.QRegularExpression(r"-?\d{0,20}"), self))
        self.setPlaceholderText(self.tr("none: weights from a file or edited"))
        self.setToolTip(tip)
        self.editingFinished.connect(self._finished)

    def value(self) -> int | None:
        return self._value

    def setValue(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)

    def _finished(self) -> None:
        try:
            self.setValue(int(self.text()))
        except ValueError:  # "" or "-": the seed stays as it was (and None stays None)
            self.setText("" if self._value is None else str(self._value))


class ConfigPanel(QtWidgets.QWidget):
    """The cell type (nn.RNN, nn.GRU, nn.LSTM), its options, seed, dtype and operation order. A change rebuilds the
    session through the model; a change that does not fit is refused with a message and the form shows the session
    as it still is. An option the cell type's module does not take is greyed out (CellType.options)."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        form = QtWidgets.QFormLayout(self)
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.AllNonFixedFieldsGrow)

        def spin(low, high, tip):
            box = QtWidgets.QSpinBox()
            box.setRange(low, high)
            box.setKeyboardTracking(False)  # apply on Enter or arrows, not on every digit typed
            box.setToolTip(tip)
            return box

        self.fields: dict[str, QtWidgets.QWidget] = {
            "cell": QtWidgets.QComboBox(),
            "input_size": spin(1, 4096, ""),
            "hidden_size": spin(1, 2048, self.tr("Hidden units (hidden_size)")),
            "num_layers": spin(1, 8, self.tr("Stacked layers; layer l reads layer l-1's outputs")),
            # the options only some cell types take, as they declare them: a list of words, or a whole number
            **{option.name: QtWidgets.QComboBox() if option.choices else spin(option.minimum, 2047, "")
               for option in every_option().values()},
            "bias": QtWidgets.QCheckBox(self.tr("bias (b_ih, b_hh)")),
            "bidirectional": QtWidgets.QCheckBox(self.tr("bidirectional")),
            "batch_first": QtWidgets.QCheckBox(self.tr("batch_first")),
            "seed": SeedBox(""),
            "dtype": QtWidgets.QComboBox(),
            "order": QtWidgets.QComboBox(),
        }
        for cell_type in CELL_TYPES.values():
            self.fields["cell"].addItem(cell_type.module_name, cell_type.name)
        self.fields["cell"].setToolTip(self.tr("The torch module whose forward pass is stepped; a new cell type "
                                               "draws new weights from the seed"))
        for option in every_option().values():
            if option.choices:
                self.fields[option.name].addItems(list(option.choices))
            if option.tip:
                self.fields[option.name].setToolTip(translate_cell(option.tip))
        self.fields["dtype"].addItems(list(DTYPES))
        self.fields["order"].addItems(["kernel", "textbook"])
        self.fields["bias"].setToolTip(self.tr("bias=False drops b_ih and b_hh"))
        self.fields["bidirectional"].setToolTip(self.tr("Add a reverse cell per layer that walks t = T-1 … 0"))
        self.fields["batch_first"].setToolTip(self.tr("Input laid out (batch, T, features) instead of (T, batch, …)"))
        labels = {"cell": self.tr("cell"), "input_size": "input_size", "hidden_size": "hidden_size",
                  "num_layers": "num_layers", **{name: name for name in every_option()},
                  "seed": self.tr("seed"), "dtype": "dtype", "order": self.tr("order")}
        for key, widget in self.fields.items():
            widget.setObjectName(key)
            if key in labels:
                form.addRow(labels[key], widget)
            else:
                form.addRow(widget)
            if isinstance(widget, (QtWidgets.QSpinBox, SeedBox)):
                widget.valueChanged.connect(lambda value, key=key: self.apply(key, value))
            elif key == "cell":  # the item's data is the cell type's name ("gru"); its text the module's ("GRU")
                widget.currentIndexChanged.connect(lambda _, widget=widget: self.apply("cell", widget.currentData()))
            elif isinstance(widget, QtWidgets.QComboBox):
                widget.currentTextChanged.connect(lambda text, key=key: self.apply(key, text))
            else:
                widget.toggled.connect(lambda on, key=key: self.apply(key, on))
        self.order_note = QtWidgets.QLabel()  # what the textbook order computes for this cell type
        self.order_note.setWordWrap(True)
        self.order_note.setStyleSheet("color: #666")
        form.addRow(self.order_note)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        form.addRow(self.error)
        self.note = QtWidgets.QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666")
        form.addRow(self.note)
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        if "trace" not in what:
            return False
        self.refresh()
        return True

    def current(self) -> dict:
        session = self.model.session
        return {**session.config.to_dict(), "seed": session.seed, "order": session.order}

    def refresh(self) -> None:
        config = self.model.session.config
        cell_type = config.cell_type
        for key, value in self.current().items():
            widget = self.fields.get(key)
            if widget is None:
                continue
            blocked = widget.blockSignals(True)
            if key == "cell":
                widget.setCurrentIndex(widget.findData(value))
            elif isinstance(widget, SeedBox):
                widget.setValue(value)
            elif isinstance(widget, QtWidgets.QSpinBox):
                # the caps are for typing; a session opened or imported past them (12 layers, input 5,000) shows
                # its real sizes, and one click down from there is one less, not the cap
                widget.setMaximum(max(widget.maximum(), int(value)))
                widget.setValue(int(value))
            elif isinstance(widget, QtWidgets.QComboBox):
                widget.setCurrentText(str(value))
            else:
                widget.setChecked(bool(value))
            widget.blockSignals(blocked)
        # An option only some modules take (nn.RNN's nonlinearity, nn.LSTM's proj_size) is off for the others.
        optional = {name for c in CELL_TYPES.values() for name in c.option_names}
        for key in optional & set(self.fields):
            self.fields[key].setEnabled(key in cell_type.option_names)
        for option in every_option().values():
            if option.below_hidden:
                self.fields[option.name].setMaximum(max(config.hidden_size - 1, 0))
        module = module_label(config)
        self.fields["input_size"].setToolTip(self.tr("Features per timestep ({0}'s input_size)").format(module))
        self.fields["seed"].setToolTip(self.tr("torch.manual_seed before {0} draws its weights").format(module))
        self.fields["order"].setToolTip(self.tr(
            "kernel: PyTorch's own order of operations, bitwise equal to {0}'s step-by-step cell on any CPU\n"
            "textbook: {1}; how far it lands from {0} is measured on this machine").format(
            module, translate_cell(cell_type.textbook_name)))
        self.order_note.setText(self.tr("The textbook order computes {0}: {1}.").format(
            translate_cell(cell_type.textbook_name), translate_cell(cell_type.textbook_note)))
        self.note.setText(self.tr("dropout is left out: it only acts in training mode, and the stepper "
                                  "evaluates {0} in eval mode.").format(module))

    def apply(self, key: str, value) -> None:
        if self.current().get(key) == value and key != "seed":
            return
        before = self.model.session.config.input_size
        try:
            after = self.model.configure(**{key: value}).config.input_size
            self.error.setText("")
            if after != before:
                self.model.events.message.emit(
                    (self.tr("input_size {0} → {1}: the input's columns were cut, the weights drawn anew")
                     if after < before else
                     self.tr("input_size {0} → {1}: the input's columns were padded with zeros, the weights drawn "
                             "anew")).format(before, after))
        except InputError as exc:
            self.error.setText(str(exc))
            self.model.events.message.emit(str(exc))
            self.refresh()


class SequenceTable(QtCore.QAbstractTableModel):
    """The input of the batch row on show as a Qt table model: it reads the stepper model's sequence on demand,
    so a 1,000-step sequence costs no widgets. Text typed that is not a number is kept here, per cell, until it
    is fixed: it is the user's unsaved typing, not a number of the session."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.invalid: dict[tuple[int, int], str] = {}
        self.rows = self.model.sequence()[self.model.batch]
        model.events.changed.connect(self.on_change)

    def on_change(self, what: frozenset) -> bool:
        if what & {"trace", "cell"}:
            self.reload()
        elif "cursor" in what:
            self.mark_current_row()
        else:
            return False
        return True

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = self.model.sequence()[self.model.batch]
        T, width = self.rows.shape
        self.invalid = {k: v for k, v in self.invalid.items() if k[0] < T and k[1] < width}
        self.endResetModel()

    def mark_current_row(self) -> None:
        self.headerDataChanged.emit(QtCore.Qt.Vertical, 0, max(self.rowCount() - 1, 0))

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else self.rows.shape[0]

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else self.rows.shape[1]

    def flags(self, index):
        return super().flags(index) | QtCore.Qt.ItemIsEditable

    def data(self, index, role=QtCore.Qt.DisplayRole):
        key = (index.row(), index.column())
        if role in (QtCore.Qt.DisplayRole, QtCore.Qt.EditRole):
            return self.invalid.get(key, style.exact(self.rows[key], self.model.session.config.dtype))
        if role == QtCore.Qt.BackgroundRole and key in self.invalid:
            return QtGui.QColor(INVALID_CELL)
        if role == QtCore.Qt.ToolTipRole and key in self.invalid:
            return self.problem(*key)
        return None

    def headerData(self, section, orientation, role=QtCore.Qt.DisplayRole):
        if role != QtCore.Qt.DisplayRole:
            return None
        if orientation == QtCore.Qt.Horizontal:
            return str(section)
        return ("▶ " if section == self.model.t else "") + f"t={section}"

    def problem(self, t: int, i: int) -> str:
        try:
            parse_number(self.invalid[t, i])
            return ""
        except InputError as exc:
            return self.tr("t={0}, column {1}: {2}").format(t, i, exc)

    def setData(self, index, value, role=QtCore.Qt.EditRole) -> bool:
        if role != QtCore.Qt.EditRole or not index.isValid():
            return False
        t, i = index.row(), index.column()
        try:
            number = parse_number(str(value))
        except InputError:
            self.invalid[t, i] = str(value)
            self.dataChanged.emit(index, index)
            self.model.events.message.emit(self.problem(t, i))
            return True
        self.invalid.pop((t, i), None)
        rows = self.model.sequence()
        rows[self.model.batch, t, i] = number
        self.model.set_sequence(rows)
        return True


class InputEditor(QtWidgets.QWidget):
    """The input sequence as a table: T rows × input_size columns of the batch row on show.

    A cell that is not a number is marked in place, with a message, and kept as typed; the session keeps its last
    good input until the cell is fixed, and nothing else in the table is lost."""

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.cells = SequenceTable(model, self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.cells)
        self.table.setToolTip(self.tr("Double-click a cell to type a number"))
        # Columns share the tab's width, so a narrow dock (1280 × 720, a presentation font) still shows every
        # column of a short input; past what fits at a readable width ("-0.8…") the table scrolls sideways.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("-0.8…") + 8)
        header.setSectionResizeMode(QtWidgets.QHeaderView.Stretch)
        add = QtWidgets.QPushButton(self.tr("Add row"))
        add.setToolTip(self.tr("Append a timestep (zeros)"))
        add.clicked.connect(self.add_row)
        remove = QtWidgets.QPushButton(self.tr("Remove row"))
        remove.setToolTip(self.tr("Remove the selected timestep (or the last)"))
        remove.clicked.connect(self.remove_row)
        self.preset = QtWidgets.QComboBox()
        self.preset.addItem(self.tr("Notebook ramp: 1s, 2s, 3s …"), "notebook")
        self.preset.addItem(self.tr("Sine wave"), "sine")
        self.preset.addItem(self.tr("Random normal"), "random")
        self.preset.addItem(self.tr("One-hot characters of a word"), "word")
        self.preset.setToolTip(self.tr("Fill the table with an example sequence"))
        self.preset.setMinimumWidth(self.preset.sizeHint().width())  # every preset's name whole: the dock widens
        self.word = QtWidgets.QLineEdit("hello")
        self.word.setToolTip(self.tr("The word to spell one character per timestep"))
        self.word.setMaxLength(64)
        self.word.setMinimumWidth(self.fontMetrics().horizontalAdvance("hello world") + 12)  # the word, whole
        fill = QtWidgets.QPushButton(self.tr("Fill"))
        fill.setToolTip(self.tr("Replace the input with the chosen example"))
        fill.clicked.connect(lambda: self.fill(self.preset.currentData(), self.word.text()))
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.cells.dataChanged.connect(self.show_problems)
        self.cells.modelReset.connect(self.show_problems)
        self.cells.modelReset.connect(self.fit_columns)
        self.fit_columns()
        rows = QtWidgets.QHBoxLayout()
        rows.addWidget(add)
        rows.addWidget(remove)
        # The preset's name takes a row of its own: beside it, the word was cut to "ello" in a 270-pixel dock.
        presets = QtWidgets.QHBoxLayout()
        presets.addWidget(self.word, 1)
        presets.addWidget(fill)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(rows)
        layout.addWidget(self.preset)
        layout.addLayout(presets)

    def fit_columns(self) -> None:
        """The table asks for the width of every column of the input, up to SHOWN_COLUMNS of them, at their
        readable minimum: the dock widens to show them rather than hide the last behind a scroll bar."""
        table = self.table
        shown = min(self.cells.columnCount(), SHOWN_COLUMNS)
        table.setMinimumWidth(table.verticalHeader().sizeHint().width() + 2 * table.frameWidth()
                              + shown * table.horizontalHeader().minimumSectionSize()
                              + table.verticalScrollBar().sizeHint().width())

    def show_problems(self, *_) -> None:
        problems = [self.cells.problem(*key) for key in sorted(self.cells.invalid)]
        self.message.setText(problems[0] + (self.tr(" (and {0} more)").format(len(problems) - 1)
                                            if len(problems) > 1 else "") if problems else "")

    def add_row(self) -> None:
        rows = self.model.sequence()
        self.model.set_sequence(np.concatenate([rows, np.zeros_like(rows[:, :1])], axis=1))

    def remove_row(self) -> None:
        rows = self.model.sequence()
        if rows.shape[1] <= 1:
            self.message.setText(self.tr("A sequence needs at least one timestep."))
            return
        selected = self.table.currentIndex().row()
        t = selected if 0 <= selected < rows.shape[1] else rows.shape[1] - 1
        self.cells.invalid = {(r if r < t else r - 1, c): v for (r, c), v in self.cells.invalid.items() if r != t}
        self.model.set_sequence(np.delete(rows, t, axis=1))

    def fill(self, preset: str, word: str = "") -> None:
        rows = self.model.sequence()
        B, T, width = rows.shape
        ts = np.arange(T)[None, :, None]
        if preset == "notebook":
            rows = np.broadcast_to(ts + 1.0, rows.shape).copy()
        elif preset == "sine":
            phase = np.arange(width)[None, None, :] * (np.pi / max(width, 1))
            rows = np.broadcast_to(np.sin(2 * np.pi * ts / max(T, 8) + phase), rows.shape).copy()
        elif preset == "random":
            rows = np.random.default_rng(self.model.session.seed or 0).standard_normal(rows.shape)
        elif preset == "word":
            word = word.strip()
            if not word:
                self.message.setText(self.tr("Type a word to spell, e.g. hello."))
                return
            vocabulary = sorted(set(word))
            rows = np.zeros((B, len(word), len(vocabulary)))
            for t, ch in enumerate(word):
                rows[:, t, vocabulary.index(ch)] = 1.0
            self.model.events.message.emit(self.tr("One-hot '{0}': columns are {1}").format(
                word, " ".join(vocabulary)))
        self.cells.invalid.clear()
        self.model.set_sequence(rows)
