"""The labels of `rnn-stepper trace`'s text output, translatable like the window's (context TraceLabels).

A phase is labelled by its cell type's own title (context Cells), so only what is not a phase is here.
Qt's translation system lives with the rest of Qt, in ui/; cli.py imports this only for the text format, so
JSON and CSV output never load Qt."""

from PySide6 import QtCore

from ..core.cells import CONTEXT


def cell_text(text: str) -> str:
    """A cell type's title, explanation or note (marked in core/cells), in the installed language."""
    return QtCore.QCoreApplication.translate(CONTEXT, text)


class TraceLabels(QtCore.QObject):
    def labels(self) -> dict[str, str]:
        return {
            "step": self.tr("time step {t} =>"),
            "cell": self.tr("layer {layer}, {direction}"),
            "forward": self.tr("forward"),
            "reverse": self.tr("reverse"),
            "x": self.tr("input"),
            "initial": self.tr("initial"),  # the state before the walk's first step: h₀ (initial)
            "layer_input": self.tr("input x_t = h_t of layer {below}"),
            "layer_input_both": self.tr("input x_t = [forward ‖ reverse] h_t of layer {below}: its first half the "
                                        "forward direction's, its second half the reverse direction's"),
            "reference": self.tr("{module} output"),
            "diff": self.tr("max |Δ|"),
            "ulp": self.tr("ulp"),
            "equal": self.tr("bitwise identical to {module}: yes"),
            "not_equal": self.tr("bitwise identical to {module}: no"),
            "zero_signs": self.tr("the values are equal; only the sign of a zero differs (-0.0 against 0.0)"),
            "summary": self.tr("max |Δ| = {diff} ({ulps} ulp), {order} order, {dtype}, {threads} threads"),
            "textbook": self.tr("textbook order: {name}"),
            "native": self.tr("{module} is run on its native path (oneDNN off): the step-by-step cell this "
                              "computation replays"),
            "fused": self.tr("your PyTorch computes this {module} with oneDNN's fused kernel ({kernel}); its bits "
                             "differ from the step-by-step cell: {ulps} ulp, max |Δ| = {diff}"),
            "fused_equal": self.tr("your PyTorch computes this {module} with oneDNN's fused kernel ({kernel}); here "
                                   "its bits agree with the step-by-step cell"),
            "nonfinite": self.tr("note: NaN or Inf in the hidden states; they propagate as PyTorch propagates them"),
            "dropout": self.tr("note: dropout={p} only acts in training mode; {module} is evaluated in eval mode "
                               "here"),
            "machine": self.tr("computed with {environment}"),
            "threads": self.tr("{0} threads"),
            "notebook_equal": self.tr("{phase}: the notebook's printed digits exactly"),
            "notebook_off": self.tr("{phase}: {ulps} ulp from the notebook's printout at t = {steps}; the notebook ran "
                                    "on another CPU, where the BLAS took another code path"),
        }
