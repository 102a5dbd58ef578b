"""Heavy work off the GUI thread: the model's computations run on a worker thread, and their progress and
results come back to the GUI thread through queued signals, so the window never freezes."""

from __future__ import annotations

import gc
import sys
import threading
import time

from PySide6 import QtCore

from ..core import collector
from ..core.errors import Cancelled

PROGRESS_INTERVAL_S = 0.05  # at most twenty progress repaints a second, however fast the steps go


_loading_torch = threading.Lock()  # held while torch is being imported


def load_torch() -> None:
    """Import torch without the cyclic garbage collector (`collector.paused`). The import makes ~200,000 objects,
    and collecting among them as they come costs 0.2 s while finding ~7,000 unreachable ones. Afterwards they are
    frozen (`gc.freeze`): torch's modules live as long as the program, and no later collection walks them again.

    An import under way on another thread (`start_loading_torch`) is waited for: torch is in sys.modules from
    the import's first moment, long before it can be used."""
    with _loading_torch:
        _import_torch()


def start_loading_torch() -> threading.Thread:
    """Begin loading torch on a thread of its own, now: the window is built on the GUI thread meanwhile, and the
    first computation's `load_torch` waits only for what is left of the import."""
    _loading_torch.acquire()  # here, not on the new thread: a load_torch called after this returns waits for it

    def load() -> None:
        try:
            _import_torch()
        finally:
            _loading_torch.release()

    thread = threading.Thread(target=load, name="rnn-stepper-torch", daemon=True)
    try:
        thread.start()
    except BaseException:  # no thread could start: no later load_torch may wait for it
        _loading_torch.release()
        raise
    return thread


def _import_torch() -> None:
    if "torch" in sys.modules:
        return
    with collector.paused():
        import torch  # noqa: F401
        gc.freeze()


class Job:
    """One computation on its own thread; `cancel()` makes its next progress report raise `Cancelled`."""

    def __init__(self, work, done, progress):
        self.work, self.done, self.progress = work, done, progress
        self.cancelled = threading.Event()
        self.thread: threading.Thread | None = None
        self.last_report = 0.0

    def cancel(self) -> None:
        self.cancelled.set()


class BackgroundRunner(QtCore.QObject):
    """A StepperModel runner (see `jobs.run_now`) that computes on a worker thread.

    `held` keeps jobs waiting until `release()`: the window releases it once it has painted, so loading torch
    never competes with the first frame for the interpreter."""

    _progressed = QtCore.Signal(object, int, int)
    _finished = QtCore.Signal(object, object)

    def __init__(self, held: bool = False, parent=None):
        super().__init__(parent)
        self.held = held
        self.waiting: Job | None = None
        self.running: list[Job] = []
        self._progressed.connect(self._deliver_progress)
        self._finished.connect(self._deliver_result)

    def __call__(self, work, done, progress) -> Job:
        job = Job(work, done, progress)
        if self.held:
            self.waiting = job  # only the newest request matters; an older one was cancelled by the model
        else:
            self._start(job)
        return job

    def release(self) -> None:
        if self.held:
            self.held = False
            job, self.waiting = self.waiting, None
            if job is not None and not job.cancelled.is_set():
                self._start(job)

    def _start(self, job: Job) -> None:
        job.thread = threading.Thread(target=self._run, args=(job,), name="rnn-stepper-compute", daemon=True)
        self.running.append(job)
        job.thread.start()

    def _run(self, job: Job) -> None:  # on the worker thread: touches no widget, only emits
        def report(done: int, total: int) -> None:
            if job.cancelled.is_set():
                raise Cancelled
            now = time.monotonic()
            if now - job.last_report >= PROGRESS_INTERVAL_S or done == total:
                job.last_report = now
                self._progressed.emit(job, done, total)

        try:
            load_torch()  # every computation of the model needs torch; the first one loads it
            with collector.paused():  # see run_now: a computation makes many objects and no cycles
                result = job.work(report)
        except BaseException as exc:  # handed to the model, which keeps the previous session and says why
            result = exc
        self._finished.emit(job, result)

    def _deliver_progress(self, job: Job, done: int, total: int) -> None:
        if not job.cancelled.is_set():
            job.progress(done, total)

    def _deliver_result(self, job: Job, result) -> None:
        if job in self.running:
            self.running.remove(job)
        job.done(result)

    def wait(self, timeout_s: float = 2.0) -> None:
        """Cancel whatever runs and give it a moment to stop: before the window closes."""
        for job in list(self.running):
            job.cancel()
            if job.thread is not None:
                job.thread.join(timeout_s)
