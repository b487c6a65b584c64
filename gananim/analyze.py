"""`gananim analyze`: add the metrics and events a recording lacks (e.g. one made by a user's own loop).

Only new files are written beside the chunks (analysis.npz, events.json); what was recorded stays untouched.
"""

from __future__ import annotations

import json
from pathlib import Path


from gananim.events import detect
from gananim.metrics import CENTROID, recording_metrics
from gananim.store import ANALYSIS, EVENTS, SCALAR_PREFIX, Recording, _atomic_write, _save_npz, load


def analyze(path: str | Path) -> tuple[list[str], list]:
    """Compute missing metric series and the events; return (names added, events)."""
    rec = load(path)
    recorded = CENTROID[0] in rec.scalars  # the Recorder measured every metric as it went
    missing = {} if recorded or not len(rec) else {n: v for n, v in recording_metrics(rec).items() if n not in rec.scalars}
    if missing:
        _save_npz(rec.path / ANALYSIS, {"step": rec.steps, **{SCALAR_PREFIX + n: v for n, v in missing.items()}})
        rec.refresh()
    events = detect(rec, metrics={})
    save_events(rec, events)
    return sorted(missing), events


def save_events(rec: Recording, events: list) -> None:
    """Store events with the snapshot count they were computed for, so a grown recording recomputes them."""
    data = {"snapshots": len(rec), "last_step": int(rec.steps[-1]) if len(rec) else None,
            "events": [e.to_dict() for e in events]}
    _atomic_write(rec.path / EVENTS, lambda f: f.write(json.dumps(data, indent=2).encode()))


def timeline(events: list) -> list[str]:
    """Events as lines for a terminal: step range, kind, caption."""
    return [f"{e.start:>8,}–{e.end:<8,} {e.kind:<19} {e.caption}" for e in events]


__all__ = ["analyze", "save_events", "timeline"]
