"""Reading files a stranger wrote: regular files only, never through a symbolic link, never past a budget.

Recordings travel (a paper's artefacts, a colleague's tarball; tar and `zip -y` keep symlinks and FIFOs), so a
recording is read as hostile data, as a PNG would be:
- Every file is opened with O_NOFOLLOW and O_NONBLOCK and must then be a regular file (fstat): a symlink to
  /dev/zero, a FIFO (which would block a reader forever), a device or a socket is refused in one line.
- JSON files are read up to a size cap (`MANIFEST_CAP`, `EVENTS_CAP`) and no further.
- An .npz is read member by member, only the members the caller expects (`keep`), each checked before a byte of
  it is read: it must be stored uncompressed where the writer stores (`stored`; gananim writes chunks and fixed
  arrays with np.savez), its declared size must fit the archive and the caller's budget, and its .npy header must
  describe a plain numeric array no larger than the member. So reading never allocates more than the recording's
  own bytes on disk, file by file (a compressed member, as in full dense files, at most `budget` bytes).
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np

from gananim.errors import GananimError

MANIFEST_CAP = 4 << 20  # a manifest is a few KB (its config included); 4 MB is far past any real one
EVENTS_CAP = 16 << 20  # events.json: a caption per event, thousands of events at most
COMPRESSED_CAP = (
    64 << 20
)  # a compressed member (dense files, written with np.savez_compressed) decompresses to at most this
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket",
          stat.S_IFDIR: "a folder"}  # fmt: skip


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading if it is a regular file, not a symlink: else a one-line GananimError."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise GananimError(
                f"{path} is a symbolic link; a recording's files are its own: copy the file it points to into "
                "the recording, or re-record"
            ) from None
        if e.errno == errno.EACCES:
            raise GananimError(f"cannot read {path}: permission denied") from None
        raise
    kind = _KINDS.get(stat.S_IFMT(os.fstat(fd).st_mode))
    if kind is not None:
        os.close(fd)
        raise GananimError(f"{path} is {kind}, not a regular file; gananim reads only regular files in a recording")
    os.set_blocking(fd, True)
    return open(fd, "rb")  # the caller closes it


def read_text(path: Path, cap: int) -> str:
    """A regular file's text (UTF-8), refused past `cap` bytes without reading further."""
    with open_regular(path) as f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise GananimError(
            f"{path} is over {cap >> 20} MB, far larger than gananim writes it; the recording is damaged"
        )
    return data.decode("utf-8")


def read_json(path: Path, cap: int = MANIFEST_CAP):
    """A regular file's JSON, at most `cap` bytes (ValueError, RecursionError as json raises them)."""
    return json.loads(read_text(path, cap))


def _header(member) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype an .npy member declares, read from its header alone."""
    version = np.lib.format.read_magic(member)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _, dtype = read(member, max_header_size=10_000)
    return tuple(shape), dtype


def read_npz(
    path: Path, keep: Callable[[str], bool] = lambda name: True, *, stored: bool = True, budget: int | None = None
) -> dict[str, np.ndarray]:
    """The arrays of an .npz whose names pass `keep`, each checked before it is read (see the module's docstring).

    stored: members must be stored uncompressed (the archive's size then bounds what is read); budget: the most
    bytes one member may hold (default: the archive's size if stored, else COMPRESSED_CAP). Raises GananimError
    for what breaks these rules, and what numpy or zipfile raise for a damaged archive (the reader words those)."""
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
        with zipfile.ZipFile(f) as z:
            out = {}
            for info in z.infolist():
                name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                if not keep(name):
                    continue
                limit = min(budget or size, size) if stored else (budget or COMPRESSED_CAP)
                if stored and info.compress_type != zipfile.ZIP_STORED:
                    raise GananimError(f"recording file {path} is damaged: its {name!r} array is compressed, and gananim "
                                       "stores these arrays uncompressed; re-record, or delete that file to keep the rest")  # fmt: skip
                if info.file_size > limit:
                    raise GananimError(f"recording file {path} is damaged: its {name!r} array declares {info.file_size:,} "
                                       f"bytes, more than it can hold ({limit:,}); re-record, or delete that file")  # fmt: skip
                with z.open(info) as member:
                    shape, dtype = _header(member)
                if dtype.hasobject or dtype.kind not in "biufU" or math.prod(shape) * dtype.itemsize > info.file_size:
                    raise GananimError(f"recording file {path} is damaged: its {name!r} array's header ({dtype}, shape "
                                       f"{shape}) does not fit the file; re-record, or delete that file to keep the rest")  # fmt: skip
                with z.open(info) as member:
                    out[name] = np.lib.format.read_array(member, allow_pickle=False)
            return out


# What numpy and zipfile raise for a damaged .npz (found by tests/test_fuzz.py): a bad archive or header, a
# truncated member, a flipped compression-method field (NotImplementedError, zlib.error), a header numpy cannot
# tokenize, a shape in a damaged header too large to allocate.
NPZ_DAMAGE = (
    OSError,
    ValueError,
    EOFError,
    KeyError,
    zipfile.BadZipFile,
    NotImplementedError,
    zlib.error,
    tokenize.TokenError,
    MemoryError,
)


def load_npz(
    path: Path, keep=lambda name: True, *, stored: bool = True, budget: int | None = None
) -> dict[str, np.ndarray]:
    """Read the arrays of an .npz whose names pass `keep`, each checked before it is read (gananim.recording.safe:
    regular file, stored members within `budget`); a truncated or damaged file becomes a GananimError."""
    try:
        return read_npz(path, keep, stored=stored, budget=budget)
    except PermissionError:
        raise GananimError(f"cannot read {path}: permission denied") from None
    except NPZ_DAMAGE as e:
        raise GananimError(
            f"recording file {path} is damaged ({one_line(e)}); re-record, or delete that file to keep the rest"
        ) from None


def one_line(e: BaseException) -> str:
    """An exception as a short single line, for a message that must stay one line."""
    text = " ".join(f"{e.__class__.__name__}: {e}".split())
    return text if len(text) <= 120 else text[:117] + "..."


__all__ = [
    "NPZ_DAMAGE",
    "load_npz",
    "one_line",
    "COMPRESSED_CAP",
    "EVENTS_CAP",
    "MANIFEST_CAP",
    "open_regular",
    "read_json",
    "read_npz",
    "read_text",
]
