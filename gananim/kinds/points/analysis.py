"""What a points recording's analysis measures: mode coverage, divergences and D between the modes from the stored
samples, density and D grid (gananim.analysis.metrics), and the events of the game with mode hops and sway."""

from __future__ import annotations

import numpy as np

from gananim.analysis.events import Event
from gananim.kinds.points import metrics
from gananim.kinds.points.events import HELD, detect_events
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
    """The events of these series, read in the protocol's window: within 3σ of a mode where those windows are small
    and disjoint, else within 1σ (the dashboard's alternative, labelled "3σ protocol n/a"). There the 1σ shares stand
    in for the 3σ ones (the high-quality share, the per-mode shares the hops follow, and the modes captured, counted
    as the modes held), so that no caption calls a diffuse cloud "high quality" or a band sweeping past the modes a
    hop. A mode is held where its share in the window is at least HELD × the real data's own share there: a hop
    names only modes held where it starts and ends, and a collapse needs the samples on some mode (issue 19)."""
    fit, data = reference(rec)
    quality = "high quality"
    window = metrics.MODE_SHARE if fit is None or fit.applies else metrics.CORE_SHARE
    held = held_modes(series, data, window, len(rec.modes))
    if fit is not None and not fit.applies and "core_share" in series:
        k = len(rec.modes)
        series = {**series, "hq_share": series["core_share"]}
        series |= {metrics.MODE_SHARE.format(i): series[metrics.CORE_SHARE.format(i)] for i in range(k)
                   if metrics.CORE_SHARE.format(i) in series}  # fmt: skip
        if held is not None:
            series["modes_captured"] = held.sum(axis=1).astype(np.float64)
        quality = f"within {metrics.CORE_SIGMA:g}σ of a mode"
    return detect_events(
        rec.steps,
        series,
        n_modes=len(rec.modes) or None,
        view_size=metrics.view_size(rec.grid),
        modes=rec.modes if len(rec.modes) else None,
        quality=quality,
        held=held,
    )


def held_modes(series: dict[str, np.ndarray], data: dict[str, float], window: str, k: int) -> np.ndarray | None:
    """(snapshots, K) whether each mode is held: its share in the window (series `window`.format(k)) at least HELD ×
    the real data's share there; None where the shares or the data's are not known (then no mode is vetoed)."""
    names = [window.format(i) for i in range(k)]
    if not k or not all(n in series and n in data for n in names):
        return None
    shares = np.stack([np.asarray(series[n], dtype=np.float64) for n in names], axis=1)
    with np.errstate(invalid="ignore"):
        return shares >= HELD * np.array([data[n] for n in names])


__all__ = ["events", "measure", "reference"]
