"""The recording on disk: a manifest, fixed arrays and append-only chunks of snapshots; numpy only.

Layout of a recording folder:
    manifest.json       format version, config, target, view box, grid, latent set-up (written once)
    fixed.npz           arrays fixed for the whole run: latents, latent grid, data density, modes
    chunks/000000.npz   up to `chunk_size` snapshots stacked along axis 0, plus `step` and `scalar__*`

Every file is written to a temporary name and renamed into place (atomic on POSIX), so a reader, or a
run killed with SIGKILL, only ever sees whole files: a crash loses at most the snapshots since the last
flush. The open chunk is rewritten at each flush until full; then the next one starts.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gananim.errors import GananimError
from gananim.grid import Grid

FORMAT = "gananim-recording"
VERSION = 1
MANIFEST = "manifest.json"
FIXED = "fixed.npz"
CHUNKS = "chunks"
SCALAR_PREFIX = "scalar__"
SNAPSHOT_ARRAYS = ("samples", "mapping", "d_grid", "density", "g_grad", "game_eigs", "hessian_eigs")


def _fsync_dir(path: Path) -> None:
    """Make a rename durable: fsync the directory that holds it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, write) -> None:
    """Write a file through a temporary name and rename it into place, so readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    _atomic_write(path, lambda f: np.savez(f, **arrays))


def _load_npz(path: Path, keep=lambda name: True) -> dict[str, np.ndarray]:
    """Read the arrays of an .npz whose names pass `keep`; a truncated or damaged file becomes a GananimError."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files if keep(k)}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as e:
        raise GananimError(f"recording file {path} is damaged ({e.__class__.__name__}: {e}); re-record, or delete that file to keep the rest") from None


def _read_manifest(path: Path) -> dict:
    """Read and check a recording's manifest."""
    file = path / MANIFEST
    if not path.exists():
        raise GananimError(f"no recording at {path}: the path does not exist")
    if not file.exists():
        raise GananimError(f"{path} is not a gananim recording (no {MANIFEST}); give the folder `gananim record` or a Recorder wrote")
    try:
        manifest = json.loads(file.read_text())
    except (OSError, ValueError) as e:
        raise GananimError(f"{file} is damaged ({e}); the recording cannot be read") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise GananimError(f"{file} is not a gananim manifest")
    if manifest.get("version", 0) > VERSION:
        raise GananimError(f"{path} has format version {manifest['version']}, newer than this gananim reads ({VERSION}); upgrade gananim")
    return manifest


def _chunk_files(path: Path) -> list[Path]:
    return sorted(p for p in (path / CHUNKS).glob("[0-9]*.npz"))


def _stack_chunk(snaps: list[dict], dtype: np.dtype) -> dict[str, np.ndarray]:
    """Stack buffered snapshots into one chunk's arrays; scalars missing from a snapshot become NaN."""
    out: dict[str, np.ndarray] = {"step": np.array([s["step"] for s in snaps], dtype=np.int64)}
    for name in SNAPSHOT_ARRAYS:
        if name in snaps[0]["arrays"]:
            out[name] = np.stack([s["arrays"][name] for s in snaps]).astype(dtype)
    names = sorted({k for s in snaps for k in s["scalars"]})
    for name in names:
        out[SCALAR_PREFIX + name] = np.array([s["scalars"].get(name, np.nan) for s in snaps], dtype=np.float64)
    return out


class RecordingWriter:
    """Appends snapshots to a recording folder, flushing whole files atomically."""

    def __init__(self, path: str | Path, manifest: dict, fixed: dict[str, np.ndarray], *, overwrite: bool = False,
                 resume: bool = False, float16: bool = False, chunk_size: int = 64, flush_secs: float = 2.0):
        self.path = Path(path)
        self.chunk_size = chunk_size
        self.flush_secs = flush_secs
        self.dtype = np.dtype(np.float16 if float16 else np.float32)
        self._open: list[dict] = []   # snapshots of the chunk being filled (flushed ones included)
        self._dirty = False
        self._last_flush = time.monotonic()
        self.last_step: int | None = None
        self.last_flushed_step: int | None = None
        if resume and (self.path / MANIFEST).exists():
            self.manifest = _read_manifest(self.path)
            self.fixed = _load_npz(self.path / FIXED)
            self.dtype = np.dtype(self.manifest.get("dtype", "float32"))
            self._check_compatible(manifest)
            if manifest.get("config") and manifest["config"] != self.manifest.get("config"):  # e.g. more steps
                self.manifest["config"] = manifest["config"]
                _atomic_write(self.path / MANIFEST, lambda f: f.write(json.dumps(self.manifest, indent=2).encode()))
            self._chunk_index = len(_chunk_files(self.path))
            steps = [int(_load_npz(p)["step"][-1]) for p in _chunk_files(self.path)[-1:]]
            self.last_step = self.last_flushed_step = steps[0] if steps else None
        else:
            self._prepare_folder(overwrite)
            self.manifest = {"format": FORMAT, "version": VERSION, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                             "dtype": self.dtype.name, "chunk_size": chunk_size, **manifest}
            self.fixed = fixed
            (self.path / CHUNKS).mkdir(parents=True, exist_ok=True)
            _save_npz(self.path / FIXED, fixed)
            _atomic_write(self.path / MANIFEST, lambda f: f.write(json.dumps(self.manifest, indent=2).encode()))
            self._chunk_index = 0

    def _prepare_folder(self, overwrite: bool) -> None:
        """Refuse to touch an existing recording unless told to; never delete a folder that isn't one."""
        p = self.path
        if p.exists() and not p.is_dir():
            raise GananimError(f"{p} exists and is a file, not a recording folder; choose another output path")
        if p.exists() and any(p.iterdir()):
            if not (p / MANIFEST).exists():
                raise GananimError(f"{p} exists and is not a gananim recording; refusing to write into it, choose another output path")
            if not overwrite:
                raise GananimError(f"recording {p} already exists; use --overwrite (overwrite=True) to replace it or --resume (resume=True) to continue it")
            shutil.rmtree(p)
        try:
            p.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise GananimError(f"cannot create recording folder {p}: {e.strerror or e}") from None

    def _check_compatible(self, manifest: dict) -> None:
        """A resumed recording must have the same shapes as the run continuing it."""
        for key in ("data_dim", "latent_dim", "n_samples", "grid", "latent_grid_shape"):
            if key in manifest and self.manifest.get(key) != manifest[key]:
                raise GananimError(f"cannot resume {self.path}: its {key} is {self.manifest.get(key)!r}, this run's is {manifest[key]!r}; use --overwrite to start afresh")

    def purge_from(self, step: int) -> None:
        """Drop every stored snapshot at or after `step` (a resumed run records them again)."""
        self.flush()
        for file in reversed(_chunk_files(self.path)):
            chunk = _load_npz(file)
            keep = chunk["step"] < step
            if keep.all():
                break
            if keep.any():
                _save_npz(file, {k: v[keep] for k, v in chunk.items()})
            else:
                file.unlink()
        files = _chunk_files(self.path)
        self._chunk_index = len(files)
        last = int(_load_npz(files[-1])["step"][-1]) if files else None
        self.last_step = self.last_flushed_step = last

    def append(self, step: int, arrays: dict[str, np.ndarray], scalars: dict[str, float]) -> None:
        """Buffer one snapshot; flush when the chunk is full or the last flush is older than flush_secs."""
        if self.last_step is not None and step <= self.last_step:
            raise GananimError(f"snapshot steps must increase: got step {step} after step {self.last_step}; to continue an earlier recording pass resume=True")
        self._open.append({"step": int(step), "arrays": arrays, "scalars": dict(scalars)})
        self._dirty = True
        self.last_step = int(step)
        if len(self._open) >= self.chunk_size:
            self.flush()
        else:
            self.maybe_flush()

    def maybe_flush(self) -> None:
        """Flush if the newest unflushed snapshot has waited longer than flush_secs: cheap to call every step."""
        if self._dirty and time.monotonic() - self._last_flush >= self.flush_secs:
            self.flush()

    def flush(self) -> None:
        """Write the open chunk to disk atomically; start a new chunk when it is full."""
        if self._dirty:
            _save_npz(self.path / CHUNKS / f"{self._chunk_index:06d}.npz", _stack_chunk(self._open, self.dtype))
            self.last_flushed_step = self._open[-1]["step"]
            self._dirty = False
        if len(self._open) >= self.chunk_size:
            self._open = []
            self._chunk_index += 1
        self._last_flush = time.monotonic()

    def close(self) -> None:
        self.flush()


def _read_only(a: np.ndarray) -> np.ndarray:
    """Snapshot arrays are shared by everyone who asks for that snapshot: nobody may change them in place."""
    a.flags.writeable = False
    return a


@dataclass
class Snapshot:
    """One recorded training step: the generator's outputs, D on the grid, and the scalars."""

    step: int
    samples: np.ndarray
    mapping: np.ndarray
    d_grid: np.ndarray | None
    density: np.ndarray
    g_grad: np.ndarray | None = None
    game_eigs: np.ndarray | None = None  # (k,) complex: top eigenvalues of the game's Jacobian; NaN where not computed
    hessian_eigs: np.ndarray | None = None  # every eigenvalue of the Hessian of V (small models), ascending
    scalars: dict[str, float] = field(default_factory=dict)


class Recording:
    """A recording read back with numpy alone; `refresh()` picks up snapshots written since it was opened."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.manifest = _read_manifest(self.path)
        fixed = _load_npz(self.path / FIXED) if (self.path / FIXED).exists() else None
        if fixed is None:
            raise GananimError(f"recording {self.path} is damaged: {FIXED} is missing; re-record it")
        self.fixed = fixed
        self.grid = Grid.from_dict(self.manifest["grid"])
        self._cache: tuple[int, dict] | None = None
        self.refresh()

    def refresh(self) -> "Recording":
        """Re-scan the chunks (a recording can be read while it is being written)."""
        self._files = _chunk_files(self.path)
        self._cache = None
        steps, offsets, scalars = [], [], []
        for i, file in enumerate(self._files):
            chunk = _load_npz(file, keep=lambda k: k == "step" or k.startswith(SCALAR_PREFIX))
            offsets += [(i, j) for j in range(len(chunk["step"]))]
            steps.append(chunk["step"])
            scalars.append({k[len(SCALAR_PREFIX):]: v for k, v in chunk.items() if k.startswith(SCALAR_PREFIX)})
        self.steps = np.concatenate(steps) if steps else np.zeros(0, dtype=np.int64)
        self._offsets = offsets
        names = sorted({n for s in scalars for n in s})
        self.scalars = {n: np.concatenate([s.get(n, np.full(len(st), np.nan)) for s, st in zip(scalars, steps)]) for n in names}
        self._last = None
        return self

    def _chunk(self, i: int) -> dict[str, np.ndarray]:
        """One chunk's arrays, cached so that reading snapshots in order loads each chunk once."""
        if self._cache is None or self._cache[0] != i:
            self._cache = (i, _load_npz(self._files[i]))
        return self._cache[1]

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
        get = lambda name: _read_only(chunk[name][j].astype(np.float32)) if name in chunk else None  # noqa: E731
        game = get("game_eigs")
        return Snapshot(step=int(chunk["step"][j]), samples=get("samples"), mapping=get("mapping"), d_grid=get("d_grid"),
                        density=get("density"), g_grad=get("g_grad"), hessian_eigs=get("hessian_eigs"),
                        game_eigs=None if game is None else game[:, 0] + 1j * game[:, 1],
                        scalars={k[len(SCALAR_PREFIX):]: float(v[j]) for k, v in chunk.items() if k.startswith(SCALAR_PREFIX)})

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def index_at(self, step: int) -> int:
        """Index of the newest snapshot at or before `step` (to synchronise recordings on training step)."""
        return max(int(np.searchsorted(self.steps, step, side="right")) - 1, 0)

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
        return self.fixed.get("modes", np.zeros((0, self.manifest["data_dim"])))

    @property
    def mode_scales(self) -> np.ndarray:
        return self.fixed.get("mode_scales", np.zeros(0))

    @property
    def view_box(self) -> tuple[tuple[float, float], ...]:
        return self.grid.bounds

    def nbytes(self) -> int:
        """Size of the recording on disk."""
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    def __repr__(self) -> str:
        return f"Recording({str(self.path)!r}, {len(self)} snapshots, steps {self.steps[:1].tolist()}..{self.steps[-1:].tolist()})"


def load(path: str | Path) -> Recording:
    """Open a recording folder for reading (numpy only)."""
    return Recording(path)
