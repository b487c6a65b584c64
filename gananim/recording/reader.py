"""Reading a recording back with numpy alone: the manifest and arrays checked once, snapshots served lazily.

Every field and array the reader relies on is checked (gananim.recording.validate), so a damaged recording is a one-line
GananimError naming the file, never a KeyError deep inside a view. Readers never take the writer's lock: files
are replaced whole (gananim.recording.atomic), so a recording can be read while it is being written.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from gananim import kinds
from gananim.errors import GananimError
from gananim.recording.dense import read_dense
from gananim.recording.grid import Grid
from gananim.recording.layout import (
    FIXED,
    FORMAT,
    MANIFEST,
    SCALAR_PREFIX,
    VERSION,
    WALL_TIME,
    chunk_files,
)
from gananim.recording.lock import being_written
from gananim.recording.safe import MANIFEST_CAP, load_npz, one_line, read_json
from gananim.recording.validate import check_manifest, check_steps, read_only, rising

# The most snapshots a recording may hold: every analysis and render costs time per snapshot (about 0.1 ms at the
# least), and a stranger's recording of a million tiny snapshots would otherwise keep `info` busy for minutes. A run
# of a million steps recorded every 10 is 100,000 snapshots.
MAX_SNAPSHOTS = 100_000
DEFAULT_CHUNK_SIZE = 64  # the writer's chunk size when the manifest says none

# A writer creates the manifest first (so that a run stopped at once leaves a folder --overwrite may replace) and
# fixed.npz right after: a reader that arrives in between waits this long for it rather than calling it damaged.
CREATING_SECS = 2.0


def _appears(file: Path, secs: float) -> bool:
    """Whether `file` exists now or within `secs` seconds."""
    deadline = time.monotonic() + secs
    while not file.exists():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


class RecordingWarning(UserWarning):
    """A recording that loads, but only after the reader left something out (e.g. repeated steps)."""


def _read_manifest(path: Path) -> dict:
    """Read a recording's manifest and check every field the reader relies on."""
    file = path / MANIFEST
    if not path.exists():
        raise GananimError(f"no recording at {path}: the path does not exist")
    if not file.exists():
        raise GananimError(
            f"{path} is not a gananim recording (no {MANIFEST}); give the folder `gananim record` or a Recorder wrote"
        )
    try:
        manifest = read_json(file, MANIFEST_CAP)
    except PermissionError:
        raise GananimError(f"cannot read {file}: permission denied") from None
    except (OSError, ValueError, RecursionError) as e:
        raise GananimError(f"{file} is damaged ({one_line(e)}); the recording cannot be read") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise GananimError(f'{file} is not a gananim manifest (it lacks "format": "{FORMAT}")')
    version = manifest.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise GananimError(
            f"{path} has format version {version}, newer than this gananim reads ({VERSION}); upgrade gananim"
        )
    check_manifest(manifest, file)
    return manifest


def read_manifest_quietly(path) -> dict | None:
    """The manifest of the recording at `path` if there is a readable one, else None (a writer resuming a damaged
    recording reads it again, loudly, under its lock)."""
    try:
        manifest = read_json(Path(path) / MANIFEST, MANIFEST_CAP)
    except (OSError, ValueError, RecursionError, GananimError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _too_many(path: Path, count: int) -> str:
    return (f"{path} holds {count:,} snapshots, more than gananim reads ({MAX_SNAPSHOTS:,}); a recording that large "
            "is damaged or not gananim's (record long runs with a larger `every`)")  # fmt: skip


class Snapshot:
    """One recorded training step: the samples, their density on the grid, the scalars, and the arrays its kind of
    data stores (gananim.kinds: `mapping`, `d_grid`, `g_grad`, ... for points, `images`, `proj`, ... for images),
    read as attributes. An array another kind stores reads as None here, so code drawing any recording may ask."""

    def __init__(self, step: int, samples: np.ndarray, density: np.ndarray, scalars: dict[str, float], arrays: dict):
        self.step, self.samples, self.density, self.scalars, self.arrays = step, samples, density, scalars, arrays

    def __getattr__(self, name: str):
        arrays = self.__dict__.get("arrays", {})
        if name in arrays:
            return arrays[name]
        if not name.startswith("_") and name in kinds.snapshot_attrs():
            return None
        raise AttributeError(f"a snapshot has no {name!r}")

    def replace(self, **changes) -> "Snapshot":
        """A copy with some attributes changed (arrays included), like dataclasses.replace."""
        core = {name: changes.pop(name, getattr(self, name)) for name in ("step", "samples", "density", "scalars")}
        return Snapshot(**core, arrays=self.arrays | changes)

    def __repr__(self) -> str:
        return (
            f"Snapshot(step={self.step}, samples {getattr(self.samples, 'shape', None)}, arrays {sorted(self.arrays)})"
        )


class Recording:
    """A recording read back with numpy alone (`Recording(path)` is `gananim.load(path)`); `refresh()` picks up
    snapshots written since it was opened.

    Every field and array the reader relies on is checked (gananim.recording.validate): a damaged recording is a one-line
    GananimError naming the file. Steps that repeat or go backwards (within a chunk or across chunks, e.g. after
    a copy mixed two runs) are dropped, keeping the first snapshot of each step, because everything downstream
    (index_at, the timeline, the metrics) needs strictly increasing steps and the first write is the one that was
    recorded in order. That is said with warnings.warn(RecordingWarning), once per problem, because a library
    call has no terminal to print to and a silent fix goes unnoticed; the same lines are kept in `problems` for
    a caller (the CLI) to show its own way.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.manifest = _read_manifest(self.path)
        if not (self.path / FIXED).exists() and not (
            being_written(self.path) and _appears(self.path / FIXED, CREATING_SECS)
        ):
            raise GananimError(f"recording {self.path} is damaged: {FIXED} is missing; re-record it")
        self.fixed = load_npz(self.path / FIXED, keep=self.kind_of.keeps_fixed)
        self.grid = Grid.from_dict(self.manifest["grid"])
        self.kind_of.check_fixed(self.fixed, self.manifest, self.grid.shape, self.path / FIXED)
        self.problems: list[str] = []
        self._cache: tuple[int, dict] | None = None
        self.refresh()

    def refresh(self) -> "Recording":
        """Re-scan the chunks (a recording can be read while it is being written)."""
        self._files = chunk_files(self.path)
        self._cache = None
        steps, offsets, scalars, walls = [], [], [], []
        last = None  # the newest step kept so far
        per_chunk = self.manifest.get("chunk_size", DEFAULT_CHUNK_SIZE)
        if len(self._files) > MAX_SNAPSHOTS // per_chunk + 1:  # refused before reading any: too many files to be real
            raise GananimError(_too_many(self.path, len(self._files) * per_chunk))
        for i, file in enumerate(self._files):
            chunk = load_npz(file, keep=lambda k: k in ("step", WALL_TIME) or k.startswith(SCALAR_PREFIX))
            if "step" not in chunk:
                raise GananimError(
                    f"recording file {file} is damaged: it has no 'step' array; re-record, or delete that file to keep the rest"
                )
            step, wall = chunk.pop("step"), chunk.pop(WALL_TIME, None)
            check_steps(step, chunk, file, per_chunk)
            if wall is None or wall.shape != step.shape:  # written before wall times were kept (or damaged)
                wall = np.full(len(step), np.nan)
            keep = rising(step, last)
            if not keep.all():
                self._problem(
                    f"{file} repeats or goes back to steps read before: {int((~keep).sum())} snapshot(s) "
                    "left out, the first snapshot of each step kept"
                )
            offsets += [(i, j) for j in np.flatnonzero(keep).tolist()]
            steps.append(step[keep])
            walls.append(np.asarray(wall, dtype=np.float64)[keep])
            scalars.append({k[len(SCALAR_PREFIX) :]: v[keep] for k, v in chunk.items()})
            last = int(step[keep][-1]) if keep.any() else last
        self.steps = np.concatenate(steps).astype(np.int64) if steps else np.zeros(0, dtype=np.int64)
        # when each snapshot was taken (seconds since the epoch), NaN where the recording predates them
        self.wall_times = np.concatenate(walls) if walls else np.zeros(0)
        if len(self.steps) > MAX_SNAPSHOTS:
            raise GananimError(_too_many(self.path, len(self.steps)))
        self._offsets = offsets
        names = sorted({n for s in scalars for n in s})
        self.scalars = {
            n: np.concatenate([s.get(n, np.full(len(st), np.nan)) for s, st in zip(scalars, steps)]) for n in names
        }
        self._last = None
        self._dense = None
        return self

    def _problem(self, message: str) -> None:
        """Note something the reader left out, warning once however often the recording is refreshed."""
        if message not in self.problems:
            self.problems.append(message)
            warnings.warn(message, RecordingWarning, stacklevel=3)

    def _chunk(self, i: int) -> dict[str, np.ndarray]:
        """One chunk's arrays (checked against the manifest), cached so that reading in order loads each chunk once."""
        if self._cache is None or self._cache[0] != i:
            kept = {"step", "samples", "density", *self.kind_of.arrays}  # nothing else is read
            budget = self.manifest.get("chunk_size", DEFAULT_CHUNK_SIZE) * self.kind_of.snapshot_bytes(self.manifest)
            chunk = load_npz(self._files[i], keep=lambda k: k in kept or k.startswith(SCALAR_PREFIX), budget=budget)
            if "step" not in chunk:  # the file changed since refresh() read it
                raise GananimError(
                    f"recording file {self._files[i]} is damaged: it has no 'step' array; re-record, or delete that file to keep the rest"
                )
            self.kind_of.check_chunk(chunk, self.manifest, self.grid.shape, self.fixed, self._files[i])
            self._cache = (i, chunk)
        return self._cache[1]

    @property
    def dense(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Every scalar the loop logged, at every step it logged it (not only at snapshots): name -> (steps, values),
        int64 and float32; {} for a recording made before gananim kept them. Read at first use after refresh()."""
        if self._dense is None:
            self._dense = read_dense(self.path, self._problem)
        return self._dense

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, i: int) -> Snapshot:
        if not -len(self) <= i < len(self):
            raise IndexError(f"snapshot {i} out of range: the recording has {len(self)}")
        i %= len(self)
        if self._last is None or self._last[0] != i:  # a frame asks for the same snapshot several times
            self._last = (i, self._snapshot(i))
        return self._last[1]

    def _snapshot(self, i: int) -> Snapshot:
        """Snapshot i read from its (cached) chunk."""
        ci, j = self._offsets[i]
        chunk = self._chunk(ci)

        def get(name):  # float arrays as float32; integer ones (uint8 images) as stored
            if name not in chunk:
                return None
            a = chunk[name][j]
            return read_only(a if a.dtype.kind in "iub" else a.astype(np.float32))

        scalars = {k[len(SCALAR_PREFIX) :]: float(v[j]) for k, v in chunk.items() if k.startswith(SCALAR_PREFIX)}
        return Snapshot(int(chunk["step"][j]), get("samples"), get("density"), scalars, self.kind_of.read_fields(get))

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def index_at(self, step: int) -> int:
        """Index of the newest snapshot at or before `step` (to synchronise recordings on training step)."""
        return max(int(np.searchsorted(self.steps, step, side="right")) - 1, 0)

    @property
    def kind(self) -> str:
        """The name of the recording's kind of data (gananim.kinds): "points" (every v1 recording), "images", ..."""
        return kinds.name_of(self.manifest)

    @property
    def kind_of(self) -> kinds.Kind:
        """The recording's kind of data, which reads and checks its arrays (gananim.kinds)."""
        return kinds.of(self.manifest)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """One sample's shape: (data_dim,) for points, (C, H, W) or (d,) for images recordings."""
        return self.kind_of.sample_shape(self.manifest)

    @property
    def is_image(self) -> bool:
        """Whether samples are pictures (C, H, W), as opposed to points or flat vectors."""
        return self.kind_of.is_image(self.manifest)

    @property
    def value_range(self) -> tuple[float, float] | None:
        """The data's value range where samples are stored as uint8 levels on it (images), else None."""
        return self.kind_of.value_range(self.manifest)

    @property
    def latents(self) -> np.ndarray:
        return self.fixed["latents"]

    @property
    def latent_grid(self) -> np.ndarray:
        return self.fixed["latent_grid"]

    @property
    def data_density(self) -> np.ndarray | None:
        return self.fixed.get("data_density")

    @property
    def modes(self) -> np.ndarray:
        return self.fixed.get("modes", np.zeros((0, self.manifest.get("data_dim", 2))))  # images: none (on the plane)

    @property
    def mode_scales(self) -> np.ndarray:
        return self.fixed.get("mode_scales", np.zeros(0))

    @property
    def view_box(self) -> tuple[tuple[float, float], ...]:
        return self.grid.bounds

    def nbytes(self) -> int:
        """Size of the recording on disk."""
        total = 0
        for f in self.path.rglob("*"):
            try:
                total += f.stat().st_size if f.is_file() else 0
            except FileNotFoundError:  # a writer's temporary file, renamed away meanwhile
                pass
        return total

    def __repr__(self) -> str:
        return f"Recording({str(self.path)!r}, {len(self)} snapshots, steps {self.steps[:1].tolist()}..{self.steps[-1:].tolist()})"


def load(path: str | Path) -> Recording:
    """Open the recording folder `path` (what `gananim record`, a Recorder or the Lightning callback wrote) for
    reading, with numpy alone; it may still be being written (`Recording.refresh()` picks up newer snapshots).

    Returns a `Recording`: `steps`, `scalars` (one value per snapshot), `dense` (every logged step), `wall_times`,
    `manifest`, and `rec[i]`, the i-th Snapshot (`step`, `samples`, `density`, `scalars`, the kind's arrays). A
    missing or damaged recording raises a one-line GananimError."""
    return Recording(path)
