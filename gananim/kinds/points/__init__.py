"""The points kind: 1D and 2D samples, the toy lab's and most explainers' recordings.

probe       PointProber: samples, the mapping's arrows, D on the view box's grid, G's gradient arrows (torch)
data        the user's data as a target, a fixed real batch and a view box
targets     the 1D/2D target distributions (numpy): sampling, density on a grid, modes
arrays      the manifest fields and arrays a reader checks
analysis    mode coverage and the game's events with mode hops and sway
info        `gananim info`'s rows
views       surface, density, mapping, gradients, gradients-line, goodfellow-1d, mountains
"""

from __future__ import annotations

from gananim.kinds.kind import Kind
from gananim.kinds.registry import register


class PointsKind(Kind):
    name = "points"
    version = 1  # points recordings write format 1 (no "kind" field), readable by gananim 0.1
    arrays = ("mapping", "d_grid", "g_grad", "game_eigs", "hessian_eigs")
    modules = {
        "probe": "gananim.kinds.points.probe",
        "arrays": "gananim.kinds.points.arrays",
        "analysis": "gananim.kinds.points.analysis",
        "info": "gananim.kinds.points.info",
        "player": "gananim.kinds.points.player",
    }
    views_module = "gananim.kinds.points.views"
    fixed_names = ("latents", "latent_grid", "latent_grid_coords", "latent_plane", "data_samples", "data_density",
                   "modes", "mode_scales")  # fmt: skip

    def accepts(self, g_shape):
        return len(g_shape) == 0 or (len(g_shape) == 1 and g_shape[0] in (1, 2))

    def grid_dims(self, manifest):
        return manifest["data_dim"]

    def read_fields(self, get):
        fields = super().read_fields(get)
        game = fields["game_eigs"]  # stored as (k, 2) real/imaginary pairs: read as (k,) complex
        fields["game_eigs"] = None if game is None else game[:, 0] + 1j * game[:, 1]
        return fields

    def sample_shape(self, manifest):
        return (manifest["data_dim"],)

    def what(self, rec):
        return f"{rec.manifest['data_dim']}D points"

    def default_view(self, recs):
        """1D data: goodfellow-1d (it draws D where there is one). 2D: surface when every recording has a
        discriminator, else density for all of them: a GAN beside a VAE or an MMD generator is then compared on what
        both have, samples and generated density over the data density (seeds/000 compares them that way)."""
        if any(r.manifest["data_dim"] == 1 for r in recs):
            return "goodfellow-1d"
        return "surface" if all(r.manifest.get("has_discriminator") for r in recs) else "density"

    def draws(self, view, rec):
        dims, dim = getattr(view, "data_dims", (1, 2)), rec.manifest["data_dim"]
        if dim not in dims:
            want = " or ".join(f"{d}D" for d in dims)
            return f"view {view.name!r} draws {want} data, but {rec.path} holds {dim}D data"
        return super().draws(view, rec)


POINTS = register(PointsKind())

__all__ = ["POINTS", "PointsKind"]
