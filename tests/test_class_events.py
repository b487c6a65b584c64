"""Image events on class-coverage series: collapse onto few classes, mode hops between classes."""

from __future__ import annotations

import numpy as np

from gananim.kinds.images.events import ClassThresholds, detect_class_events

STEPS = np.arange(20) * 10


def _series(captured, top, share, confidence=None, frechet=None):
    out = {
        "classes_captured": np.asarray(captured, float),
        "top_class": np.asarray(top, float),
        "top_share": np.asarray(share, float),
    }
    if confidence is not None:
        out["class_confidence"] = np.asarray(confidence, float)
    if frechet is not None:
        out["frechet"] = np.asarray(frechet, float)
    return out


def test_collapse_onto_few_classes_the_classifier_recognises():
    captured = [1, 1, 1] + [9] * 7 + [2] * 10  # noise at the start (1 class), many classes, then 2 for 10 snapshots
    confidence = [0.85, 0.85, 0.85] + [0.97] * 17  # noise is not recognised
    events = detect_class_events(STEPS, _series(captured, [0] * 20, [0.2] * 20, confidence), 10)
    assert [(e.kind, e.start, e.end) for e in events] == [("collapse", 100, 190)]
    assert events[0].caption == "mode collapse: 2 of 10 classes captured"


def test_collapse_caption_counts_every_snapshot_it_is_shown_over():
    """digits-collapse: a snapshot inside the event with 2 classes captured but not yet 'recognised' (bridged into the
    span) made the caption say "1 of 10" over a frame whose class bars said "captured 2 of 10"."""
    captured = [1] * 3 + [9] * 3 + [1] * 4 + [2] + [1] * 9
    confidence = [0.85] * 3 + [0.97] * 7 + [0.85] + [0.97] * 9  # snapshot 10 (2 classes) not recognised: not flagged
    events = detect_class_events(STEPS, _series(captured, [0] * 20, [0.9] * 20, confidence), 10)
    assert [(e.kind, e.start, e.end) for e in events] == [("collapse", 60, 190)]
    assert events[0].caption == "mode collapse: 1–2 of 10 classes captured"


def test_blurry_collapse_counts_once_the_frechet_distance_halved():
    captured = [1] * 3 + [2] * 17
    confidence = [0.8] * 20  # never recognised with confidence
    frechet = [60, 50, 40] + [25] * 17  # ≤ 30 (half the worst) from snapshot 3 on
    events = detect_class_events(STEPS, _series(captured, [0] * 20, [0.2] * 20, confidence, frechet), 10)
    assert [(e.kind, e.start, e.end) for e in events] == [("collapse", 30, 190)]


def test_untrained_noise_in_one_class_is_not_a_collapse():
    events = detect_class_events(
        STEPS, _series([1] * 20, [4] * 20, [1.0] * 20, [0.85] * 20, [60 - i for i in range(20)]), 10
    )
    assert events == []  # the classifier never recognised the samples, and their distance never halved


def test_collapse_limit_is_thirty_percent_of_the_classes():
    for captured, found in ((3, True), (4, False)):
        events = detect_class_events(STEPS, _series([captured] * 20, [0] * 20, [0.2] * 20), 10)
        assert bool(events) is found  # without a confidence series nothing vetoes
    assert detect_class_events(STEPS, _series([3] * 4 + [9] * 16, [0] * 20, [0.2] * 20), 10) == []  # too short


def test_mode_hop_when_a_new_class_takes_over_and_holds():
    top = [3] * 8 + [7] + [3] * 3 + [7] * 8  # a one-snapshot flicker to 7 at 8, then a real hop at 12
    share = [0.6] * 20
    events = detect_class_events(STEPS, _series([5] * 20, top, share), 10)
    assert [(e.kind, e.start, e.end) for e in events] == [("mode_hop", 120, 130)]  # while 7 holds the top
    assert events[0].caption == "mode hop: class 7 takes over (60% of the samples; class 3 led until step 110)"


def test_no_hop_when_the_top_class_is_weak():
    top = [3] * 10 + [7] * 10
    share = [0.6] * 10 + [0.25] * 10  # class 7 tops with 25%: a spread-out generator, no hop
    assert detect_class_events(STEPS, _series([8] * 20, top, share), 10) == []
    assert detect_class_events(STEPS, _series([8] * 20, top, [0.6] * 20), 10, ClassThresholds(hop_share=0.7)) == []


def test_no_class_series_no_events():
    assert detect_class_events(STEPS, {"d_real": np.zeros(20)}, 10) == []
