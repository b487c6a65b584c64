"""The lab's ready-made experiments: one TOML config per row of design.md §1 in `presets/`.

Each file is a complete `Config` a user can copy, edit and run with `gananim record --config`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from gananim.errors import GananimError
from gananim.lab.config import Config, load_config

PRESET_DIR = Path(__file__).with_name("presets")
DEFAULT_PRESET = "five-clusters"


def _names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def list_presets() -> list[tuple[str, str]]:
    """(name, one-line description) of every preset, sorted by name."""
    out = []
    for name in _names():
        try:
            description = tomllib.loads((PRESET_DIR / f"{name}.toml").read_text()).get("description", "")
        except (OSError, tomllib.TOMLDecodeError):
            description = ""
        out.append((name, str(description)))
    return out


def preset_path(name: str) -> Path:
    """The TOML file of preset `name`; an unknown name raises a GananimError listing the known ones."""
    path = PRESET_DIR / f"{name}.toml"
    if not name or "/" in name or "\\" in name or not path.is_file():
        raise GananimError(f"unknown preset {name!r}; known presets: {', '.join(_names())}")
    return path


def load_preset(name: str) -> Config:
    """The validated Config of preset `name`."""
    return load_config(preset_path(name))
