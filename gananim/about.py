"""The installed gananim's version, from the package metadata (pyproject.toml is its one source)."""

from __future__ import annotations

import importlib.metadata


def version() -> str:
    """gananim's version as installed; "unknown" when run from a source tree that was never installed."""
    try:
        return importlib.metadata.version("gananim")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


__all__ = ["version"]
