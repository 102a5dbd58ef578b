"""File > Open, Save, Save As, Open Recent, the examples, autosave and restore after a crash, for one window."""

from __future__ import annotations

import datetime
import importlib.resources
import os
import threading
import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ..core.errors import Cancelled, InputError, printable
from ..core.session_file import SUFFIX, load_session, save_session
from ..core.session_file import example_sessions as example_sessions  # File ▸ Examples' list, re-exported
from ..core.writing import clean_stale_temporaries
from ..model import StepperModel
from .settings import setting

MAX_RECENT = 8
# Past this many numbers a session's JSON takes seconds of interpreter time and hundreds of MiB to write (a
# 10,000 × 1,024 input: 27 s, 1 GiB), which would stall the window every few seconds; it is not autosaved, and
# the status bar says so.
MAX_AUTOSAVE_NUMBERS = 2_000_000
AUTOSAVE_MS = 5000  # a killed process loses at most the last five seconds


def autosave_folder() -> Path:
    folder = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.AppDataLocation)
    return Path(folder or Path.home() / ".rnn-stepper")


class AutosaveSlot:
    """This program instance's own autosave file, named by process and start time, and a lock held while the
    instance lives. Two open instances never write, delete or restore each other's file; a file whose lock
    nobody holds was left by an instance that died, and is offered at the next start."""

    def __init__(self, folder: Path):
        self.path = folder / f"autosave-{os.getpid()}-{time.time_ns() // 1_000_000}{SUFFIX}"
        self.lock = lock_path(self.path)
        self.fd: int | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.lock, os.O_RDWR | os.O_CREAT, 0o600)
            _try_lock(self.fd)
        except OSError:
            pass  # an unwritable data folder: autosave itself will say so when it fails

    def release(self) -> None:
        """The instance closed cleanly: its autosave and lock go."""
        remove(self.path)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        remove(self.lock)


def remove(path: Path) -> None:
    """Delete a file of the data folder if it can be: a read-only folder (PermissionError) or an XDG_DATA_HOME that
    is a file (NotADirectoryError) must not stop a start or a close; autosave says so when it fails to write."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


_slots: dict[Path, AutosaveSlot] = {}


def autosave_slot() -> AutosaveSlot:
    """This process's slot: one per instance, shared by its windows (a language switch rebuilds the window)."""
    folder = autosave_folder()
    if folder not in _slots:
        _slots[folder] = AutosaveSlot(folder)
    return _slots[folder]


def autosave_path() -> Path:
    return autosave_slot().path


def lock_path(autosave: Path) -> Path:
    return autosave.with_name(autosave.name[: -len(SUFFIX)] + ".lock")


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: a file open in another process cannot be deleted, which serves as the lock
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def orphaned_autosaves() -> list[Path]:
    """Autosaves whose instance is gone (no one holds their lock), newest first; an older version's single
    `autosave.rnnstep.json` counts as one."""
    own = autosave_path()
    found = []
    for path in autosave_folder().glob(f"autosave*{SUFFIX}"):
        if path == own:
            continue
        try:
            fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            continue
        try:
            alive = not _try_lock(fd)
        finally:
            os.close(fd)  # closing drops the lock just taken: the file is this instance's to offer
        if not alive:
            try:
                found.append((path.stat().st_mtime, path))
            except OSError:
                pass
    return [path for _, path in sorted(found, reverse=True)]


def forget_autosave(path: Path) -> None:
    remove(path)
    remove(lock_path(path))


class SessionFiles(QtCore.QObject):
    """Keeps the window's file: where the session was last saved, the recent list and the autosave."""

    path_changed = QtCore.Signal()
    autosave_failed = QtCore.Signal(str)  # from the autosave thread

    def __init__(self, model: StepperModel, window: QtWidgets.QWidget):
        super().__init__(window)
        self.model = model
        self.window = window
        self.path: str | None = None
        self.opening: tuple | None = None  # (session, path or None) asked for and not on show yet
        self.announcing: tuple | None = None  # (session, message) to say once that session is on show
        self.restoring: tuple | None = None  # (session, orphaned autosave) being restored, not on show yet
        model.events.stopped.connect(self.restore_stopped)
        self.settings = QtCore.QSettings()
        self.autosaved = None  # the session last written to the autosave file
        self.autosave_thread: threading.Thread | None = None
        self.autosave_failed.connect(self.report_autosave_failure)
        self.autosave_timer = QtCore.QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start(AUTOSAVE_MS)
        model.events.trace.connect(self.shown)

    # --- open and save -------------------------------------------------------------------------------------------

    def open_path(self, path: str, template: bool = False) -> bool:
        """Open a session file; a bad one is refused with a message and the open session stays as it is.

        The window's file becomes `path` only once its session is on show: until its trace is computed, Save
        still means the session that is showing. A template (an example) has no file: Save asks where.

        The file is parsed as the model's computation: off the GUI thread in the window, with progress and Cancel,
        since a session of hundreds of MiB takes seconds to parse. Returns whether it opened, or, when the reading
        goes on in the background, that it started."""
        outcome: list[bool] = []

        def opened(loaded) -> None:
            session, cursor = loaded
            self.opening = (session, None if template else path)
            self.model.open_session(session, cursor)
            outcome.append(True)

        def refused(exc) -> None:
            self.complain(self.tr("Could not open the session"), str(exc))
            outcome.append(False)

        try:
            self.model.run(lambda progress: load_session(path), opened, failed=refused, reading=path)
        except InputError as exc:
            refused(exc)
        return outcome[0] if outcome else True

    def shown(self) -> None:
        if self.restoring is not None and self.model.session is self.restoring[0]:
            session, orphan = self.restoring
            self.restoring = None
            try:  # the restored work becomes this instance's autosave: a crash now still keeps it
                os.replace(orphan, autosave_path())
                self.autosaved = session
            except OSError:
                pass
            remove(lock_path(orphan))
            self.model.events.message.emit(self.tr("Restored the session from before the crash (not yet saved)."))
        if self.announcing is not None and self.model.session is self.announcing[0]:
            self.model.events.message.emit(self.announcing[1])
        self.announcing = None  # another session on show: that import was replaced
        if self.opening is not None and self.model.session is self.opening[0]:
            _, self.path = self.opening
            self.opening = None
            if self.path:
                self.remember(self.path)
            self.path_changed.emit()

    def save_to(self, path: str) -> bool:
        if not path.endswith(SUFFIX):
            path += SUFFIX if not path.endswith(".json") else ""
        try:
            save_session(path, self.model.session, self.model.cursor_state())
        except InputError as exc:
            self.complain(self.tr("Could not save the session"), str(exc))
            return False
        self.path = path
        self.model.mark_saved()
        self.remember(path)
        self.path_changed.emit()
        self.model.events.message.emit(self.tr("Saved {0}").format(path))
        return True

    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.window, self.tr("Save session"), self.path or f"session{SUFFIX}",
            self.tr("RNN Stepper sessions (*{0})").format(SUFFIX))
        return bool(path) and self.save_to(path)

    def open_dialog(self) -> None:
        if not self.may_discard():
            return
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, self.tr("Open session"), os.path.dirname(self.path or ""),
            self.tr("RNN Stepper sessions (*{0});;JSON (*.json)").format(SUFFIX))
        if path:
            self.open_path(path)

    def open_example(self, path: str) -> None:
        if self.may_discard():
            self.open_path(path, template=True)

    # --- checkpoints ----------------------------------------------------------------------------------------------

    def import_dialog(self) -> None:
        folder = str(importlib.resources.files("rnn_stepper.resources") / "weights")
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, self.tr("Import the weights of an nn.RNN, nn.GRU or nn.LSTM"), folder,
            self.tr("Weights, recognised by their content (*);;"
                    "PyTorch checkpoints (*.pt *.pth *.bin *.ckpt *.tar *.params);;safetensors (*.safetensors);;"
                    "numpy (*.npz)"))
        if path:
            self.import_weights(path)

    def import_weights(self, path: str, choose=None) -> bool:
        """Read a checkpoint safely, let the user pick which recurrent module inside it (by prefix), and load it.

        The file is read as the model's computation (off the GUI thread in the window, with Cancel); returns
        whether the weights were taken, or, when the reading goes on in the background, that it started."""
        from ..core.files import load_tensors

        outcome: list[bool] = []
        try:
            self.model.run(lambda progress: load_tensors(path),
                           lambda tensors: outcome.append(self.use_checkpoint(path, tensors, choose)),
                           failed=lambda exc: outcome.append(self.import_failed(exc, path)), reading=path)
        except InputError as exc:
            return self.import_failed(exc, path)
        return outcome[0] if outcome else True

    def use_checkpoint(self, path: str, tensors: dict, choose=None) -> bool:
        from ..core.backward import Head
        from ..core.config import infer_config
        from ..core.files import linear_heads, recurrent_modules, rnn_under

        try:
            modules = recurrent_modules(tensors, path)  # prefix → "nn.GRU(5, 2)", each read off its shapes
            prefix = next(iter(modules)) if len(modules) == 1 else (choose or self.choose_prefix)(modules)
            if prefix is None:
                return False
            weights = rnn_under(tensors, prefix)
            before, heads = self.model.session.config.input_size, self.model.heads
            try:
                # the heads first: the views that offer their loss redraw as the imported session shows
                width = infer_config(weights).output_size
                self.model.heads = {name: Head(name, weight, bias) for name, (weight, bias) in
                                    linear_heads(tensors, prefix, width).items()}
                session = self.model.import_weights(weights)
            except InputError as exc:
                self.model.heads = heads
                raise exc.within(f"{path} ({prefix or 'no prefix'})") from None
            config = session.config
            if "nonlinearity" in config.cell_type.option_names:  # only a cell type that has one can have kept it
                text = self.tr("Imported {0}; nonlinearity={1} is kept (a state dict does not record it)").format(
                    config.describe(), config.nonlinearity)
            else:
                text = self.tr("Imported {0}").format(config.describe())
            if prefix and len(modules) == 1:
                text = self.tr("The only {1} in the file sits under '{0}'. ").format(
                    prefix, config.cell_type.label) + text
            if config.input_size != before:
                text += self.tr("; the input's columns were fitted to input_size={0}").format(config.input_size)
            if self.model.heads:
                text += self.tr("; its head {0} joins the backward page's losses (a prediction of the next input, "
                                "or a classifier's cross-entropy)").format(
                    ", ".join(name.rstrip(".") for name in self.model.heads))
            self.announce_when_shown(session, text)
        except InputError as exc:
            return self.import_failed(exc, path)
        return True

    def announce_when_shown(self, session, text: str) -> None:
        """Say `text` once `session`'s trace is on show: its computation can still fail, or be cancelled."""
        if self.model.session is session:
            self.model.events.message.emit(text)
        else:
            self.announcing = (session, text)

    def import_failed(self, error: BaseException, path: str) -> bool:
        """Every reason an import failed, said of its file: out of memory and torch's own errors name none."""
        if isinstance(error, InputError):
            named = error.source is not None and error.source.startswith(printable(path))
            text = str(error if named else error.within(path))
        elif isinstance(error, MemoryError):
            text = str(InputError(self.tr("not enough memory to read it"), path))
        else:
            text = str(InputError(f"{type(error).__name__}: {error}", path))
        self.complain(self.tr("Could not import the weights"), text)
        return False

    def choose_prefix(self, modules: dict[str, str]) -> str | None:
        """Which of a checkpoint's recurrent modules to import; `modules` maps each prefix to its type."""
        prefixes = list(modules)
        top = self.tr("(top level)")
        shown = [f"{prefix or top} — {kind}" for prefix, kind in modules.items()]
        item, ok = QtWidgets.QInputDialog.getItem(
            self.window, self.tr("Which recurrent module?"),
            self.tr("This checkpoint holds several recurrent modules; import which?"), shown, 0, False)
        return prefixes[shown.index(item)] if ok else None

    # --- recent files --------------------------------------------------------------------------------------------

    def recent(self) -> list[str]:
        return setting("recent", self.settings)

    def remember(self, path: str) -> None:
        path = os.path.abspath(path)
        recent = [path] + [p for p in self.recent() if p != path]
        self.settings.setValue("recent", recent[:MAX_RECENT])

    # --- unsaved work --------------------------------------------------------------------------------------------

    def may_discard(self) -> bool:
        """Before unsaved work would be lost: ask to save it, drop it, or stay."""
        if not self.model.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == QtWidgets.QMessageBox.Save:
            return self.save()
        return answer == QtWidgets.QMessageBox.Discard

    def ask_unsaved(self):
        return QtWidgets.QMessageBox.question(
            self.window, self.tr("Unsaved changes"),
            self.tr("The session has changes that are not saved. Save them first?"),
            QtWidgets.QMessageBox.Save | QtWidgets.QMessageBox.Discard | QtWidgets.QMessageBox.Cancel,
            QtWidgets.QMessageBox.Save)

    def autosave(self, block: bool = False) -> None:
        """Unsaved work goes to the autosave file; with nothing unsaved, there is no autosave to offer.

        Writing runs on a worker thread (a 10,000 × 1,024 session is a 27-second JSON document; the window must
        not freeze for it) and only when the session changed since the last autosave. A Session is never
        changed in place, so the thread can read it while the window goes on."""
        if self.model.busy:
            return  # the work on show may be about to be replaced; the file keeps the last that was shown
        path = autosave_path()  # this instance's own: another instance's unsaved work is never touched
        if not self.model.dirty:
            self.autosaved = None
            remove(path)
            return
        session = self.model.session
        if session is self.autosaved or (self.autosave_thread and self.autosave_thread.is_alive()):
            return
        self.autosaved = session
        numbers = sum(t.numel() for t in (*session.weights.values(), session.inputs,
                                          *(state for state in (session.h0, session.c0) if state is not None)))
        if numbers > MAX_AUTOSAVE_NUMBERS:
            remove(path)  # an older autosave would restore something else
            self.model.events.message.emit(self.tr(
                "This session holds {0:,} numbers, too many to autosave every few seconds; save it with Ctrl+S."
            ).format(numbers))
            return
        cursor = self.model.cursor_state()

        def write():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                save_session(str(path), session, cursor)
            except (InputError, OSError) as exc:
                self.autosave_failed.emit(str(exc))

        self.autosave_thread = threading.Thread(target=write, name="rnn-stepper-autosave", daemon=True)
        self.autosave_thread.start()
        if block:
            self.autosave_thread.join()

    def report_autosave_failure(self, text: str) -> None:
        self.autosaved = None  # try again at the next tick
        self.model.events.message.emit(self.tr("Autosave failed: {0}").format(text))

    def closed_cleanly(self) -> None:
        self.autosave_timer.stop()
        if self.autosave_thread is not None:
            self.autosave_thread.join()  # then remove what it wrote
        autosave_slot().release()

    def offer_restore(self, ask=None) -> bool:
        """Each autosave an instance left when it died is offered, newest first, until one is restored; the
        others stay for the next start. A declined one is deleted."""
        ask = ask or self.ask_restore
        # A save killed mid-way (SIGKILL, a power cut) leaves a hidden temporary file beside its target: the old
        # ones in the data folder and beside the recent files go now.
        for folder in {str(autosave_folder()), *(os.path.dirname(p) for p in self.recent())}:
            clean_stale_temporaries(folder)
        for orphan in orphaned_autosaves():
            if ask(orphan):
                return self.restore(orphan)
            forget_autosave(orphan)
        return False

    def ask_restore(self, orphan: Path) -> bool:
        when = datetime.datetime.fromtimestamp(orphan.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        return QtWidgets.QMessageBox.question(
            self.window, self.tr("Restore the last session?"),
            self.tr("RNN Stepper did not close normally. Restore the unsaved session it autosaved at {0}?").format(
                when)) == QtWidgets.QMessageBox.Yes

    def restore(self, orphan: Path) -> bool:
        """Show an orphaned autosave's session, unsaved. One that cannot be read, or whose trace fails, is
        explained and set aside under another name, so that no start ever trips on it again."""
        try:
            session, cursor = load_session(str(orphan))
        except Exception as exc:  # whatever it is, a bad autosave must not stop the program from starting
            self.set_aside(orphan, exc)
            return False
        self.restoring = (session, orphan)
        try:
            self.model.open_session(session, cursor, saved=False)
        except Exception as exc:
            self.restore_stopped(exc)
            return False
        return self.restoring is None or self.model.busy

    def restore_stopped(self, error: BaseException) -> None:
        if self.restoring is not None and not isinstance(error, Cancelled):
            _, orphan = self.restoring
            self.restoring = None
            self.set_aside(orphan, error)

    def set_aside(self, orphan: Path, error: BaseException) -> None:
        aside = orphan.with_name("damaged-" + orphan.name)
        try:
            os.replace(orphan, aside)
            remove(lock_path(orphan))
            where = self.tr("It was set aside as {0} and will not be offered again.").format(aside)
        except OSError:
            forget_autosave(orphan)
            where = self.tr("It could not be set aside, so it was deleted.")
        reason = str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"
        self.complain(self.tr("Could not restore the session"),
                      self.tr("The session autosaved before the crash could not be restored: {0}. {1}").format(
                          printable(reason), where))

    def complain(self, title: str, text: str) -> None:
        self.model.events.message.emit(text)
        QtWidgets.QMessageBox.warning(self.window, title, text)
