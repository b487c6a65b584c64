"""The analysis caches' seal: an HMAC under a key of this machine's, so a cache is used only if gananim wrote it here.

The caches beside a recording (analysis.npz, events.json) travel with it. Their old key, a checksum of the steps
and scalars, is one anyone can compute, so a recording's author could ship captions and metric series gananim never
computed ("mode hop" where there is none, an `<img>` for TensorBoard). Sealed with a secret that never leaves this
machine, a cache from elsewhere fails the check and is computed again from the stored arrays, at the cost of one
analysis on first opening. What the seal does not cover: a cache this machine wrote stays trusted if the
recording's arrays are later edited by hand without changing its steps or scalars (the old key's limit, as before).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

KEY_BYTES = 32


def _key_file() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "gananim" / "cache-key"


def _read_key(file: Path) -> bytes | None:
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with open(fd, "rb") as f:
            key = f.read(KEY_BYTES + 1)
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None


@cache
def _secret() -> bytes:
    """This machine's key: read, or made once (mode 0600); a process that can do neither uses a key of its own (its
    caches are then recomputed by the next process: slower, never wrong)."""
    file = _key_file()
    key = _read_key(file)
    if key is not None:
        return key
    key = secrets.token_bytes(KEY_BYTES)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with open(fd, "wb") as f:
            f.write(key)
        try:
            os.link(tmp, file)  # never replaces a key another process made meanwhile: that one is used then
        except FileExistsError:
            key = _read_key(file) or key
        finally:
            os.unlink(tmp)
    except OSError:
        pass
    return key


def seal(*parts: bytes) -> str:
    """The HMAC-SHA256 of the parts under this machine's key, hex."""
    mac = hmac.new(_secret(), digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "little") + part)
    return mac.hexdigest()


def sealed(value: str, *parts: bytes) -> bool:
    """Whether `value` is the seal of these parts (compared in constant time)."""
    return isinstance(value, str) and hmac.compare_digest(value, seal(*parts))


__all__ = ["seal", "sealed"]
