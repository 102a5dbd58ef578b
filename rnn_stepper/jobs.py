"""The stepper model's one computation at a time: a trace, a file read, a training run.

Computing a trace can take seconds, so the model hands each computation to a `runner`: `runner(work, done,
progress)` computes `work(progress)` and hands the result, or the exception it raised, to `done`; it returns
something with `cancel()`, or None when it finished before returning. The plain runner (`run_now`) computes at
once in the caller's thread; the window's computes on a worker, and meanwhile the model is busy, still showing
what it showed.
"""

from __future__ import annotations

from .core.errors import Cancelled


def run_now(work, done, progress):
    """The plain runner: compute in the caller's thread and return when it is shown. Errors reach the caller.

    Like every runner, it pauses the cyclic garbage collector while the work runs: a trace makes tens of thousands
    of tensors and no reference cycles, and the collector would walk every live object a few times per pass
    (~70 ms each time with torch loaded)."""
    from .core import collector

    with collector.paused():
        result = work(progress)
    done(result)


class Jobs:
    """At most one computation under way: a new one replaces it. `events` are the model's: `busy` when one starts
    or ends, `progress(done, total)`, `stopped(error)` when one is cancelled or fails with no one to tell."""

    def __init__(self, events, runner=run_now) -> None:
        self.events = events
        self.runner = runner
        self._job = None  # the computation under way: (token, handle), or None when idle
        self.pending = None  # the session being computed, once it exists
        self.reading: str | None = None  # the file being read

    @property
    def busy(self) -> bool:
        return self._job is not None

    def run(self, work, then, failed=None, pending=None, reading: str | None = None) -> None:
        """`work(progress)` through the runner: busy meanwhile, cancellable, and replacing any under way. Its
        result goes to `then`; an error to `failed` (else `stopped`). `pending` is the session being computed,
        `reading` a file being read, for the window to say which."""
        if self._job is not None:
            self.cancel()  # a newer request replaces the one under way
        token = object()
        self.pending, self.reading = pending, reading
        self._job = (token, None)
        self.events.busy.emit()

        def current() -> bool:
            return self._job is not None and self._job[0] is token  # not cancelled, nor replaced by a newer one

        def done(result):
            if not current():
                return
            self._end()
            if not isinstance(result, BaseException):
                then(result)
            elif failed is not None and not isinstance(result, Cancelled):
                failed(result)
            else:
                self.events.stopped.emit(result)

        def progress(n, total):
            if current():
                self.events.progress.emit(n, total)

        try:
            handle = self.runner(work, done, progress)
        except BaseException:
            if current():
                self._end()
            raise
        if current():
            self._job = (token, handle)

    def cancel(self) -> None:
        """Stop the computation under way; what is on show stays."""
        if self._job is not None:
            _, handle = self._job
            if handle is not None:
                handle.cancel()
            self._end()
            self.events.stopped.emit(Cancelled())

    def _end(self) -> None:
        self._job = None
        self.pending = self.reading = None
        self.events.busy.emit()
