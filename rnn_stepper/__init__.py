"""RNN Stepper: the forward pass of torch.nn.RNN, nn.GRU and nn.LSTM, one phase per click, checked against PyTorch.

From Python (a notebook, a script, a REPL)::

    import rnn_stepper
    rnn_stepper.show(rnn_layer, x_seq)          # the stepper window on this module and input
    t = rnn_stepper.trace(rnn_layer, x_seq)     # the same numbers without a window
    t.bitwise_equal, t.max_ulps, t.to_json()
    t.save_session("ch15.rnnstep.json")         # File > Open reads it; so does rnn_stepper.load_session
    rnn_stepper.trace(lstm, x_seq, (h0, c0))    # an nn.LSTM's state as nn.LSTM takes it; t.c_n, t.fused_max_ulps
    rnn_stepper.show(char_model, "The island", vocab=chars)   # a whole language model: Sample draws the next char

These four names are the public surface; everything else in the package is internal. Importing the package
loads neither torch nor Qt: each function loads what it needs when it is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__ as __version__  # re-exported: rnn_stepper.__version__

__all__ = ["Trace", "load_session", "show", "trace"]

if TYPE_CHECKING:
    from .api import Trace


def show(module: Any, x: Any, h0: Any = None, *, order: str = "kernel", title: str | None = None,
         block: bool | None = None, vocab: Any = None, lengths: Any = None, **generation: Any) -> None:
    """Open the stepper window on `module`'s current weights and the input `x`.

    `module` is a `torch.nn.RNN`, `nn.GRU` or `nn.LSTM`, or any `nn.Module` that contains exactly one (it is found
    by attribute path, and its path is printed: `model.encoder`). Its configuration — batch_first, bidirectional,
    num_layers, nonlinearity (nn.RNN), proj_size (nn.LSTM), bias, dtype — is read from it; dropout only acts in
    training mode and the stepper evaluates in eval mode. The weights are copied: the module, its mode and torch's
    random state are left as they were.

    `x` is what you would pass to `module(x, h0)`: a tensor of the module's dtype, a numpy array or nested lists
    of numbers; (T, input_size) for one unbatched sequence, else (batch, T, input_size) with batch_first, or
    (T, batch, input_size) without. `h0` is the initial state as the module takes it, zeros when None: one tensor
    for nn.RNN and nn.GRU, the pair `(h0, c0)` for nn.LSTM (either may be None). `order` is "kernel" (PyTorch's
    own operation order, bitwise equal to the module; for an nn.LSTM in float32 or bfloat16, to its native cell, since the
    default pass is oneDNN's fused kernel, whose distance the window shows) or "textbook" (the notebook's loop,
    the paper's GRU, the textbook's LSTM). `title` names the window; by default it is the module, e.g.
    "GRU(5, 2, batch_first=True)".

    From a plain script or REPL it blocks until the window is closed (Ctrl+C closes it). In IPython or Jupyter
    with Qt's event loop running (`%gui qt`) it returns at once and the window stays live; without one it says
    how to enable it and blocks. `block=True` or `False` overrides that choice; without `block`, the environment
    variable `RNN_STEPPER_NO_BLOCK=1` makes it return at once (for tests and CI, which drive the event loop
    themselves). Each call opens a new window.

    A whole language model and a prompt, `show(model, "The island", vocab=chars)`, opens the language model's
    window: the prompt fed one character per call, each call's embedding row, its cell's phases and the next
    character's probabilities, with Sample drawing the next character as the book's sample() does (`generate=N`
    draws N at once; `scale=`, `temperature=` and `seed=` as in `trace`).

    A variable-length batch, `show(lstm, packed)` for a PackedSequence or `show(lstm, padded, lengths=lengths)`, is
    stepped as torch's packed kernel steps it: each sequence leaves the batch when it ends, and the window says
    which have ended. A whole classifier and a padded batch of token ids, `show(model, ids, lengths=lengths)`
    (the book's sentiment model), opens the classifier's window: the reviews word by word, each word's embedding
    row, the packed cell's phases and the head's output per review (`words=vocabulary` writes the ids as words).

    Raises TypeError for a module that is not (or does not contain) an nn.RNN, nn.GRU or nn.LSTM, an input of the
    wrong dtype, or a state in the wrong form (one tensor for an nn.LSTM, a pair for the others); ValueError for
    wrong shapes, a model holding several recurrent modules (they are listed with their types) or a module or
    input on a GPU; RuntimeError when there is no screen to show a window on.
    """
    from .ui.show import show as _show

    _show(module, x, h0, order=order, title=title, block=block, vocab=vocab, lengths=lengths, **generation)


def trace(module: Any, x: Any, h0: Any = None, *, order: str = "kernel", vocab: Any = None,
          **generation: Any) -> Any:
    """Every number of `module(x, h0)`, recomputed by hand one phase at a time and checked against the module (an
    nn.RNN, nn.GRU or nn.LSTM), without any window (no Qt is loaded).

    Arguments as `show`. Returns a `rnn_stepper.Trace`: `output`, `h_n` and an LSTM's `c_n` (the hand computation)
    beside `reference_output` and `reference_h_n` (the module's), `bitwise_equal`, `max_abs_diff`, `max_ulps`,
    `phases` and `phase(name, layer, direction)`, `fused_max_ulps` (how far oneDNN's fused LSTM lands, None where
    torch runs the cell itself), `compare(values)` for a hand-written loop's hidden states, `to_json()`,
    `to_dataframe()` (when pandas is installed) and `save_session(path)`. See `help(rnn_stepper.Trace)`.

    A whole language model and a prompt, `trace(model, "The island", vocab=chars, generate=N, scale=1.0,
    seed=1)`, steps every stage (embedding, cells, head, softmax, sampling) one token per call, as the book's
    sample() calls the model, and returns a `rnn_stepper.api.TextTrace` (`text`, `calls`, `bitwise_equal`, …).

    A variable-length batch, `trace(rnn, packed)` for a PackedSequence or `trace(rnn, padded, lengths=lengths)`, is
    stepped as torch's packed kernel steps it, the batch shrinking as sequences end; it returns a
    `rnn_stepper.core.packed.PackedTrace` (`output`, `h_n`, `final`, `cells`, `bitwise_equal`, `fused_max_ulps`).

    A whole classifier and a padded batch of token ids, `trace(model, ids, lengths=lengths)` (the book's sentiment
    model: embedding, packed LSTM, hidden[-1], fc1, ReLU, fc2, sigmoid), steps every stage against the model's own
    modules and returns a `rnn_stepper.core.classifier.ClassifierTrace` (`stages`, `output`, `cells`,
    `stages_equal`, `bitwise_equal`, `assumptions`, `to_dict()`); `embedding=`, `recurrent=`, `head=[…]` and
    `activations=("relu", "sigmoid")` say what the model does not.
    """
    from .api import trace as _trace

    return _trace(module, x, h0, order=order, vocab=vocab, **generation)


def load_session(path: str) -> Trace:
    """The trace of a `*.rnnstep.json` session file (File ▸ Save in the window, or `Trace.save_session`).

    `Trace.module()` rebuilds its nn.RNN, nn.GRU or nn.LSTM, so `show(t.module(), t.input, t.h0, order=t.order)`
    opens it again (for an LSTM pass `(t.h0, t.c0)`). Files of earlier versions open as the nn.RNN sessions they
    were.
    Raises ValueError naming what is wrong with a damaged or inconsistent file."""
    from .api import load_session as _load_session

    return _load_session(path)


def __getattr__(name: str):
    # `rnn_stepper.Trace` loads torch, so it is looked up only when asked for (PEP 562).
    if name == "Trace":
        from .api import Trace

        return Trace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
