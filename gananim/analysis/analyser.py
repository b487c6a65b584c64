"""What a recording shows: its metric series and events, computed from the arrays it stores and cached beside it.

    from gananim.analysis import analyse
    a = analyse(rec)            # Analysis(steps, series, events, analysed, cached)
    a.series["modes_captured"]  # one value per snapshot
    a.events                    # [Event(kind, start, end, caption)]
    a.protocol                  # the kind's ProtocolFit (points): does the 3σ mode protocol apply to these modes in this view?
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
from typing import Any

import numpy as np

from gananim.analysis.events import Event
from gananim.analysis.seal import seal, sealed
from gananim.errors import GananimError
from gananim.recording.atomic import atomic_write
from gananim.recording.reader import Recording
from gananim.recording.safe import EVENTS_CAP, read_json, read_npz

SERIES_FILE = "analysis.npz"
EVENTS_FILE = "events.json"
PREFIX = "series__"  # a computed series' key in analysis.npz


def _code_stamp() -> str:
    """A digest of the source of the code that computes series and events (this folder, and each kind's analysis,
    metrics, events and classifier modules): any change to it recomputes the caches."""
    package = Path(__file__).parents[1]
    files = sorted(Path(__file__).parent.glob("*.py"))
    files += sorted(
        f for f in (package / "kinds").rglob("*.py") if f.stem in ("analysis", "metrics", "events", "classifier")
    )
    digest = hashlib.sha1()
    try:
        for file in files:
            digest.update(file.read_bytes())
    except OSError:  # no readable source (a frozen install): the release stands for the code
        return importlib.metadata.version("gananim")
    return digest.hexdigest()[:16] if files else importlib.metadata.version("gananim")


STAMP: str | None = None  # the code's stamp, computed at first use (not at import: `import gananim` stays cheap)


def _stamp() -> str:
    global STAMP
    if STAMP is None:
        STAMP = _code_stamp()
    return STAMP


@dataclass
class Analysis:
    """A recording's series and events, one value per snapshot at `steps`."""

    steps: np.ndarray
    series: dict[str, np.ndarray]  # the recorded scalars and the computed metrics (recorded values win)
    events: list[Event]
    analysed: tuple[str, ...]  # the names in `series` computed here rather than recorded
    cached: bool  # whether the caches beside the recording are current (False where they could not be written)
    protocol: Any = None  # the kind's: whether the 3σ protocol applies (points: ProtocolFit; None: no modes)
    data: dict[str, float] = field(default_factory=dict)  # mode metrics of the stored real samples, the reference


# One Analysis per Recording object, kept while it shows the same snapshots: refresh() gives a recording new
# `steps`, so identity of that array tells a current entry from a stale one at no cost.
_memo: "weakref.WeakKeyDictionary[Recording, Analysis]" = weakref.WeakKeyDictionary()


def analyse(rec: Recording) -> Analysis:
    """The series and events of the recording `rec` (a `gananim.load` result): from memory or the caches beside it
    where current, else computed from its stored arrays (and cached, unless the folder is read-only).

    Returns an Analysis: `steps`, `series` (name -> one value per snapshot: the recorded scalars and the computed
    metrics, a recorded value winning), `events` (Event: `kind`, `start`, `end`, `caption`), `analysed` (the names
    computed here rather than recorded)."""
    known = _memo.get(rec)
    if known is not None and known.steps is rec.steps:
        return known
    if not len(rec):
        return Analysis(rec.steps, dict(rec.scalars), [], (), True, *rec.kind_of.reference(rec))
    prints = _fingerprints(rec)
    computed, series_cached = _computed_series(rec, prints)
    series = _merge(rec.scalars, computed)
    found, events_cached = _events(rec, series, prints)
    analysed = tuple(n for n in computed if n not in rec.scalars or not np.isfinite(rec.scalars[n]).any())
    result = Analysis(rec.steps, series, found, analysed, series_cached and events_cached, *rec.kind_of.reference(rec))
    _memo[rec] = result
    return result


def _fingerprints(rec: Recording) -> np.ndarray:
    """One checksum per snapshot of its recorded scalars: a snapshot recorded again by a resumed run changes it."""
    names = sorted(rec.scalars)
    table = np.stack([rec.scalars[n] for n in names], axis=1) if names else np.zeros((len(rec), 0))
    return np.array(
        [zlib.crc32(repr([(n, v) for n, v in zip(names, row) if v == v]).encode()) for row in table.tolist()],
        dtype=np.int64,
    )


def _computed_series(rec: Recording, prints: np.ndarray) -> tuple[dict[str, np.ndarray], bool]:
    """Every metric series, reusing the cached rows whose step and fingerprint still match; (series, cache current)."""
    cache = _read_series_cache(rec.path / SERIES_FILE)
    kept = 0
    if cache is not None:
        n = min(len(cache["step"]), len(rec))
        same = (cache["step"][:n] == rec.steps[:n]) & (cache["fingerprint"][:n] == prints[:n])
        kept = n if same.all() else int(np.argmin(same))
    rows = _measure(rec, kept)
    old = {k[len(PREFIX) :]: v[:kept] for k, v in cache.items() if k.startswith(PREFIX)} if cache is not None else {}
    names = list(dict.fromkeys([*old, *(n for row in rows for n in row)]))
    series = {
        n: np.concatenate([old.get(n, np.full(kept, np.nan)), [row.get(n, np.nan) for row in rows]]) for n in names
    }
    if not rows:  # every row came from the cache (which may hold more, written by a reader of the grown recording)
        return series, True
    arrays = {
        "stamp": np.array(_stamp()),
        "step": rec.steps,
        "fingerprint": prints,
        **{PREFIX + n: np.asarray(v, dtype=np.float64) for n, v in series.items()},
    }
    arrays["seal"] = np.array(seal(*sealed_parts(arrays)))
    return series, _write(rec.path / SERIES_FILE, lambda f: np.savez(f, **arrays))


def sealed_parts(arrays: dict[str, np.ndarray]) -> list[bytes]:
    """What analysis.npz's seal covers: every array but the seal, by name, with its dtype and shape."""
    return [f"{k}:{a.dtype.str}:{a.shape}".encode() + np.ascontiguousarray(a).tobytes()
            for k, a in sorted(arrays.items()) if k != "seal"]  # fmt: skip


def _measure(rec: Recording, start: int) -> list[dict[str, float]]:
    """The kind's metrics of snapshots start.. of a recording, from their stored arrays."""
    return rec.kind_of.measure(rec, start) if start < len(rec) else []


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
        data = read_json(file, EVENTS_CAP)
        body = json.dumps(data["events"], sort_keys=True).encode()
        if (
            data.get("stamp") == _stamp()
            and data.get("recording") == key
            and sealed(data.get("seal"), key.encode(), body)
        ):
            return [Event.from_dict(e) for e in data["events"]], True
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, GananimError):
        pass  # no cache, an old one, a damaged one or one from elsewhere (not sealed here): detect again
    found = rec.kind_of.events(rec, series)
    events = [e.to_dict() for e in found]
    body = json.dumps(events, sort_keys=True).encode()
    text = json.dumps(
        {"stamp": _stamp(), "recording": key, "seal": seal(key.encode(), body), "events": events}, indent=2
    )
    return found, _write(file, lambda f: f.write(text.encode()))


def _read_series_cache(file: Path) -> dict[str, np.ndarray] | None:
    """analysis.npz's arrays if it was written by this metric code and is whole, else None (it is recomputed)."""
    try:
        arrays = read_npz(file, lambda k: k in ("stamp", "step", "fingerprint", "seal") or k.startswith(PREFIX))
        if str(arrays["stamp"]) != _stamp() or len(arrays["fingerprint"]) != len(arrays["step"]):
            return None
        if not sealed(str(arrays["seal"]), *sealed_parts(arrays)):
            return None  # not written here (a recording's author can compute the old key, not this seal)
        return arrays
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, GananimError, MemoryError):
        return None  # absent, damaged, from gananim 0.1.0 (no stamp) or from elsewhere: all mean "compute it"


def _write(file: Path, write) -> bool:
    """Write a cache file atomically; False, quietly, where it cannot be written (the analysis stays in memory)."""
    try:
        atomic_write(file, write)
        return True
    except (OSError, GananimError):
        return False


__all__ = ["Analysis", "EVENTS_FILE", "SERIES_FILE", "STAMP", "analyse"]
