"""`grid`: the generator on a fixed batch of latents as a grid of images, over training, with real images under it.

The convention of image GANs (the PyTorch DCGAN tutorial, StyleGAN's progress grids): the same z every snapshot,
so each cell shows how one latent's image changes while G learns. A strip of real images from the fixed real
batch sits below as the reference. Pixels are enlarged nearest-neighbour: an 8x8 digit stays 64 sharp squares.
A sample that was NaN/inf is a pale red crossed tile (uint8 storage holds no NaN: the recording flags it).
A conditional recording's grid is one row per class (its fixed labels, gananim.record.labels), each named on its left,
as in the class-conditional grids of Mirza & Osindero 2014 (Fig. 2) and BigGAN.
"""

from __future__ import annotations

import numpy as np

from gananim.rendering.tiles import layout, mosaic
from gananim.rendering.views.base import View, register

GAP = 1  # pixels of the images' own size between tiles
STRIP_GAP = 4  # ... between the grid and the real strip


def label(ax, x: float, y: float, text: str, style, **kw):
    """A small caption beside a mosaic, in data coordinates (pixels of the images)."""
    return ax.text(x, y, text, **({"fontsize": style.fs(0.8), "color": style.text} | kw))


def mosaic_axes(ax) -> None:
    """An axes that shows pictures only: no ticks, no frame, y pointing down like image rows."""
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="box")


@register
class SampleGridView(View):
    """The fixed-latent sample grid; the real strip below for reference."""

    name = "grid"
    kinds = ("images",)
    pictures = True
    nonfinite_drawn = "crossed out"

    def setup(self, ax):
        rec, s = self.rec, self.style
        first = rec[0].images
        n, _, h, w = first.shape
        cond = rec.manifest.get("conditional")
        self.rows, self.cols = layout(n) if not cond else (-(-n // cond["grid_cols"]), cond["grid_cols"])
        width = self.cols * (w + GAP) - GAP
        height = self.rows * (h + GAP) - GAP
        real = rec.fixed["data_samples"][: self.cols]
        strip = mosaic(real, 1, len(real), GAP)
        top = height + STRIP_GAP  # the strip's first row
        mosaic_axes(ax)
        self.image = ax.imshow(
            mosaic(first, self.rows, self.cols, GAP), extent=(0, width, height, 0), interpolation="nearest"
        )
        ax.imshow(strip, extent=(0, strip.shape[1], top + h, top), interpolation="nearest")
        ax.set_xlim(0, width)
        ax.set_ylim(top + h, 0)
        if cond:
            self._class_names(ax, cond, rec.fixed.get("grid_labels"), h)
        else:
            label(ax, -0.6, height / 2, f"G(z): {n} fixed z", s, rotation=90, ha="right", va="center")
        label(ax, -0.6, top + h / 2, "real", s, rotation=90, ha="right", va="center")
        self.note = label(ax, width, height + STRIP_GAP / 2, "", s, ha="right", va="center", color="#b00020")
        return [self.image, self.note]

    def _class_names(self, ax, cond: dict, labels, h: int) -> None:
        """Each row's class name on its left (the row's label: its first image's), and the title above the grid."""
        s, names = self.style, cond["names"]
        for r in range(self.rows):
            k = int(labels[r * self.cols]) if labels is not None and r * self.cols < len(labels) else r % len(names)
            label(ax, -0.6, r * (h + GAP) + h / 2, names[k], s, ha="right", va="center")
        label(ax, 0, -0.6, f"G(z, y): {self.cols} fixed z per class y", s, ha="left", va="bottom")

    def update(self, i: int) -> None:
        snap = self.rec[i]
        bad = snap.images_nonfinite
        self.image.set_data(mosaic(snap.images, self.rows, self.cols, GAP, bad))
        count = int(np.sum(bad)) if bad is not None else 0
        self.note.set_text(f"{count} NaN/inf, crossed out" if count else "")
