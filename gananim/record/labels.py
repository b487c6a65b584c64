"""How class labels enter a conditional GAN (`G(z, y)`, `D(x, y)`): `Recorder(..., conditional=Labels(10))`.

    rec = Recorder("runs/cgan", G, D, data=images, labels=image_labels, conditional=Labels(10, names=[...]))

The Recorder then calls `G(z, y)` and `D(x, y)` with `y` the class of each row: a long tensor (n,) of class indices
(what `nn.Embedding` takes), or with `one_hot=True` a float tensor (n, n_classes) in the model's precision. Every
stored sample has a fixed label: the sample grid's rows are the classes in order (each row one class over
training, its name beside it), the rest of the samples cycle through the classes. D scores every sample given its
own label: a generated one its conditioning label, a real one its true label (`labels=`, required here). Models
that take labels another way (concatenated to z, a dict, keywords) are recorded through a small adapter module:

    class Adapter(nn.Module):                      # G(z, y) for a G that wants [z, one_hot(y)] as one input
        def __init__(self, g): super().__init__(); self.g = g
        def forward(self, z, y): return self.g(torch.cat([z, F.one_hot(y, 10).float()], 1))

Torch-free: the manifest's `conditional` field is read (and validated) by commands that never train.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from gananim.errors import GananimError
from gananim.recording.validate import MAX_CLASSES

MAX_NAME = 40  # characters of a class name (they label grid rows and bars)


@dataclass(frozen=True)
class Labels:
    """A conditional GAN's classes: how many, their names (default "0", "1", ...), and how `y` is passed."""

    n_classes: int
    names: tuple[str, ...] | None = None
    one_hot: bool = False

    def __post_init__(self):
        try:
            k = operator.index(self.n_classes)
        except TypeError:
            k = 0
        if isinstance(self.n_classes, bool) or not 2 <= k <= MAX_CLASSES:
            raise GananimError(
                f"Labels(n_classes) must be a whole number from 2 to {MAX_CLASSES}, got {self.n_classes!r}"
            )
        object.__setattr__(self, "n_classes", k)
        if self.names is not None:
            names = tuple(self.names) if not isinstance(self.names, str) else ()
            if len(names) != k or not all(isinstance(n, str) and 0 < len(n) <= MAX_NAME for n in names):
                raise GananimError(
                    f"Labels(names=...) must list {k} class names (non-empty strings of at most {MAX_NAME} "
                    f"characters), one per class, got {self.names!r}"
                )
            object.__setattr__(self, "names", names)
        if not isinstance(self.one_hot, bool):
            raise GananimError(f"Labels(one_hot=...) must be True or False, got {self.one_hot!r}")

    @property
    def class_names(self) -> list[str]:
        return list(self.names) if self.names is not None else [str(c) for c in range(self.n_classes)]

    def manifest(self, grid_cols: int) -> dict:
        """The recording's `conditional` field: classes, names, how y was passed, the grid's columns per class."""
        return {
            "n_classes": self.n_classes,
            "names": self.class_names,
            "encoding": "one_hot" if self.one_hot else "index",
            "grid_cols": grid_cols,
        }


def check_labels_spec(conditional) -> Labels | None:
    """The Recorder's `conditional=`: None or a Labels."""
    if conditional is None or isinstance(conditional, Labels):
        return conditional
    raise GananimError(
        f"conditional= takes gananim.Labels(n_classes, names=[...]) (how G(z, y) and D(x, y) get labels), "
        f"got {type(conditional).__name__}"
    )


__all__ = ["Labels", "check_labels_spec"]
