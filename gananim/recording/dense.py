"""Every logged scalar kept: a dense series per name beside the snapshots, written like them; numpy only.

    dense/000000.npz   per name, `step__NAME` (int64) and `value__NAME` (float32): every call that logged it

A snapshot keeps the scalars of its own step (chunks/); these files keep every `rec.step(step, ...)` call's, so a
loss logged at each step is plotted and exported at each step. A step that is not a snapshot only appends to
lists here: values are converted (`convert`: the Recorder's, which reads device tensors in one copy per flush,
not one sync per step) and written at the writer's flushes. The open file is rewritten whole (gananim.recording.atomic) at
each flush until it holds `chunk_steps` calls, then the next one starts: a killed run keeps every flushed value,
and a reader sees whole files only. A full file is written compressed, once (a series' steps are regular and
compress to almost nothing); the open one plainly, as its rewrites at every flush come beside training (zlib cost a
2 s flush of a digits loop 1-3 ms, growing with the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from gananim.errors import GananimError
from gananim.recording import atomic
from gananim.recording.layout import DENSE, DENSE_STEP, DENSE_VALUE, chunk_files
from gananim.recording.layout import DENSE_STEP as STEP
from gananim.recording.layout import DENSE_VALUE as VALUE
from gananim.recording.safe import load_npz
from gananim.recording.validate import read_only, rising

# A full dense file is compressed (its steps compress to almost nothing); one member holds at most the writer's
# CHUNK_STEPS (4,096) values, 32 KB: 8 MB is a generous bound on what a compressed member may expand to.
DENSE_BUDGET = 8 << 20


def is_dense_member(name: str) -> bool:
    return name.startswith((DENSE_STEP, DENSE_VALUE))


CHUNK_STEPS = 4096  # calls per file: a flush rewrites at most this many steps' values


def _floats(values: list) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


class DenseWriter:
    """Buffers every call's scalars and writes them into dense/ at each flush; `purge_from` drops the tail."""

    def __init__(self, path: Path, convert: Callable[[list], np.ndarray] | None = None, chunk_steps: int = CHUNK_STEPS):
        self.folder = Path(path) / DENSE
        self.convert = convert or _floats
        self.chunk_steps = chunk_steps
        self.last_step: int | None = None
        self._pending: dict[str, tuple[list, list]] = {}  # name -> (steps, values) logged since the last flush
        self._set_position()

    def _set_position(self) -> None:
        """A new open file after the last one on disk (a resumed recording never rewrites an old file)."""
        files = chunk_files(self.folder.parent, DENSE)
        self._index = int(files[-1].stem) + 1 if files else 0
        self._open: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # the open file's flushed series
        self._calls = 0  # calls in the open file, flushed or not

    @property
    def dirty(self) -> bool:
        return bool(self._pending)

    def add(self, step: int, scalars: dict) -> None:
        """Keep one call's scalars (any value `convert` reads); a step at or before the last one is left out, so that
        a snapshot taken again at the last step (close(), snapshot()) never logs it twice."""
        if not scalars or (self.last_step is not None and step <= self.last_step):
            return
        for name, value in scalars.items():
            pending = self._pending.get(name)
            if pending is None:
                pending = self._pending[name] = ([], [])
            pending[0].append(step)
            pending[1].append(value)
        self.last_step = step
        self._calls += 1

    def flush(self) -> None:
        """Rewrite the open file with what was logged since; a failed write keeps it pending for the next flush."""
        if self._pending:
            merged = dict(self._open)
            for name, (steps, values) in self._pending.items():
                new = (np.asarray(steps, dtype=np.int64), np.asarray(self.convert(values), dtype=np.float32))
                old = merged.get(name)
                merged[name] = (
                    new if old is None else (np.concatenate([old[0], new[0]]), np.concatenate([old[1], new[1]]))
                )
            arrays = {f"{prefix}{name}": a for name, pair in merged.items() for prefix, a in zip((STEP, VALUE), pair)}
            try:
                self.folder.mkdir(exist_ok=True)
            except OSError as e:
                atomic.raise_for(e, self.folder)
                raise
            save = np.savez_compressed if self._calls >= self.chunk_steps else np.savez  # the last rewrite of a file
            atomic.atomic_write(self.folder / f"{self._index:06d}.npz", lambda f: save(f, **arrays))
            self._open, self._pending = merged, {}
        if self._calls >= self.chunk_steps:
            self._index += 1
            self._open, self._calls = {}, 0

    def purge_from(self, step: int) -> None:
        """Drop every value logged at or after `step` (a resumed run logs them again)."""
        self._pending = {}
        for file in reversed(chunk_files(self.folder.parent, DENSE)):
            chunk, kept = load_npz(file, keep=is_dense_member, stored=False, budget=DENSE_BUDGET), {}
            for key, steps in chunk.items():
                name = key[len(STEP) :]
                if key.startswith(STEP) and VALUE + name in chunk:
                    keep = steps < step
                    kept[key], kept[VALUE + name] = steps[keep], chunk[VALUE + name][keep]
            if all(len(v) == len(chunk[k]) for k, v in kept.items()):
                break
            if any(len(v) for v in kept.values()):
                atomic.atomic_write(file, lambda f: np.savez_compressed(f, **kept))
            else:
                file.unlink()
        self._set_position()
        self.last_step = None


def read_dense(path: Path, problem: Callable[[str], None]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (steps int64, values float32) over every dense file, read-only; steps that repeat or go back are left
    out (the first kept), said through `problem`. A damaged file is a one-line GananimError naming it."""
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for file in chunk_files(path, DENSE):
        chunk = load_npz(file, keep=is_dense_member, stored=False, budget=DENSE_BUDGET)
        for key, steps in chunk.items():
            if not key.startswith(DENSE_STEP):
                continue
            name = key[len(DENSE_STEP) :]
            values = chunk.get(DENSE_VALUE + name)
            if (
                values is None
                or steps.ndim != 1
                or steps.shape != values.shape
                or steps.dtype.kind not in "iu"
                or values.dtype.kind != "f"
            ):
                raise GananimError(
                    f"recording file {file} is damaged: its series {name!r} has no matching steps and values; "
                    "delete that file to keep the rest"
                )
            parts.setdefault(name, []).append((steps.astype(np.int64), values.astype(np.float32)))
    out = {}
    for name, pieces in sorted(parts.items()):
        steps, values = np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces])
        keep = rising(steps, None)
        if not keep.all():
            problem(
                f"the dense series {name!r} repeats or goes back in steps: {int((~keep).sum())} value(s) left out, the first of each step kept"
            )
        out[name] = (read_only(steps[keep]), read_only(values[keep]))
    return out
