"""What an images recording's analysis measures: class coverage (gananim.kinds.images.metrics: classes captured,
class shares, reverse KL, Fréchet distance) from its stored samples and the classifier stored with it, and the
game's events with collapse and hops on the class shares (gananim.kinds.images.events)."""

from __future__ import annotations

import numpy as np

from gananim.analysis.events import Event, detect_events
from gananim.kinds.images import metrics as class_metrics
from gananim.kinds.images.classifier import MLPClassifierWeights
from gananim.kinds.images.events import detect_class_events
from gananim.recording.reader import Recording


def class_reference(rec: Recording) -> class_metrics.ClassReference | None:
    """What class coverage measures an images recording against (spec: the manifest's `classifier`, fixed.npz's
    data_class_freq, real_features and, for the built-in classifier, its weights); None without a classifier."""
    info = rec.manifest.get("classifier")
    freq, real = rec.fixed.get("data_class_freq"), rec.fixed.get("real_features")
    if not isinstance(info, dict) or freq is None or real is None:
        return None
    weights = MLPClassifierWeights.from_fixed(rec.fixed, name=str(info.get("name", "")), accuracy=info.get("accuracy"))
    return class_metrics.ClassReference(freq, real, rec.value_range, weights)


def reference(rec: Recording) -> tuple[None, dict[str, float]]:
    """No 3σ protocol (no modes on a grid); the class metrics of the fixed real batch, what a perfect G scores."""
    ref = class_reference(rec)
    real = rec.fixed.get("data_samples")
    if ref is None or real is None:
        return None, {}
    logits = rec.fixed["real_features"] if ref.classifier is None else None  # a user classifier: its logits
    return None, ref.measure(real, None, logits, _asked(rec, "real_labels"))


def measure(rec: Recording, start: int) -> list[dict[str, float]]:
    """Class coverage of snapshots start.., where a classifier is known (else no metrics)."""
    ref = class_reference(rec)
    snaps = (rec[i] for i in range(start, len(rec)))
    asked = _asked(rec, "latent_labels")
    return [{} if ref is None else ref.measure(s.samples, s.nonfinite, s.class_logits, asked) for s in snaps]


def _asked(rec: Recording, name: str):
    """A conditional recording's labels (each stored sample's, or the real batch's): what label_match checks."""
    return rec.fixed.get(name) if rec.manifest.get("conditional") else None


def events(rec: Recording, series: dict[str, np.ndarray]) -> list[Event]:
    """The game's scalar rules, then collapse and hops on the class shares. There is no JS on a grid: the reverse KL
    over classes stands in for it in the convergence rule's "G near the data" veto (both in nats), so that a D at ½
    beside a G collapsed onto one digit (digits-collapse) is not called converged."""
    detected_on = {**series, "js": series["class_kl"]} if "class_kl" in series else series
    found = detect_events(rec.steps, detected_on)
    classes = sum(1 for n in series if n.startswith(class_metrics.CLASS_SHARE.format("")))
    return sorted(found + detect_class_events(rec.steps, series, classes), key=lambda e: (e.start, e.end))


__all__ = ["class_reference", "events", "measure", "reference"]
