"""The weights page: each parameter of the cell on show as a heat map, the entries the phase on show reads
lit, a double-click to edit one."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ..core.config import cell_suffix
from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .cell_notation import parse_number
from .explain_panel import breakdown_of
from .matrix_view import MatrixView


def phase_reads(model: StepperModel) -> dict[str, int | None]:
    """What the phase on show reads: parameter kind (weight_ih, bias_hh, …) → its gate block, or None for every
    row; {} before the first phase."""
    phase = model.phase
    if phase is None:
        return {}
    config = model.session.config
    declared = next((p for p in config.cell_type.phases(config) if p.name == phase), None)
    return dict(declared.reads) if declared is not None else {}


class WeightsPanel(QtWidgets.QWidget):
    """W_ih (W_xh), W_hh, b_ih and b_hh of the cell on show (and an LSTM's W_hr with proj_size); double-click a
    cell to type a new value. A stacked matrix is labelled by gate block, and the rows the phase on show reads are
    framed."""

    KINDS = ("weight_ih", "bias_ih", "weight_hh", "bias_hh", "weight_hr")

    def __init__(self, model: StepperModel, parent=None):
        super().__init__(parent)
        self.model = model
        layout = QtWidgets.QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # A bias is drawn on its weight matrix's colour scale, so the matrix's colour bar reads for both.
        self.views = {kind: MatrixView(editable=True, colorbar=kind.startswith("weight")) for kind in self.KINDS}
        layout.addWidget(self.views["weight_ih"], 0, 0)
        layout.addWidget(self.views["bias_ih"], 0, 1)
        layout.addWidget(self.views["weight_hh"], 1, 0)
        layout.addWidget(self.views["bias_hh"], 1, 1)
        layout.addWidget(self.views["weight_hr"], 2, 0)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 1)
        for kind, view in self.views.items():
            view.setMinimumSize(60, 60)
            view.cell_activated.connect(lambda r, c, kind=kind: self.begin_edit(kind, r, c))
        self.editor = QtWidgets.QLineEdit(self)
        self.editor.hide()
        self.editor.returnPressed.connect(self.commit_edit)
        self.editor.installEventFilter(self)
        self.editing: tuple[str, int, int] | None = None
        model.events.changed.connect(self.on_change)
        self.refresh()

    def on_change(self, what: frozenset) -> bool:
        """Matrices are redrawn when they change; a step or a selection only moves the highlight. Returns whether
        anything was redrawn (as every view's on_change)."""
        if what & {"trace", "cell"}:
            self.refresh()  # and the highlight
        elif what & {"cursor", "selected"}:
            self.highlight()
        else:
            return False
        return True

    def names(self) -> dict[str, str]:
        suffix = cell_suffix(self.model.layer, self.model.direction)
        return {kind: kind + suffix for kind in self.views}

    TITLES = {"weight_ih": "W<sub>ih</sub> (W<sub>xh</sub>)", "weight_hh": "W<sub>hh</sub>",
              "bias_ih": "b<sub>ih</sub>", "bias_hh": "b<sub>hh</sub>", "weight_hr": "W<sub>hr</sub>"}

    def blocks(self, kind: str) -> tuple[str, ...]:
        """The gate blocks a parameter stacks, top to bottom; W_hr maps the whole hidden state and stacks none."""
        return () if kind == "weight_hr" else self.model.session.config.cell_type.gate_names

    def refresh(self) -> None:
        weights = self.model.session.weights
        names = self.names()
        for kind, name in names.items():
            view = self.views[kind]
            view.setVisible(name in weights)
            if name not in weights:
                continue
            # A matrix and its bias share one symmetric colour scale.
            pair = [weights[n] for n in (names.get(kind.replace("bias", "weight")),
                                         names.get(kind.replace("weight", "bias"))) if n in weights]
            view.set_matrix(weights[name], levels=max(float(p.detach().abs().max()) for p in pair),
                            blocks=self.blocks(kind))
        self.highlight()

    def reads(self) -> dict[str, int | None]:
        return phase_reads(self.model)

    def highlight(self) -> None:
        """Frame the parameters the phase on show reads, and within a stacked one the rows of its gate. While a
        breakdown is open (issue 12), the one row of each parameter it reads instead, the other rows dimmed."""
        weights = self.model.session.weights
        reads = self.reads()
        H = self.model.session.config.hidden_size
        rows = {} if (breakdown := breakdown_of(self.model)) is None else dict(breakdown.parameters)
        for kind, name in self.names().items():
            if name not in weights:
                continue
            view = self.views[kind]
            shape = "×".join(str(n) for n in weights[name].shape)
            block = reads.get(kind)
            if breakdown is not None:
                read = rows.get(kind)
                view.set_title(f"{self.TITLES[kind]} {shape}", active=read is not None, framed=False)
                marked = None if read is None else (read, read + 1)
                if view.marked_rows() != marked:
                    view.mark_rows(*(marked or ()))
                continue
            view.set_title(f"{self.TITLES[kind]} {shape}", active=kind in reads, framed=kind in reads and block is None)
            if block is None:
                view.mark_rows()
            elif view.marked_rows() != (block * H, (block + 1) * H):
                view.mark_rows(block * H, (block + 1) * H)

    def begin_edit(self, kind: str, r: int, c: int) -> None:
        view = self.views[kind]
        self.editing = (kind, r, c)
        value = view.values()[r, c]
        self.editor.setText(style.exact(value, view.dtype))
        self.editor.setToolTip(self.tr("Type a value and press Enter; Esc cancels"))
        self.editor.setStyleSheet("")
        pos = view.mapTo(self, view.cell_widget_pos(r, c))
        self.editor.resize(110, self.editor.sizeHint().height())
        self.editor.move(pos - QtCore.QPoint(55, self.editor.height() // 2))
        self.editor.show()
        self.editor.raise_()
        self.editor.selectAll()
        self.editor.setFocus()

    def commit_edit(self) -> None:
        if self.editing is None:
            return
        kind, r, c = self.editing
        try:
            value = parse_number(self.editor.text())
        except InputError as exc:
            self.editor.setStyleSheet("background: #ffd6d6")
            self.editor.setToolTip(str(exc))
            self.model.events.message.emit(str(exc))
            return
        name = self.names()[kind]
        index = (r,) if self.model.session.weights[name].dim() == 1 else (r, c)
        try:
            self.model.set_weight(name, index, value)
        except InputError as exc:
            self.editor.setStyleSheet("background: #ffd6d6")
            self.editor.setToolTip(str(exc))
            self.model.events.message.emit(str(exc))
            return
        self.editing = None
        self.editor.hide()

    def cancel_edit(self) -> None:
        self.editing = None
        self.editor.hide()

    def eventFilter(self, obj, event):
        if obj is self.editor and event.type() == QtCore.QEvent.KeyPress and event.key() == QtCore.Qt.Key_Escape:
            self.cancel_edit()
            return True
        return super().eventFilter(obj, event)
