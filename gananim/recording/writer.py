"""The recording on disk: a manifest, fixed arrays and append-only chunks of snapshots; numpy only.

Writing is here (RecordingWriter); reading is in gananim.recording.reader (Recording, load: imported from here as well),
the folder's layout in gananim.recording.layout. One writer at a time holds the folder's lock (gananim.recording.lock); readers
never need it. Every file is written to a temporary name and renamed into place (atomic on POSIX), so a reader, or a
run killed with SIGKILL, only ever sees whole files: a crash loses at most the snapshots since the last
flush. The open chunk is rewritten at each flush until full; then the next one starts.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Callable

import numpy as np

from gananim import kinds
from gananim.errors import GananimError
from gananim.recording import atomic
from gananim.recording.dense import DenseWriter
from gananim.recording.layout import (
    CHUNKS,
    FIXED,
    FORMAT,
    MANIFEST,
    SCALAR_PREFIX,
    WALL_TIME,
    chunk_files,
    contents,
    foreign,
    replace_refusal,
)
from gananim.recording.lock import WriterLock
from gananim.recording.reader import Recording
from gananim.recording.safe import load_npz


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays as an .npz atomically (a full disk or a read-only folder is a one-line GananimError)."""
    atomic.atomic_write(path, lambda f: np.savez(f, **arrays))


def save_json(path: Path, data) -> None:
    """Write JSON atomically."""
    atomic.write_bytes(path, json.dumps(data, indent=2).encode())


def _stack_chunk(snaps: list[dict], dtype: np.dtype) -> dict[str, np.ndarray]:
    """Stack buffered snapshots into one chunk's arrays; scalars missing from a snapshot become NaN."""
    out: dict[str, np.ndarray] = {"step": np.array([s["step"] for s in snaps], dtype=np.int64)}
    for name in snaps[0]["arrays"]:  # samples, density and the kind's arrays (gananim.kinds)
        stacked = np.stack([s["arrays"][name] for s in snaps])
        out[name] = stacked if stacked.dtype.kind in "iub" else stacked.astype(dtype)  # uint8 images stay uint8
    walls = [s.get("wall_time") for s in snaps]
    if any(w is not None for w in walls):  # when each snapshot was taken (time.time()): TensorBoard's wall times
        out[WALL_TIME] = np.array([np.nan if w is None else w for w in walls], dtype=np.float64)
    names = sorted({k for s in snaps for k in s["scalars"]})
    for name in names:
        out[SCALAR_PREFIX + name] = np.array([s["scalars"].get(name, np.nan) for s in snaps], dtype=np.float64)
    return out


class RecordingWriter:
    """Appends snapshots to a recording folder, flushing whole files atomically; holds the folder's writer lock."""

    def __init__(
        self,
        path: str | Path,
        manifest: dict,
        fixed: dict[str, np.ndarray],
        *,
        overwrite: bool = False,
        resume: bool = False,
        float16: bool = False,
        chunk_size: int = 64,
        flush_secs: float = 2.0,
        convert: Callable[[list], np.ndarray] | None = None,
    ):
        self.path = Path(path)
        self.chunk_size = chunk_size
        self.flush_secs = flush_secs
        self.dtype = np.dtype(np.float16 if float16 else np.float32)
        self._open: list[dict] = []  # snapshots of the chunk being filled (flushed ones included)
        self._dirty = False
        self._closed = False
        self._last_flush = time.monotonic()
        self.last_step: int | None = None
        self.last_flushed_step: int | None = None
        self._check_folder(overwrite, resume)  # refusals first: a refused folder is left exactly as it was
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            atomic.raise_for(e, self.path)
            raise GananimError(f"cannot create recording folder {self.path}: {e.strerror or e}") from None
        self._lock = WriterLock(self.path).acquire()
        try:
            self._check_folder(overwrite, resume, locked=True)  # again under the lock: it may have changed meanwhile
            if resume and (self.path / MANIFEST).exists():
                self._resume(manifest)
            else:
                self._start(manifest, fixed, overwrite)
        except BaseException:
            self._lock.release()
            raise
        self.dense = DenseWriter(self.path, convert)  # every call's scalars; `convert` reads the values it was given

    def _check_folder(self, overwrite: bool, resume: bool, locked: bool = False) -> None:
        """Refuse to touch an existing recording unless told to; never touch a folder that isn't one."""
        p = self.path
        if p.exists() and not p.is_dir():
            raise GananimError(f"{p} exists and is a file, not a recording folder; choose another output path")
        if not contents(p):
            return
        if overwrite:
            refusal = replace_refusal(p)
            if refusal:
                raise GananimError(refusal)
        elif not (p / MANIFEST).exists():
            others = foreign(p)
            holds = f" (it holds {others[0]})" if others else ""
            raise GananimError(
                f"{p} exists and is not a gananim recording{holds}; refusing to write into it, choose another output path"
            )
        elif not resume:
            if not locked:
                WriterLock(p).check()  # "being written by pid N" says more than "already exists"
            raise GananimError(
                f"recording {p} already exists; use --overwrite (overwrite=True) to replace it or --resume (resume=True) to continue it"
            )
        elif others := foreign(
            p
        ):  # resuming writes into the folder: nothing in it may lead elsewhere (a symlinked dense/)
            raise GananimError(
                f"cannot resume {p}: it holds {others[0]}, which gananim did not write (a link, a special file or "
                "a stranger's file); move it away, or record into a new folder"
            )

    def _start(self, manifest: dict, fixed: dict[str, np.ndarray], overwrite: bool) -> None:
        """A new recording: (under the lock) clear a replaced one, keeping the lock file, then write the manifest."""
        if overwrite:
            for entry in contents(self.path):
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        # the one place the format version is decided: the kind's (points recordings write 1, readable by gananim 0.1)
        self.manifest = {
            "format": FORMAT,
            "version": kinds.of(manifest).version,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "dtype": self.dtype.name,
            "chunk_size": self.chunk_size,
            **manifest,
        }
        self.fixed = fixed
        # the manifest first: a run stopped at any later point leaves a folder that --overwrite may replace
        save_json(self.path / MANIFEST, self.manifest)
        try:
            (self.path / CHUNKS).mkdir(exist_ok=True)
        except OSError as e:
            atomic.raise_for(e, self.path / CHUNKS)
            raise
        save_npz(self.path / FIXED, fixed)
        self._chunk_index = 0

    def _resume(self, manifest: dict) -> None:
        """Continue a recording: read it as a reader would (every check included), then append after its last step."""
        existing = Recording(self.path)
        self.manifest, self.fixed = existing.manifest, existing.fixed
        self.dtype = np.dtype(self.manifest.get("dtype", "float32"))
        self._check_compatible(manifest)
        if manifest.get("config") and manifest["config"] != self.manifest.get("config"):  # e.g. more steps
            self.manifest["config"] = manifest["config"]
            save_json(self.path / MANIFEST, self.manifest)
        self._set_position(existing)

    def _set_position(self, existing: Recording | None = None) -> None:
        """Next chunk after the last one on disk; last step from what is there."""
        files = chunk_files(self.path)
        self._chunk_index = int(files[-1].stem) + 1 if files else 0
        steps = (existing.refresh() if existing else Recording(self.path)).steps if files else []
        self.last_step = self.last_flushed_step = int(steps[-1]) if len(steps) else None

    def _check_compatible(self, manifest: dict) -> None:
        """A resumed recording must have the same shapes as the run continuing it."""
        have, want = kinds.name_of(self.manifest), kinds.name_of(manifest)
        if have != want:
            raise GananimError(
                f"cannot resume {self.path}: it records {have}, this run's generator makes {want}; use --overwrite to start afresh"
            )
        for key in (
            "data_dim",
            "latent_dim",
            "n_samples",
            "grid",
            "latent_grid_shape",
            "sample_shape",
            "latent_shape",
            "n_real",
            "n_images",
            "interp_shape",
            "d_bins",
        ):
            if key in manifest and self.manifest.get(key) != manifest[key]:
                raise GananimError(
                    f"cannot resume {self.path}: its {key} is {self.manifest.get(key)!r}, this run's is {manifest[key]!r}; use --overwrite to start afresh"
                )

    def purge_from(self, step: int) -> None:
        """Drop every stored snapshot at or after `step` (a resumed run records them again)."""
        self.flush()
        for file in reversed(chunk_files(self.path)):
            chunk = load_npz(file)
            if "step" not in chunk:
                raise GananimError(
                    f"recording file {file} is damaged: it has no 'step' array; delete that file to keep the rest"
                )
            keep = chunk["step"] < step
            if keep.all():
                break
            if keep.any():
                save_npz(file, {k: v[keep] for k, v in chunk.items()})
            else:
                file.unlink()
        self._set_position()

    def add_scalars(self, step: int, scalars: dict) -> None:
        """Keep one training step's logged scalars in the dense series (written at the next flush)."""
        self.dense.add(step, scalars)

    def append(
        self, step: int, arrays: dict[str, np.ndarray], scalars: dict[str, float], wall_time: float | None = None
    ) -> None:
        """Buffer one snapshot (`wall_time`: when it was taken, seconds since the epoch); flush when the chunk is full
        or the last flush is older than flush_secs."""
        if self._closed:
            raise GananimError(f"the writer of {self.path} is closed; open a new one with resume=True to add snapshots")
        if self.last_step is not None and step <= self.last_step:
            raise GananimError(
                f"snapshot steps must increase: got step {step} after step {self.last_step}; to continue an earlier recording pass resume=True"
            )
        self._open.append({"step": int(step), "arrays": arrays, "scalars": dict(scalars), "wall_time": wall_time})
        self._dirty = True
        self.last_step = int(step)
        if len(self._open) >= self.chunk_size:
            self.flush()
        else:
            self.maybe_flush()

    def flush_due(self, pending: bool = False) -> bool:
        """Whether something unwritten (or, with `pending`, something the caller still holds to append) has waited
        longer than flush_secs since the last flush: cheap to ask every step."""
        return (pending or self._dirty or self.dense.dirty) and time.monotonic() - self._last_flush >= self.flush_secs

    def maybe_flush(self) -> None:
        """Flush if the newest unflushed snapshot has waited longer than flush_secs: cheap to call every step."""
        if self.flush_due():
            self.flush()

    def flush(self) -> None:
        """Write the open chunk to disk atomically; start a new chunk when it is full.

        A failed write (e.g. a full disk) leaves the previous version of the chunk in place and the snapshots
        buffered, so a later flush can still write them."""
        if self._dirty:
            save_npz(self.path / CHUNKS / f"{self._chunk_index:06d}.npz", _stack_chunk(self._open, self.dtype))
            self.last_flushed_step = self._open[-1]["step"]
            self._dirty = False
        if len(self._open) >= self.chunk_size:
            self._open = []
            self._chunk_index += 1
        self.dense.flush()
        self._last_flush = time.monotonic()

    def close(self) -> None:
        """Flush and release the writer lock (even if the flush fails); closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        try:
            self.flush()
        finally:
            self._lock.release()


__all__ = ["RecordingWriter", "save_json", "save_npz"]
