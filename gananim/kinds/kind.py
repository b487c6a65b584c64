"""The Kind protocol: what one kind of data (points, images, ...) adds to each stage of the pipeline.

A kind is one folder under gananim/kinds/ and one `Kind` subclass registered in gananim.kinds. The stages know
only this interface: the Recorder asks each kind whether it `accepts` the generator's output and gets its prober;
the reader checks and reads a recording's arrays through its kind; the analysis measures through it; `info` asks it
for its rows; the renderer asks it which views draw it and which one is its headline. This module is numpy-only:
what a kind needs from torch (its prober) or matplotlib (its views) it imports when asked for it.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar

import numpy as np

if TYPE_CHECKING:  # the stages' types, for the signatures only: a kind imports none of them at module level
    from gananim.analysis.events import Event
    from gananim.recording.reader import Recording


# What `Kind.draws` returns to refuse a view with the renderer's own message: "view X cannot draw R, a recording of
# ...; views that can: ..." (the views that can are the renderer's to list).
CANNOT_DRAW = "cannot draw"


class Kind:
    """One kind of data. Subclasses set the class attributes and implement the methods their stages use."""

    name: ClassVar[str] = ""
    version: ClassVar[int] = 2  # the format version its recordings are written with (gananim.recording.layout)
    arrays: ClassVar[tuple[str, ...]] = ()  # the arrays a snapshot of this kind may store, besides samples/density
    fields: ClassVar[dict[str, str]] = {}  # Snapshot attribute -> stored array, where the names differ
    views_module: ClassVar[str | None] = None  # the module whose import registers this kind's views
    # the kind's own modules by role, imported when a stage first asks (so reading never imports torch):
    #   probe     build(setup) -> the prober (torch)
    #   arrays    FIELDS (manifest fields), check_fixed(...), check_chunk(...)
    #   analysis  reference(rec), measure(rec, start), events(rec, series)
    #   info      rows(rec)
    #   player    pack(rec, indices, samples) -> the kind's arrays for the browser player (gananim.rendering.player)
    # a role without a module falls back to the defaults below (or to the subclass's own method)
    modules: ClassVar[dict[str, str]] = {}
    fixed_names: ClassVar[tuple[str, ...] | None] = None  # fixed.npz's arrays a reader reads (None: every one)

    def module(self, role: str):
        """The kind's module for a role (see `modules`), or None where it has none."""
        name = self.modules.get(role)
        return importlib.import_module(name) if name else None

    # --- record (torch) -------------------------------------------------------------------------------

    def accepts(self, g_shape: tuple[int, ...]) -> bool:
        """Whether a generator whose one sample has shape `g_shape` makes a recording of this kind."""
        return False

    def prober(self, setup: Any):
        """The object that snapshots the models (gananim.record.prober.Prober), built from a ProberSetup."""
        probe = self.module("probe")
        if probe is None:
            raise NotImplementedError(f"the {self.name} kind has no prober")
        return probe.build(setup)

    # --- the recording on disk ------------------------------------------------------------------------

    @property
    def manifest_fields(self) -> dict:
        """Its manifest fields: name -> (required, check, what it must be)."""
        arrays = self.module("arrays")
        return arrays.FIELDS if arrays else {}

    def check_fixed(self, fixed: dict, manifest: dict, grid_shape: tuple, file: Path) -> None:
        """fixed.npz holds what the reader and the views rely on, sized as the manifest says."""
        if arrays := self.module("arrays"):
            arrays.check_fixed(fixed, manifest, grid_shape, file)

    def check_chunk(self, chunk: dict, manifest: dict, grid_shape: tuple, fixed: dict, file: Path) -> None:
        """Every snapshot array of a chunk has one entry per step, sized as the manifest says."""
        if arrays := self.module("arrays"):
            arrays.check_chunk(chunk, manifest, grid_shape, fixed, file)

    def keeps_fixed(self, name: str) -> bool:
        """Whether the reader reads this array of fixed.npz (a stranger's extra members are never read)."""
        return self.fixed_names is None or name in self.fixed_names

    def snapshot_bytes(self, manifest: dict) -> int:
        """At most how many bytes one stored snapshot's arrays hold, by the (checked) manifest: the reader's budget
        for a chunk's member is chunk_size times this. Generous: eight arrays of every sample as float64, and the
        density and D on the grid, plus a megabyte (the latent grid's mapping, the curvature's eigenvalues)."""
        samples = max(int(manifest.get(k) or 0) for k in ("n_samples", "n_real", "n_images")) or 1
        cells = manifest["grid"]["size"] ** len(manifest["grid"]["bounds"])
        return 8 * (8 * samples * math.prod(self.sample_shape(manifest)) + 4 * cells) + (1 << 20)

    def grid_dims(self, manifest: dict) -> int:
        """How many dimensions the manifest's grid (the density's) has."""
        return 2

    def read_fields(self, get: Callable[[str], np.ndarray | None]) -> dict[str, Any]:
        """A stored snapshot's kind-specific Snapshot attributes, read with `get(array name)` (None if absent)."""
        return {attr: get(self.fields.get(attr, attr)) for attr in self.snapshot_attrs()}

    def snapshot_attrs(self) -> tuple[str, ...]:
        """The Snapshot attributes this kind fills (its arrays, under their Snapshot names)."""
        stored = {v: k for k, v in self.fields.items()}
        return tuple(stored.get(a, a) for a in self.arrays)

    def sample_shape(self, manifest: dict) -> tuple[int, ...]:
        """One sample's shape."""
        return tuple(manifest["sample_shape"])

    def is_image(self, manifest: dict) -> bool:
        """Whether samples are pictures (C, H, W)."""
        return False

    def value_range(self, manifest: dict) -> tuple[float, float] | None:
        """The data's value range where samples are stored as levels on it, else None."""
        return None

    def what(self, rec: Recording) -> str:
        """A recording's data in a few words, for messages ("2D points", "8x8 images")."""
        return f"samples of shape {'x'.join(map(str, rec.sample_shape))}"

    # --- analysis -------------------------------------------------------------------------------------

    def reference(self, rec: Recording) -> tuple[Any, dict[str, float]]:
        """(whether the 3σ mode protocol applies, or None; the real data's own metrics, what a perfect G scores)."""
        analysis = self.module("analysis")
        return analysis.reference(rec) if analysis else (None, {})

    def measure(self, rec: Recording, start: int) -> list[dict[str, float]]:
        """The kind's metrics of snapshots start.. from their stored arrays, one dict per snapshot."""
        analysis = self.module("analysis")
        return analysis.measure(rec, start) if analysis else [{} for _ in range(start, len(rec))]

    def events(self, rec: Recording, series: dict[str, np.ndarray]) -> list[Event]:
        """Every event of these series: the game's scalar rules (gananim.analysis.events) and the kind's own."""
        if analysis := self.module("analysis"):
            return analysis.events(rec, series)
        from gananim.analysis.events import detect_events

        return detect_events(rec.steps, series)

    # --- presenting -----------------------------------------------------------------------------------

    def info_rows(self, rec: Recording) -> list[tuple[str, str]]:
        """`gananim info`'s rows about the data and the latents."""
        info = self.module("info")
        return info.rows(rec) if info else [("data", self.what(rec))]

    def default_view(self, recs: list[Recording]) -> str:
        """The headline view for these recordings of this kind (drawn side by side when several)."""
        raise NotImplementedError

    def draws(self, view: type, rec: Recording) -> str | None:
        """None if `view` (which lists this kind) can draw `rec`, else the one-line reason why not (or CANNOT_DRAW)."""
        if getattr(view, "needs_discriminator", False) and not rec.manifest.get("has_discriminator"):
            return f"view {view.name!r} needs a discriminator, but {rec.path} was recorded without one"
        return None


__all__ = ["CANNOT_DRAW", "Kind"]
