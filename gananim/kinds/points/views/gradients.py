"""`gradients`: GAN Lab's "generator gradients": each fixed sample with an arrow where G's loss pushes it, over a faint D.

The arrow at a sample x is −∇ₓ of the generator's loss at x, i.e. the way gradient descent moves that sample:
∇ₓ log D(x) for the non-saturating loss (the recording's `g_grad`), and for the minimax loss −∇ₓ log(1 − D(x))
= D / (1 − D) · ∇ₓ log D(x), which vanishes where D(x) ≈ 0: the vanishing gradient of a too-strong D (seeds/004).
D at a sample is read off the recorded D grid (interpolated in logit space, exact for a logistic D in 1D).
A critic's recording (gananim.recording.game) stores the arrows as they are: ∇ₓ D(x) for the Wasserstein and hinge
games (G's loss −E D(G(z))), RaGAN's own weights for the relativistic one; its faint backdrop is the critic's scores
centred at the decision (views.d_scale).
Lengths keep their ratios, on ONE scale for the whole video (the 95th-percentile arrow over all snapshots is
TARGET of the view's width), so vanishing gradients look short and a gradient that grows really grows; only
outliers longer than MAX_LENGTH are cut to it. The mean length is printed each frame, in x units per unit of loss.

2D: arrows are polygons computed in data coordinates (the axes have equal aspect, so shapes are not
distorted): one PolyCollection for all of them, rebuilt with numpy each frame. 1D: see gradients_line.py.
"""

from __future__ import annotations

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.transforms import Bbox, offset_copy

from gananim.kinds.points.views.d_scale import DScale
from gananim.kinds.points.views.real import draw_real, real_key, shows_real
from gananim.kinds.points.views.surface import D_BANDS, mark_modes
from gananim.recording.game import game_of
from gananim.rendering.drawing import D_RAMP, Upsampler, probe_indices
from gananim.rendering.views.base import View, finite_rows, register
from gananim.rendering.views.tween import Tweening

TARGET = 0.08  # the 95th-percentile arrow is this share of the view's width
MAX_LENGTH = 0.20  # no arrow is drawn longer than this share of the width
FADE = 0.55  # D's bands are mixed this much toward white: a backdrop, not the subject
SHAFT = 0.0035  # shaft width, head width and head length as shares of the view's width
HEAD_WIDTH = 0.014
HEAD_LENGTH = 0.018
ARROW = "#1b1b1b"
KEY_X, KEY_W = 1.03, 0.035  # the column at the right of the axes: D's scale, the arrows' key under it (axes units)
KEY_LINES = 4  # the key's lines: "arrows:", what they are, their scale, their mean

# one arrow, pointing along +x from the origin: tail (0, ±½ shaft), shaft end, head corners, tip
_UNIT = np.array([[0, -0.5], [-1, -0.5], [-1, -1], [0, 0], [-1, 1], [-1, 0.5], [0, 0.5]], float)


def arrow_polygons(tails: np.ndarray, vectors: np.ndarray, shaft: float, head_w: float, head_l: float) -> np.ndarray:
    """(n, 7, 2) arrow outlines from tails along vectors; an arrow shorter than its head shrinks as a whole."""
    length = np.hypot(vectors[:, 0], vectors[:, 1])
    safe = np.where(length > 0, length, 1.0)
    ux, uy = vectors[:, 0] / safe, vectors[:, 1] / safe
    shrink = np.minimum(1.0, length / (1.5 * head_l))  # short arrows: smaller heads, so they still read as short
    hl, hw, sw = head_l * shrink, head_w * shrink / 2, shaft * shrink
    # along-axis (a) and across-axis (c) coordinates of the 7 corners
    a = np.stack(
        [np.zeros_like(length), length - hl, length - hl, length, length - hl, length - hl, np.zeros_like(length)],
        axis=1,
    )
    c = np.stack([-sw / 2, -sw / 2, -hw, np.zeros_like(length), hw, sw / 2, sw / 2], axis=1)
    x = tails[:, :1] + a * ux[:, None] - c * uy[:, None]
    y = tails[:, 1:] + a * uy[:, None] + c * ux[:, None]
    return np.stack([x, y], axis=2)


# −∇ₓ of G's loss at a sample x, by the game (gananim.recording.game): G's loss −E D(G(z)) for both critics' games
LOSS_LABELS = {
    "nonsaturating": "∇ₓ log D(x)",
    "minimax": "−∇ₓ log(1 − D(x))",
    "least_squares": "−∇ₓ ½(l(x) − 1)²",  # a recording from before raw scores: D's logit l, shown as σ(l)
    "least_squares_raw": "−∇ₓ ½(D(x) − 1)²",  # D(x) = l(x), LSGAN's regression (`named` adds G's loss)
    "wasserstein": "∇ₓ D(x), G: −E D(G(z))",
    "hinge": "∇ₓ D(x), G: −E D(G(z))",
    "relativistic_average": "−∇ₓ G's RaGAN loss",
}
SATURATED = 1e-6  # D within this of 0 or 1 is taken as that far from it (a float32 D grid stores 1.0 beyond l ≈ 17)


def d_at(rec, snap, x: np.ndarray) -> np.ndarray:
    """D at points x (n, dim), interpolated on the recorded D grid in logit space (NaN D counts as ½)."""
    d = np.clip(np.nan_to_num(snap.d_grid.astype(float), nan=0.5), SATURATED, 1 - SATURATED)
    logit = np.log(d) - np.log1p(-d)
    if rec.manifest["data_dim"] == 1:
        at = np.interp(x[:, 0], rec.grid.axes[0], logit)
    else:  # bilinear between the four grid cells around each point (points beyond the outer cells: clamped)
        fx, fy = (np.interp(x[:, k], c, np.arange(len(c))) for k, c in enumerate(rec.grid.axes))
        x0, y0 = np.minimum(fx.astype(int), logit.shape[1] - 2), np.minimum(fy.astype(int), logit.shape[0] - 2)
        wx, wy = fx - x0, fy - y0
        top = logit[y0, x0] * (1 - wx) + logit[y0, x0 + 1] * wx
        bottom = logit[y0 + 1, x0] * (1 - wx) + logit[y0 + 1, x0 + 1] * wx
        at = top * (1 - wy) + bottom * wy
    return 1 / (1 + np.exp(-at))


def push(rec, snap, keep: np.ndarray) -> np.ndarray:
    """−∇ₓ (G's loss) at the kept samples, from the recorded ∇ₓ log D and the loss the recording names."""
    grad = snap.g_grad[keep].astype(float)
    game = game_of(rec.manifest)
    loss = game.loss
    # a critic's arrows, and LSGAN's with raw scores (probe: _arrow_weights), are stored as −∇ₓ of G's loss
    if loss == "nonsaturating" or game.critic or game.regression or not len(grad):
        return grad
    d = np.clip(d_at(rec, snap, snap.samples[keep].astype(float)), SATURATED, 1 - SATURATED)
    if loss == "minimax":  # −∇ log(1 − D) = D ∇l and ∇ log D = (1 − D) ∇l
        return grad * (d / (1 - d))[:, None]
    logit = np.log(d) - np.log1p(-d)  # least squares on the raw output l: −∇ ½(l − 1)² = (1 − l) ∇l
    return grad * ((1 - logit) / (1 - d))[:, None]


def faint_colours(levels: int = D_BANDS) -> np.ndarray:
    """D's band colours mixed toward white, (levels, 3) floats."""
    base = D_RAMP((np.arange(levels) + 0.5) / levels)
    return base * (1 - FADE) + FADE


@register
class GradientsView(Tweening, View):
    """Fixed samples (red dots) with arrows where G's loss pushes them, over a faint D and the modes (2D);
    for 1D data an instance is a `gradients_line.LineGradients` (same name, same arrows, along the x line)."""

    name = "gradients"
    kinds = ("points",)
    data_dims = (1, 2)
    needs_discriminator = True

    line_form: type | None = None  # the 1D form; gradients_line.py (which builds on this class) registers itself here

    def __new__(cls, rec, style):
        if cls is GradientsView and rec.manifest.get("data_dim") == 1 and cls.line_form is not None:
            cls = cls.line_form
        return super().__new__(cls)

    def setup(self, ax):
        rec, s = self.rec, self.style
        (x0, x1), (y0, y1) = rec.view_box
        self.box = (x0, x1, y0, y1)
        self.width = x1 - x0
        self.raster_ax = ax
        self.real_lines = 0  # the real samples' line over the arrows' key, where they are drawn
        self.d_scale = DScale(rec)  # a critic's scores centred at the decision (views.d_scale)
        colours = self._make_backdrop()  # D's faint bands are the axes' bitmap (`raster`), under everything
        self._draw_d_scale(ax, colours)
        self.frame_box(ax)
        self.sizes = self._arrow_sizes(ax)
        self._make_arrows(ax)
        self._make_texts(ax)
        moving = [self.arrows, self.dots, self.outside, self.mean]
        if len(rec.modes):
            moving.insert(0, mark_modes(ax, rec, s))
        if shows_real(rec, self.data_points):  # under the arrows and G's samples: where they should go
            moving.insert(0, draw_real(ax, rec, s, zorder=3))
            self._real_key(ax)
        self.ax = ax
        return moving

    def _real_key(self, ax) -> None:
        """The real samples' mark and words, a line over the arrows' key."""
        size = self.style.fs(0.8)
        real_key(ax, self.style, KEY_X, size, (self.key_lines * 1.2 + 0.2) * size)
        self.real_lines = 1

    def _make_backdrop(self) -> np.ndarray:
        """D's faint bands, drawn by `raster` each frame: their colour table and upsamplers; returns the colours."""
        colours = faint_colours()
        self.lut = (colours * 255 + 0.5).astype(np.uint8)
        self.upsamplers: dict[tuple[int, int], Upsampler] = {}
        self._raster = None
        return colours

    def _draw_d_scale(self, ax, colours: np.ndarray) -> None:
        """The bands' colour scale at the right of the axes, fake 0 to real 1 (a critic's: centred at the decision),
        static, above the arrows' key."""
        s = self.style
        cax = ax.inset_axes([KEY_X, 0.5, KEY_W, 0.5])
        cax.set_axes_locator(lambda _, renderer: self._scale_box(ax))
        scale = ax.figure.colorbar(
            ScalarMappable(BoundaryNorm(np.linspace(0, 1, D_BANDS + 1), D_BANDS), ListedColormap(colours)),
            cax=cax,
            ticks=[0, 0.5, 1],
        )
        scale.ax.set_yticklabels(self.d_scale.ticks, fontsize=s.fs(0.8))
        scale.ax.set_title(
            self.d_scale.title, fontsize=s.fs(0.9), loc="left", pad=0.6 * s.fs(0.8) + 2
        )  # clear of "real 1"

    def _scale_box(self, ax) -> Bbox:
        """Where D's scale goes, in pixels once the frame is laid out: from under its title (inside the axes'
        height: above it the frame's title bar may be near) down to the arrows' key."""
        p = ax.get_window_extent()
        s = self.style
        key = s.px(s.fs(0.8)) * (
            (self.key_lines + self.real_lines) * 1.2 + 0.6
        )  # the key's lines, half a line for "fake 0"
        top = p.y1 - s.px(0.6 * s.fs(0.8) + 2 + 1.2 * s.fs(0.9))  # D's title, and its pad over "real 1"
        bottom = min(p.y0 + key, top - 0.3 * p.height)
        box = Bbox.from_extents(p.x0 + KEY_X * p.width, bottom, p.x0 + (KEY_X + KEY_W) * p.width, top)
        return box.transformed(ax.figure.transSubfigure.inverted())

    def _arrow_sizes(self, ax) -> tuple[float, float, float]:
        """Shaft width, head width and head length in data units: shares of the view's width, but never thinner
        than 1, 4 and 5 pixels."""
        (x0, x1), (y0, y1) = self.rec.view_box
        # pixels per data unit once the equal aspect is applied (the box shrinks to fit its longer side)
        fig_w, fig_h = ax.figure.bbox.width, ax.figure.bbox.height
        pos = ax.get_position(original=True)
        px = min(pos.width * fig_w / (x1 - x0), pos.height * fig_h / (y1 - y0))
        w = self.width
        return max(SHAFT * w, 1.0 / px), max(HEAD_WIDTH * w, 4.0 / px), max(HEAD_LENGTH * w, 5.0 / px)

    def _make_arrows(self, ax) -> None:
        """The arrows and the sample dots on them (moving, empty at first)."""
        s = self.style
        self.gain = self._gain()
        self.arrows = PolyCollection(
            np.zeros((0, 7, 2)), closed=True, facecolors=ARROW, edgecolors="none", alpha=0.8, zorder=4
        )
        ax.add_collection(self.arrows, autolim=False)
        self.dots = ax.scatter(
            np.zeros(0),
            np.zeros(0),
            s=max(3.6 * s.scale, 2.4) ** 2,
            color=s.generated,
            edgecolors="white",
            linewidths=0.4 * s.scale,
            zorder=5,
        )

    def _make_texts(self, ax) -> None:
        """Off the data: the arrows' key under D's scale, what they are and their fixed scale (static) and their
        mean (moving), and above the axes the count of samples out of view (moving, empty at first)."""
        s = self.style
        size = s.fs(0.8)
        ax.text(
            KEY_X,
            0.0,
            self.key_text,
            transform=offset_copy(ax.transAxes, ax.figure, y=1.2 * size, units="points"),
            ha="left",
            va="bottom",
            fontsize=size,
            color=s.text,
            linespacing=1.2,
        )
        self.mean = ax.text(KEY_X, 0.0, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=size, color=s.text)
        self.outside = ax.text(
            0.0, 1.0, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=size, color="#8a1c1c"
        )

    @property
    def label(self) -> str:
        """What the arrows are, by the loss the recording names."""
        game = game_of(self.rec.manifest)
        return LOSS_LABELS.get(game.loss + ("_raw" if game.regression else ""), LOSS_LABELS["nonsaturating"])

    @property
    def key_text(self) -> str:
        """The arrows' static key (over their moving mean), with LSGAN's clipped D scale named first where it is."""
        clipped = "D clipped to [0, 1]\n" if self.d_scale.regression else ""
        return f"{clipped}arrows:\n{self.named.replace('  ', chr(10))}\n× {self.gain:.3g} on screen"

    @property
    def key_lines(self) -> int:
        """The key's lines: KEY_LINES, and those LSGAN's words add (the scale's clipping, G's loss)."""
        return KEY_LINES + (2 if self.d_scale.regression else 0)

    @property
    def named(self) -> str:
        """The arrows' label with G's loss they come from, where the label alone leaves it unsaid (LSGAN's raw D)."""
        game = game_of(self.rec.manifest)
        return f"{self.label}  (G's loss {game.generator_loss})" if game.regression else self.label

    def _gain(self) -> float:
        """Data units of arrow per unit of push, fixed for the whole video from the 95th percentile of all lengths."""
        lengths = []
        for i in probe_indices(len(self.rec)):
            snap = self.rec[i]
            if snap.g_grad is None:
                continue
            keep = self._visible(snap.samples) & finite_rows(snap.g_grad)
            lengths.append(np.linalg.norm(push(self.rec, snap, keep), axis=1))
        lengths = np.concatenate(lengths) if lengths else np.zeros(0)
        p95 = float(np.quantile(lengths, 0.95)) if len(lengths) else 0.0
        return TARGET * self.width / p95 if p95 > 0 else 0.0

    def _visible(self, samples: np.ndarray) -> np.ndarray:
        """Finite samples inside the view box."""
        x0, x1, y0, y1 = self.box
        with np.errstate(invalid="ignore"):
            return (
                finite_rows(samples)
                & (samples[:, 0] >= x0)
                & (samples[:, 0] <= x1)
                & (samples[:, 1] >= y0)
                & (samples[:, 1] <= y1)
            )

    def pushes(self, snap) -> tuple[np.ndarray, np.ndarray]:
        """(keep, push): the samples with an arrow (visible, finite gradient) and their unscaled pushes."""
        keep = self._visible(snap.samples)
        if snap.g_grad is None:
            return keep, np.zeros((int(keep.sum()), snap.samples.shape[1]))
        keep &= finite_rows(snap.g_grad)
        return keep, push(self.rec, snap, keep)

    def vectors(self, snap) -> tuple[np.ndarray, np.ndarray]:
        """The drawn arrows' tails and vectors (data units) for a snapshot: visible samples with finite gradients."""
        keep, vec = self.pushes(snap)
        vec = vec * self.gain
        length = np.linalg.norm(vec, axis=1)
        cap = MAX_LENGTH * self.width
        vec *= np.where(length > cap, cap / np.where(length > 0, length, 1), 1.0)[:, None]
        return snap.samples[keep].astype(float), vec

    def mean_text(self, snap, short: bool = False) -> str:
        """The mean push at the shown samples, in numbers: vanishing shows here even where arrows are all short
        (`short`: "mean 0.064", under the key that names the push)."""
        _, p = self.pushes(snap)
        if not len(p):
            return ""
        mean = np.linalg.norm(p, axis=1).mean()
        return f"mean {mean:.2g}" if short else f"mean |{self.label}| = {mean:.2g}"

    def draw(self, snap, at: float) -> None:
        self.snap, self.at = snap, at
        visible = self._visible(snap.samples)
        self.dots.set_offsets(snap.samples[visible])
        tails, vec = self.vectors(snap)
        self.arrows.set_verts(arrow_polygons(tails, vec, *self.sizes))
        self.mean.set_text(self.mean_text(snap, short=True))
        out = int((finite_rows(snap.samples) & ~visible).sum())
        self.outside.set_text(f"{out} of {len(snap.samples)} samples outside the view" if out else "")

    def raster(self, height: int, width: int) -> np.ndarray:
        """D's faint bands at the axes' pixel size, top row first (kept while the snapshot and size stay the same)."""
        key = (self.at, height, width)
        if self._raster is not None and self._raster[0] == key:
            return self._raster[1]
        up = self.upsamplers.get((height, width)) or self.upsamplers.setdefault(
            (height, width), Upsampler(self.rec.grid.shape, (height, width))
        )
        # probabilities in [0, 1], or a critic's scores placed there (NaN already 0), so a uint8 cast bands them
        d = up(self.d_scale.unit(self.snap)[::-1])
        band = (d * D_BANDS).astype(np.uint8)
        np.minimum(band, D_BANDS - 1, out=band)
        image = np.take(self.lut, band, axis=0)  # far cheaper than fancy indexing for a small table
        self._raster = (key, image)
        return image
