"""Starting the window: the QApplication, its names, and the screenshot mode lecturers make slides with.

A window paints first, before numpy, pyqtgraph or torch have loaded (issue 30): a plain frame of the window's size
and title that says what is loading. Then torch starts loading on a worker thread, the stepper window is built
while it loads and takes the frame's place, and the first trace is computed on a worker once that window has
painted (issue 5's time to first frame).
"""

from __future__ import annotations

import os
import sys


def open_window(session=None, steps: int = 0, size: tuple[int, int] | None = None, lang: str | None = None,
                presenting: bool = False, argv: list[str] | None = None, background: bool = True,
                restore: bool = True, caption: str | None = None, cursor: dict | None = None,
                path: str | None = None, predict: bool = False, font_scale: float | None = None,
                back: int | None = None, select: tuple | None = None, assumptions: dict | None = None):
    """The application and its shown window, on `session` (the notebook's when None).

    `background`: compute on a worker thread once the window has painted; otherwise before it shows (a
    screenshot needs the finished picture). `caption` titles the window until its session is saved. `cursor`
    ({position, layer, direction, batch}, as a session file keeps it) is where it opens; else `steps` whole
    timesteps in. `path`: the session file it came from, which Save writes back to. `predict`: Predict, then
    reveal on. `font_scale`: presentation mode's font scale for this run, instead of the saved one (which stays).
    `back`: open on the backward pass, the forward pass at its end and `back` phases stepped back.
    `select`: (phase, unit[, t]), an element whose breakdown opens there. `assumptions`: what the weights file did
    not record, option → the sentence the window shows (cli.assumptions)."""
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6 import QtWidgets

    from . import i18n
    from .settings import setting

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0], *(argv or [])])
    app.setOrganizationName("RNN Stepper")
    app.setApplicationName("rnn-stepper")
    set_identity(app)
    # --lang, else the language chosen in the menu last time, else the system's; before any widget exists.
    i18n.install(lang or setting("language") or i18n.system_language())
    frame = None
    if background:  # a person is waiting: something on screen first, and torch loading while the window is built
        from .background import start_loading_torch

        frame = paint_loading_frame(size or default_size(app), presenting, window_title(path, caption))
        start_loading_torch()

    from ..jobs import run_now
    from ..model import StepperModel
    from .background import BackgroundRunner
    from .main_window import MainWindow

    MainWindow.font_scale_for_this_run = font_scale
    runner = BackgroundRunner(held=True, parent=app) if background else run_now
    model = StepperModel(session, runner=runner)
    model.predict_first = predict  # before the window: its menu shows the mode
    model.assumptions = dict(assumptions or {})
    window = MainWindow(model, presenting=presenting, caption=caption)
    if frame is not None and not presenting:
        window.setGeometry(frame.geometry())  # where the frame is: moved or resized meanwhile, as it was left
    else:
        window.resize(*(size or default_size(app)))
    if path is not None:
        window.files.path = path
        if restore:  # an interactive run: the file joins Open Recent, as File > Open would add it
            window.files.remember(path)
        window.files.path_changed.emit()
    if restore:
        window.files.offer_restore()
    if cursor is not None or steps or select:
        go_when_ready(model, cursor, steps, select, strict=not background)
    if back is not None:
        go_back_when_ready(window, back)
    if presenting and background:
        window.showFullScreen()  # a screenshot keeps --size: the slide's size
    else:
        window.show()
    if frame is not None:  # as MainWindow.rebuild hands over: keys go on to the window in the frame's place
        window.raise_()
        window.activateWindow()
        frame.close()  # once the window is on screen in its place: no moment with neither
        frame.deleteLater()
    if background:
        release_after_first_paint(window, runner)
    return app, window


def window_title(path: str | None, caption: str | None, modified_mark: bool = False) -> str:
    """The window's title: the session file's name, else the caption, else "untitled". `modified_mark`: with Qt's
    [*], which the stepper window shows while the session has unsaved changes; the frame shown before it has none."""
    from PySide6 import QtCore

    name = QtCore.QFileInfo(path).fileName() if path else (
        caption or QtCore.QCoreApplication.translate("MainWindow", "untitled"))
    return f"{name}{'[*]' if modified_mark else ''} — RNN Stepper"


def paint_loading_frame(size: tuple[int, int], presenting: bool, title: str):
    """A plain window of the stepper's size and title saying what loads, shown and painted before anything heavier
    than PySide6 is imported: the stepper window's module brings numpy and pyqtgraph (~0.4 s) with it. Returns once
    the frame has painted (or after a second, if it never does: a minimised window), to be replaced by the stepper
    window. MainWindow says the same while it waits for torch: the same words, in the same translation.

    No Qt enum is named on the way: PySide6 builds the Python enums of the whole Qt namespace on the first use of
    one (20–50 ms here, a third of a bare window's first frame). The text is centred by its own markup, which draws
    the same pixels as AlignCenter; vertically a label centres by default."""
    import html

    from PySide6 import QtCore, QtWidgets

    painted = QtCore.QEventLoop()

    class Loading(QtWidgets.QLabel):
        def paintEvent(self, event):
            super().paintEvent(event)
            painted.quit()  # the loop returns once this paint, and the frame's flush to the screen, are done

    words = QtCore.QCoreApplication.translate("MainWindow", "Loading PyTorch and computing the notebook's example…")
    loading = Loading(f'<p align="center">{html.escape(words)}</p>')
    loading.setWordWrap(True)
    frame = QtWidgets.QMainWindow()
    frame.setWindowTitle(title)
    frame.setCentralWidget(loading)
    frame.resize(*size)
    never = QtCore.QTimer(painted)
    never.setSingleShot(True)
    never.timeout.connect(painted.quit)
    never.start(1000)
    if presenting:
        frame.showFullScreen()
    else:
        frame.show()
    painted.exec()
    never.stop()
    return frame


DEFAULT_SIZE = (1280, 720)


def default_size(app) -> tuple[int, int]:
    """1280×720, or the screen's free area where that is smaller: on a 1024×768 screen a 1280-wide window puts its
    right-hand panels and controls off the edge. Offscreen (screenshots, slides) there is no screen to fit."""
    from PySide6 import QtGui

    screen = app.primaryScreen()
    if screen is None or QtGui.QGuiApplication.platformName() == "offscreen":
        return DEFAULT_SIZE
    free = screen.availableGeometry()
    return min(DEFAULT_SIZE[0], free.width()), min(DEFAULT_SIZE[1], free.height())


def set_identity(app) -> None:
    """The icon every window shows, and the desktop entry the window belongs to (a Wayland compositor finds the
    entry's name and icon by it; --install-desktop-entry writes that entry)."""
    import importlib.resources

    from PySide6 import QtGui

    from ..desktop import APP_ID

    icon = importlib.resources.files("rnn_stepper.resources") / "icons" / "rnn-stepper.png"
    app.setWindowIcon(QtGui.QIcon(str(icon)))
    app.setDesktopFileName(APP_ID)


def go_when_ready(model, cursor: dict | None, steps: int = 0, select: tuple | None = None,
                  strict: bool = False) -> None:
    """Move to `cursor`, or `steps` whole timesteps in, once the trace exists (at once, unless it is still being
    computed). Past the sequence's end is the end. Then open `select`'s breakdown, (phase, unit[, t]): one that does
    not exist or is not revealed raises InputError when `strict` (a screenshot), else says so in the window."""
    def go():
        if model.trace is None:
            return
        model.events.trace.disconnect(go)
        where = cursor or {}
        model.show_cell(where.get("layer", model.layer), where.get("direction", model.direction),
                        where.get("batch", model.batch))
        model.move_to(where["position"] if "position" in where else min(steps, model.seq_len) * len(model.phases))
        if select:
            choose(model, select, strict)

    model.events.trace.connect(go)
    go()


def go_back_when_ready(window, back: int) -> None:
    """Once the trace exists: the forward pass to its end, the backward page, the gradients computed (on the
    model's runner) and `back` phases stepped back once they are there."""
    model = window.model
    backprop = model.backprop

    def computed():
        if backprop.backward is None:
            return
        backprop.events.result.disconnect(computed)
        backprop.move_to(back)

    def go():
        if model.trace is None:
            return
        model.events.trace.disconnect(go)
        model.run_to_end()
        window.show_backward()
        backprop.events.result.connect(computed)
        backprop.compute()

    model.events.trace.connect(go)
    go()


def choose(model, select: tuple, strict: bool) -> None:
    from ..core.errors import InputError

    phase, unit, *rest = select
    t = rest[0] if rest else model.t
    try:
        if phase not in model.phases:
            raise InputError(f"--select {phase}: the phases of this session are {', '.join(model.phases)}")
        if t is None or not model.select(t, phase, unit):
            raise InputError(f"--select {','.join(map(str, select))}: that element is not revealed at this cursor; "
                             "step to it first, e.g. with --steps")
    except InputError as exc:
        if strict:
            raise
        model.events.message.emit(str(exc))


def release_after_first_paint(window, runner) -> None:
    """Start the queued computation once the window is on screen; loading torch holds the interpreter for
    seconds, and the first frame should not wait for it. A window that never paints (minimised) starts anyway."""
    from PySide6 import QtCore

    class FirstPaint(QtCore.QObject):
        def eventFilter(self, obj, event):
            if event.type() == QtCore.QEvent.Paint:
                obj.removeEventFilter(self)
                QtCore.QTimer.singleShot(0, runner.release)  # after this paint has finished
            return False

    watcher = FirstPaint(window)
    window.centralWidget().installEventFilter(watcher)
    QtCore.QTimer.singleShot(1000, runner.release)


def run_window(session=None, steps: int = 0, screenshot: str | None = None, size: tuple[int, int] | None = None,
               lang: str | None = None, presenting: bool = False, argv: list[str] | None = None, **opening) -> int:
    """The window, or with `screenshot` its picture. `opening`: open_window's cursor, path, predict and
    font_scale."""
    if screenshot:  # no dialogs, no restore: a slide is made unattended
        headless()
        _, window = open_window(session, steps, size, lang, presenting, argv, background=False, restore=False,
                                **opening)
        return save_screenshot(window, screenshot)
    problem = display_problem()
    if problem is not None:  # Qt would abort the process; say so instead
        print(f"rnn-stepper: error: no window can be opened: {problem}; --screenshot FILE and slides DIR need no "
              "display", file=sys.stderr)
        return 2
    from .crash import CrashGuard

    guard = CrashGuard().install()  # first: an error while restoring an autosave is explained like any other
    try:
        try:
            app, window = open_window(session, steps, size, lang, presenting, argv, **opening)
        except Exception:
            guard.handle(*sys.exc_info())  # logged and explained, never a traceback
            return 1
        return app.exec()
    finally:
        guard.uninstall()


_quiet: list = []  # the message filter, installed once


def display_problem() -> str | None:
    """Why no window can be shown here, or None when a display answers (or Qt's platform was chosen by hand).

    Qt aborts the whole process (SIGABRT) when DISPLAY names an X server that is gone, as after `ssh -X` ends:
    the display's socket is tried first, which takes a moment, not Qt's abort. Only Linux is checked; elsewhere
    the system's own window server is always there."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return None
    wayland = os.environ.get("WAYLAND_DISPLAY")
    if wayland and _connects(os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), wayland)):
        return None
    display = os.environ.get("DISPLAY")
    if not display:
        return "there is no display (DISPLAY is not set)"
    if _x_server_answers(display):
        return None
    return f"the display DISPLAY={display} cannot be reached (its X server is gone, e.g. after ssh -X ended)"


def _x_server_answers(display: str) -> bool:
    """Whether an X server listens at DISPLAY ([host]:number[.screen]): its Unix socket, or TCP port 6000+number."""
    import re

    found = re.fullmatch(r"(?P<host>[^:]*):(?P<number>\d+)(?:\.\d+)?", display)
    if found is None:
        return True  # a form this check does not know (XQuartz's socket path): Qt decides
    host, number = found.group("host"), int(found.group("number"))
    if host in ("", "unix"):
        socket_path = f"/tmp/.X11-unix/X{number}"
        return _connects("\0" + socket_path) or _connects(socket_path)
    return _connects((host, 6000 + number))


def _connects(address) -> bool:
    import socket

    family = socket.AF_INET if isinstance(address, tuple) else socket.AF_UNIX
    try:
        if family == socket.AF_INET:
            with socket.create_connection(address, timeout=2):
                return True
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(address)
            return True
    except (OSError, ValueError):
        return False


def headless() -> None:
    """A picture needs no screen: with none usable, Qt draws offscreen. The offscreen platform's note that it
    cannot resize windows to their size hints says nothing about the picture, and would be the only line on
    stderr."""
    if display_problem() is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and not _quiet:
        from PySide6 import QtCore

        def note(kind, context, message):
            if message == "This plugin does not support propagateSizeHints()":
                return
            if previous is not None:
                previous(kind, context, message)
            else:
                sys.stderr.write(message + "\n")

        previous = QtCore.qInstallMessageHandler(note)
        _quiet.append(note)


SLIDE_SIZE = (1920, 1080)


def slide_names(model) -> list[tuple[int, str]]:
    """(cursor position, file name) of every phase of the cell on show, in stepping order:
    `000-t0-input_projection.png`; t is the input's own timestep (a reverse cell's first slide is t = T-1)."""
    digits = max(3, len(str(model.end - 1)))
    phases = model.phases
    return [(position, f"{position - 1:0{digits}d}-t{model.cell.walk[(position - 1) // len(phases)]}-"
                       f"{phases[(position - 1) % len(phases)]}.png")
            for position in range(1, model.end + 1)]


def render_slides(window, folder: str, each=None) -> list[str]:
    """One PNG per phase of the whole session into `folder`, with the one window: the cursor moves, the window is
    drawn. `each(done, total, path)` after each. Returns the paths; raises InputError when one cannot be
    written."""
    from .exports import render_window

    model = window.model
    names = slide_names(model)
    paths = []
    for done, (position, name) in enumerate(names, 1):
        model.move_to(position)
        path = os.path.join(folder, name)
        render_window(window, path)
        paths.append(path)
        if each is not None:
            each(done, len(names), path)
    return paths


def run_slides(session, folder: str, size: tuple[int, int] | None = None, lang: str | None = None,
               presenting: bool = False, font_scale: float | None = None, cursor: dict | None = None,
               controls: bool = False) -> int:
    """`rnn-stepper slides DIR`: every phase of the session's chosen cell as a PNG, progress on stderr. Without
    `controls`, the content only: the menu bar, tool bar, tabs and status bar took ~15 % of a 720p slide."""
    from ..core.errors import InputError

    headless()
    cell = {k: v for k, v in (cursor or {}).items() if k != "position"}
    _, window = open_window(session, size=size or SLIDE_SIZE, lang=lang, presenting=presenting, background=False,
                            restore=False, cursor={**cell, "position": 0}, font_scale=font_scale)
    if not controls:
        window.show_content_only()

    def progress(done, total, path):
        print(f"rnn-stepper: slide {done} of {total}: {path}", file=sys.stderr)

    try:
        paths = render_slides(window, folder, progress)
    except InputError as exc:
        print(f"rnn-stepper: error: {exc}", file=sys.stderr)
        return 2
    finally:
        window.close()
    print(f"rnn-stepper: {len(paths)} slides in {folder}", file=sys.stderr)
    earlier = stale_slides(folder, paths)
    if earlier:  # a deck built from the folder would show them after this session's slides
        print(f"rnn-stepper: note: {folder} also holds {len(earlier)} slides this run did not write (from "
              f"{earlier[0]} on); they were left as they were", file=sys.stderr)
    return 0


def stale_slides(folder: str, written: list[str]) -> list[str]:
    """Slide PNGs in `folder`, named as this command names them, that are not among `written`: an earlier run's."""
    import re

    ours = {os.path.basename(p) for p in written}
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(n for n in names if n not in ours and re.fullmatch(r"\d{3,}-t\d+-\w+\.png", n))


def save_screenshot(window, path: str) -> int:
    from ..core.errors import InputError
    from .exports import render_window

    try:
        render_window(window, path)
    except InputError as exc:
        print(f"rnn-stepper: error: {exc}", file=sys.stderr)
        return 2
    return 0
