"""One recording packed for the browser player: every snapshot's arrays, quantised, with its series and events.

What the player draws comes from here and nowhere else, so the numbers and words are the videos' own:
- D and the generated density are uint8 on [0, 1] (D as is; the density over the surface view's scale,
  drawing.density_vmax, clipped at its top as the view clips it), and the surface's colours are the view's lookup
  table itself (drawing.BandedOverlay), so a pixel of the player is the video's pixel up to one uint8 step.
- Points (samples, the mapping's heads, the gradients) are float16: about 3 significant digits, a few thousandths of
  a unit on a [-10, 10] box, far below a pixel of a 1280 px page.
- The series are the analysis's (recorded scalars and computed metrics, one per snapshot) and the dense scalars the
  loop logged at every step; the events and captions are gananim.analysis's, the same the frames print.
Each kind packs its own arrays (its `player` module: gananim.kinds.points.player, gananim.kinds.images.player);
binary arrays travel deflated, as base64 strings inside one JSON object (gananim.rendering.player.arrays).
"""

from __future__ import annotations

import numpy as np

from gananim.analysis import analyse
from gananim.recording.reader import Recording
from gananim.rendering.drawing import D_RAMP, DENSITY_GAMMA, RED, BandedOverlay
from gananim.rendering.player.arrays import blob, hex_colours, numbers

SURFACE_BANDS = 10  # the surface view's D bands (gananim.kinds.points.views.surface.D_BANDS)
MAX_DENSE = 4000  # dense scalar points kept per series (evenly thinned): more than a dashboard's pixels
SAMPLES = 1000  # points: fixed samples kept by default (the first ones: enough to see the cloud, within the budget)


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
    player = rec.kind_of.module("player")  # the kind's own arrays (none for a kind without a player module)
    if player is not None:
        out.update(player.pack(rec, idx, samples))
    return out


def _thinned(steps: np.ndarray, values: np.ndarray) -> dict:
    """A dense series, evenly thinned to MAX_DENSE points."""
    keep = (
        np.unique(np.linspace(0, len(steps) - 1, min(len(steps), MAX_DENSE)).round().astype(int)) if len(steps) else []
    )
    return {"steps": [int(s) for s in np.asarray(steps)[keep]], "values": numbers(np.asarray(values)[keep])}


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
        "d_ramp": hex_colours(D_RAMP.table),
        "events": dict(drawing.EVENT_COLOURS),
        "span_alpha": drawing.SPAN_ALPHA,
        "data": drawing.DATA_BLUE,
        "generated": drawing.GENERATED_RED,
        "d_green": drawing.D_GREEN,
        "d_purple": drawing.D_PURPLE,
        "grey": drawing.SERIES_GREY,
        "dot": DOT,
        "arrow": ARROW,
        "red": hex_colours(np.array([RED]))[0],
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
