"""One writer per recording: an advisory lock (flock) on a file inside the folder, held for the writer's life.

The kernel drops a flock when its holder dies, however it dies, so a lock left by a killed writer is stale by
construction: nothing to detect or clean up. The pid and host written into the file only name the holder in
the message. The lock file is never deleted, not even by --overwrite: two writers that open it always lock the
same file, so neither can miss the other.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import stat
import time
from pathlib import Path

from gananim.errors import GananimError
from gananim.recording import atomic

LOCK = ".writer.lock"


def _busy(folder: Path, fd: int) -> GananimError:
    """The error for a locked recording, naming the holder's pid (and host, if another) as far as the file says."""
    try:
        info = json.loads(os.pread(fd, 256, 0) or b"{}")
        pid, host = int(info["pid"]), str(info["host"])
    except (OSError, ValueError, KeyError, TypeError):
        pid, host = None, None  # the holder has the lock but has not written its pid yet
    here = socket.gethostname()
    if pid == os.getpid() and host == here:
        return GananimError(
            f"{folder} is already being written by a writer in this process; close() it first (or use `with`)"
        )
    who = "another process" if pid is None else f"another process (pid {pid}{'' if host == here else f' on {host}'})"
    return GananimError(f"{folder} is being written by {who}; wait for it to finish or choose another --out")


def _flock_soon(fd: int, tries: int = 5, wait: float = 0.02) -> None:
    """Take the lock, retrying for a moment: a writer holds it for its whole life, while `check()` holds it for
    microseconds and must not make a starting writer fail."""
    for attempt in range(tries):
        try:
            return fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if attempt == tries - 1:
                raise
            time.sleep(wait)


def _not_a_lock(file: Path, what: str) -> GananimError:
    return GananimError(
        f"{file} is {what}; gananim writes its lock file itself and never through a link: delete it, then run again"
    )


class WriterLock:
    """An exclusive, non-blocking lock on `folder`; a second writer gets a one-line GananimError at once."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.file = self.folder / LOCK
        self._fd: int | None = None

    def acquire(self) -> "WriterLock":
        try:  # never through a symlink, never anything but a regular file: the lock file is written to below
            fd = os.open(self.file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o666)
        except OSError as e:
            atomic.raise_for(e, self.folder)
            if e.errno == errno.ELOOP:
                raise _not_a_lock(self.file, "a symbolic link") from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise _not_a_lock(self.file, "not a regular file")
        try:
            _flock_soon(fd)
        except BlockingIOError:
            error = _busy(self.folder, fd)
            os.close(fd)
            raise error from None
        except OSError as e:  # a file system without locks (some network mounts): write unlocked, as before locks
            if e.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                os.close(fd)
                raise
        try:  # for the message another writer gets; the lock itself does not depend on it
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode(), 0)
        except OSError:
            pass
        self._fd = fd
        return self

    def check(self) -> None:
        """Raise the error `acquire` would if another writer holds the lock, without creating or keeping anything."""
        try:
            fd = os.open(self.file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return  # no lock file (or an unreadable one, or a symlink): acquire() decides
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or a device is no lock (and reading one could block)
            os.close(fd)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _busy(self.folder, fd) from None
        except OSError:
            pass
        finally:
            os.close(fd)

    def release(self) -> None:
        """Closing the file drops the lock."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:  # a writer dropped without close() must not keep its recording locked
        self.release()


def being_written(folder: Path) -> bool:
    """Whether a writer holds `folder`'s lock right now (readers never need the lock; this only tells)."""
    try:
        WriterLock(folder).check()
    except GananimError:
        return True
    return False


__all__ = ["LOCK", "WriterLock", "being_written"]
