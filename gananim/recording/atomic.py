"""Whole files or nothing: write to a temporary name beside the target, fsync, rename into place; stdlib only.

A reader, or a run killed at any moment, sees either the old file or the new one, never half of one. Any
failure removes the temporary file, so a full disk leaves no `.NAME.*.tmp` behind. The failures a user can fix
(a full disk, a read-only folder) become a one-line GananimError; anything else is re-raised unchanged.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path
from typing import BinaryIO, Callable

from gananim.errors import GananimError

FULL = (errno.ENOSPC, errno.EDQUOT)
READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def user_error(e: OSError, path: Path) -> GananimError | None:
    """The one-line GananimError for an OSError a user can fix while writing `path`, or None for any other."""
    if e.errno in FULL:
        return GananimError(
            f"disk full writing {path}: free some space, then run the command again "
            "(a recording continues from what is on disk with --resume)"
        )
    if e.errno in READ_ONLY:
        why = "it is on a read-only file system" if e.errno == errno.EROFS else "it is read-only (no write permission)"
        return GananimError(
            f"cannot write {path}: {why}; make it writable, or copy it somewhere writable and work on the copy"
        )
    return None


def raise_for(e: OSError, path: Path) -> None:
    """Raise the user's error for `e` if there is one; the caller re-raises `e` otherwise."""
    error = user_error(e, path)
    if error is not None:
        raise error from None


def fsync_dir(path: Path) -> None:
    """Make a rename durable: fsync the directory that holds it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create_temp(path: Path) -> tuple[Path, int]:
    """A new, unique temporary file `.NAME.XXXXXXXX.tmp` beside `path` (its mode follows the umask, like open())."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # astronomically rare: draw another name
            continue


def atomic_write(path: str | Path, write: Callable[[BinaryIO], None]) -> None:
    """Write `path` through `write(file)` all at once: readers see the old file or the new one, never a part."""
    path = Path(path)
    tmp = None
    try:
        tmp, fd = _create_temp(path)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
        fsync_dir(path.parent)
    except BaseException as e:  # any failure, Ctrl-C included: no temporary file is left behind
        if tmp is not None:
            try:
                tmp.unlink()
            except OSError:
                pass
        if isinstance(e, OSError):
            raise_for(e, path)
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    atomic_write(path, lambda f: f.write(data))


def check_writable(folder: str | Path) -> None:
    """Refuse early, before any long work, when nothing can be written into `folder`."""
    folder = Path(folder)
    try:
        tmp, fd = _create_temp(folder / "write-check")
    except OSError as e:
        raise_for(e, folder)
        raise
    os.close(fd)
    tmp.unlink()


__all__ = ["atomic_write", "check_writable", "fsync_dir", "raise_for", "user_error", "write_bytes"]
