"""A points recording's arrays and manifest fields, as the reader checks them (gananim.recording.validate's helpers).

fixed.npz   latents, latent_grid (+ coords, plane), data_samples, data_density, modes, mode_scales
chunks      samples, density, mapping, d_grid, g_grad, game_eigs, hessian_eigs (one entry per step)
"""

from __future__ import annotations

from pathlib import Path

from gananim.recording.validate import expect, is_int, is_pair, optional

FIELDS = {
    "data_dim": (True, lambda v: v in (1, 2) and is_int(v), "1 or 2"),
    "g_grad_rows": (False, lambda v: is_int(v, 0), "a whole number ≥ 0"),
    "latent_grid_shape": (
        False,
        lambda v: isinstance(v, list) and all(is_int(x, 1) for x in v),
        "a list of whole numbers",
    ),
    "latent_extent": (False, optional(is_pair), "a [low, high] pair"),
    "target": (False, optional(lambda v: isinstance(v, dict)), "an object"),
}


def check_fixed(fixed: dict, manifest: dict, grid_shape: tuple, file: Path) -> None:
    """fixed.npz: the latents, the latent grid, and the target's arrays, sized as the manifest says."""
    dim, zdim = manifest["data_dim"], manifest["latent_dim"]
    expect(fixed, "latents", (manifest.get("n_samples"), zdim), file, required=True)
    expect(fixed, "latent_grid", (None, zdim), file, required=True)
    m = len(fixed["latent_grid"])
    expect(fixed, "latent_grid_coords", (m, None), file)
    expect(fixed, "latent_plane", (2, zdim), file)
    expect(fixed, "data_samples", (None, dim), file)
    expect(fixed, "data_density", grid_shape, file)
    expect(fixed, "modes", (None, dim), file)
    expect(fixed, "mode_scales", (len(fixed["modes"]) if "modes" in fixed else None,), file)


def check_chunk(chunk: dict, manifest: dict, grid_shape: tuple, fixed: dict, file: Path) -> None:
    """Every snapshot array in a chunk has one entry per step, shaped for the manifest's grid and latents."""
    k, dim = len(chunk["step"]), manifest["data_dim"]
    n_latents, n_grid = len(fixed["latents"]), len(fixed["latent_grid"])
    expect(chunk, "samples", (k, n_latents, dim), file, required=True)
    expect(chunk, "density", (k, *grid_shape), file, required=True)
    expect(chunk, "mapping", (k, n_grid, dim), file)
    # where the manifest says there is a D, the views that need one draw D on the grid: it must be there
    expect(chunk, "d_grid", (k, *grid_shape), file, required=bool(manifest.get("has_discriminator")))
    expect(chunk, "g_grad", (k, n_latents, dim), file)
    expect(chunk, "game_eigs", (k, None, 2), file)
    expect(chunk, "hessian_eigs", (k, None), file)


__all__ = ["FIELDS", "check_chunk", "check_fixed"]
