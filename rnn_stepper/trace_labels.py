"""The labels of `rnn-stepper trace`'s text output, translatable like the window's (context TraceLabels).

Kept out of cli.py so that JSON and CSV output never import Qt."""

from PySide6 import QtCore


class TraceLabels(QtCore.QObject):
    def labels(self) -> dict[str, str]:
        return {
            "step": self.tr("time step {t} =>"),
            "cell": self.tr("layer {layer}, {direction}"),
            "forward": self.tr("forward"),
            "reverse": self.tr("reverse"),
            "x": self.tr("input"),
            "h_prev": self.tr("h_(t-1)"),
            "input_projection": self.tr("input projection"),
            "recurrent_term": self.tr("recurrent term"),
            "pre_activation": self.tr("pre-activation"),
            "hidden": self.tr("output (manual)"),
            "reference": self.tr("nn.RNN output"),
            "diff": self.tr("max |Δ|"),
            "ulp": self.tr("ulp"),
            "equal": self.tr("bitwise identical to nn.RNN: yes"),
            "not_equal": self.tr("bitwise identical to nn.RNN: no"),
            "summary": self.tr("max |Δ| = {diff} ({ulps} ulp), {order} order, {dtype}, {threads} threads"),
            "nonfinite": self.tr("note: NaN or Inf in the hidden states; they propagate as PyTorch propagates them"),
            "dropout": self.tr("note: dropout={p} only acts in training mode; nn.RNN is evaluated in eval mode here"),
            "order_note": self.tr("the textbook order adds in a different order than PyTorch's kernel, so the last "
                                  "bits differ"),
            "machine": self.tr("computed with {environment}"),
            "notebook_equal": self.tr("{phase}: the notebook's printed digits exactly"),
            "notebook_off": self.tr("{phase}: {ulps} ulp from the notebook's printout at t = {steps}; the notebook ran "
                                    "on another CPU, where the BLAS took another code path"),
        }
