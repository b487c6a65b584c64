"""What a points recording's analysis measures: mode coverage, divergences and D between the modes from the stored
samples, density and D grid (gananim.analysis.metrics), and the events of the game with mode hops and sway."""

from __future__ import annotations

import numpy as np

from gananim.analysis.events import Event
from gananim.kinds.points import metrics
from gananim.kinds.points.events import detect_events
from gananim.recording.reader import Recording


def reference(rec: Recording) -> tuple[metrics.ProtocolFit | None, dict[str, float]]:
    """Whether the 3σ protocol applies to the recording's modes, and the real samples' mode metrics (cheap: not cached)."""
    modes, scales = rec.modes, rec.mode_scales
    if not len(modes) or len(scales) != len(modes):
        return None, {}
    fit = metrics.protocol_fit(modes, scales, rec.view_box)
    real = rec.fixed.get("data_samples")
    if real is None or not len(real):
        return fit, {}
    data = {}
    for k_sigma, total, per in (
        (metrics.K_SIGMA, "hq_share", metrics.MODE_SHARE),
        (metrics.CORE_SIGMA, "core_share", metrics.CORE_SHARE),
    ):
        cov = metrics.mode_coverage(real, modes, scales, k_sigma=k_sigma)
        data |= {total: cov.hq_share, **{per.format(k): float(v) for k, v in enumerate(cov.per_mode)}}
    return fit, data


def measure(rec: Recording, start: int) -> list[dict[str, float]]:
    """gananim.analysis.metrics of snapshots start.. of a recording, from their stored arrays."""
    ref = metrics.Reference(
        rec.grid,
        data_density=rec.data_density,
        modes=rec.modes,
        scales=rec.mode_scales,
        real=rec.fixed.get("data_samples"),
    )
    return [ref.measure(snap.samples, snap.density, snap.d_grid) for snap in (rec[i] for i in range(start, len(rec)))]


def events(rec: Recording, series: dict[str, np.ndarray]) -> list[Event]:
    """The events of these series. Where the 3σ protocol does not apply to the recording's modes, its alternative
    (the share within 1σ) stands in for the high-quality share, as on the dashboard, so that no caption calls a
    diffuse cloud "high quality". Mode hops still follow the nearest-mode shares: where the mass goes, whatever its
    quality."""
    fit = reference(rec)[0]
    quality = "high quality"
    if fit is not None and not fit.applies and "core_share" in series:
        series, quality = {**series, "hq_share": series["core_share"]}, f"within {metrics.CORE_SIGMA:g}σ of a mode"
    return detect_events(
        rec.steps,
        series,
        n_modes=len(rec.modes) or None,
        view_size=metrics.view_size(rec.grid),
        modes=rec.modes if len(rec.modes) else None,
        quality=quality,
    )


__all__ = ["events", "measure", "reference"]
