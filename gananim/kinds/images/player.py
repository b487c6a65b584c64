"""An images recording packed for the browser player (gananim.rendering.player.pack): the fixed-latent grid and the
interpolations as uint8 pictures, the projection with D's scores, D's histograms, the data's class shares."""

from __future__ import annotations

import numpy as np

from gananim.recording.reader import Recording
from gananim.rendering.player.arrays import blob, half, numbers, stacked, unit8

MAX_PROJ = 512  # projected samples kept per snapshot (of n_samples)


def pack(rec: Recording, idx, samples: int) -> dict:
    """An images recording: the fixed-latent grid and interpolations (uint8), the projection, D's histograms."""
    m = rec.manifest
    out = {"sample_shape": list(rec.sample_shape), "value_range": list(rec.value_range or (0, 1))}
    for name in ("images", "interp"):
        arr = stacked(rec, name, idx)
        if arr is not None and arr.dtype == np.uint8:
            out[name] = blob(arr)
    proj = stacked(rec, "proj", idx)
    if proj is not None:
        keep = min(proj.shape[1], MAX_PROJ)
        out["proj"] = blob(half(proj[:, :keep]), over_snapshots=True)
        fake = stacked(rec, "d_fake_each", idx)
        if fake is not None:
            out["proj_d"] = blob(unit8(fake[:, :keep]))
        out["real_proj"] = blob(half(rec.fixed["real_proj"]))
        real = stacked(rec, "d_real_each", idx)
        if real is not None:
            out["real_d"] = blob(unit8(real))
        density = stacked(rec, "density", idx)
        vmax = float(np.quantile(density[density > 0], 0.99)) if (density > 0).any() else 1.0
        out["density"] = blob(unit8(density / vmax))
    for name in ("d_hist_fake", "d_hist_real"):
        arr = stacked(rec, name, idx)
        if arr is not None:
            out[name] = blob(arr.astype(np.float32))
    if "d_edges" in rec.fixed:
        out["d_edges"] = numbers(rec.fixed["d_edges"])
    if "data_class_freq" in rec.fixed:
        out["data_class_freq"] = numbers(rec.fixed["data_class_freq"])
    out["classes"] = (m.get("classifier") or {}).get("classes")
    return out
