"""Targets by family: the config table {"kind": family, params} a preset or TOML file gives, and samples in memory."""

from __future__ import annotations

import inspect

import numpy as np

from gananim.errors import GananimError
from gananim.kinds.points.targets.base import Target
from gananim.kinds.points.targets.checks import short
from gananim.kinds.points.targets.empirical import Empirical
from gananim.kinds.points.targets.gaussians import Gaussian, GaussianGrid, Mixture, Ring
from gananim.kinds.points.targets.singular import Circle, Points

# the target families, by the name a config's key `kind` gives
FAMILIES = {
    "gaussian": Gaussian,
    "mixture": Mixture,
    "ring": Ring,
    "grid": GaussianGrid,
    "circle": Circle,
    "points": Points,
    "file": Empirical.from_file,
}


def make_target(cfg: dict) -> Target:
    """Build a target from a config table such as {"kind": "ring", "n": 8, "sigma": 0.01}."""
    if not isinstance(cfg, dict):
        raise GananimError(f"a target config is a table with a 'kind'; got {short(cfg)}")
    params = dict(cfg)
    family = params.pop("kind", None)
    if family == "samples":
        raise GananimError(
            "in-memory samples cannot be rebuilt from a config; save them with numpy.save and use kind = 'file'"
        )
    if not isinstance(family, str) or family not in FAMILIES:
        raise GananimError(f"unknown target kind {family!r}; known kinds: {', '.join(FAMILIES)}")
    accepted = inspect.signature(FAMILIES[family]).parameters
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise GananimError(
            f"target kind {family!r} has no key(s) {', '.join(unknown)}; its keys are: {', '.join(accepted)}"
        )
    missing = [name for name, p in accepted.items() if p.default is p.empty and name not in params]
    if missing:
        raise GananimError(f"target kind {family!r} needs key(s) {', '.join(missing)}")
    return FAMILIES[family](**params)


def target_from_samples(x: np.ndarray) -> Target:
    """Wrap an in-memory (n, d) or (n,) array of real samples as a target."""
    return Empirical(x)
