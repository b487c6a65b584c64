"""The encoder's files: written under a temporary name beside the destination, renamed into place on success.

A failure deletes the temporary and leaves any existing file of the same name alone; an unwritable
folder is reported when the temporary is reserved, before any frame is rendered. `commit` is the one
place that renames a finished temporary into place.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from gananim.errors import GananimError


def _reason(e: OSError) -> str:
    return (e.strerror or str(e)).lower()


def reserve_temp(path: Path, tag: str = "part") -> Path:
    """Create an empty temporary file next to `path` (same folder, so the final rename is atomic).

    This is the writability check: it fails before any frame is rendered.
    """
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            tmp = folder / f".{Path(path).name}.{secrets.token_hex(4)}.{tag}"
            try:
                # 0o666 and the umask, like a normally created file (mkstemp would give 0o600)
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                return tmp
            except FileExistsError:
                continue
        raise GananimError(f"cannot write to {folder}: could not find a free temporary name")
    except OSError as e:
        raise GananimError(f"cannot write to {folder}: {_reason(e)}") from None


def discard(path: Path | None) -> None:
    """Delete a temporary if it is there; never raises (it runs while another error is being reported)."""
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass


def commit(tmp: Path, path: Path) -> Path:
    """Rename the finished temporary `tmp` to `path`: readers see the old file or the new one, never a part."""
    try:
        os.replace(tmp, path)
    except OSError as e:
        discard(tmp)
        raise GananimError(f"cannot write {path}: {_reason(e)}") from None
    return Path(path)


def write_bytes(path, data: bytes) -> Path:
    """Write a small file (poster, HTML snippet) the same way: temporary, then `commit`."""
    path = Path(path)
    tmp = reserve_temp(path)
    try:
        tmp.write_bytes(data)
    except OSError as e:
        discard(tmp)
        raise GananimError(f"cannot write {path}: {_reason(e)}") from None
    return commit(tmp, path)
