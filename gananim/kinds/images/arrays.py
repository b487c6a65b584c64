"""An images recording's arrays and manifest fields, as the reader checks them (gananim.recording.validate's helpers).

fixed.npz   latents, grid_latents, interp_latents, data_samples (uint8 for pictures), pca_mean, pca_components,
            real_proj, d_edges, data_class_freq, real_features (+ a built-in classifier's weights); a conditional
            GAN's latent_labels, grid_labels, interp_labels, real_labels
chunks      samples, density, images, interp, proj, d_fake, d_real, d_hist_fake, d_hist_real, class_logits,
            nonfinite, images_nonfinite, interp_nonfinite (one entry per step)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gananim.errors import GananimError
from gananim.recording.validate import expect, is_int, is_pair, optional


def _shape(v) -> bool:
    """[d] for flat vectors or [C, H, W] with C 1 or 3 for images."""
    return isinstance(v, list) and all(is_int(x, 1) for x in v) and (len(v) == 1 or (len(v) == 3 and v[0] in (1, 3)))


# An images recording (manifest "kind": "images", format version 2) has its own required fields: the samples'
# shape and value range instead of data_dim, and the grid lies on the PCA plane (always 2D). Spec: issue 11.
FIELDS = {
    "sample_shape": (True, _shape, "[d] or [C, H, W] with C 1 or 3"),
    "value_range": (True, lambda v: is_pair(v) and v[0] < v[1], "a [low, high] pair with low < high"),
    "is_image": (False, lambda v: isinstance(v, bool), "true or false"),
    "latent_shape": (
        False,
        lambda v: isinstance(v, list) and len(v) >= 1 and all(is_int(x, 1) for x in v),
        "a list of whole numbers",
    ),
    "n_real": (False, lambda v: is_int(v, 1), "a whole number ≥ 1"),
    "n_images": (False, lambda v: is_int(v, 1), "a whole number ≥ 1"),
    "interp_shape": (
        False,
        lambda v: isinstance(v, list) and len(v) == 2 and all(is_int(x, 1) for x in v),
        "[paths, points]",
    ),
    "d_bins": (False, lambda v: is_int(v, 1), "a whole number ≥ 1"),
    "classifier": (
        False,
        optional(lambda v: isinstance(v, dict) and is_int(v.get("classes"), 1)),
        'an object with "classes"',
    ),
}


def check_fixed(fixed: dict, manifest: dict, grid_shape: tuple, file: Path) -> None:
    """fixed.npz of an images recording: fixed latents, the real batch and the PCA plane, sized as the manifest says."""
    shape, latent = tuple(manifest["sample_shape"]), tuple(manifest.get("latent_shape") or [manifest["latent_dim"]])
    expect(fixed, "latents", (manifest.get("n_samples"), *latent), file, required=True)
    expect(fixed, "data_samples", (manifest.get("n_real"), *shape), file, required=True)
    expect(fixed, "pca_mean", (int(np.prod(shape)),), file, required=True)
    expect(fixed, "pca_components", (2, int(np.prod(shape))), file, required=True)
    expect(fixed, "real_proj", (len(fixed["data_samples"]), 2), file, required=True)
    expect(fixed, "d_edges", (None,), file)
    if manifest.get("is_image", len(shape) == 3):
        expect(fixed, "grid_latents", (manifest.get("n_images"), *latent), file, required=True)
        expect(fixed, "interp_latents", (*(manifest.get("interp_shape") or [None, None]), *latent), file)
        _levels(fixed, ("data_samples",), file)
    if manifest.get("conditional"):  # a conditional GAN's labels: each fixed latent's, each real sample's
        expect(fixed, "latent_labels", (len(fixed["latents"]),), file, required=True)
        expect(fixed, "real_labels", (len(fixed["data_samples"]),), file, required=True)
        expect(fixed, "grid_labels", (len(fixed["grid_latents"]) if "grid_latents" in fixed else None,), file)
        expect(fixed, "interp_labels", (len(fixed["interp_latents"]) if "interp_latents" in fixed else None,), file)
        _classes(fixed, manifest["conditional"]["n_classes"], file)
    classes = (manifest.get("classifier") or {}).get("classes")
    expect(fixed, "data_class_freq", (classes,), file)
    expect(fixed, "real_features", (len(fixed["data_samples"]), None), file)


def _classes(fixed: dict, k: int, file: Path) -> None:
    """A conditional recording's labels are whole numbers below its class count (views name rows by them)."""
    for name in ("latent_labels", "real_labels", "grid_labels", "interp_labels"):
        y = fixed.get(name)
        if y is not None and len(y) and (y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= k):
            raise GananimError(
                f"recording file {file} is damaged: its {name!r} array must hold classes 0 to {k - 1} "
                f"(whole numbers); re-record, or delete that file to keep the rest"
            )


def _levels(arrays: dict, names: tuple[str, ...], file: Path) -> None:
    """Pictures are stored as uint8 levels on the value range (gananim.kinds.images.pixels): any other dtype would be misread."""
    for name in names:
        if name in arrays and arrays[name].dtype != np.uint8:
            raise GananimError(
                f"recording file {file} is damaged: its {name!r} array is {arrays[name].dtype}, an images "
                "recording stores pictures as uint8; re-record, or delete that file to keep the rest"
            )


def check_chunk(chunk: dict, manifest: dict, grid_shape: tuple, fixed: dict, file: Path) -> None:
    """Every snapshot array of an images recording's chunk has one entry per step, shaped as the manifest says."""
    k, shape, n = len(chunk["step"]), tuple(manifest["sample_shape"]), len(fixed["latents"])
    expect(chunk, "samples", (k, n, *shape), file, required=True)
    expect(chunk, "density", (k, *grid_shape), file, required=True)
    expect(chunk, "images", (k, len(fixed["grid_latents"]) if "grid_latents" in fixed else None, *shape), file)
    expect(chunk, "interp", (k, None, None, *shape), file)
    expect(chunk, "proj", (k, n, 2), file)
    expect(chunk, "d_fake", (k, n), file)
    expect(chunk, "d_real", (k, len(fixed["data_samples"])), file)
    bins = len(fixed["d_edges"]) - 1 if "d_edges" in fixed else None
    expect(chunk, "d_hist_fake", (k, bins), file)
    expect(chunk, "d_hist_real", (k, bins), file)
    expect(chunk, "class_logits", (k, n, (manifest.get("classifier") or {}).get("classes")), file)
    expect(chunk, "nonfinite", (k, n), file)
    expect(chunk, "images_nonfinite", (k, chunk["images"].shape[1] if "images" in chunk else None), file)
    expect(chunk, "interp_nonfinite", (k, *(chunk["interp"].shape[1:3] if "interp" in chunk else (None, None))), file)
    _levels(
        chunk,
        ("samples", "images", "interp") if manifest.get("is_image", len(shape) == 3) else ("images", "interp"),
        file,
    )


__all__ = ["FIELDS", "check_chunk", "check_fixed"]
