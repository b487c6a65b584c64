"""What `gananim info` says about a recording: (name, value) rows, for points (1D/2D) and images recordings alike.

The manifests of the two kinds differ (gananim.recording.layout): points recordings have `data_dim` and a view box, images
recordings a sample shape, a value range and maybe a classifier, so each kind gets its own `data` rows.
"""

from __future__ import annotations

import json
from pathlib import Path

from gananim.recording.reader import Recording


def human_size(n: float) -> str:
    """Bytes as a short human string (KB, MB, ...)."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _number(v) -> str:
    return f"{float(v):g}"


def classifier_line(info: dict | None) -> str:
    """The classifier behind class coverage: its name, where it came from, its classes and held-out accuracy."""
    if not info:
        return "none: no class coverage (give the Recorder classifier=, a module or callable returning logits)"
    source = "built-in" if info.get("source") == "builtin" else "yours, via classifier="
    accuracy = info.get("accuracy")
    tested = f", held-out accuracy {accuracy:.1%}" if isinstance(accuracy, (int, float)) else ""
    return f"{info.get('name', '?')} ({source}), {info.get('classes', '?')} classes{tested}"


def _image_rows(rec: Recording) -> list[tuple[str, str]]:
    m = rec.manifest
    lo, hi = rec.value_range
    shape = "×".join(map(str, rec.sample_shape))
    latent = list(m.get("latent_shape", [m["latent_dim"]]))
    shaped = f" shaped {latent}" if len(latent) > 1 else ""  # e.g. a DCGAN's (z, 1, 1)
    what = f"{shape} images (C×H×W)" if rec.is_image else f"vectors of {rec.sample_shape[0]} numbers"
    pictures = f", {m.get('n_images', '?')} in the grid, {'×'.join(map(str, m.get('interp_shape', ['?'])))} on latent paths" \
        if rec.is_image else ""
    return [("data", f"{what}, values in [{_number(lo)}, {_number(hi)}]; {m.get('n_real', '?')} fixed real samples, "
                     f"PCA plane grid {m['grid']['size']} per axis"),
            ("classifier", classifier_line(m.get("classifier"))),
            ("latent", f"{m['latent_dim']}D {m.get('prior', '?')}{shaped}, {m.get('n_samples', '?')} fixed samples{pictures}")]


def _point_rows(rec: Recording) -> list[tuple[str, str]]:
    m = rec.manifest
    return [("target", json.dumps(m.get("target")) if m.get("target") else "(view box only)"),
            ("data", f"{m['data_dim']}D, view box {[list(b) for b in rec.view_box]}, grid {m['grid']['size']} per axis"),
            ("latent", f"{m['latent_dim']}D {m.get('prior', '?')}, {m.get('n_samples', '?')} fixed samples, "
                       f"grid {m.get('latent_grid_shape', '?')}")]


def describe(rec: Recording, run: Path) -> list[tuple[str, str]]:
    """The rows of `gananim info RUN`'s table: the recording, its experiment, data, latent, D and snapshots."""
    m = rec.manifest
    config = m.get("config") or {}
    kind = "" if rec.kind == "points" else f", {rec.kind}"
    rows = [("recording", f"{run}  ({human_size(rec.nbytes())}, format v{m['version']}{kind}, {m.get('dtype')})"),
            ("experiment", f"{config.get('name', '(user loop)')}: {config.get('description', '')}".rstrip(": "))]
    rows += _image_rows(rec) if rec.kind == "images" else _point_rows(rec)
    every = m.get("every", "?")
    rows += [("discriminator", f"outputs {m.get('d_output')}" if m.get("has_discriminator") else "none"),
             ("snapshots", f"{len(rec)}, steps {rec.steps[0]}–{rec.steps[-1]} every {every}" if len(rec) else "0")]
    return rows


__all__ = ["classifier_line", "describe", "human_size"]
