"""A points recording (1D or 2D) packed for the browser player (gananim.rendering.player.pack): D and the densities
quantised on the views' own scales, samples, the mapping's heads and the gradients as float16."""

from __future__ import annotations

import numpy as np

from gananim.kinds.points.views.density import display_density
from gananim.recording.reader import Recording
from gananim.rendering.drawing import (
    DENSITY_GAMMA,
    HEADROOM,
    density_peak,
    density_vmax,
    grid_colours,
    latent_line,
    latent_tails,
    prior_label,
    z_extent,
    z_positions,
)
from gananim.rendering.player.arrays import blob, half, hex_colours, numbers, stacked, unit8

MAX_ARROWS = 300  # gradient arrows kept (more is a tangle at a blog column's width)


def pack(rec: Recording, idx, keep: int) -> dict:
    """A points recording: D and the density quantised, the samples, mapping heads and gradients as float16."""
    density = stacked(rec, "density", idx)
    one_d = rec.manifest["data_dim"] == 1
    # 2D: the surface view's scale; 1D: the Goodfellow figure's band, data and generated on one scale
    vmax = density_peak(rec) * HEADROOM if one_d else density_vmax(rec)
    out = {
        "data_dim": int(rec.manifest["data_dim"]),
        "vmax": vmax,
        "density": blob(unit8(density / vmax)),
        "peak": numbers(
            np.nanmax(np.nan_to_num(density.reshape(len(density), -1), nan=0.0, posinf=0.0), axis=1) / vmax
        ),
        "samples": blob(half(stacked(rec, "samples", idx)[:, :keep]), over_snapshots=True),
        "latents": blob(half(rec.latents.reshape(len(rec.latents), -1)[:keep, :8])),
        "latent_dim": int(rec.manifest["latent_dim"]),
        "modes": rec.modes.astype(float).tolist(),
    }
    d = stacked(rec, "d_grid", idx)
    if d is not None:
        out["d"] = blob(unit8(d))
    if one_d and rec.data_density is not None:
        out["data_density"] = blob(unit8(rec.data_density / vmax))
    data = None if one_d else display_density(rec)  # the density view's backdrop, its own scale (points.views.density)
    if data is not None and (data > 0).any():
        ref = float(np.quantile(data[data > 0], 0.99))
        out["data_density"] = blob(unit8(np.clip(data / ref, 0, 1) ** DENSITY_GAMMA))
    mapping = stacked(rec, "mapping", idx)
    if mapping is not None and rec.manifest["latent_dim"] <= 2:  # the mapping view's own tails (drawing.latent_tails)
        out["mapping"] = blob(half(mapping), over_snapshots=True)
        out["tails"] = latent_tails(rec).astype(float).tolist()
        out["tail_colours"] = hex_colours(grid_colours(rec.fixed["latent_grid_coords"]))
    if out["data_dim"] == 1 and mapping is not None:  # the 1D figure's z line (drawing.latent_line, z_positions)
        line, z, label = latent_line(rec)
        ((x0, x1),) = rec.view_box
        out["zline"] = {"idx": line.tolist(), "x": z_positions(z, *z_extent(rec, z), x0, x1).tolist(), "label": label,
                        "prior": prior_label(rec)}  # fmt: skip
        out["mapping"] = blob(half(mapping), over_snapshots=True)
    if rec[0].g_grad is not None and out["data_dim"] == 2:  # the 1D figure draws no arrows (its toggle hidden)
        out.update(_gradients(rec, idx, keep))
    return out


def _gradients(rec: Recording, idx, samples: int) -> dict:
    """Where G's loss pushes the first MAX_ARROWS samples (gradients.push: the recording's loss), in data units on
    the gradients view's one scale (its 95th-percentile arrow TARGET of the width, none longer than MAX_LENGTH)."""
    from gananim.kinds.points.views.gradients import MAX_LENGTH, TARGET, push

    keep = np.arange(min(len(rec.latents), MAX_ARROWS, samples))
    vectors = np.stack([push(rec, rec[i], keep) for i in idx]).astype(np.float32)
    lengths = np.linalg.norm(np.nan_to_num(vectors, nan=0.0, posinf=0.0, neginf=0.0), axis=-1)
    width = float(np.subtract(*rec.view_box[0][::-1]))
    top = float(np.quantile(lengths[lengths > 0], 0.95)) if (lengths > 0).any() else 1.0
    return {"grad": blob(half(vectors * (TARGET * width / top)), over_snapshots=True), "grad_max": MAX_LENGTH * width}
