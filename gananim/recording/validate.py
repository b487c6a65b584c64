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

from gananim.errors import GananimError


def _int(v, low: int = 0) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= low


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _pair(v) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(_number(x) for x in v)


def _grid(v) -> bool:
    """{"bounds": one [low, high] per data dimension (1 or 2), "size": cells per axis}."""
    return (isinstance(v, dict) and _int(v.get("size"), 1) and isinstance(v.get("bounds"), list)
            and len(v["bounds"]) in (1, 2) and all(_pair(b) and b[0] < b[1] for b in v["bounds"]))


def _optional(check):
    return lambda v: v is None or check(v)


# field: (required, check, what it must be). Only fields a reader relies on: the rest is information.
MANIFEST_FIELDS = {
    "version": (True, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "data_dim": (True, lambda v: v in (1, 2) and _int(v), "1 or 2"),
    "latent_dim": (True, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "grid": (True, _grid, 'like {"bounds": [[low, high], ...], "size": N} with low < high and N ≥ 1'),
    "dtype": (False, lambda v: v in ("float16", "float32", "float64"), "float16, float32 or float64"),
    "chunk_size": (False, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "n_samples": (False, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "every": (False, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "g_grad_rows": (False, lambda v: _int(v, 0), "a whole number ≥ 0"),
    "latent_grid_shape": (False, lambda v: isinstance(v, list) and all(_int(x, 1) for x in v), "a list of whole numbers"),
    "prior": (False, lambda v: isinstance(v, str), "a string"),
    "prior_range": (False, _pair, "a [low, high] pair"),
    "latent_extent": (False, _optional(_pair), "a [low, high] pair"),
    "d_output": (False, _optional(lambda v: isinstance(v, str)), "a string"),
    "has_discriminator": (False, lambda v: isinstance(v, bool), "true or false"),
    "target": (False, _optional(lambda v: isinstance(v, dict)), "an object"),
    "config": (False, _optional(lambda v: isinstance(v, dict) and isinstance(v.get("name", ""), str)),
               'an object whose "name" is a string'),
}


def _shape(v) -> bool:
    """[d] for flat vectors or [C, H, W] with C 1 or 3 for images."""
    return isinstance(v, list) and all(_int(x, 1) for x in v) and (len(v) == 1 or (len(v) == 3 and v[0] in (1, 3)))


# An images recording (manifest "kind": "images", format version 2) has its own required fields: the samples'
# shape and value range instead of data_dim, and the grid lies on the PCA plane (always 2D). Spec: issue 11.
IMAGE_FIELDS = {
    "sample_shape": (True, _shape, "[d] or [C, H, W] with C 1 or 3"),
    "value_range": (True, lambda v: _pair(v) and v[0] < v[1], "a [low, high] pair with low < high"),
    "is_image": (False, lambda v: isinstance(v, bool), "true or false"),
    "latent_shape": (False, lambda v: isinstance(v, list) and len(v) >= 1 and all(_int(x, 1) for x in v), "a list of whole numbers"),
    "n_real": (False, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "n_images": (False, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "interp_shape": (False, lambda v: isinstance(v, list) and len(v) == 2 and all(_int(x, 1) for x in v), "[paths, points]"),
    "d_bins": (False, lambda v: _int(v, 1), "a whole number ≥ 1"),
    "classifier": (False, _optional(lambda v: isinstance(v, dict) and _int(v.get("classes"), 1)), 'an object with "classes"'),
}


def kind(manifest: dict) -> str:
    """"points" (also a manifest without "kind": every v1 recording) or "images"."""
    return manifest.get("kind", "points")


def check_manifest(manifest: dict, file: Path) -> None:
    """Every field the reader relies on is present (if required) and of the right type."""
    if kind(manifest) not in ("points", "images"):
        raise GananimError(f"{file} is damaged: its 'kind' field must be \"points\" or \"images\", not {_short(manifest['kind'])}")
    if kind(manifest) == "images":
        return _check_fields(manifest, file, {k: v for k, v in MANIFEST_FIELDS.items() if k != "data_dim"} | IMAGE_FIELDS, 2)
    _check_fields(manifest, file, MANIFEST_FIELDS, manifest.get("data_dim"))


def _check_fields(manifest: dict, file: Path, fields: dict, dim) -> None:
    for key, (required, check, what) in fields.items():
        if key not in manifest:
            if required:
                raise GananimError(f"{file} is damaged: it has no {key!r} field; the recording cannot be read")
        elif not check(manifest[key]):
            raise GananimError(f"{file} is damaged: its {key!r} field must be {what}, not {_short(manifest[key])}")
    if len(manifest["grid"]["bounds"]) != dim:
        raise GananimError(f"{file} is damaged: its grid has {len(manifest['grid']['bounds'])} dimension(s) but data_dim is {dim}")


def _short(v) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _expect(arrays: dict, name: str, shape: tuple, file: Path, *, required: bool = False) -> None:
    """arrays[name] is numeric with this shape (None in `shape` = any length on that axis)."""
    if name not in arrays:
        if required:
            raise GananimError(f"recording file {file} is damaged: it has no {name!r} array; re-record, or delete that file to keep the rest")
        return
    a = arrays[name]
    ok = (a.dtype.kind in "iuf" and a.ndim == len(shape)
          and all(want is None or have == want for have, want in zip(a.shape, shape)))
    if not ok:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise GananimError(f"recording file {file} is damaged: its {name!r} array has shape {a.shape} ({a.dtype}), "
                           f"the manifest's grid needs {want}; re-record, or delete that file to keep the rest")


def check_fixed(fixed: dict, manifest: dict, grid_shape: tuple, file: Path) -> None:
    """fixed.npz: the latents, the latent grid, and the target's arrays, sized as the manifest says."""
    dim, zdim = manifest["data_dim"], manifest["latent_dim"]
    _expect(fixed, "latents", (manifest.get("n_samples"), zdim), file, required=True)
    _expect(fixed, "latent_grid", (None, zdim), file, required=True)
    m = len(fixed["latent_grid"])
    _expect(fixed, "latent_grid_coords", (m, None), file)
    _expect(fixed, "latent_plane", (2, zdim), file)
    _expect(fixed, "data_samples", (None, dim), file)
    _expect(fixed, "data_density", grid_shape, file)
    _expect(fixed, "modes", (None, dim), file)
    _expect(fixed, "mode_scales", (len(fixed["modes"]) if "modes" in fixed else None,), file)


def check_image_fixed(fixed: dict, manifest: dict, file: Path) -> None:
    """fixed.npz of an images recording: fixed latents, the real batch and the PCA plane, sized as the manifest says."""
    shape, latent = tuple(manifest["sample_shape"]), tuple(manifest.get("latent_shape") or [manifest["latent_dim"]])
    _expect(fixed, "latents", (manifest.get("n_samples"), *latent), file, required=True)
    _expect(fixed, "data_samples", (manifest.get("n_real"), *shape), file, required=True)
    _expect(fixed, "pca_mean", (int(np.prod(shape)),), file, required=True)
    _expect(fixed, "pca_components", (2, int(np.prod(shape))), file, required=True)
    _expect(fixed, "real_proj", (len(fixed["data_samples"]), 2), file, required=True)
    _expect(fixed, "d_edges", (None,), file)
    if manifest.get("is_image", len(shape) == 3):
        _expect(fixed, "grid_latents", (manifest.get("n_images"), *latent), file, required=True)
        _expect(fixed, "interp_latents", (*(manifest.get("interp_shape") or [None, None]), *latent), file)
        _levels(fixed, ("data_samples",), file)
    classes = (manifest.get("classifier") or {}).get("classes")
    _expect(fixed, "data_class_freq", (classes,), file)
    _expect(fixed, "real_features", (len(fixed["data_samples"]), None), file)


def _levels(arrays: dict, names: tuple[str, ...], file: Path) -> None:
    """Pictures are stored as uint8 levels on the value range (gananim.kinds.images.pixels): any other dtype would be misread."""
    for name in names:
        if name in arrays and arrays[name].dtype != np.uint8:
            raise GananimError(f"recording file {file} is damaged: its {name!r} array is {arrays[name].dtype}, an images "
                               "recording stores pictures as uint8; re-record, or delete that file to keep the rest")


def check_image_chunk(chunk: dict, manifest: dict, grid_shape: tuple, fixed: dict, file: Path) -> None:
    """Every snapshot array of an images recording's chunk has one entry per step, shaped as the manifest says."""
    k, shape, n = len(chunk["step"]), tuple(manifest["sample_shape"]), len(fixed["latents"])
    _expect(chunk, "samples", (k, n, *shape), file, required=True)
    _expect(chunk, "density", (k, *grid_shape), file, required=True)
    _expect(chunk, "images", (k, len(fixed["grid_latents"]) if "grid_latents" in fixed else None, *shape), file)
    _expect(chunk, "interp", (k, None, None, *shape), file)
    _expect(chunk, "proj", (k, n, 2), file)
    _expect(chunk, "d_fake", (k, n), file)
    _expect(chunk, "d_real", (k, len(fixed["data_samples"])), file)
    bins = len(fixed["d_edges"]) - 1 if "d_edges" in fixed else None
    _expect(chunk, "d_hist_fake", (k, bins), file)
    _expect(chunk, "d_hist_real", (k, bins), file)
    _expect(chunk, "class_logits", (k, n, (manifest.get("classifier") or {}).get("classes")), file)
    _expect(chunk, "nonfinite", (k, n), file)
    _expect(chunk, "images_nonfinite", (k, chunk["images"].shape[1] if "images" in chunk else None), file)
    _expect(chunk, "interp_nonfinite", (k, *(chunk["interp"].shape[1:3] if "interp" in chunk else (None, None))), file)
    _levels(chunk, ("samples", "images", "interp") if manifest.get("is_image", len(shape) == 3) else ("images", "interp"), file)


def check_steps(steps: np.ndarray, scalars: dict, file: Path) -> None:
    """A chunk's `step` is a 1-D integer array; each scalar series has one value per step."""
    if steps.ndim != 1 or steps.dtype.kind not in "iu":
        raise GananimError(f"recording file {file} is damaged: its 'step' array has shape {steps.shape} ({steps.dtype}), "
                           "not one whole number per snapshot; re-record, or delete that file to keep the rest")
    for name in scalars:
        _expect(scalars, name, (len(steps),), file)


def check_chunk(chunk: dict, manifest: dict, grid_shape: tuple, n_latents: int, n_grid: int, file: Path) -> None:
    """Every snapshot array in a chunk has one entry per step, shaped for the manifest's grid and latents."""
    k, dim = len(chunk["step"]), manifest["data_dim"]
    _expect(chunk, "samples", (k, n_latents, dim), file, required=True)
    _expect(chunk, "density", (k, *grid_shape), file, required=True)
    _expect(chunk, "mapping", (k, n_grid, dim), file)
    _expect(chunk, "d_grid", (k, *grid_shape), file)
    _expect(chunk, "g_grad", (k, n_latents, dim), file)
    _expect(chunk, "game_eigs", (k, None, 2), file)
    _expect(chunk, "hessian_eigs", (k, None), file)


__all__ = ["IMAGE_FIELDS", "MANIFEST_FIELDS", "check_chunk", "check_fixed", "check_image_chunk", "check_image_fixed",
           "check_manifest", "check_steps", "kind"]
