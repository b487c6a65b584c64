"""`gananim info`'s rows about a points recording: its target, data and latents."""

from __future__ import annotations

import json

from gananim.recording.reader import Recording


def rows(rec: Recording) -> list[tuple[str, str]]:
    m = rec.manifest
    return [
        ("target", json.dumps(m.get("target")) if m.get("target") else "(view box only)"),
        ("data", f"{m['data_dim']}D, view box {[list(b) for b in rec.view_box]}, grid {m['grid']['size']} per axis"),
        (
            "latent",
            f"{m['latent_dim']}D {m.get('prior', '?')}, {m.get('n_samples', '?')} fixed samples, "
            f"grid {m.get('latent_grid_shape', '?')}",
        ),
    ]


__all__ = ["rows"]
