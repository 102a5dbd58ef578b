"""The window on a whole character model (issue 27): a prompt typed in, the calls of the model one character each,
the embedding row each call reads, the recurrent cell's phases for the call on show (the stepper's own step
strip), and the head's next-character probabilities, with Sample drawing the next character.

Every view takes the `LanguageSession` (rnn_stepper/language.py), subscribes to its events and draws from it
alone; nothing here computes a number.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ..core.errors import InputError
from ..language import TOP_K, LanguageSession
from . import style
from .embedding_view import EmbeddingView, shown
from .plots import legible_axes, set_plot_title, without_menus
from .stages_window import StagesWindow, open_beside, open_stages_window, opened, run_stages_window, wait_cursor  # noqa: F401 (opened: the examples open)
from .step_panel import StepPanel
from .typography import font_px, label_font, label_px


class CallStrip(QtWidgets.QScrollArea):
    """One button per call of the model, showing the character it was fed (x_t); the drawn characters in the
    sampling colour. A click shows that call."""

    def __init__(self, session: LanguageSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QtWidgets.QFrame.NoFrame)
        inner = QtWidgets.QWidget()
        self.row = QtWidgets.QHBoxLayout(inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(2)
        self.setWidget(inner)
        self.buttons: list[QtWidgets.QToolButton] = []
        self.next_label = QtWidgets.QLabel()
        session.events.generation.connect(self.rebuild)
        session.events.call.connect(self.refresh)
        self.rebuild()

    def button_font(self) -> QtGui.QFont:
        font = QtGui.QFont(QtWidgets.QApplication.font())
        font.setPixelSize(int(font_px() * 1.5))
        font.setBold(True)
        return font

    def rebuild(self) -> None:
        s = self.session
        while self.row.count():
            item = self.row.takeAt(0)
            if item.widget() is not None and item.widget() is not self.next_label:
                item.widget().deleteLater()
        self.buttons = []
        prompt = len(s.generation.prompt)
        for call in s.calls:
            button = QtWidgets.QToolButton()
            button.setText(shown(s.token(call.token)))
            button.setFont(self.button_font())
            button.setCheckable(True)
            button.setMinimumWidth(int(font_px() * 2))
            drawn_before = call.index >= prompt
            if drawn_before:  # fed back after it was drawn
                button.setStyleSheet(f"color: {style.ACTIVE}")
            button.setToolTip(self.tr("Call {0}: x_t = “{1}”, row {2} of the embedding{3}").format(
                call.index + 1, shown(s.token(call.token)), call.token,
                self.tr(" (drawn by the call before)") if drawn_before else ""))
            button.clicked.connect(lambda _=False, k=call.index: self.session.show_call(k))
            self.row.addWidget(button)
            self.buttons.append(button)
        last = s.calls[-1]
        self.next_label.setFont(self.button_font())
        self.next_label.setText("→ " + shown(s.token(last.drawn)) if last.drawn is not None else "→ ?")
        self.next_label.setStyleSheet(f"color: {style.ACTIVE}")
        self.next_label.setToolTip(self.tr("The character the last call drew: Sample feeds it to the next call")
                                   if last.drawn is not None else
                                   self.tr("Not drawn yet: Sample draws it from the last call's probabilities"))
        self.row.addWidget(self.next_label)
        self.row.addStretch(1)
        self.setFixedHeight(self.widget().sizeHint().height() + self.horizontalScrollBar().sizeHint().height())
        self.refresh()

    def refresh(self) -> None:
        for k, button in enumerate(self.buttons):
            button.setChecked(k == self.session.call_index)
        if self.buttons:
            self.ensureWidgetVisible(self.buttons[self.session.call_index])


class HeadView(pg.PlotWidget):
    """The head's next-token distribution for the call on show: the k most probable tokens as bars, the token
    drawn in the sampling colour."""

    def __init__(self, session: LanguageSession, parent=None):
        super().__init__(parent, axisItems=legible_axes(integer_x=False))
        without_menus(self)
        self.session = session
        self.bars = pg.BarGraphItem(x0=[], y=[], height=[], width=[], brushes=[])
        self.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        self.invertY(True)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.getAxis("bottom").setLabel(self.tr("probability"), **{"font-size": f"{label_px()}px"})
        self.getAxis("bottom").enableAutoSIPrefix(False)  # probabilities as they are, not in thousandths
        session.events.call.connect(self.refresh)
        session.events.generation.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        top = s.top(TOP_K)
        drawn = s.call.drawn
        probabilities = np.array([p for _, p in top])
        rows = np.arange(len(top))
        brushes = [pg.mkBrush(style.ACTIVE if k == drawn else style.MANUAL) for k, _ in top]
        self.bars.setOpts(x0=np.zeros(len(top)), y=rows, height=np.full(len(top), 0.7), width=probabilities,
                          brushes=brushes, pens=[pg.mkPen(None)] * len(top))
        self.getAxis("left").setTicks([[(i, f"“{shown(s.token(k))}”") for i, (k, _) in enumerate(top)], []])
        for label in self.labels:
            self.removeItem(label)
        self.labels = []
        longest = float(probabilities.max()) if len(top) else 1.0
        for i, (_, p) in enumerate(top):
            inside = p >= 0.5 * longest  # a long bar holds its number, which would run past the plot's edge
            label = pg.TextItem(f"{p:.3f}", anchor=(1, 0.5) if inside else (0, 0.5),
                                color="#ffffff" if inside else style.FOREGROUND)
            label.setFont(label_font())
            label.setPos(p, i)
            self.addItem(label)
            self.labels.append(label)
        self.setRange(xRange=(0, max(1e-9, float(probabilities.max())) * 1.35), yRange=(-0.6, len(top) - 0.4),
                      padding=0)
        how = (self.tr("logits × {0}").format(s.sampling.scale) if s.sampling.temperature is None else
               self.tr("logits / {0}").format(s.sampling.temperature))
        set_plot_title(self, self.tr("Next character after call {0}: softmax({1}), the top {2}").format(
            s.call_index + 1, how, len(top)))


class LanguageWindow(StagesWindow):
    """The window on a whole character model: controls over the calls, then the embedding, the cell and the head."""

    def __init__(self, session: LanguageSession, presenting: bool = False, caption: str | None = None,
                 parent=None):
        super().__init__(presenting, caption or session.model.describe(), parent)
        self.session = session
        layout = self.above

        controls = QtWidgets.QHBoxLayout()
        self.prompt = QtWidgets.QLineEdit(session.typed)
        self.prompt.setPlaceholderText(self.tr("Type a prompt, e.g. The island"))
        self.prompt.setToolTip(self.tr("Fed one character per call, as the book's sample() feeds it; Enter feeds it"))
        self.prompt.returnPressed.connect(self.feed)
        self.feed_button = QtWidgets.QPushButton(self.tr("Feed"))
        self.feed_button.setToolTip(self.tr("Feed the prompt from zero states; the characters drawn are dropped"))
        self.feed_button.clicked.connect(self.feed)
        self.sample_button = QtWidgets.QPushButton(self.tr("Sample ▶"))
        self.sample_button.setToolTip(self.tr("Draw the next character from the last call's probabilities and "
                                              "feed it: the book's sample() one character further, same seed (S)"))
        self.sample_button.setShortcut(QtGui.QKeySequence("Ctrl+Return"))
        self.sample_button.clicked.connect(self.sample)
        self.spread = QtWidgets.QDoubleSpinBox()
        self.spread.setDecimals(2)
        self.spread.setRange(0.05, 10.0)
        self.spread.setSingleStep(0.1)
        self.spread.setKeyboardTracking(False)
        scaled = session.sampling.temperature is None
        self.spread.setPrefix(self.tr("scale ") if scaled else self.tr("temperature "))
        self.spread.setToolTip(self.tr("The book's scale_factor: Categorical(logits=logits × scale); larger is "
                                       "surer") if scaled else
                               self.tr("Categorical(logits=logits / temperature); larger is more random"))
        self.spread.setValue(session.sampling.scale if scaled else session.sampling.temperature)
        self.spread.valueChanged.connect(self.set_spread)
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setPrefix(self.tr("seed "))
        self.seed.setToolTip(self.tr("torch.manual_seed before the first call, as the book's sample() runs"))
        self.seed.setValue(session.sampling.seed)
        self.seed.setKeyboardTracking(False)
        self.seed.valueChanged.connect(self.set_seed)
        controls.addWidget(QtWidgets.QLabel(self.tr("Prompt")))
        controls.addWidget(self.prompt, 1)
        for widget in (self.feed_button, self.sample_button, self.spread, self.seed):
            controls.addWidget(widget)
        layout.addLayout(controls)

        self.problem = QtWidgets.QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020; font-weight: bold")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.calls = CallStrip(session)
        layout.addWidget(self.calls)
        self.text = QtWidgets.QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        layout.addWidget(self.text)

        self.embedding = EmbeddingView(session, (session.events.call, session.events.generation))
        self.cell_heading = QtWidgets.QLabel()
        self.cell_heading.setWordWrap(True)
        self.cell_heading.setStyleSheet("font-weight: bold")
        self.step_view = StepPanel(session.cells)
        cell = QtWidgets.QWidget()
        cell_layout = QtWidgets.QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.addWidget(self.cell_heading)
        cell_layout.addWidget(self.step_view, 1)
        self.cell = cell
        self.head = HeadView(session)
        self.hidden_in_focus = [self.text, self.cell_heading]
        from ..core.language_export import assumptions

        self.say_assumed(assumptions(session.model))
        session.events.generation.connect(self.refresh)
        session.events.call.connect(self.refresh)
        session.events.typed.connect(self.show_problem)
        self.arrange()
        self.refresh()
        self.show_problem()

    # --- controls ---------------------------------------------------------------------------------------------

    def feed(self) -> None:
        self.session.set_prompt(self.prompt.text())

    def sample(self) -> None:
        self.attempt(self.session.sample)

    def set_spread(self, value: float) -> None:
        self.attempt(lambda: self.session.set_spread(value))

    def set_seed(self, value: int) -> None:
        from ..core.language_model import Sampling

        s = self.session.sampling
        self.attempt(lambda: self.session.set_sampling(Sampling(value, s.scale, s.temperature)))

    def attempt(self, change) -> None:
        """A change the core may refuse: said in the status bar; what is on show stays."""
        try:
            with wait_cursor():
                change()
        except InputError as exc:
            self.statusBar().showMessage(self.tr("Not changed: {0}").format(exc), 8000)

    def keyPressEvent(self, event) -> None:
        if event.key() == QtCore.Qt.Key_S and not self.prompt.hasFocus():
            self.sample()
        elif event.key() in (QtCore.Qt.Key_Left, QtCore.Qt.Key_Right) and not self.prompt.hasFocus():
            self.session.show_call(self.session.call_index + (1 if event.key() == QtCore.Qt.Key_Right else -1))
        else:
            super().keyPressEvent(event)

    # --- what the window says ---------------------------------------------------------------------------------

    def show_problem(self) -> None:
        s = self.session
        if s.typed != self.prompt.text():
            self.prompt.setText(s.typed)
        if s.problem is None:
            self.problem.hide()
            return
        position, token = s.problem
        if token is None:
            text = self.tr("The prompt is empty: type at least one character. The calls below are still those of "
                           "the last prompt fed.")
        else:
            text = self.tr("Character {0} of the prompt, “{1}”, is not in the model's vocabulary of {2} "
                           "characters: type only characters it knows. The calls below are still those of the "
                           "last prompt fed.").format(position + 1, shown(token), len(s.vocabulary))
        self.problem.setText(text)
        self.problem.setToolTip(s.problem_text)
        self.problem.show()

    def refresh(self) -> None:
        s = self.session
        call = s.call
        self.text.setText(self.tr("sample(model, “{0}”, {1}) = “{2}”").format(
            shown(s.prompt), s.generated, shown(s.text)))
        previous = self.tr("zeros") if call.index == 0 else self.tr("call {0}").format(call.index)
        self.set_cell_tab(self.tr("Call {0}: x_t = “{1}”, the cell and the next character").format(
            call.index + 1, shown(s.token(call.token))))
        heading = (self.tr("Call {0} of {1}: x_t = “{2}” through the {3}; h_t-1 and c_t-1 from {4}")
                   if "cell" in s.model.config.cell_type.state else
                   self.tr("Call {0} of {1}: x_t = “{2}” through the {3}; h_t-1 from {4}"))
        self.cell_heading.setText(heading.format(call.index + 1, len(s.calls), shown(s.token(call.token)),
                                                 s.model.config.describe(), previous))
        equal = all(call.stages_equal.values())
        stages = self.tr("every stage of this call is bitwise equal to the model's own modules") if equal else \
            self.tr("stages differing from the model's own modules: {0}").format(
                ", ".join(name for name, same in call.stages_equal.items() if not same))
        drawn = "" if call.drawn is None else self.tr("drew “{0}” with p = {1}").format(
            shown(s.token(call.drawn)), f"{float(call.probabilities[call.drawn]):.4g}")
        self.status.setText("   ·   ".join(part for part in (stages, drawn, s.describe_sampling()) if part))


def open_example(presenting: bool = False) -> LanguageWindow:
    """File ▸ Open Example's character LSTM, in a window of its own beside the stepper's."""
    return open_beside(lambda: LanguageWindow(LanguageSession.example(), presenting=presenting))


def open_language_window(session: LanguageSession, size=None, lang: str | None = None, presenting: bool = False,
                         caption: str | None = None, font_scale: float | None = None):
    """The application and a shown window on `session` (as ui/app.py's open_window for a recurrent module)."""
    return open_stages_window(lambda: LanguageWindow(session, presenting=presenting, caption=caption), size, lang,
                              font_scale)


def run_language_window(session: LanguageSession, screenshot: str | None = None, size=None, lang: str | None = None,
                        presenting: bool = False, font_scale: float | None = None) -> int:
    """`rnn-stepper --weights F --vocab V --text PROMPT`: the window, or with `screenshot` its picture."""
    return run_stages_window(lambda: LanguageWindow(session, presenting=presenting), screenshot, size, lang,
                             presenting, font_scale)
