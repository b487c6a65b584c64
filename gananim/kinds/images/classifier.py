"""The built-in digits classifier behind class coverage: a one-hidden-layer MLP as plain numpy weights.

    from gananim.kinds.images.classifier import digits_classifier
    clf = digits_classifier()          # trained at first use (about a second), then read from the user's cache
    clf.logits(x01)                    # x01: images flattened or not, scaled to [0, 1]; (n, 10) logits
    clf.features(x01)                  # (n, 64) hidden activations: the features of the Fréchet distance

features = relu(x @ w0 + b0), logits = features @ w1 + b1 (the format recordings store in fixed.npz as
classifier_w0 … classifier_b1), so analysis recomputes class coverage with numpy alone. Training uses
scikit-learn's MLPClassifier on the bundled digits (gananim.kinds.images.datasets), holding out HELD_OUT of them, drawn with a
fixed seed, to measure the accuracy that is printed and stored with each recording. The weights are cached in
$XDG_CACHE_HOME/gananim (else ~/.cache/gananim), written atomically; a cache that is missing, damaged or of
another format is trained again, never a traceback. A cache that cannot be written is skipped with a note.
"""

from __future__ import annotations

import logging
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gananim.errors import GananimError
from gananim.recording.atomic import atomic_write

NAME = "digits-mlp"
CACHE_FILE = "digits-mlp-1.npz"  # the number changes whenever the training recipe below does
HIDDEN = 64  # hidden units = feature dimension: 98-99% held-out accuracy on the 8×8 digits, trained in ~1 s
HELD_OUT = 0.2  # share of the digits kept out of training to measure the accuracy
SPLIT_SEED = 0  # the fixed draw of the held-out digits (and of the MLP's initial weights)
MAX_ITER = 200  # Adam epochs: the held-out accuracy has levelled off by then (98.6% at 150, 98.9% at 300)
L2 = 1e-3  # sklearn's `alpha`: a little weight decay keeps the features smooth for the Fréchet distance
MIN_ACCURACY = 0.95  # the bar: class coverage is only as good as the classifier behind it
WEIGHTS = ("w0", "b0", "w1", "b1")
FIXED_PREFIX = "classifier_"  # the weights' names in a recording's fixed.npz

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MLPClassifierWeights:
    """A trained one-hidden-layer ReLU MLP on [0, 1]-scaled inputs, as numpy arrays."""

    w0: np.ndarray  # (D, F)
    b0: np.ndarray  # (F,)
    w1: np.ndarray  # (F, K)
    b1: np.ndarray  # (K,)
    accuracy: float | None = None  # held-out accuracy, where known
    name: str = NAME

    @property
    def n_classes(self) -> int:
        return self.w1.shape[1]

    @property
    def n_features(self) -> int:
        return self.w0.shape[1]

    def features(self, x01) -> np.ndarray:
        """relu(x @ w0 + b0) of inputs in [0, 1], each flattened to one row: (n, F) float64."""
        x = np.asarray(x01, dtype=np.float64)
        x = x.reshape(len(x), -1)
        if x.shape[1] != self.w0.shape[0]:
            raise GananimError(
                f"the classifier {self.name} takes {self.w0.shape[0]} numbers per sample, got {x.shape[1]}"
            )
        return np.maximum(x @ self.w0 + self.b0, 0.0)

    def logits(self, x01) -> np.ndarray:
        """The class logits (n, K) of inputs in [0, 1]."""
        return self.logits_of_features(self.features(x01))

    def logits_of_features(self, features: np.ndarray) -> np.ndarray:
        return features @ self.w1 + self.b1

    def fixed_arrays(self) -> dict[str, np.ndarray]:
        """The weights as a recording's fixed.npz stores them (classifier_w0 …)."""
        return {FIXED_PREFIX + k: np.asarray(getattr(self, k), dtype=np.float32) for k in WEIGHTS}

    @classmethod
    def from_fixed(cls, fixed: dict, name: str = NAME, accuracy: float | None = None) -> "MLPClassifierWeights | None":
        """The classifier stored in a recording's fixed arrays, or None where it stores none."""
        if not all(FIXED_PREFIX + k in fixed for k in WEIGHTS):
            return None
        return cls(
            *(np.asarray(fixed[FIXED_PREFIX + k], dtype=np.float64) for k in WEIGHTS), accuracy=accuracy, name=name
        )

    def manifest_entry(self) -> dict:
        """The manifest's `classifier` field for this built-in classifier."""
        return {
            "name": self.name,
            "source": "builtin",
            "classes": self.n_classes,
            "accuracy": self.accuracy,
            "features": self.n_features,
        }


def cache_dir() -> Path:
    """The user's cache folder for gananim: $XDG_CACHE_HOME/gananim, else ~/.cache/gananim (the XDG default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gananim"


def digits_classifier(cache: Path | None = None) -> MLPClassifierWeights:
    """The built-in digits classifier: read from the cache, else trained now (and cached, and its accuracy noted)."""
    file = (cache if cache is not None else cache_dir()) / CACHE_FILE
    clf = _read_cache(file)
    if clf is not None:
        return clf
    clf = train_digits_classifier()
    log.warning(
        f"trained the built-in digits classifier {NAME}: held-out accuracy {clf.accuracy:.1%} "
        f"on {HELD_OUT:.0%} of the digits"
    )
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        arrays = {k: getattr(clf, k) for k in WEIGHTS} | {"accuracy": np.array(clf.accuracy)}
        atomic_write(file, lambda f: np.savez(f, **arrays))
    except (OSError, GananimError) as e:  # a read-only home or a full disk: train again next time
        log.warning(f"could not cache the digits classifier in {file} ({e}); it will be trained again next time")
    return clf


def _read_cache(file: Path) -> MLPClassifierWeights | None:
    """The cached classifier, or None where the cache is missing, damaged or not of this recipe's shapes."""
    try:
        with open(file, "rb") as f, np.load(f, allow_pickle=False) as z:  # our handle: closed when np.load fails
            arrays = {k: np.asarray(z[k], dtype=np.float64) for k in (*WEIGHTS, "accuracy")}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, NotImplementedError):
        return None
    shapes = {"w0": (64, HIDDEN), "b0": (HIDDEN,), "w1": (HIDDEN, 10), "b1": (10,), "accuracy": ()}
    if any(arrays[k].shape != s or not np.isfinite(arrays[k]).all() for k, s in shapes.items()):
        return None
    if not MIN_ACCURACY <= float(arrays["accuracy"]) <= 1:
        return None
    return MLPClassifierWeights(*(arrays[k] for k in WEIGHTS), accuracy=float(arrays["accuracy"]))


def train_digits_classifier() -> MLPClassifierWeights:
    """Train the MLP on the digits (HELD_OUT kept out) with scikit-learn; its held-out accuracy must reach MIN_ACCURACY."""
    from gananim.kinds.images.datasets import load_digits

    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from threadpoolctl import threadpool_limits  # a scikit-learn dependency
    except ImportError:
        raise GananimError(
            "the built-in digits classifier is trained with scikit-learn, which is not installed: "
            "pip install 'gananim[torch]' (or pip install scikit-learn)"
        ) from None
    digits = load_digits()
    x = (digits.images.reshape(len(digits.images), -1) + 1) / 2  # [-1, 1] -> [0, 1]: grey level / 16
    y = digits.labels
    order = np.random.default_rng(SPLIT_SEED).permutation(len(x))
    test, train = order[: round(HELD_OUT * len(x))], order[round(HELD_OUT * len(x)) :]
    mlp = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,), activation="relu", alpha=L2, max_iter=MAX_ITER, random_state=SPLIT_SEED
    )
    # one BLAS thread: the matrices are small, and on shared cores extra threads made training 4x slower (8 s vs 2 s)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)  # MAX_ITER is chosen; the loss still creeps down
        mlp.fit(x[train], y[train])
    w0, w1 = mlp.coefs_
    b0, b1 = mlp.intercepts_
    clf = MLPClassifierWeights(w0, b0, w1, b1)
    accuracy = float((clf.logits(x[test]).argmax(axis=1) == y[test]).mean())
    if accuracy < MIN_ACCURACY:  # a broken scikit-learn, not a user mistake: say what was measured
        raise GananimError(
            f"the digits classifier reached only {accuracy:.1%} held-out accuracy (needs {MIN_ACCURACY:.0%}); "
            "check the scikit-learn install"
        )
    return MLPClassifierWeights(w0, b0, w1, b1, accuracy=accuracy)


__all__ = ["CACHE_FILE", "MLPClassifierWeights", "NAME", "cache_dir", "digits_classifier", "train_digits_classifier"]
