"""The outline of a target whose support is a curve, drawn by the views instead of a density (numpy only)."""

from __future__ import annotations

import numpy as np

OUTLINE_POINTS = (
    721  # points of an analytic outline: smooth at any frame size (a 64-cell grid's contour is a jagged polygon)
)


def data_outline(rec) -> list[np.ndarray]:
    """Smooth outlines of where the data lies, for targets whose support is a curve rather than modes: (n, 2) polylines
    in data units from the recorded target's own parameters (a circle: its exact circle), [] for any other target."""
    target = rec.manifest.get("target") or {}
    if target.get("kind") == "circle" and rec.manifest.get("data_dim") == 2:
        angle = np.linspace(0, 2 * np.pi, OUTLINE_POINTS)
        cx, cy = target.get("center", (0.0, 0.0))
        r = float(target["radius"])
        return [np.stack([cx + r * np.cos(angle), cy + r * np.sin(angle)], axis=1)]
    return []


__all__ = ["OUTLINE_POINTS", "data_outline"]
