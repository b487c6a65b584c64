"""The toy-GAN lab: models, losses, the training loop and the presets (torch side).

`run(config, out)` trains (or, for method "transform", animates) one experiment and
records it; `load_preset(name)` gives a ready-made `Config` from `presets/*.toml`.
"""

from __future__ import annotations

from gananim.lab.presets import DEFAULT_PRESET, list_presets, load_preset, preset_path


def run(*args, **kwargs):
    """Train and record one experiment (see `gananim.lab.train.run`); imports torch lazily."""
    from gananim.lab.train import run as _run

    return _run(*args, **kwargs)


__all__ = ["DEFAULT_PRESET", "list_presets", "load_preset", "preset_path", "run"]
