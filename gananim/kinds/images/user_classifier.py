"""The classifier behind class coverage, as the Recorder sees it: the user's (a torch module or callable returning
logits, run at each snapshot) or a built-in numpy one (its weights stored with the recording, run by analysis).

A built-in classifier is any object with `name`, `accuracy`, `features(x01)`, `logits(x01)` (numpy, inputs scaled to
[0, 1]), `fixed_arrays()` (its weights as fixed.npz stores them) and `manifest_entry()` (the manifest's `classifier`
field): gananim.kinds.images.classifier.digits_classifier() returns one.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from gananim.errors import GananimError
from gananim.record.probes import placement, probing

BUILTIN_API = ("features", "logits", "fixed_arrays", "manifest_entry")


def is_builtin(classifier) -> bool:
    """A numpy classifier whose weights the recording stores (duck-typed: see the module's docstring)."""
    return all(callable(getattr(classifier, name, None)) for name in BUILTIN_API)


class UserClassifier:
    """The user's classifier: a torch module or callable taking samples shaped like the generator's output (in the
    data's own values) and returning (n, K) logits; checked on every call."""

    def __init__(self, classifier, device: torch.device, dtype: torch.dtype):
        if not callable(classifier):
            raise GananimError(
                f"classifier must be a torch module or a callable returning class logits, got {type(classifier).__name__}"
            )
        self.fn = classifier
        self.module = classifier if isinstance(classifier, nn.Module) else None
        self.device, self.dtype = placement(self.module) if self.module is not None else (device, dtype)
        self.name = (
            type(classifier).__name__
            if self.module is not None
            else getattr(classifier, "__name__", type(classifier).__name__)
        )
        self.classes: int | None = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """(n, K) logits of a batch, without gradients and with the classifier in eval mode."""
        with probing(self.module), torch.no_grad():
            try:
                y = self.fn(x.to(self.device, self.dtype))
            except RuntimeError as e:
                raise GananimError(
                    f"the classifier rejected samples of shape {tuple(x.shape)} ({str(e).splitlines()[0]}); "
                    "it must take the generator's output"
                ) from None
        want = f"({len(x)}, {self.classes})" if self.classes else f"({len(x)}, K) with K >= 2 classes"
        ok = (
            isinstance(y, torch.Tensor)
            and y.is_floating_point()
            and y.ndim == 2
            and len(y) == len(x)
            and y.shape[1] >= 2
            and (self.classes is None or y.shape[1] == self.classes)
        )
        if not ok:
            got = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
            raise GananimError(
                f"the classifier returned {got} for {len(x)} samples; it must return class logits {want}"
            )
        self.classes = self.classes or y.shape[1]
        return y

    def manifest_entry(self) -> dict:
        return {
            "name": self.name,
            "source": "user",
            "classes": self.classes,
            "accuracy": None,
            "features": self.classes,
        }


def class_freq(labels, classes: int, n_data: int, predicted: np.ndarray) -> np.ndarray:
    """The real data's class frequencies (K,): from the labels if given, else from the classifier's argmax on the real batch."""
    if labels is None:
        return np.bincount(predicted, minlength=classes) / len(predicted)
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    labels = np.asarray(labels)
    if labels.shape != (n_data,) or labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() >= classes:
        raise GananimError(
            f"labels must be one whole number in 0..{classes - 1} per real sample ({n_data},), "
            f"got shape {labels.shape} ({labels.dtype})"
        )
    return np.bincount(labels, minlength=classes) / n_data
