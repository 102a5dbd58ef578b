"""The walk back, where the forward pass has its step strip: the loss (ui/loss_choice.py), the buttons, the
gradients of the step on show with their equation, and the hand backward's verdict against loss.backward(). A view
of the `Backprop` model (rnn_stepper/backprop.py): it keeps no numbers of its own."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..backprop import Backprop
from ..core.distance import numbers, numpy_dtype
from ..core.errors import InputError
from ..model import StepperModel
from . import style
from .backward_page import translate
from .cell_notation import module_label
from .gradient_scale import GradientScale
from .loss_choice import LossChoice
from .matrix_view import MatrixView
from .steady import SteadyText
from .step_panel import EquationLabel, StepPanel


class WalkBack(QtWidgets.QWidget):
    """Drawn by BackwardPanel, which follows the models. Its texts keep BackwardPanel's translation context
    (ui/backward_page.py)."""

    # each vector's share of the strip's width while on show (a hidden one's stretch still counts in its minimum)
    STRETCH = {"incoming": 2, "cell": 2, "pre_activation": 2, "gates": 4, "flowing": 2, "carried": 2}
    # a gated strip's δh_t, the one vector that numbers the units, holds small gradients of many digits
    GATED_STRETCH = STRETCH | {"incoming": 3}

    def __init__(self, model: StepperModel, backprop: Backprop, parent=None):
        super().__init__(parent)
        self.model, self.backprop = model, backprop
        self.heading = QtWidgets.QLabel()
        self.heading.setStyleSheet("font-weight: bold")
        self.heading.setWordWrap(True)
        self.verdict = QtWidgets.QLabel()  # the hand backward against loss.backward(), as the forward's comparison
        self.verdict.setWordWrap(True)
        self.loss = LossChoice(model, backprop)
        # short, as its neighbours ∂ Step back and ∂ Phase back: with --font-scale 2 this row set a 1,077-px window
        self.compute_button = QtWidgets.QPushButton(translate("BackwardPanel", "∂ Compute"))
        self.compute_button.setToolTip(translate("BackwardPanel", "Compute the gradients of the loss: by hand and "
                                                 "with loss.backward()"))
        self.compute_button.clicked.connect(backprop.compute)
        self.back_button = QtWidgets.QPushButton(translate("BackwardPanel", "∂ Step back"))
        self.back_button.setToolTip(translate("BackwardPanel", "Walk one timestep back: all four phases (B)"))
        self.back_button.setShortcut(QtGui.QKeySequence("B"))
        self.back_button.clicked.connect(lambda: self.walk_back(one_phase=False))
        self.phase_button = QtWidgets.QPushButton(translate("BackwardPanel", "∂ Phase back"))
        self.phase_button.setToolTip(translate("BackwardPanel", "One phase of the backward step (Shift+B)"))
        self.phase_button.setShortcut(QtGui.QKeySequence("Shift+B"))
        self.phase_button.clicked.connect(lambda: self.walk_back(one_phase=True))
        self._pending_step = None  # a click on Step back waiting for the gradients it asked for
        # The gradients' one colour scale, always on show: ui/gradient_scale.py
        self.scale_legend = GradientScale(model, backprop)
        # the loss and its class on a row of their own: a presentation font leaves no room beside the buttons
        choice = QtWidgets.QHBoxLayout()
        choice.addWidget(self.loss, 1)
        # The gradients' colour legend beside the loss, whose short name leaves the row's end free: a line of its own
        # took a presentation strip's numbers (issue 26)
        choice.addWidget(self.scale_legend)
        controls = QtWidgets.QHBoxLayout()
        for button in (self.compute_button, self.back_button, self.phase_button):
            controls.addWidget(button)
        controls.addStretch(1)

        # δh_t, an LSTM's δc_t, δz_t (a gated cell's δ per gate), then what flows on: δh_{t-1} and, for a gated cell,
        # what is carried back past W_hh (an LSTM's δc_{t-1}, a GRU's share through the update gate)
        self.vectors = {name: MatrixView(colorbar=False, column_ticks=name == "gates")
                        for name in ("incoming", "cell", "pre_activation", "gates", "flowing", "carried")}
        self.weight_view = MatrixView(colorbar=False)  # its numbers say it: a bar's labels pile up in a short strip
        self._weights_drawn = None  # (gradients, ready, steps summed) the heatmap shows
        for name in ("cell", "flowing", "carried"):  # units numbered once, by δh_t's axis: the strip needs the width
            self.vectors[name].show_row_ticks(False)
        strip = self.strip = QtWidgets.QHBoxLayout()
        strip.setSpacing(2)
        # a gated cell's δ per gate is a row each (i, f, g, o), units across: four rows fit a presentation's strip
        # where the blocks stacked (4H rows) would hide some behind an ellipsis
        for name in ("incoming", "cell", "pre_activation", "gates"):
            strip.addWidget(self.vectors[name], self.STRETCH[name])
        strip.addWidget(self.weight_view, 4)
        for name in ("flowing", "carried"):
            strip.addWidget(self.vectors[name], self.STRETCH[name])
        self.equation = EquationLabel()  # wrapped as the forward's: a continuation indented under its "= "
        self.equation.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.equation.setWordWrap(True)
        self.equation.setFont(StepPanel.equation_font(self.equation_px()[1]))

        left = QtWidgets.QVBoxLayout(self)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(SteadyText(self.heading))  # texts that change at every click: ui/steady.py
        left.addWidget(self.verdict)
        left.addLayout(choice)
        left.addLayout(controls)
        left.addLayout(strip, 1)
        left.addWidget(SteadyText(self.equation))

    def walk_back(self, one_phase: bool) -> None:
        """∂ Step back (or ∂ Phase back) from anywhere: the forward pass runs to its end first, and the gradients
        are computed when they are not yet (on the model's runner: the step is taken when they arrive)."""
        backprop, model = self.backprop, self.model
        refusal = self.refusal()
        if refusal is not None:
            model.events.message.emit(refusal)
            return
        if not model.at_end:
            model.run_to_end()
        step = backprop.step_back_phase if one_phase else backprop.step_back
        if backprop.backward is None:
            self._pending_step = step
            if not model.busy:
                backprop.compute()
            return
        step()

    def take_pending_step(self) -> None:
        """The gradients a Step back asked for are here: its step."""
        step, self._pending_step = self._pending_step, None
        if step is not None and self.backprop.ready:
            step()

    def show_verdict(self) -> None:
        self.verdict.setText(self.verdict_text() if self.backprop.backward is not None else "")

    def verdict_text(self) -> str:
        """Every gradient by hand against what loss.backward() leaves in .grad, ∂L/∂x and ∂L/∂h0."""
        backward = self.backprop.backward
        if backward.bitwise_equal:
            self.verdict.setToolTip(translate("BackwardPanel", "Every gradient by hand — the weights', the biases', "
                                              "∂L/∂x{0} — is bitwise identical to what loss.backward() computes "
                                              "through {1}.").format(
                ", ∂L/∂h0" if backward.reference.h0 is not None else "", module_label(self.model.session.config)))
            return translate("BackwardPanel", "Every gradient is loss.backward()'s, bit for bit.")
        self.verdict.setToolTip("")
        if backward.max_ulps == 0:  # bits apart at 0 ulp: zeros of opposite sign (core/distance.bits_differ)
            return translate("BackwardPanel", "Every gradient equals loss.backward()'s through {0} as a number, but "
                             "not bit for bit: some zeros differ in sign (−0.0 against 0.0).").format(
                module_label(self.model.session.config))
        return translate("BackwardPanel", "The textbook's backward lands up to {0:g} ulp from loss.backward() through "
                         "{1}: the same sums, grouped and ordered otherwise.").format(
            backward.max_ulps, module_label(self.model.session.config))

    def refresh(self) -> bool:
        """Where the walk back is: the buttons, the heading, the step's gradients and their equation. True when
        ∂L/∂W_hh so far was drawn anew (draw_vectors)."""
        backprop, model = self.backprop, self.model
        refusal = self.refusal()
        # From anywhere: a click runs the forward pass to its end and computes the gradients first (walk_back)
        walkable = refusal is None and (backprop.backward is None or backprop.position < backprop.end)
        self.back_button.setEnabled(walkable)
        self.phase_button.setEnabled(walkable)
        self.compute_button.setEnabled(backprop.backward is None and not model.busy and refusal is None)
        loss = backprop.backward.manual.loss if backprop.backward is not None else None
        if refusal is not None:
            self.heading.setText(refusal)
        elif backprop.backward is None:
            self.heading.setText(translate("BackwardPanel", "Backward pass: press ∂ Step back (B) to run the forward "
                                           "pass to its end, compute the gradients and walk back."))
        elif not model.at_end:
            self.heading.setText(translate("BackwardPanel", "Loss = {0}. ∂ Step back (B) runs the forward pass to its "
                                           "end and walks back.").format(
                style.exact(numbers(loss), model.session.config.dtype)))
        elif backprop.t is None:
            self.heading.setText(translate("BackwardPanel", "Loss = {0}. Step back (B) walks t = {1} … {2}.").format(
                style.exact(numbers(loss), model.session.config.dtype), model.cell.walk[-1], model.cell.walk[0]))
        else:
            self.heading.setText(translate("BackwardPanel", "Backward, t = {0} (step {1} of {2} back) — phase {3} of "
                                           "{5}: {4}").format(
                backprop.t, backprop.step_index + 1, model.seq_len, backprop.phases.index(backprop.phase) + 1,
                self.phase_title(backprop.phase), len(backprop.phases)))
        summed = self.draw_vectors()
        text = self.equation_text()
        if text != self.equation.text():
            self.equation.setText(text)  # its SteadyText grows, should it need more lines than reserved
        return summed

    # The equation's share of the walk back's height at most: the strip's numbers need the rest.
    EQUATION_SHARE = 0.4
    # The share reserved for it before it is written: a projector's 2× font leaves the vectors their numbers
    RESERVED_SHARE = 0.25

    @staticmethod
    def equation_px() -> tuple[int, int]:
        """The smallest and largest pixel size of the equation: the back row's in presentation, shrinking to the
        legible minimum only when a long vector's lines would leave the strip no room."""
        font = max(round(style.pt_to_px(style.font_pt())), style.MIN_LEGIBLE_PX)
        return font, max(font, style.MIN_PROMINENT_PX)

    def fit_equation(self) -> None:
        """The largest size whose lines fit EQUATION_SHARE of the walk back's height, and room for the tallest
        equation the walk writes: a height changing every click would relayout, and so repaint, every view of the
        panel (as the step panel's texts, measured there). Between resizes its SteadyText grows, should a text need
        more lines still."""
        # The walk back's column, which the equation spans: the label's own width is stale until the page is laid
        # out, and a page set up before the window shows (--back) measured lines 100 px wide, 550 px tall, and
        # pushed the window past the size asked for
        width = max(self.width(), 1)
        low, px = self.equation_px()
        budget = self.EQUATION_SHARE * self.height()
        self.equation.setFont(StepPanel.equation_font(px))
        while px > low and self.equation.heightForWidth(width) > budget:
            px -= 1
            self.equation.setFont(StepPanel.equation_font(px))
        height = self.equation.heightForWidth(width) if self.equation.text() else 0
        if self.backprop.backward is not None:
            reserved = QtWidgets.QLabel(self.reserved_equation())
            reserved.setFont(self.equation.font())
            reserved.setWordWrap(self.equation.wordWrap())
            height = max(height, min(reserved.heightForWidth(width), int(self.RESERVED_SHARE * self.height())))
        self.equation.setMinimumHeight(height)

    def reserved_equation(self) -> str:
        """The tallest equation this session's walk back writes: δz's three vectors of the widest numbers (numpy's
        scientific notation) under the longest first line. Reserved at each resize, the equation's height stays
        put from click to click: a height that grows mid-walk relayouts, and so repaints, every view of the page."""
        config = self.model.session.config
        widest = style.vector_text(np.full(config.hidden_size, -1.2345678e-05, dtype=numpy_dtype(config.dtype)),
                                   config.dtype)
        first = "∂L/∂W_hh += δz_0000ᵀ h_0000   " + translate("BackwardPanel", "(summed back to front, as autograd "
                                                                    "sums it)")
        if config.cell_type.gates > 1:  # a gated cell's tallest: the gates' formulas, its numbers in the strip
            return ("δi = δc ⊙ g ⊙ i(1 − i),  δf = δc ⊙ c_0000 ⊙ f(1 − f),  δg = δc ⊙ i ⊙ (1 − g²),  "
                    "δo = (δh W_hr) ⊙ tanh(c) ⊙ o(1 − o)   "
                    + translate("BackwardPanel", "(each gate's row beside, at step {0})").format(0))
        return f"{first}\n    = {widest} ⊙ (1 − {widest}²)\n    = {widest}"

    def refusal(self) -> str | None:
        """Why this session's backward pass is not stepped (a GRU's in the textbook order), said rather than showing
        gradients nobody has checked; None when it is."""
        from ..backprop import check_walked

        session = self.model.session
        try:
            check_walked(session)
        except InputError:
            if hasattr(session.config.cell_type.steps, "kernel_backward"):
                return translate("BackwardPanel", "The backward pass of {0} is stepped and checked in the kernel "
                                 "order; in the textbook order it is not yet.").format(module_label(session.config))
            return translate("BackwardPanel", "The backward pass of {0} is not stepped yet.").format(
                module_label(session.config))
        return None

    def phase_title(self, phase: str) -> str:
        return {"incoming": translate("BackwardPanel", "the gradient arriving at h_t"),
                "cell": translate("BackwardPanel", "the gradient along the cell state"),
                "pre_activation": translate("BackwardPanel", "through the nonlinearity"),
                "gates": translate("BackwardPanel", "through each gate"),
                "weights": translate("BackwardPanel", "the recurrent weights' share"),
                "flowing": translate("BackwardPanel", "what flows on to the state before")}[phase]

    def draw_vectors(self) -> bool:
        """The step's gradients, each once its phase is shown, and ∂L/∂W_hh so far: True when that sum was drawn
        anew (once a step)."""
        backprop = self.backprop
        config = self.model.session.config
        kind = config.cell_type
        H, P, G = config.hidden_size, config.output_size, kind.gates
        gated = G > 1
        shown = backprop.t is not None
        top = self.scale_legend.top()

        def revealed(phase, value, units):
            """The step's vector once its phase is shown; blank before, and where the walk back ends."""
            blank = np.full(units, np.nan)
            if not shown or not backprop.revealed(phase):
                return blank
            value = value()
            return blank if value is None else value

        values = {"incoming": revealed("incoming", backprop.incoming, P),
                  "cell": revealed("cell", backprop.cell_gradient, H),
                  "pre_activation": revealed("pre_activation", backprop.pre_activation, H),
                  "gates": revealed("gates", backprop.pre_activation, G * H).reshape(G, H),  # gate × unit
                  "flowing": revealed("flowing", backprop.flowing, P),
                  "carried": revealed("flowing", backprop.carried, H if "cell" in kind.state else P)}
        before = "t+1" if self.model.direction else "t-1"  # the reverse cell's previous state is h_{t+1}
        if "cell" in kind.state:  # the LSTM: δc along the cell state, and its carousel back
            carried = (f"δc<sub>{before}</sub>", "δc<sub>t</sub> ⊙ f<sub>t</sub>")
        else:  # the GRU: h_{t-1}'s share through the update gate, past W_hh
            carried = (f"δh<sub>{before}</sub> ←", "δh<sub>t</sub> ⊙ z<sub>t</sub>")
        titles = {"incoming": ("δh<sub>t</sub>", "∂L/∂h<sub>t</sub>"),
                  "cell": ("δc<sub>t</sub>", "∂L/∂c<sub>t</sub>"),
                  "pre_activation": ("δz<sub>t</sub>", "δh ⊙ f'(z)"),
                  "gates": ("δ" + ", δ".join(kind.gate_names), translate("BackwardPanel", "at each gate")),
                  # a GRU's share through W_hh: δs_t is its recurrent term's gradient (δn_t ⊙ r_t in its n block)
                  "flowing": ((f"δh<sub>{before}</sub>" + (" ←" if "cell" not in kind.state else ""),
                               "W<sub>hh</sub><sup>T</sup> δs<sub>t</sub>") if gated else
                              (f"δh<sub>{before}</sub>", "W<sub>hh</sub><sup>T</sup> δz<sub>t</sub>")),
                  "carried": carried}
        active = {"incoming": "incoming", "cell": "cell", "pre_activation": "pre_activation", "gates": "gates",
                  "flowing": "flowing", "carried": "flowing"}
        on_show = {"cell": "cell" in kind.state, "pre_activation": not gated, "gates": gated, "carried": gated}
        for name, view in self.vectors.items():
            visible = on_show.get(name, True)
            view.setVisible(visible)
            stretch = (self.GATED_STRETCH if gated else self.STRETCH)[name] if visible else 0
            if self.strip.stretch(self.strip.indexOf(view)) != stretch:  # once per cell type: a change relayouts
                self.strip.setStretchFactor(view, stretch)
            view.set_title(titles[name][0], active=backprop.phase == active[name], subtitle=titles[name][1])
            view.set_matrix(values[name], row_labels=list(kind.gate_names) if name == "gates" else None,
                            log_top=top)
        self.weight_view.set_title(translate("BackwardPanel", "∂L/∂W_hh so far"), active=backprop.phase == "weights")
        drawn = (id(backprop.backward), backprop.ready, len(backprop.summed()) if backprop.ready else 0,
                 backprop.position == backprop.end)
        if drawn != self._weights_drawn:  # it changes once a step: a 256 × 256 image is not redrawn every phase
            self._weights_drawn = drawn
            if backprop.ready and backprop.summed():
                weight, _ = backprop.recurrent_weight_gradient()
            else:  # nothing summed yet: blank, not a sum of zero terms drawn as zeros
                weight = np.full((G * H, P), np.nan)
            self.weight_view.set_matrix(weight, blocks=kind.gate_names if gated else (), log_top=top)
            return True
        return False

    def equation_text(self) -> str:
        backprop, model = self.backprop, self.model
        if backprop.t is None:
            return ""
        t, phase = backprop.t, backprop.phase
        vec = style.vector_text
        walk = model.cell.walk
        config = model.session.config
        kind = config.cell_type
        later = "t+1" if model.direction == 0 else "t-1"
        step_later = t + 1 if model.direction == 0 else t - 1
        # the state this step read: h_{t+1} in the reverse direction, h0 at the walk's first step
        first = t == walk[0]
        before = "h0" if first else f"h_{t + 1 if model.direction else t - 1}"
        cell_before = "c0" if first else f"c_{t + 1 if model.direction else t - 1}"
        gated = kind.gates > 1
        if phase == "incoming":
            sources = []
            if t == walk[-1] and backprop.loss.kind == "sum_last" and model.layer == config.num_layers - 1:
                sources.append(translate("BackwardPanel", "1 from the loss Σ h_n"))
            elif backprop.loss.kind == "mse" and model.layer == config.num_layers - 1:
                sources.append(translate("BackwardPanel", "the loss's ∂L/∂output_t"))
            if model.layer < config.num_layers - 1:
                sources.append(translate("BackwardPanel", "the layer above"))
            if t != walk[-1]:
                sources.append(translate("BackwardPanel", "what flowed back from step {0}").format(later))
            return f"δh_{t} = ∂L/∂h_{t}  ({' + '.join(sources)})\n    = {vec(backprop.incoming())}"
        if phase == "pre_activation":
            h = numbers(model.cell.hidden[t, model.batch])
            if config.nonlinearity == "tanh":
                return (f"δz_{t} = δh_{t} ⊙ (1 − h_{t}²)\n    = {vec(backprop.incoming())} ⊙ (1 − {vec(h)}²)"
                        f"\n    = {vec(backprop.pre_activation())}")
            return (f"δz_{t} = δh_{t} ⊙ [h_{t} > 0]\n    = {vec(backprop.incoming())} ⊙ {vec((h > 0).astype(int))}"
                    f"\n    = {vec(backprop.pre_activation())}")
        # with proj_size, what reaches o_t ⊙ tanh(c_t) is δm_t = δh_t W_hr
        dm = f"(δh_{t} W_hr)" if config.proj_size else f"δh_{t}"
        if phase == "cell":
            first_line = f"δc_{t} = {dm} ⊙ o_{t} ⊙ (1 − tanh²(c_{t}))"
            if t != walk[-1]:
                first_line += f" + δc_{step_later} ⊙ f_{step_later}"
            return first_line  # its numbers are δc_t's column beside: a gated strip needs the height
        if phase == "gates":
            if "cell" in kind.state:
                formula = (f"δi = δc ⊙ g ⊙ i(1 − i),  δf = δc ⊙ {cell_before} ⊙ f(1 − f),  "
                           f"δg = δc ⊙ i ⊙ (1 − g²),  δo = {dm.replace(f'_{t}', '')} ⊙ tanh(c) ⊙ o(1 − o)")
            else:
                formula = (f"δz = δh ⊙ ({before} − n) ⊙ z(1 − z),  δn = δh ⊙ (1 − z) ⊙ (1 − n²),  "
                           f"δr = δn ⊙ s_n ⊙ r(1 − r)")
            return formula + "   " + translate("BackwardPanel", "(each gate's row beside, at step {0})").format(t)
        if phase == "weights":
            weight, bias = backprop.recurrent_weight_gradient()
            if gated:  # δs_t, every gate block: its sum so far is on the Gradients page (place_weights)
                blocks = [f"δ{gate}" for gate in kind.gate_names]
                if "cell" not in kind.state:  # the GRU's candidate reads r_t ⊙ s_n: its block is δn_t ⊙ r_t
                    blocks[-1] += f" ⊙ r_{t}"
                text = f"∂L/∂W_hh += δs_{t}ᵀ {before}" + (f",  ∂L/∂b_hh += δs_{t}" if bias is not None else "")
                return (f"{text},  δs_{t} = ({' | '.join(blocks)})\n"
                        + translate("BackwardPanel", "(summed back to front, as autograd sums it: on the page "
                                    "∂L/∂W_hh)"))
            # the sum so far is the heatmap beside: a matrix written out would take the strip's height
            text = (f"∂L/∂W_hh += δz_{t}ᵀ {before}   "
                    + translate("BackwardPanel", "(summed back to front, as autograd sums it)"))
            if bias is not None:
                text += f"\n∂L/∂b_hh += δz_{t}\n    " + translate("BackwardPanel", "so far:") + f" {vec(bias)}"
            return text
        flowing = backprop.flowing()
        if flowing is None:
            return translate("BackwardPanel", "No h0 was given: the walk back ends here.")
        if not gated:
            return (f"δ{before} += δz_{t} W_hh   (W_hhᵀ δz_{t}: " + translate("BackwardPanel", "this step's share")
                    + f")\n    = {vec(flowing)}")
        # the formulas alone: their numbers are the two columns beside, and a gated strip needs the height that
        # vectors written out here would take
        if "cell" in kind.state:
            text = f"δ{before} += δs_{t} W_hh"
            if backprop.carried() is None:
                return text + "\n" + translate("BackwardPanel", "No c0 was given: the cell path ends here.")
            return text + f"\nδ{cell_before} = δc_{t} ⊙ f_{t}   (" + translate("BackwardPanel", "the carousel") + ")"
        return f"δ{before} += δh_{t} ⊙ z_{t} + δs_{t} W_hh   (" + translate("BackwardPanel", "two shares, beside") + ")"
