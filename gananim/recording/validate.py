"""What a readable recording looks like: the manifest's fields and the arrays' shapes, checked once on read.

A recording is data from disk, so anything may be wrong with it (a hand edit, a bad copy, a bit flip). The reader
checks here every field and array it relies on, and a bad one becomes a one-line GananimError naming the file,
instead of a KeyError or a broadcasting error deep inside a view. Unknown extra fields are ignored (newer
writers may add some).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from gananim import kinds
from gananim.errors import GananimError
from gananim.recording.game import D_OUTPUTS, D_SCORES, LOSSES, loss_family


def is_int(v, low: int = 0) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= low


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def is_pair(v) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(is_number(x) for x in v)


def _box_side(b) -> bool:
    """A [low, high] pair a view can draw: ordered, and at a scale floats handle (a side of 5e-324 divides by zero,
    one of 2e308 overflows the ticks)."""
    return is_pair(b) and max(abs(b[0]), abs(b[1])) <= MAX_COORD and b[1] - b[0] >= MIN_SIDE


def _grid(v) -> bool:
    """{"bounds": one [low, high] per data dimension (1 or 2), "size": cells per axis}."""
    return (
        isinstance(v, dict)
        and is_int(v.get("size"), 1)
        and v["size"] <= MAX_CELLS
        and isinstance(v.get("bounds"), list)
        and len(v["bounds"]) in (1, 2)
        and all(_box_side(b) for b in v["bounds"])
    )


def _known_loss(v) -> bool:
    """A loss family or one of its spellings ("non-saturating", "wgan-gp": gananim.recording.game.ALIASES)."""
    try:
        loss_family(v)
    except GananimError:
        return False
    return True


def optional(check):
    return lambda v: v is None or check(v)


MAX_CHUNK = 1 << 16  # snapshots per chunk file: the writer's default is 64
MAX_SAMPLES = 10_000_000  # samples per snapshot: the defaults store 2,500 (points) or 128 (images)
MAX_CELLS = 1 << 12  # grid cells per axis: the defaults are 64 (2D) and 256 (1D)
MAX_COORD, MIN_SIDE = 1e12, 1e-9  # a view box's coordinates and its sides' least length
MAX_CLASSES = 1000  # a conditional GAN's classes (ImageNet's count): a grid row per class is unreadable far before


def _conditional(v) -> bool:
    """A conditional GAN's classes (gananim.record.labels.Labels.manifest): K ≥ 2, K names, how y was passed, the
    sample grid's columns per class row."""
    if not isinstance(v, dict):
        return False
    k, names = v.get("n_classes"), v.get("names")
    return (
        is_int(k, 2)
        and k <= MAX_CLASSES
        and isinstance(names, list)
        and len(names) == k
        and all(isinstance(n, str) for n in names)
        and is_int(v.get("grid_cols"), 1)
        and v.get("encoding") in ("index", "one_hot")
    )


# field: (required, check, what it must be). Only fields a reader relies on: the rest is information.
MANIFEST_FIELDS = {
    "version": (True, lambda v: is_int(v, 1), "a whole number ≥ 1"),
    "latent_dim": (True, lambda v: is_int(v, 1), "a whole number ≥ 1"),
    "grid": (
        True,
        _grid,
        f'like {{"bounds": [[low, high], ...], "size": N}} with low < high, |low|, |high| ≤ {MAX_COORD:g}, high − low ≥ '
        f"{MIN_SIDE:g} and 1 ≤ N ≤ {MAX_CELLS}",
    ),
    "dtype": (False, lambda v: v in ("float16", "float32", "float64"), "float16, float32 or float64"),
    "chunk_size": (False, lambda v: is_int(v, 1) and v <= MAX_CHUNK, f"a whole number from 1 to {MAX_CHUNK:,}"),
    "n_samples": (False, lambda v: is_int(v, 1) and v <= MAX_SAMPLES, f"a whole number from 1 to {MAX_SAMPLES:,}"),
    "every": (False, lambda v: is_int(v, 1), "a whole number ≥ 1"),
    "prior": (False, lambda v: isinstance(v, str), "a string"),
    "prior_range": (False, is_pair, "a [low, high] pair"),
    # the game (gananim.recording.game): bounded to the names views know, so no view guesses at a stranger's words
    "d_output": (False, optional(lambda v: v in D_OUTPUTS), f"one of {', '.join(D_OUTPUTS)} (or null)"),
    "loss": (False, optional(_known_loss), f"one of {', '.join(LOSSES)} (or null)"),
    "d_scores": (False, optional(lambda v: v in D_SCORES), f"one of {', '.join(D_SCORES)} (or null)"),
    "loss_inferred": (False, lambda v: v is False or (isinstance(v, str) and len(v) <= 500), "false or a short text"),
    "d_output_inferred": (
        False,
        lambda v: v is False or (isinstance(v, str) and len(v) <= 500),
        "false or a short text",
    ),
    "has_discriminator": (False, lambda v: isinstance(v, bool), "true or false"),
    "conditional": (
        False,
        optional(_conditional),
        'null or {"n_classes": K ≥ 2, "names": K strings, "encoding": "index" or "one_hot", "grid_cols": N ≥ 1}',
    ),
    "config": (
        False,
        optional(lambda v: isinstance(v, dict) and isinstance(v.get("name", ""), str)),
        'an object whose "name" is a string',
    ),
}


def check_manifest(manifest: dict, file: Path) -> None:
    """Every field the reader relies on is present (if required) and of the right type: the common ones and the
    kind's own (gananim.kinds)."""
    name = kinds.name_of(manifest)
    if name not in kinds.KINDS:
        raise GananimError(
            f"{file} is damaged: its 'kind' field must be one of {', '.join(map(repr, kinds.KINDS))}, not {short(name)}"
        )
    kind = kinds.get(name)
    check_fields(manifest, file, MANIFEST_FIELDS | kind.manifest_fields)
    dims = kind.grid_dims(manifest)
    if len(manifest["grid"]["bounds"]) != dims:
        raise GananimError(
            f"{file} is damaged: its grid has {len(manifest['grid']['bounds'])} dimension(s) but data_dim is {dims}"
        )


def check_fields(manifest: dict, file: Path, fields: dict) -> None:
    """Each field of `fields` (name: (required, check, what it must be)) present if required and passing its check."""
    for key, (required, check, what) in fields.items():
        if key not in manifest:
            if required:
                raise GananimError(f"{file} is damaged: it has no {key!r} field; the recording cannot be read")
        elif not check(manifest[key]):
            raise GananimError(f"{file} is damaged: its {key!r} field must be {what}, not {short(manifest[key])}")


def short(v) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def expect(arrays: dict, name: str, shape: tuple, file: Path, *, required: bool = False) -> None:
    """arrays[name] is numeric with this shape (None in `shape` = any length on that axis)."""
    if name not in arrays:
        if required:
            raise GananimError(
                f"recording file {file} is damaged: it has no {name!r} array; re-record, or delete that file to keep the rest"
            )
        return
    a = arrays[name]
    ok = (
        a.dtype.kind in "iuf"
        and a.ndim == len(shape)
        and all(want is None or have == want for have, want in zip(a.shape, shape))
    )
    if not ok:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise GananimError(
            f"recording file {file} is damaged: its {name!r} array has shape {a.shape} ({a.dtype}), "
            f"the manifest's grid needs {want}; re-record, or delete that file to keep the rest"
        )


def check_steps(steps: np.ndarray, scalars: dict, file: Path, most: int | None = None) -> None:
    """A chunk's `step` is a 1-D integer array of at most `most` snapshots (the manifest's chunk_size: the writer
    never puts more in one file); each scalar series has one value per step."""
    if steps.ndim != 1 or steps.dtype.kind not in "iu":
        raise GananimError(
            f"recording file {file} is damaged: its 'step' array has shape {steps.shape} ({steps.dtype}), "
            "not one whole number per snapshot; re-record, or delete that file to keep the rest"
        )
    if most is not None and len(steps) > most:
        raise GananimError(
            f"recording file {file} is damaged: it holds {len(steps):,} snapshots, and the manifest's chunk_size is "
            f"{most}; re-record, or delete that file to keep the rest"
        )
    for name in scalars:
        expect(scalars, name, (len(steps),), file)


def rising(step: np.ndarray, last: int | None) -> np.ndarray:
    """Mask of the steps later than every step before them (and than `last`): the first of each, none going back."""
    keep = np.ones(len(step), dtype=bool)
    if len(step):
        before = np.maximum.accumulate(step)[:-1]
        keep[1:] = step[1:] > before
        if last is not None:
            keep &= step > last
    return keep


def read_only(a: np.ndarray) -> np.ndarray:
    """Snapshot arrays are shared by everyone who asks for that snapshot: nobody may change them in place."""
    a.flags.writeable = False
    return a


__all__ = [
    "read_only",
    "rising",
    "MANIFEST_FIELDS",
    "check_fields",
    "check_manifest",
    "check_steps",
    "expect",
    "is_int",
    "is_number",
    "is_pair",
    "optional",
    "short",
]
