"""Kinds of data: one folder each, holding what is specific to it at every stage (see gananim.kinds.kind).

    points    1D and 2D samples: the toy lab's and most explainers' recordings (D's surface, the mapping, modes)
    images    images (C, H, W) and vectors of more than 2 numbers (the sample grid, a PCA plane, class coverage)

Adding a kind: a folder with a `Kind` subclass (its prober, its arrays and their checks, its metrics, events,
`info` rows and views), registered with `gananim.kinds.register(MyKind())`; no stage changes (README: "Adding a kind").
"""

# registration order matters: a kind registered later is asked first, and images takes any shape points does not
from gananim.kinds import images, points  # noqa: F401, I001  (registration)
from gananim.kinds.kind import Kind
from gananim.kinds.registry import KINDS, for_output, get, name_of, of, register, snapshot_attrs, tag, unregister

__all__ = ["KINDS", "Kind", "for_output", "get", "name_of", "of", "register", "snapshot_attrs", "tag", "unregister"]
