"""`gananim analyze`: add the metrics and events a recording lacks (e.g. one made by a user's own loop).

Only new files are written beside the chunks (analysis.npz, events.json); what was recorded stays untouched.
"""

from __future__ import annotations

from pathlib import Path

from gananim.atomic import check_writable
from gananim.events import detect
from gananim.metrics import CENTROID, recording_metrics
from gananim.store import ANALYSIS, EVENTS, SCALAR_PREFIX, Recording, load, save_json, save_npz


def analyze(path: str | Path) -> tuple[list[str], list]:
    """Compute missing metric series and the events; return (names added, events).

    A recording that cannot be written to (a read-only mount, no permission) is refused before the work starts."""
    rec = load(path)
    check_writable(rec.path)
    recorded = CENTROID[0] in rec.scalars  # the Recorder measured every metric as it went
    missing = {} if recorded or not len(rec) else {n: v for n, v in recording_metrics(rec).items() if n not in rec.scalars}
    if missing:
        save_npz(rec.path / ANALYSIS, {"step": rec.steps, **{SCALAR_PREFIX + n: v for n, v in missing.items()}})
        rec.refresh()
    events = detect(rec, metrics={})
    save_events(rec, events)
    return sorted(missing), events


def save_events(rec: Recording, events: list) -> None:
    """Store events with the snapshot count they were computed for, so a grown recording recomputes them."""
    data = {"snapshots": len(rec), "last_step": int(rec.steps[-1]) if len(rec) else None,
            "events": [e.to_dict() for e in events]}
    save_json(rec.path / EVENTS, data)


def timeline(events: list) -> list[str]:
    """Events as lines for a terminal: step range, kind, caption."""
    return [f"{e.start:>8,}–{e.end:<8,} {e.kind:<19} {e.caption}" for e in events]


__all__ = ["analyze", "save_events", "timeline"]
