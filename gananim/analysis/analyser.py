"""What a recording shows: its metric series and events, computed from the arrays it stores and cached beside it.

    from gananim.analysis import analyse
    a = analyse(rec)            # Analysis(steps, series, events, analysed, cached)
    a.series["modes_captured"]  # one value per snapshot
    a.events                    # [Event(kind, start, end, caption)]
    a.protocol                  # metrics.ProtocolFit: does the 3σ mode protocol apply to these modes in this view?
    a.data                      # the same sample metrics of the real data (`core_share`, …): what a perfect G would score

Every metric of gananim.analysis.metrics is computed here, outside training, from each snapshot's stored `samples`,
`density` and `d_grid` and the recording's fixed arrays (data density, modes, real `data_samples`), so anyone
can recompute any number from the recording. An images recording (spec: issue 11) is measured by class coverage
instead (gananim.kinds.images.metrics: classes captured, class shares, reverse KL, Fréchet distance) from its stored
samples and the classifier stored with it, and gets collapse and mode-hop events on its class shares
(gananim.kinds.images.events). Scalars the training loop recorded win over computed ones of the
same name (recordings of gananim 0.1.0 measured their metrics live: those values are kept).

Two cache files live beside the chunks; the recording itself is never touched:
    analysis.npz   the computed series, the steps they cover, a checksum of each snapshot's recorded scalars
                   (a resumed run that records a step again changes it) and STAMP, the metric code's version
    events.json    the events, with STAMP and a checksum of the whole recording they were detected on
A recording that grew since costs only its new snapshots; a new STAMP recomputes everything. Writing the cache
never stops reading: on a read-only folder, a full disk or any write failure the analysis is simply not cached
(the next call computes it again), without a word.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import weakref
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gananim.kinds.images import metrics as class_metrics
from gananim.analysis import metrics
from gananim.recording.atomic import atomic_write
from gananim.kinds.images.events import detect_class_events
from gananim.kinds.images.classifier import MLPClassifierWeights
from gananim.errors import GananimError
from gananim.analysis.events import Event, detect_events
from gananim.recording.reader import Recording

SERIES_FILE = "analysis.npz"
EVENTS_FILE = "events.json"
PREFIX = "series__"  # a computed series' key in analysis.npz


def _code_stamp() -> str:
    """A digest of the source of the code that computes series and events: any change to it recomputes caches."""
    from gananim.kinds.images import events as class_events
    from gananim.kinds.images import classifier
    from gananim.analysis import events

    digest = hashlib.sha1()
    try:
        for file in (metrics.__file__, events.__file__, class_metrics.__file__, class_events.__file__, classifier.__file__, __file__):
            digest.update(Path(file).read_bytes())
    except (OSError, TypeError):  # no readable source (a frozen install): the release stands for the code
        return importlib.metadata.version("gananim")
    return digest.hexdigest()[:16]


STAMP = _code_stamp()


@dataclass
class Analysis:
    """A recording's series and events, one value per snapshot at `steps`."""

    steps: np.ndarray
    series: dict[str, np.ndarray]  # the recorded scalars and the computed metrics (recorded values win)
    events: list[Event]
    analysed: tuple[str, ...]  # the names in `series` computed here rather than recorded
    cached: bool  # whether the caches beside the recording are current (False where they could not be written)
    protocol: metrics.ProtocolFit | None = None  # whether the 3σ protocol applies (None: the target has no modes)
    data: dict[str, float] = field(default_factory=dict)  # mode metrics of the stored real samples, the reference


# One Analysis per Recording object, kept while it shows the same snapshots: refresh() gives a recording new
# `steps`, so identity of that array tells a current entry from a stale one at no cost.
_memo: "weakref.WeakKeyDictionary[Recording, Analysis]" = weakref.WeakKeyDictionary()


def analyse(rec: Recording) -> Analysis:
    """The recording's series and events: from memory or the caches where current, else computed (and cached)."""
    known = _memo.get(rec)
    if known is not None and known.steps is rec.steps:
        return known
    if not len(rec):
        return Analysis(rec.steps, dict(rec.scalars), [], (), True, *_modes_reference(rec))
    prints = _fingerprints(rec)
    computed, series_cached = _computed_series(rec, prints)
    series = _merge(rec.scalars, computed)
    found, events_cached = _events(rec, series, prints)
    analysed = tuple(n for n in computed if n not in rec.scalars or not np.isfinite(rec.scalars[n]).any())
    result = Analysis(rec.steps, series, found, analysed, series_cached and events_cached, *_modes_reference(rec))
    _memo[rec] = result
    return result


def _modes_reference(rec: Recording) -> tuple[metrics.ProtocolFit | None, dict[str, float]]:
    """Whether the 3σ protocol applies to the recording's modes, and the real samples' mode metrics (cheap: not cached);
    for an images recording no protocol, and the class metrics of its fixed real batch."""
    if rec.kind == "images":
        ref = _class_reference(rec)
        real = rec.fixed.get("data_samples")
        if ref is None or real is None:
            return None, {}
        logits = rec.fixed["real_features"] if ref.classifier is None else None  # a user classifier: its logits
        return None, ref.measure(real, None, logits)
    modes, scales = rec.modes, rec.mode_scales
    if not len(modes) or len(scales) != len(modes):
        return None, {}
    fit = metrics.protocol_fit(modes, scales, rec.view_box)
    real = rec.fixed.get("data_samples")
    if real is None or not len(real):
        return fit, {}
    data = {}
    for k_sigma, total, per in ((metrics.K_SIGMA, "hq_share", metrics.MODE_SHARE), (metrics.CORE_SIGMA, "core_share", metrics.CORE_SHARE)):
        cov = metrics.mode_coverage(real, modes, scales, k_sigma=k_sigma)
        data |= {total: cov.hq_share, **{per.format(k): float(v) for k, v in enumerate(cov.per_mode)}}
    return fit, data


def _class_reference(rec: Recording) -> class_metrics.ClassReference | None:
    """What class coverage measures an images recording against (spec: the manifest's `classifier`, fixed.npz's
    data_class_freq, real_features and, for the built-in classifier, its weights); None without a classifier."""
    info = rec.manifest.get("classifier")
    freq, real = rec.fixed.get("data_class_freq"), rec.fixed.get("real_features")
    if not isinstance(info, dict) or freq is None or real is None:
        return None
    weights = MLPClassifierWeights.from_fixed(rec.fixed, name=str(info.get("name", "")), accuracy=info.get("accuracy"))
    return class_metrics.ClassReference(freq, real, rec.value_range, weights)


def _fingerprints(rec: Recording) -> np.ndarray:
    """One checksum per snapshot of its recorded scalars: a snapshot recorded again by a resumed run changes it."""
    names = sorted(rec.scalars)
    table = np.stack([rec.scalars[n] for n in names], axis=1) if names else np.zeros((len(rec), 0))
    return np.array([zlib.crc32(repr([(n, v) for n, v in zip(names, row) if v == v]).encode()) for row in table.tolist()],
                    dtype=np.int64)


def _computed_series(rec: Recording, prints: np.ndarray) -> tuple[dict[str, np.ndarray], bool]:
    """Every metric series, reusing the cached rows whose step and fingerprint still match; (series, cache current)."""
    cache = _read_series_cache(rec.path / SERIES_FILE)
    kept = 0
    if cache is not None:
        n = min(len(cache["step"]), len(rec))
        same = (cache["step"][:n] == rec.steps[:n]) & (cache["fingerprint"][:n] == prints[:n])
        kept = n if same.all() else int(np.argmin(same))
    rows = _measure(rec, kept)
    old = {k[len(PREFIX):]: v[:kept] for k, v in cache.items() if k.startswith(PREFIX)} if cache is not None else {}
    names = list(dict.fromkeys([*old, *(n for row in rows for n in row)]))
    series = {n: np.concatenate([old.get(n, np.full(kept, np.nan)), [row.get(n, np.nan) for row in rows]]) for n in names}
    if not rows:  # every row came from the cache (which may hold more, written by a reader of the grown recording)
        return series, True
    arrays = {"stamp": np.array(STAMP), "step": rec.steps, "fingerprint": prints, **{PREFIX + n: v for n, v in series.items()}}
    return series, _write(rec.path / SERIES_FILE, lambda f: np.savez(f, **arrays))


def _measure(rec: Recording, start: int) -> list[dict[str, float]]:
    """gananim.analysis.metrics of snapshots start.. of a recording, from their stored arrays."""
    if start >= len(rec):
        return []
    if rec.kind == "images":  # the 1D/2D sample metrics do not apply: class coverage, where a classifier is known
        ref = _class_reference(rec)
        snaps = (rec[i] for i in range(start, len(rec)))
        return [{} if ref is None else ref.measure(s.samples, s.nonfinite, s.class_logits) for s in snaps]
    ref = metrics.Reference(rec.grid, data_density=rec.data_density, modes=rec.modes, scales=rec.mode_scales,
                            real=rec.fixed.get("data_samples"))
    return [ref.measure(snap.samples, snap.density, snap.d_grid) for snap in (rec[i] for i in range(start, len(rec)))]


def _merge(recorded: dict[str, np.ndarray], computed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Recorded scalars and computed series in one dict; where a name has both, a recorded value wins where it exists."""
    out = dict(recorded)
    for name, values in computed.items():
        out[name] = np.where(np.isnan(recorded[name]), values, recorded[name]) if name in recorded else values
    return out


def _events(rec: Recording, series: dict[str, np.ndarray], prints: np.ndarray) -> tuple[list[Event], bool]:
    """The events of these series: from events.json if it was written for this very recording, else detected."""
    key = f"{zlib.crc32(rec.steps.astype(np.int64).tobytes() + prints.tobytes()):08x}:{len(rec)}"
    file = rec.path / EVENTS_FILE
    try:
        data = json.loads(file.read_text())
        if data.get("stamp") == STAMP and data.get("recording") == key:
            return [Event.from_dict(e) for e in data["events"]], True
    except (OSError, ValueError, KeyError, TypeError, AttributeError, GananimError):
        pass  # no cache, an old one or a damaged one: detect again
    detected_on, quality = _event_series(rec, series)
    found = detect_events(rec.steps, detected_on, n_modes=len(rec.modes) or None, view_size=metrics.view_size(rec.grid),
                          modes=rec.modes if len(rec.modes) else None, quality=quality)
    if rec.kind == "images":  # collapse and hops on the class shares; the scalar rules above apply unchanged
        classes = sum(1 for n in series if n.startswith(class_metrics.CLASS_SHARE.format("")))
        found = sorted(found + detect_class_events(rec.steps, series, classes), key=lambda e: (e.start, e.end))
    text = json.dumps({"stamp": STAMP, "recording": key, "events": [e.to_dict() for e in found]}, indent=2)
    return found, _write(file, lambda f: f.write(text.encode()))


def _event_series(rec: Recording, series: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], str]:
    """The series events are detected on, and what their `hq_share` counts: where the 3σ protocol does not apply
    to the recording's modes, its alternative (the share within 1σ) stands in for the high-quality share, as on the
    dashboard, so that no caption calls a diffuse cloud "high quality". Mode hops still follow the nearest-mode
    shares: where the mass goes, whatever its quality. An images recording has no JS on a grid: the reverse KL over
    classes stands in for it in the convergence rule's "G near the data" veto (both in nats), so that a D at ½
    beside a G collapsed onto one digit (digits-collapse) is not called converged."""
    if rec.kind == "images":
        return ({**series, "js": series["class_kl"]} if "class_kl" in series else series), "high quality"
    fit = _modes_reference(rec)[0]
    if fit is None or fit.applies or "core_share" not in series:
        return series, "high quality"
    return {**series, "hq_share": series["core_share"]}, f"within {metrics.CORE_SIGMA:g}σ of a mode"


def _read_series_cache(file: Path) -> dict[str, np.ndarray] | None:
    """analysis.npz's arrays if it was written by this metric code and is whole, else None (it is recomputed)."""
    try:
        with np.load(file, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        if str(arrays["stamp"]) != STAMP or len(arrays["fingerprint"]) != len(arrays["step"]):
            return None
        return arrays
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # absent, damaged, or from gananim 0.1.0
        return None  # (no stamp): all mean "compute it"


def _write(file: Path, write) -> bool:
    """Write a cache file atomically; False, quietly, where it cannot be written (the analysis stays in memory)."""
    try:
        atomic_write(file, write)
        return True
    except (OSError, GananimError):
        return False


__all__ = ["Analysis", "EVENTS_FILE", "SERIES_FILE", "STAMP", "analyse"]
