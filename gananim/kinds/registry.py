"""The registry of kinds of data: the one place that maps a manifest, or a generator's output, to its kind."""

from __future__ import annotations

from gananim.errors import GananimError
from gananim.kinds.kind import Kind

KINDS: dict[str, Kind] = {}
# A manifest without "kind" is a points recording: every format-1 recording, and points recordings still write
# none, so that gananim 0.1 reads them.
UNNAMED = "points"


def register(kind: Kind) -> Kind:
    """Make a kind known by its name; a kind registered later is asked first whether it accepts a generator's
    output, so a new kind can claim shapes an older one takes as its fallback (the images kind takes any vector)."""
    if not kind.name:
        raise GananimError(f"{type(kind).__name__} has no name: set its class attribute `name`")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget a kind (tests register throwaway kinds)."""
    KINDS.pop(name, None)


def get(name: str) -> Kind:
    """The kind of that name, or a one-line error listing the known ones."""
    if name not in KINDS:
        raise GananimError(f"unknown kind of data {name!r}; known kinds: {', '.join(KINDS)}")
    return KINDS[name]


def name_of(manifest: dict) -> str:
    """The kind's name a manifest declares (points where it declares none)."""
    return manifest.get("kind", UNNAMED)


def of(manifest: dict) -> Kind:
    """The kind of a recording, from its manifest."""
    return get(name_of(manifest))


def for_output(g_shape: tuple[int, ...]) -> Kind:
    """The kind that records a generator whose one sample has shape `g_shape` (the newest registered first)."""
    for kind in reversed(KINDS.values()):
        if kind.accepts(g_shape):
            return kind
    raise GananimError(
        f"no kind of data records a generator whose samples have shape {g_shape}; known kinds: {', '.join(KINDS)}"
    )


def tag(kind: Kind) -> dict:
    """The manifest field naming a recording's kind: none for points (format 1 has no "kind")."""
    return {} if kind.name == UNNAMED else {"kind": kind.name}


def snapshot_attrs() -> frozenset[str]:
    """Every Snapshot attribute some kind fills: on a snapshot of another kind they read as None."""
    return frozenset(a for kind in KINDS.values() for a in kind.snapshot_attrs())


__all__ = ["snapshot_attrs", "tag", "KINDS", "UNNAMED", "for_output", "get", "name_of", "of", "register", "unregister"]
