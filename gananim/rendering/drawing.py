"""Numpy-only drawing helpers shared by the matplotlib views (gananim.rendering.views) and the manim blocks (gananim.rendering.manim).

Colours, images composed in numpy, the 3D mesh D is drawn on, and the geometry of the latent grid and of the 1D
figure: whatever both renderers compute the same way lives here once, so a manim scene and a view of the same
recording agree, and the manim blocks never load matplotlib to reach a number.
This module imports numpy and the standard library only.
"""

from __future__ import annotations

import colorsys
import math

import numpy as np

# --------------------------------------------------------------------------- palette

# seeds/003: purple where D says "real", white where it says "fake"; generated mass as red patches.
D_COLOURS = ("#ffffff", "#e7dcef", "#9e7fc0", "#4b2a7b")
DATA_TINT_COLOURS = ("#ffffff", "#d9cde6")  # the data density as a light purple backdrop (no D to show)
RED = np.array([0.84, 0.15, 0.16])
DENSITY_GAMMA = 0.6  # opacity = (density / vmax) ** gamma: thin mass stays visible, peaks saturate
# data blue, generator red, D green (seeds/003), and the data modes' crosses
DATA_BLUE, GENERATED_RED, D_GREEN, MODE_MARKER = "#1f77b4", "#d62728", "#2ca02c", "#111111"
EVENT_COLOURS = {
    "mode_hop": "#e08214",
    "collapse": "#b2182b",
    "sway": "#1b9e77",
    "vanishing_gradient": "#4d6a9a",
    "convergence": "#4dac26",
    "divergence": "#222222",
}
SPAN_ALPHA, SPAN_KEY_ALPHA = 0.18, 0.35  # events: shaded spans on the dashboard's charts, and their legend keys
# the dashboard's series: the generator's things in red, the discriminator's in purple, the data's in blue (as in the
# 2D views), the game's in grey, the eigenvalues in neither G's red nor D's purple; the modes panel's two lines
D_PURPLE, SERIES_GREY, LAMBDA_MIN, LAMBDA_MAX = "#6a3d9a", "#444444", "#01665e", "#b35806"
SHARE_COLOUR, CAPTURED_COLOUR = "#222222", "#8c8c8c"
CAPTION_BACKGROUND = "#fff3d6"  # the event caption's box in a frame's header
LOG4 = -2 * math.log(2)  # V(G, D*) at the optimum p_g = p_data (Goodfellow et al. 2014)


def hex_rgb(colour: str) -> np.ndarray:
    """'#rrggbb' as three floats in [0, 1]."""
    return np.array([int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)])


class Ramp:
    """Colours spaced evenly over [0, 1] and blended linearly between, sampled into an n-entry table.

    Gives exactly what matplotlib's `LinearSegmentedColormap.from_list(name, colours)` gives (same table, same
    lookup), so frames drawn with either match pixel for pixel; views still build matplotlib colormaps from the
    same colours where they need one (colour bars)."""

    def __init__(self, colours, n: int = 256):
        rgb = np.array([hex_rgb(c) for c in colours])
        # matplotlib's table: n points at k / (n - 1), linear between the colours' positions (same arithmetic)
        x = np.linspace(0, 1, len(colours)) * (n - 1)
        xind = (n - 1) * np.linspace(0, 1, n)
        ind = np.searchsorted(x, xind)[1:-1]
        distance = (xind[1:-1] - x[ind - 1]) / (x[ind] - x[ind - 1])
        inner = distance[:, None] * (rgb[ind] - rgb[ind - 1]) + rgb[ind - 1]
        self.colours, self.n = tuple(colours), n
        self.table = np.clip(np.concatenate([rgb[:1], inner, rgb[-1:]]), 0.0, 1.0)

    def __call__(self, values) -> np.ndarray:
        """RGB floats for values in [0, 1] (entry floor(v * n), 1 included in the last; NaN counts as 0)."""
        k = np.clip(np.nan_to_num(np.asarray(values, dtype=float)) * self.n, 0, self.n - 1).astype(np.intp)
        return self.table[k]


def over_white(colour: str, alpha: float) -> str:
    """'#rrggbb' of `colour` drawn at `alpha` over white, as matplotlib's Agg blends it (8-bit alpha, floored)."""
    a = round(alpha * 255)
    return "#" + "".join(f"{255 + (round(c * 255) - 255) * a // 256:02x}" for c in hex_rgb(colour))


# The colours that carry meaning in a frame, as drawn: the series, and their half tint over white (a line about a pixel
# wide, as at 720x405, is mostly anti-aliased edge: its tints are what the eye reads as blue or red), the caption's
# box, the event spans and their legend keys, the greys of the modes panel. A GIF's palette keeps every one of them
# (encode.gif reserves them), so a 128-colour GIF never turns the blue D(real) curve grey or an orange span pink.
# By priority: a small palette keeps the first ones. The colour ramps (D, densities) are not here: they cover large
# areas, which the palette's own colours follow.
SERIES_COLOURS = (DATA_BLUE, GENERATED_RED, D_PURPLE, D_GREEN, LAMBDA_MIN, LAMBDA_MAX)
MEANING_COLOURS = tuple(
    dict.fromkeys(
        [
            *SERIES_COLOURS,
            SERIES_GREY,
            CAPTION_BACKGROUND,
            *(over_white(c, SPAN_ALPHA) for c in EVENT_COLOURS.values()),
            *(over_white(c, 0.5) for c in SERIES_COLOURS),
            *(over_white(c, SPAN_KEY_ALPHA) for c in EVENT_COLOURS.values()),
            SHARE_COLOUR,
            CAPTURED_COLOUR,
        ]
    )
)

D_RAMP = Ramp(D_COLOURS)
DATA_TINT_RAMP = Ramp(DATA_TINT_COLOURS)

# --------------------------------------------------------------------------- images composed in numpy
# Matplotlib's own image path (float image + norm + data-stage resampling) was the slowest part of a frame;
# gathers, lerps and a colour lookup cost a fraction of it, and an image at the exact pixel size needs no resampling.


def _lerp_index(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of n_out cell centres: the two input cells around it and the weight of the second."""
    x = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    lo = np.floor(x).astype(np.intp)
    return lo, np.minimum(lo + 1, n_in - 1), (x - lo).astype(np.float32)


class Upsampler:
    """Bilinear resize of (ny, nx) grids to (height, width), as two gathers and lerps (no BLAS needed)."""

    def __init__(self, src: tuple[int, int], dst: tuple[int, int]):
        self.y = _lerp_index(dst[0], src[0])
        self.x = _lerp_index(dst[1], src[1])

    def __call__(self, grid: np.ndarray) -> np.ndarray:
        g = np.nan_to_num(np.asarray(grid, np.float32))
        (xl, xh, xf), (yl, yh, yf) = self.x, self.y
        rows = g[:, xl]
        rows += (g[:, xh] - rows) * xf
        out = rows[yl]
        out += (rows[yh] - out) * yf[:, None]  # in place: one full-size temporary instead of four
        return out


class BandedOverlay:
    """A banded colour ramp with one colour laid over it at varying opacity, as a single 2D colour lookup."""

    def __init__(self, ramp: Ramp, bands: int, colour, gamma: float, levels: int = 64):
        base = ramp((np.arange(bands) + 0.5) / bands)
        alpha = (np.arange(levels) / (levels - 1)) ** gamma
        lut = base[:, None, :] * (1 - alpha[None, :, None]) + np.asarray(colour)[None, None, :] * alpha[None, :, None]
        self.lut = (lut.reshape(-1, 3) * 255 + 0.5).astype(np.uint8)
        rgba = np.concatenate([self.lut, np.full((len(self.lut), 1), 255, np.uint8)], axis=1)
        self.lut32 = np.ascontiguousarray(rgba).view(np.uint32).ravel()  # one RGBA pixel per lookup
        self.bands, self.levels = bands, levels

    def index(self, base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
        """LUT rows: base in bands (floor: band i holds [i/bands, (i+1)/bands)), overlay rounded to a level."""
        b = np.multiply(base, self.bands, dtype=np.float32)
        np.clip(b, 0, self.bands - 1, out=b)
        o = np.multiply(overlay, self.levels - 1, dtype=np.float32)
        np.clip(o, 0, self.levels - 1, out=o)
        o += 0.5
        return b.astype(np.int16) * np.int16(self.levels) + o.astype(np.int16)

    def __call__(self, base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
        """uint8 RGB for base values and overlay opacities, both in [0, 1]."""
        return np.take(self.lut, self.index(base, overlay), axis=0)  # np.take: far cheaper than fancy indexing

    def packed(self, base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
        """The same colours as packed RGBA uint32, ready to paste into a canvas buffer."""
        return np.take(self.lut32, self.index(base, overlay))


def density_vmax(rec) -> float:
    """One colour scale for the whole video: the data density's high quantile, else the first snapshot's."""
    ref = rec.data_density if rec.data_density is not None else rec[0].density
    positive = ref[ref > 0]
    return float(np.quantile(positive, 0.99)) if len(positive) else 1.0


def peak_ratio(density: np.ndarray, vmax: float) -> float:
    """How far a density's peak exceeds the colour scale's top (peak / vmax; ≤ 1: nothing is clipped)."""
    finite = np.nan_to_num(np.asarray(density, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    return float(finite.max() / vmax) if vmax > 0 and finite.size else 0.0


def mode_label_offsets(modes: np.ndarray) -> np.ndarray:
    """Unit directions (K, 2) in which to set each mode's number beside its × mark: away from the modes' centre
    (a ring's numbers sit outside it), up-right for a mode at the centre."""
    modes = np.asarray(modes, dtype=np.float64)
    away = modes - modes.mean(axis=0)
    norm = np.hypot(away[:, 0], away[:, 1])
    out = np.tile([np.sqrt(0.5), np.sqrt(0.5)], (len(modes), 1))
    far = norm > 1e-9 * (np.abs(modes).max() + 1)
    out[far] = away[far] / norm[far, None]
    return out


# --------------------------------------------------------------------------- D as mountains: the mesh

MAX_FACES = 40  # faces per side at most: plenty for the look, cheap to project and sort
ELEVATION = 35.0  # the camera's degrees above the data plane
LIGHT = np.array([-0.45, -0.6, 0.66])  # fixed in the data's frame, from the front left and above: slopes read as slopes
SHADE = 0.4  # how much darker a face turned fully away from the light gets (0: flat colours)


def box_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights averaging the input cells each output cell covers (by overlap), rows summing to 1."""
    edges = np.arange(n_out + 1) * n_in / n_out
    lo, hi = edges[:-1, None], edges[1:, None]
    cells = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, cells + 1) - np.maximum(lo, cells), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def lerp_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out + 1, n_in) weights interpolating cell-centre values at the n_out + 1 mesh lines (edges clamped)."""
    pos = np.clip(np.arange(n_out + 1) * n_in / n_out - 0.5, 0, n_in - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, n_in - 1)
    w = np.zeros((n_out + 1, n_in))
    rows = np.arange(n_out + 1)
    np.add.at(w, (rows, lo), 1 - (pos - lo))
    np.add.at(w, (rows, hi), pos - lo)
    return w


def mesh_size(n: int) -> int:
    """Faces per side for a grid of n cells: n itself when small, else n split into whole-ish blocks of cells."""
    return n if n <= MAX_FACES else math.ceil(n / math.ceil(n / MAX_FACES))


class Mesh:
    """A coarse mesh over a (ny, nx) grid: resampling grid → mesh is two small matrix products per quantity,
    heights at the (my + 1) x (mx + 1) vertices, colours over the my x mx faces (row-major, 4 corners each)."""

    def __init__(self, shape: tuple[int, int]):
        ny, nx = shape
        self.my, self.mx = mesh_size(ny), mesh_size(nx)
        self.vy, self.vx = lerp_weights(ny, self.my), lerp_weights(nx, self.mx)
        self.fy, self.fx = box_weights(ny, self.my), box_weights(nx, self.mx)
        vid = np.arange((self.my + 1) * (self.mx + 1)).reshape(self.my + 1, self.mx + 1)
        self.corners = np.stack([vid[:-1, :-1], vid[:-1, 1:], vid[1:, 1:], vid[1:, :-1]], axis=-1).reshape(-1, 4)

    def vertices(self, grid: np.ndarray) -> np.ndarray:
        """(my + 1, mx + 1) values at the mesh's vertices."""
        return self.vy @ grid @ self.vx.T

    def faces(self, grid: np.ndarray) -> np.ndarray:
        """(my * mx,) mean values over the mesh's faces."""
        return (self.fy @ grid @ self.fx.T).ravel()


def face_shading(faces: np.ndarray, light: np.ndarray = LIGHT, shade: float = SHADE) -> np.ndarray:
    """Per-face brightness factor from a fixed light (Lambert) for (n, 4, 3) quads, relative to a flat face:
    flat ground keeps D's exact colour (so white stays white), slopes turned away darken by up to `shade`."""
    normals = np.cross(faces[:, 2] - faces[:, 0], faces[:, 3] - faces[:, 1])
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    light = light / np.linalg.norm(light)
    flat = light[2]
    return 1 - shade * np.clip((flat - normals @ light) / flat, 0, 1)


# --------------------------------------------------------------------------- the latent grid, z ↦ G(z)


def grid_hue(coords: np.ndarray) -> np.ndarray:
    """Each latent grid point's angle around the grid's centre as a hue in [0, 1)."""
    c = coords - coords.mean(axis=0)
    y = c[:, 1] if c.shape[1] > 1 else np.zeros_like(c[:, 0])
    return (np.arctan2(y, c[:, 0]) / (2 * np.pi)) % 1


def grid_colours(coords: np.ndarray) -> np.ndarray:
    """Colour each latent grid point by its position (hue = angle, saturation = radius): a fold shows as colours crossing."""
    c = coords - coords.mean(axis=0)
    radius = np.hypot(c[:, 0], c[:, 1] if c.shape[1] > 1 else 0.0)
    radius = radius / (radius.max() or 1)
    return np.array([colorsys.hsv_to_rgb(h, 0.25 + 0.75 * r, 0.8) for h, r in zip(grid_hue(coords), radius)])


def latent_tails(rec) -> np.ndarray:
    """The arrows' tails in the data plane: the latent grid's coordinates (its plane's, for latent dim > 2)."""
    coords = rec.fixed["latent_grid_coords"]
    return coords if coords.shape[1] == 2 else np.concatenate([coords, np.zeros_like(coords)], axis=1)


# --------------------------------------------------------------------------- the 1D figure (Goodfellow et al. 2014, Fig. 1)

HEADROOM = 1.22  # the density band's top: 1.22 x the highest density it is scaled for (legend and V live above)
PEAK_QUANTILE = 0.9  # robust max of the generated density's peaks over the video (a brief spike may leave the frame)
MAX_PEAK = 4.0  # ... but never scale the data's peak below a quarter of the band
INSET = 0.04  # the z line's ends sit this share of the x range inside the axes, so the end points show
PROBE = 200  # snapshots read to fix a video's scales (evenly spread over the recording)


def probe_indices(n: int, k: int = PROBE) -> np.ndarray:
    """At most k snapshot indices spread evenly over a recording of n, first and last included."""
    return np.unique(np.linspace(0, n - 1, min(n, k)).round().astype(int))


def density_peak(rec, probes: int = PROBE) -> float:
    """The highest density a 1D figure's band is scaled for: the data's peak, raised toward a robust max of the
    generated peaks (at most MAX_PEAK times the data's), or that robust max alone without data."""
    peaks = np.array(
        [np.nanmax(np.nan_to_num(rec[i].density, nan=0.0, posinf=0.0)) for i in probe_indices(len(rec), probes)]
    )
    generated = float(np.quantile(peaks, PEAK_QUANTILE)) if len(peaks) else 0.0
    data = rec.data_density
    if data is not None and np.isfinite(data).any() and np.nanmax(data) > 0:
        ref = float(np.nanmax(data))
        return max(ref, min(generated, MAX_PEAK * ref))
    return generated if generated > 0 else 1.0


def latent_line(rec) -> tuple[np.ndarray, np.ndarray, str]:
    """Indices of the latent grid points on the z line, their z values, and the z line's label.

    Latent dim 1: the whole grid. Higher: the grid row through the middle of the second coordinate (z₂ ≈ 0).
    """
    coords = rec.fixed["latent_grid_coords"]
    if coords.shape[1] == 1:
        return np.arange(len(coords)), coords[:, 0].astype(float), "z"
    mid = coords[np.argmin(np.abs(coords[:, 1])), 1]
    idx = np.flatnonzero(coords[:, 1] == mid)
    return (
        idx[np.argsort(coords[idx, 0])],
        coords[idx[np.argsort(coords[idx, 0])], 0].astype(float),
        f"z₁ (z₂ = {mid:.2g})",
    )


def z_extent(rec, z: np.ndarray) -> tuple[float, float]:
    """The z range the z line spans end to end: the recorded latent grid's extent, else the points' own."""
    lo, hi = rec.manifest.get("latent_extent") or (float(z.min()), float(z.max()))
    return lo, hi


def z_positions(z: np.ndarray, lo: float, hi: float, x0: float, x1: float) -> np.ndarray:
    """Where z values sit on the z line, in x units: [lo, hi] spread over [x0, x1] less an INSET at each end."""
    span = (x1 - x0) * (1 - 2 * INSET)
    return x0 + (x1 - x0) * INSET + (np.asarray(z, float) - lo) / ((hi - lo) or 1.0) * span


def num(v: float) -> str:
    """A number as a label, with a true minus sign."""
    return f"{v:g}".replace("-", "−")


def prior_label(rec) -> str:
    """How z is drawn, from the manifest: 'z ~ U(−1, 1)' or 'z ~ N(0, 1)'."""
    m = rec.manifest
    if m.get("prior") == "uniform":
        lo, hi = m.get("prior_range", (-1, 1))
        return f"z ~ U({num(lo)}, {num(hi)})"
    return "z ~ N(0, 1)" + (
        f", grid over [{num(m['latent_extent'][0])}, {num(m['latent_extent'][1])}]" if "latent_extent" in m else ""
    )
