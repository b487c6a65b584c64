"""A third kind of data, defined entirely here, outside the package: 3D point clouds.

It proves that a new kind is one folder (here one file): a Kind with a prober, arrays and their checks, a metric,
`info` rows and a view, registered with gananim.kinds.register. The stages (Recorder, writer, reader, analysis,
renderer, CLI) are not touched. Its samples are (n, 3); the density is the cloud's shadow on the x-y plane.
"""

from __future__ import annotations

import numpy as np

from gananim.kinds import Kind
from gananim.recording.grid import Grid
from gananim.recording.validate import expect
from gananim.rendering.views.base import View, register

CELLS = 16


class CloudProber:
    """Snapshots G's output on fixed latents: the samples, their depth and their shadow's density."""

    batch_limit = 1

    def __init__(self, setup):
        import torch  # the prober runs inside training: torch is there

        self.torch, self.players = torch, setup.players
        x = np.asarray(setup.data, dtype=np.float32)
        lo, hi = x[:, :2].min(axis=0) - 1, x[:, :2].max(axis=0) + 1
        self.grid = Grid(tuple((float(a), float(b)) for a, b in zip(lo, hi)), CELLS)
        latents = setup.prior.sample(64, setup.seed).numpy()
        self.fixed = {"latents": latents, "data_samples": x[:64]}
        self.manifest = {"sample_shape": [3], "n_samples": 64, "grid": self.grid.to_dict()}

    def bind(self, fixed, manifest, seed):
        self.latents = self.players.on_g(fixed["latents"])

    def probe(self):
        from gananim.record.probes import probing, to_host

        with probing(self.players.G), self.torch.no_grad():
            y = self.players.G(self.latents)
        return to_host({"samples": y, "radius": y.norm(dim=1).mean()})

    def finish(self, raws):
        return [
            (
                {
                    "samples": r["samples"],
                    "density": self.grid.histogram(r["samples"][:, :2]),
                    "depth": r["samples"][:, 2],
                },
                {"radius": float(r["radius"])},
            )
            for r in raws
        ]

    def curvature_batch(self):
        return None


class CloudKind(Kind):
    name = "cloud3d"
    arrays = ("depth",)
    views_module = __name__

    def accepts(self, g_shape):
        return tuple(g_shape) == (3,)

    def prober(self, setup):
        return CloudProber(setup)

    def check_fixed(self, fixed, manifest, grid_shape, file):
        expect(fixed, "latents", (manifest.get("n_samples"), None), file, required=True)

    def check_chunk(self, chunk, manifest, grid_shape, fixed, file):
        k = len(chunk["step"])
        expect(chunk, "samples", (k, len(fixed["latents"]), 3), file, required=True)
        expect(chunk, "density", (k, *grid_shape), file, required=True)
        expect(chunk, "depth", (k, len(fixed["latents"])), file)

    def what(self, rec):
        return "3D points"

    def measure(self, rec, start):
        return [{"spread": float(rec[i].samples.std())} for i in range(start, len(rec))]

    def info_rows(self, rec):
        return [("data", f"3D points, shadow grid {rec.manifest['grid']['size']} per axis")]

    def default_view(self, recs):
        return "cloud"


@register
class CloudView(View):
    """The cloud's x-y shadow, each sample's dot shaded by its depth."""

    name = "cloud"
    kinds = ("cloud3d",)

    def setup(self, ax):
        self.frame_box(ax)
        self.dots = ax.scatter(
            np.zeros(0), np.zeros(0), s=12 * self.style.scale, c=np.zeros(0), cmap="viridis", vmin=-2, vmax=2
        )
        return [self.dots]

    def update(self, i):
        snap = self.rec[i]
        self.dots.set_offsets(snap.samples[:, :2])
        self.dots.set_array(snap.depth)
