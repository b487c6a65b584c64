"""Mode collapse on images: the fixed-latent sample grid going uniform while the class bars empty.

One images recording (e.g. digits-collapse). Left: G on the same 64 latents at every snapshot, real images below;
right: each class's share of the generated samples (bars; dashed: the data's share) and the classes captured over
training. Without a classifier's class shares (series `class_share_{k}`) the right side shows D(real) and D(fake).

    gananim scene scenes/digits_collapse.py runs/digits-collapse
"""

import numpy as np
from manim import DOWN, LEFT, UP, DashedLine, ImageMobject, Rectangle, Text, VGroup
from manim.constants import RESAMPLING_ALGORITHMS

from gananim.analysis import analyse
from gananim.kinds.images import ImagesKind
from gananim.rendering.manim.blocks import DATA_BLUE, GENERATED_RED, INK, Clock, ScalarChart
from gananim.rendering.manim.paint import GREY, follow
from gananim.rendering.manim.scene import Needs, RecordingScene
from gananim.rendering.manim.words import fmt, span
from gananim.rendering.tiles import layout, mosaic

PIXELS = 4  # each image pixel becomes PIXELS x PIXELS before manim scales the picture (nearest, so sharp squares)


def class_shares(rec) -> np.ndarray | None:
    """(snapshots, K) shares of the generated samples per class, or None where no classifier's shares were analysed."""
    series = analyse(rec).series
    k = 0
    while f"class_share_{k}" in series:
        k += 1
    return np.stack([series[f"class_share_{c}"] for c in range(k)], axis=1) if k else None


def sharp(picture: np.ndarray, height: float) -> ImageMobject:
    image = ImageMobject(np.repeat(np.repeat(picture, PIXELS, axis=0), PIXELS, axis=1))
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    image.height = height
    return image


class SampleGrid(ImageMobject):
    """G on the fixed grid latents at the clock's step: the snapshot before it (images are not blended)."""

    def __init__(self, rec, clock: Clock, center, height: float):
        self.rec, self.clock = rec, clock
        self.rows, self.cols = layout(len(rec[0].images))
        super().__init__(self._picture(0))
        self.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        self.height = height
        self.move_to(center)
        self.shown = 0
        follow(self, lambda m: m.show())

    def _picture(self, i: int) -> np.ndarray:
        snap = self.rec[i]
        picture = mosaic(snap.images, self.rows, self.cols, 1, snap.images_nonfinite)
        return np.repeat(np.repeat(picture, PIXELS, axis=0), PIXELS, axis=1)

    def show(self) -> None:
        i = self.rec.index_at(self.clock.step_for(self.rec))
        if i != self.shown:
            self.pixel_array[:, :, :3] = self._picture(i)
            self.shown = i


class ClassBars(VGroup):
    """One bar per class: its share of the generated samples at the clock's step; the data's share dashed."""

    def __init__(self, rec, shares: np.ndarray, clock: Clock, center, width: float, height: float):
        super().__init__()
        self.rec, self.shares, self.clock = rec, shares, clock
        k = shares.shape[1]
        freq = rec.fixed.get("data_class_freq")
        data = np.asarray(freq, float) if freq is not None and len(freq) == k else np.full(k, 1 / k)
        self.top = min(1.0, max(float(np.nan_to_num(shares).max()), 2 * float(data.max())))
        self.x0, self.y0, self.w, self.h = center[0] - width / 2, center[1] - height / 2, width, height
        self.slot = width / k
        self.static = VGroup(Rectangle(width=width, height=height, stroke_color=GREY, stroke_width=1.2).move_to(center))
        for c in range(k):
            x = self.x0 + (c + 0.5) * self.slot
            y = self.y0 + data[c] / self.top * height
            self.static.add(
                DashedLine(
                    [x - 0.45 * self.slot, y, 0],
                    [x + 0.45 * self.slot, y, 0],
                    color=DATA_BLUE,
                    stroke_width=2,
                    dash_length=0.06,
                )
            )
            self.static.add(Text(str(c), font_size=16, color=INK).move_to([x, self.y0 - 0.18, 0]))
        self.bars = [
            Rectangle(width=0.7 * self.slot, height=0.01, fill_color=GENERATED_RED, fill_opacity=0.85, stroke_width=0)
            for _ in range(k)
        ]
        self.add(*self.bars)
        follow(self, lambda m: m.show())

    def show(self) -> None:
        i = self.rec.index_at(self.clock.step_for(self.rec))
        for c, bar in enumerate(self.bars):
            h = max(float(np.clip(np.nan_to_num(self.shares[i, c]), 0, self.top)) / self.top * self.h, 0.01)
            bar.stretch_to_fit_height(h)
            bar.move_to([self.x0 + (c + 0.5) * self.slot, self.y0 + h / 2, 0])


class DigitsCollapse(RecordingScene):
    NEEDS = Needs(
        count=1, data_dim=None, kind=ImagesKind.name, pictures=True, discriminator=True, example="digits-collapse"
    )
    TITLE = "Mode collapse, in pictures"
    STORY = "digits_collapse"
    INTRO = (
        "Left: the generator's images for the same 64 latent vectors at every snapshot; real images below.",
        "Right: each class's share of the generated images (red) against the data's share (dashed blue).",
        "A collapsing generator draws the same few classes from every latent: the grid turns uniform, bars empty.",
    )

    def subtitle(self) -> str:
        return f"{self.names()[0]}: {len(self.recs[0])} snapshots up to step {int(self.recs[0].steps[-1]):,}"

    def findings(self) -> list[str]:
        rec = self.recs[0]
        shares = class_shares(rec)
        lines = []
        if shares is not None:
            k = shares.shape[1]
            captured = analyse(rec).series.get("classes_captured")
            if captured is not None and np.isfinite(captured).any():
                first, last = captured[np.isfinite(captured)][[0, -1]]
                lines.append(f"Classes captured: {first:.0f} of {k} at the start, {last:.0f} of {k} at the end.")
            top = int(np.nanargmax(shares[-1]))
            lines.append(
                f"At the end class {top} takes {shares[-1, top]:.0%} of the generated images (the data: "
                f"{1 / k:.0%} each on average)."
            )
        events = [e for e in analyse(rec).events if e.kind in ("collapse", "mode_hop", "divergence")]
        lines += [f"{span(e).capitalize()}: {e.caption}." for e in events[:2]]  # two collapses can share a caption
        d_real, d_fake = (analyse(rec).series.get(n) for n in ("d_real", "d_fake"))
        if d_real is not None and d_fake is not None:
            lines.append(f"At the end D(real) {fmt(d_real[-1], 2)}, D(fake) {fmt(d_fake[-1], 2)}.")
        return lines or ["No class shares were analysed for this recording (no classifier)."]

    def layout(self) -> Clock:
        rec = self.recs[0]
        clock = Clock([rec])
        grid = SampleGrid(rec, clock, center=(-3.4, 0.75, 0), height=4.9)
        real = rec.fixed["data_samples"][: grid.cols]
        strip = sharp(mosaic(real, 1, len(real), 1), grid.height / (grid.rows * 9 - 1) * 8).next_to(
            grid, DOWN, buff=0.2
        )
        self.add(
            grid,
            strip,
            Text("real", font_size=16, color=INK).next_to(strip, LEFT, buff=0.12),
            Text("G(z), 64 fixed z", font_size=18, color=INK).next_to(grid, UP, buff=0.1),
        )
        shares = class_shares(rec)
        if shares is not None:
            bars = ClassBars(rec, shares, clock, center=(3.3, 1.6, 0), width=5.6, height=2.6)
            self.add(
                bars.static,
                bars,
                Text("share of the generated images per class", font_size=18, color=INK)
                .next_to(bars.static, UP, buff=0.1)
                .align_to(bars.static, LEFT),
            )
            k = shares.shape[1]
            chart = ScalarChart(
                [(rec, "classes_captured", GENERATED_RED, "captured")],
                clock,
                center=(3.3, -1.45, 0),
                width=5.6,
                height=1.3,
                title=f"classes captured, of {k}",
                y_range=(0, k),
            )
        else:
            chart = ScalarChart(
                [(rec, "d_real", DATA_BLUE, "D(real)"), (rec, "d_fake", GENERATED_RED, "D(fake)")],
                clock,
                center=(3.3, 0.2, 0),
                width=5.6,
                height=2.6,
                title="D(real) and D(fake)",
                y_range=(0, 1),
            )
        self.add(chart.static, chart)
        self.counter(clock, (-6.9, 3.7, 0))
        self.captions(clock)
        return clock


SCENE = DigitsCollapse
