"""The explainer scenes by name: which shipped script draws each one, which presets it is recorded from (at their
defaults, in the scene's order) and the story it tells. Plain data and paths: reading it imports neither manim
nor torch, so `gananim scene --list` and the benches stay light. gananim.rendering.stories checks each story by
numbers; gananim.cli.scene_runs records the runs a scene needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gananim.errors import GananimError

SCENE_DIR = Path(__file__).with_name("manim") / "scenes"  # the shipped scripts (package files, no clone needed)


@dataclass(frozen=True)
class SceneEntry:
    """One explainer: its name (`gananim scene NAME`), its script's stem, its presets and its story in one line."""

    name: str
    script: str
    runs: tuple[str, ...]
    story: str

    @property
    def path(self) -> Path:
        return SCENE_DIR / f"{self.script}.py"


SCENES = {
    e.name: e
    for e in (
        SceneEntry(
            "collapse",
            "collapse",
            ("ring8-metz", "ring8-metz-unrolled"),
            "a vanilla GAN on one or two modes of a ring at a time, the unrolled GAN on at least 7 of 8",
        ),
        SceneEntry(
            "mode_hopping",
            "mode_hopping",
            ("four-points",),
            "a collapsed generator's dominant mode hops at least 3 times among at least 3 modes",
        ),
        SceneEntry(
            # circle, not five-clusters: at its defaults five-clusters shows no sway event (bench/scene_claims.py)
            "swaying",
            "swaying",
            ("circle",),
            "the mapping z ↦ G(z) sways back and forth with a stated period",
        ),
        SceneEntry(
            "strong_discriminator",
            "strong_discriminator",
            ("strong-d", "noisy"),
            "a too-strong D leaves the game stuck; the same game with instance noise reaches the optimum",
        ),
        SceneEntry(
            "transform_method",
            "transform_method",
            ("inverse-cdf", "gauss-1d"),
            "the inverse CDF maps without folding; the trained 1D generator's mapping folds back",
        ),
        SceneEntry(
            "mountains",
            "mountains",
            ("five-clusters",),
            "D's landscape changes shape as the generator's samples move over it",
        ),
        SceneEntry(
            "digits_collapse",
            "digits_collapse",
            ("digits-collapse",),
            "an image GAN collapses onto at most 3 of the 10 digit classes",
        ),
    )
}


def scene_entry(name: str) -> SceneEntry:
    """The scene called `name` (underscores or hyphens); an unknown name raises a GananimError listing the known."""
    entry = SCENES.get(name.replace("-", "_"))
    if entry is None:
        raise GananimError(
            f"unknown scene {name!r}; known scenes: {', '.join(SCENES)} (`gananim scene --list`), or give a script path"
        )
    return entry


def entry_of_script(path: Path) -> SceneEntry | None:
    """The catalogue's entry for a script path (the shipped file, or a file of the same stem), else None."""
    return SCENES.get(Path(path).stem)


def resolve_script(script: str | Path) -> tuple[Path, SceneEntry | None]:
    """A scene argument as (script path, catalogue entry or None): an existing file or a .py path is a script (its
    entry by stem), anything else a scene name."""
    text = str(script)
    as_path = Path(text)
    if as_path.suffix == ".py" or as_path.is_file() or "/" in text or "\\" in text:
        return as_path, entry_of_script(as_path)
    entry = scene_entry(text)
    return entry.path, entry
