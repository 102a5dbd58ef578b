"""Program instances inside one test process: what a `kill -9` of an instance leaves behind."""

import os

from rnn_stepper.ui import session_files


def killed() -> None:
    """The instance dies: its autosave stays on disk, the kernel drops its lock, and the next window made is a new
    instance with an autosave of its own (as the next start of the program would be)."""
    for slot in session_files._slots.values():
        if slot.fd is not None:
            os.close(slot.fd)
            slot.fd = None
    session_files._slots.clear()
