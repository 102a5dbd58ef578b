"""`rnn_stepper.show`: the stepper window on a session made in the caller's own Python, blocking or not.

A script or a plain REPL has no event loop of its own, so the window runs one until it is closed. IPython with
`%gui qt` runs Qt's loop between cells (an input hook), and a Qt program that calls show from a slot runs
one already: there the window is left open and the call returns.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

NO_BLOCK_VARIABLE = "RNN_STEPPER_NO_BLOCK"
HINT = ("rnn_stepper: this cell waits until the window is closed; run %gui qt once (before show) to keep "
        "working while it is open")
CLOSED_POLL_MS = 100

windows: list = []  # the windows left open by non-blocking calls: Python would free them, and close them, otherwise


def show(module, x, h0=None, *, order: str = "kernel", title: str | None = None, block: bool | None = None,
         vocab=None, lengths=None, **generation) -> None:
    """`rnn_stepper.show` (documented there). It lives on the Qt side: rnn_stepper.api builds the session, as it
    does for trace(), and never imports the window."""
    from ..api import attribute_path, find_rnn, make_session, own_forward_differs, say_which

    if vocab is not None:
        if h0 is not None:
            raise TypeError("a language model's prompt starts from zero states, as the book's sample(): leave out h0")
        return show_text(module, x, vocab, order=order, title=title, block=block, **generation)
    from ..api import holds_embedding, token_ids

    if lengths is not None and token_ids(x) and holds_embedding(module, generation):
        if h0 is not None:
            raise TypeError("a classifier's batch starts from zero states, as the book's forward: leave out h0")
        return show_classifier(module, x, lengths, title=title, block=block, **generation)
    if generation:
        raise TypeError(f"{', '.join(generation)}: these options are a language model's; give vocab= and a prompt")

    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    import torch.nn as nn

    packed = lengths is not None or isinstance(x, nn.utils.rnn.PackedSequence)
    if packed:
        from ..api import padded_batch

        x, lengths = padded_batch(module, x, lengths)
    session, path = make_session(module, x, h0, order)
    if packed:
        from dataclasses import replace

        from ..core.errors import InputError

        try:
            session = replace(session, lengths=lengths)
        except InputError as exc:
            raise ValueError(str(exc)) from None
    else:
        say_which(path, module, session.config, "showing", session.inputs)
    if title is None:
        title = f"{attribute_path(path)}: {session.config.describe()}" if path else session.config.describe()
    note = own_forward_differs(find_rnn(module)[0], path, session)
    if note:
        print(f"rnn_stepper: {note}", file=sys.stderr)
    show_session(session, title, block, note=note)


def show_text(model, prompt, vocab, *, order: str = "kernel", title: str | None = None, block: bool | None = None,
              generate: int = 0, scale: float | None = None, temperature: float | None = None, seed: int = 1,
              embedding=None, recurrent=None, head=None):
    """`rnn_stepper.show(model, "The island", vocab=chars)`: the language model's window (ui/language_window.py)
    on a whole model, its stages found as `trace` finds them."""
    from ..api import sampling as sampling_of
    from ..api import vocabulary_of
    from ..core.language_model import language_model_of
    from ..language import LanguageSession

    if not isinstance(prompt, str):
        raise TypeError(f"with vocab=, x is the prompt: a string, got {type(prompt).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    import torch

    lm = language_model_of(model, embedding, recurrent, head)
    with torch.random.fork_rng(devices=[]):  # the cell's reference module is built, drawing initial weights
        session = LanguageSession(lm, vocabulary_of(vocab), prompt, sampling_of(scale, temperature, seed),
                                  generate, order)

    def opening():
        from .language_window import open_language_window

        return open_language_window(session, caption=title)

    return present(opening, block)


def show_classifier(model, ids, lengths, *, title: str | None = None, block: bool | None = None, words=None,
                    **stages):
    """`rnn_stepper.show(model, ids, lengths=lengths)`: the classifier's window (ui/classifier_window.py) on the
    stages `trace` finds and checks (the user's own model(ids, lengths) among them); `words` (a vocabulary, as
    vocab= takes it) writes the ids as the words they stand for."""
    from ..api import trace_classifier, vocabulary_of
    from ..classifier_session import ClassifierSession

    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    session = ClassifierSession(trace_classifier(model, ids, lengths, **stages),
                                None if words is None else vocabulary_of(words))

    def opening():
        from .classifier_window import open_classifier_window

        return open_classifier_window(session, caption=title)

    return present(opening, block)


def show_session(session, caption: str, block: bool | None = None, note: str | None = None):
    """Open a window on `session` (its trace computed before the window shows, so an error reaches the caller
    and no half-made window stays behind). Returns the window when it is left open, None once it has closed."""

    def opening():
        import torch

        from .app import open_window
        from .background import BackgroundRunner

        # The first trace is computed here, before the window shows; torch's global random state is restored
        # afterwards (building the reference nn.RNN draws from it before its weights are replaced).
        with torch.random.fork_rng(devices=[]):
            app, window = open_window(session, background=False, restore=False, caption=caption)
        window.model.runner = BackgroundRunner(parent=app)  # edits made in the window compute off the GUI thread
        if note:  # the module's own forward is not its cell's equations: the window says so, not "bitwise equal"
            window.model.events.message.emit(note)
        return app, window

    return present(opening, block)


def present(opening, block: bool | None):
    """`opening()` makes the application and the window and returns both; the window is then left open (a running
    event loop, `block=False`) and returned, or waited for until it is closed."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("rnn_stepper.show must be called from the main thread: Qt's windows live there")
    check_screen()
    in_ipython, ipython_loop = ipython_event_loop()
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6 import QtCore, QtWidgets

    existing = QtCore.QCoreApplication.instance()
    if existing is not None and not isinstance(existing, QtWidgets.QApplication):
        raise RuntimeError("this process already runs a Qt application without widgets (a QCoreApplication), so "
                           "no window can be opened in it; use rnn_stepper.trace for the numbers")
    loop_running = existing is not None and QtCore.QThread.currentThread().loopLevel() > 0
    if block is None:
        block = not (os.environ.get(NO_BLOCK_VARIABLE) == "1" or ipython_loop or loop_running)
        if block and in_ipython:
            print(HINT, file=sys.stderr)

    app, window = opening()
    # Deleted once closed: its slots are lambdas over it, held by Qt's connections, a cycle Python's collector cannot
    # see; each show() in a notebook kept its closed window (~14 MiB, and its session) until the kernel ended.
    window.setAttribute(QtCore.Qt.WA_DeleteOnClose)
    window.raise_()
    window.activateWindow()
    if not block:
        windows[:] = [w for w in map(latest, windows) if is_open(w)] + [window]
        return window
    wait_until_closed(app, window)
    return None


def wait_until_closed(app, window) -> None:
    """Run Qt's event loop until this window (or the one that replaced it on a language or presentation switch)
    is closed; other windows, of this program or of another library, may stay open.

    Ctrl+C closes the window and raises KeyboardInterrupt, as it would stop any other long call: Python runs its
    signal handler only between bytecodes, which the poll timer provides while Qt's loop waits."""
    from PySide6 import QtCore

    from .crash import CrashGuard

    loop = QtCore.QEventLoop()
    interrupted: list[bool] = []

    def interrupt(*_):
        interrupted.append(True)
        loop.quit()

    poll = QtCore.QTimer()  # no keyword properties: under tr_TR PySide cannot find them (main_window.py)
    poll.setInterval(CLOSED_POLL_MS)
    poll.timeout.connect(lambda: None if is_open(latest(window)) else loop.quit())
    poll.start()
    guard = CrashGuard(app).install()
    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        loop.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
        guard.uninstall()
        poll.stop()
    if interrupted:
        if is_open(latest(window)):
            latest(window).close()  # asks first if the session has unsaved changes
        raise KeyboardInterrupt


def latest(window):
    """The window on show for `window`'s model: a language or presentation switch replaces the window."""
    while window.replaced_by is not None:
        window = window.replaced_by
    return window


def is_open(window) -> bool:
    """The window is on show. A Qt program may delete a window it was given (deleteLater, WA_DeleteOnClose): its
    Python wrapper stays, and asking the deleted window anything would raise."""
    import shiboken6

    return shiboken6.isValid(window) and window.isVisible()


def ipython_event_loop() -> tuple[bool, bool]:
    """(running inside IPython or Jupyter, IPython runs Qt's event loop between cells: `%gui qt`)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is None:
        return False, False
    # The terminal's %gui qt sets active_eventloop ('qt', 'qt6'); ipykernel's also installs its kernel's loop.
    kernel_loop = getattr(getattr(getattr(shell, "kernel", None), "eventloop", None), "__name__", "")
    active = str(getattr(shell, "active_eventloop", None) or "")
    return True, active.startswith("qt") or kernel_loop.startswith("loop_qt")


def check_screen() -> None:
    """On Linux without a display Qt would abort the whole interpreter (a notebook's kernel dies): say so instead."""
    from PySide6 import QtCore

    if QtCore.QCoreApplication.instance() is not None or not sys.platform.startswith("linux"):
        return
    from .app import display_problem

    problem = display_problem()
    if problem is not None:
        raise RuntimeError(f"rnn_stepper.show needs a screen, and this Python has none ({problem}): on a remote "
                           "server use rnn_stepper.trace(...) for the numbers, or save_session(path) and open the "
                           "file where there is a screen")
