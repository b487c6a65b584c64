"""One recording packed for the browser player: every snapshot's arrays, quantised, with its series and events.

What the player draws comes from here and nowhere else, so the numbers and words are the videos' own:
- D and the generated density are uint8 on [0, 1] (D as is; the density over the surface view's scale,
  drawing.density_vmax, clipped at its top as the view clips it), and the surface's colours are the view's lookup
  table itself (drawing.BandedOverlay), so a pixel of the player is the video's pixel up to one uint8 step.
- Points (samples, the mapping's heads, the gradients) are float16: about 3 significant digits, a few thousandths of
  a unit on a [-10, 10] box, far below a pixel of a 1280 px page.
- The series are the analysis's (recorded scalars and computed metrics, one per snapshot) and the dense scalars the
  loop logged at every step; the events and captions are gananim.analysis's, the same the frames print.
Binary arrays travel deflated, as base64 strings inside one JSON object (`blob`); the page inflates them with the
browser's own DecompressionStream.
"""

from __future__ import annotations

import base64
import math
import zlib

import numpy as np

from gananim.analysis import analyse
from gananim.kinds.points.views.density import display_density
from gananim.recording.reader import Recording
from gananim.rendering.drawing import (
    D_RAMP,
    DENSITY_GAMMA,
    HEADROOM,
    RED,
    BandedOverlay,
    density_peak,
    density_vmax,
    grid_colours,
    latent_line,
    latent_tails,
    prior_label,
    z_extent,
    z_positions,
)

SURFACE_BANDS = 10  # the surface view's D bands (gananim.kinds.points.views.surface.D_BANDS)
MAX_DENSE = 4000  # dense scalar points kept per series (evenly thinned): more than a dashboard's pixels
SAMPLES = 1000  # points: fixed samples kept by default (the first ones: enough to see the cloud, within the budget)
MAX_ARROWS = 300  # points: gradient arrows kept (more is a tangle at a blog column's width)
MAX_PROJ = 512  # images: projected samples kept per snapshot (of n_samples)


def blob(array: np.ndarray, over_snapshots: bool = False) -> dict:
    """A numeric array as {"dtype", "shape", "z"}: its little-endian bytes deflated (zlib), then base64.

    float16 arrays are byte-shuffled first (all high bytes, then all low bytes: sign and exponent repeat, so they
    deflate well), and one stored `over_snapshots` (snapshot axis first) is stored with that axis last ("order":
    "last"), so each point's path through training lies together: the five-clusters samples deflate to 67 % of
    their float16 size this way, against 92 % as they are."""
    a = np.ascontiguousarray(array)
    dtype = {"u": "uint8", "f": "float16" if a.dtype.itemsize == 2 else "float32"}[a.dtype.kind]
    if dtype == "uint8" and a.dtype != np.uint8:
        raise ValueError(f"only uint8 integers travel, got {a.dtype}")
    out = {"dtype": dtype, "shape": list(a.shape)}
    if over_snapshots and a.ndim > 1:
        a = np.ascontiguousarray(np.moveaxis(a, 0, -1))
        out["order"] = "last"
    raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
    if dtype == "float16":
        raw = np.frombuffer(raw, np.uint8).reshape(-1, 2).T.tobytes()
        out["shuffle"] = 2
    out["z"] = base64.b64encode(zlib.compress(raw, 9)).decode()
    return out


def unit8(values: np.ndarray) -> np.ndarray:
    """Values on [0, 1] as uint8 levels 0..255 (NaN as 0, as the views' lookups read it)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0, posinf=1.0, neginf=0.0)
    return (np.clip(v, 0, 1) * 255 + 0.5).astype(np.uint8)


def half(values: np.ndarray) -> np.ndarray:
    """float16, out-of-range values clipped to its largest finite value (NaN stays NaN: a diverged sample)."""
    v = np.asarray(values, dtype=np.float32)
    return np.clip(v, -65000, 65000).astype(np.float16)


def numbers(values) -> list:
    """Floats for JSON: NaN and infinities as null."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=np.float64).tolist()]


def stacked(rec: Recording, name: str, indices) -> np.ndarray | None:
    """One snapshot array stacked over `indices`, or None where the recording has none."""
    get = (lambda snap: getattr(snap, name)) if name in ("samples", "density") else (lambda snap: snap.arrays.get(name))
    if get(rec[indices[0]]) is None:
        return None
    return np.stack([np.asarray(get(rec[i])) for i in indices])


def pack(rec: Recording, title: str, samples: int = SAMPLES) -> dict:
    """Everything the player shows of one recording (see the module's docstring); points recordings keep their first
    `samples` fixed samples."""
    a = analyse(rec)
    n = len(rec)
    idx = range(n)
    out = {
        "title": title,
        "kind": rec.kind,
        "steps": [int(s) for s in rec.steps],
        "series": {k: numbers(v) for k, v in a.series.items() if np.isfinite(np.asarray(v, float)).any()},
        "dense": {k: _thinned(s, v) for k, (s, v) in rec.dense.items()},
        "events": [{"kind": e.kind, "start": e.start, "end": e.end, "caption": e.caption} for e in a.events],
        "bounds": [list(map(float, b)) for b in rec.view_box],
        "grid": list(rec.grid.shape),
    }
    if not n:
        return out
    if rec.kind == "images":
        out.update(_images(rec, idx))
    else:
        out.update(_points(rec, idx, samples))
    return out


def _thinned(steps: np.ndarray, values: np.ndarray) -> dict:
    """A dense series, evenly thinned to MAX_DENSE points."""
    keep = (
        np.unique(np.linspace(0, len(steps) - 1, min(len(steps), MAX_DENSE)).round().astype(int)) if len(steps) else []
    )
    return {"steps": [int(s) for s in np.asarray(steps)[keep]], "values": numbers(np.asarray(values)[keep])}


def _points(rec: Recording, idx, keep: int) -> dict:
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
        out["tail_colours"] = _hex(grid_colours(rec.fixed["latent_grid_coords"]))
    if out["data_dim"] == 1 and mapping is not None:  # the 1D figure's z line (drawing.latent_line, z_positions)
        line, z, label = latent_line(rec)
        ((x0, x1),) = rec.view_box
        out["zline"] = {"idx": line.tolist(), "x": z_positions(z, *z_extent(rec, z), x0, x1).tolist(), "label": label,
                        "prior": prior_label(rec)}  # fmt: skip
        out["mapping"] = blob(half(mapping), over_snapshots=True)
    if rec[0].g_grad is not None:
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


def _images(rec: Recording, idx) -> dict:
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


def _hex(rgb: np.ndarray) -> list[str]:
    return ["#" + "".join(f"{round(c * 255):02x}" for c in row) for row in np.clip(rgb, 0, 1)]


def palette() -> dict:
    """The colours the player draws with, from gananim.rendering.drawing and the views (never copied into the JS)."""
    from gananim.kinds.points.views.density import DATA_TINT, DOT, TINT_LEVELS
    from gananim.kinds.points.views.gradients import ARROW
    from gananim.rendering import drawing
    from gananim.rendering.views.dashboard import PANELS

    surface = BandedOverlay(D_RAMP, SURFACE_BANDS, RED, DENSITY_GAMMA)
    tint = BandedOverlay(DATA_TINT, TINT_LEVELS, RED, DENSITY_GAMMA)  # no D: the density view's data tint
    assert tint.levels == surface.levels
    return {
        "surface_lut": blob(surface.lut),
        "surface_bands": surface.bands,
        "levels": surface.levels,  # the density's levels, the same in both tables
        "tint_lut": blob(tint.lut),
        "tint_bands": tint.bands,
        "d_ramp": _hex(D_RAMP.table),
        "events": dict(drawing.EVENT_COLOURS),
        "span_alpha": drawing.SPAN_ALPHA,
        "data": drawing.DATA_BLUE,
        "generated": drawing.GENERATED_RED,
        "d_green": drawing.D_GREEN,
        "d_purple": drawing.D_PURPLE,
        "grey": drawing.SERIES_GREY,
        "dot": DOT,
        "arrow": ARROW,
        "red": _hex(np.array([RED]))[0],
        "gamma": DENSITY_GAMMA,
        "mode": drawing.MODE_MARKER,
        "caption": drawing.CAPTION_BACKGROUND,
        "meaning": list(drawing.MEANING_COLOURS),
        "panels": [
            {"title": p[0], "rows": [list(r) for r in p[1]], "ref": list(p[2]) if p[2] else None, "scale": p[3]}
            for p in PANELS
            if p != "modes"
        ],
    }
