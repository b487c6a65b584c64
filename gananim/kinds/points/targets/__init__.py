"""Target distributions of the toy-GAN lab (1D or 2D): sampling, density on a grid, modes; numpy only.

base       the Target interface and the view-box helpers
gaussians  Gaussian, Mixture, Ring, GaussianGrid (exact cell masses)
singular   Circle, Points (no density function: mass per cell)
empirical  Empirical: real samples from a file or memory, density by KDE
families   FAMILIES (the config key kind's values), make_target (config table -> target), target_from_samples
checks     validation of parameters and samples, one-line GananimErrors
"""

from __future__ import annotations

from gananim.kinds.points.targets.base import Target
from gananim.kinds.points.targets.checks import DIM_HINT, as_samples
from gananim.kinds.points.targets.empirical import Empirical
from gananim.kinds.points.targets.families import FAMILIES, make_target, target_from_samples
from gananim.kinds.points.targets.gaussians import Gaussian, GaussianGrid, Mixture, Ring
from gananim.kinds.points.targets.singular import Circle, Points

__all__ = [
    "DIM_HINT",
    "FAMILIES",
    "Circle",
    "Empirical",
    "Gaussian",
    "GaussianGrid",
    "Mixture",
    "Points",
    "Ring",
    "Target",
    "as_samples",
    "make_target",
    "target_from_samples",
]
