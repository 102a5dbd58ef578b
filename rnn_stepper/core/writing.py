"""The one way the program writes a file: whole or not at all, onto the real file, keeping its mode.

Sessions, the autosave, every export and the screenshot go through `write_atomically`. A full disk, a vanished
folder or a failed fsync leaves the previous file as it was and raises InputError saying so.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from typing import BinaryIO, Callable

from .errors import InputError


def write_atomically(path: str, write: Callable[[BinaryIO], None] | bytes) -> None:
    """Write to a temporary file beside the real file, flush and fsync it, then rename it over the real file.

    A symbolic link is resolved first: the file it points at is replaced and the link stays a link. An existing
    file keeps its permission bits (a 0664 group-shared file stays 0664) and, where the user may set them, its
    owner and group; a new file gets the usual 0666 less the umask."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    try:
        before = os.stat(target)
    except FileNotFoundError:
        before = None
    except OSError as exc:
        raise InputError(f"cannot write it ({exc.strerror})", path) from None
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise InputError("is not a regular file (a folder, FIFO or device); choose a file name", path)
    if before is not None and write_protected(target, before):
        # The rename below would go around the mode (it needs only the folder's permission), and root's
        # os.access ignores it: a file nobody may write is the user's way of saying "keep this one".
        raise InputError(f"is write-protected (mode {stat.S_IMODE(before.st_mode):04o}) and was not replaced; save "
                         "under another name, or make it writable first", path)
    clean_stale_temporaries(folder)
    try:
        fd, temporary = tempfile.mkstemp(prefix=".rnnstep-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write here ({exc.strerror}); choose another folder", path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(write, (bytes, bytearray)):
                f.write(write)
            else:
                write(f)
            f.flush()
            os.fsync(f.fileno())  # a full disk or a failing device shows here, before the old file is replaced
        os.chmod(temporary, stat.S_IMODE(before.st_mode) if before else 0o666 & ~_umask())
        if before is not None and (before.st_uid, before.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)
            except OSError:  # only root gives a file away; the group is kept where the user is in it
                try:
                    os.chown(temporary, -1, before.st_gid)
                except OSError:
                    pass
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"could not save ({exc.strerror or exc}); the previous file, if any, is "
                             "unchanged", path) from None
        raise
    _sync_folder(folder)


def write_protected(path: str, info: os.stat_result) -> bool:
    """Whether a file is not to be written: no write permission for this user, or no write bit at all."""
    return not os.access(path, os.W_OK) or not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


TEMPORARY = re.compile(r"\.rnnstep-[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp's names with the prefix above
STALE_AFTER_S = 3600  # a save still under way writes to its temporary file, which keeps its mtime fresh


def clean_stale_temporaries(folder: str) -> list[str]:
    """Remove the temporary files a save killed mid-way (SIGKILL, a power cut) left in `folder`: only names of
    our own pattern, and only those nobody has written to for an hour. Returns what was removed."""
    removed = []
    try:
        names = [n for n in os.listdir(folder) if TEMPORARY.fullmatch(n)]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        path = os.path.join(folder, name)
        try:
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AFTER_S:
                os.unlink(path)
                removed.append(path)
        except OSError:
            pass
    return removed


def _sync_folder(folder: str) -> None:
    """The rename itself reaches the disk only when the folder is synced; a folder that cannot be is no error."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    # Read, not set: os.umask changes the whole process, and the autosave writes from a thread.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
