"""Manim building blocks that follow a Recording step by step (issue 5): import only when manim is wanted.

Nothing else in gananim imports this package: `import gananim` and the matplotlib views work without manim.
`require_manim()` turns a missing manim (or missing Pango/Cairo system libraries) into one GananimError line
saying what to install.
"""

from __future__ import annotations

from gananim.errors import GananimError

PIP_HINT = "pip install 'gananim[scenes]'"
APT_HINT = "apt install libpango1.0-dev libcairo2-dev pkg-config ffmpeg (then reinstall manim)"


def require_manim():
    """Import manim, or raise a GananimError naming what is missing and how to install it."""
    try:
        import manim  # noqa: F401
    except ModuleNotFoundError as e:
        missing = e.name or "manim"
        if missing.split(".")[0] in ("manim",):
            raise GananimError(f"scenes need manim, which is not installed: {PIP_HINT}") from None
        if missing.split(".")[0] in ("cairo", "manimpango", "pangocairo"):
            raise GananimError(
                f"manim cannot load its drawing library ({missing}): {APT_HINT}, then {PIP_HINT}"
            ) from None
        raise GananimError(f"manim is installed but its dependency {missing} is missing: {PIP_HINT}") from None
    except ImportError as e:  # a compiled extension that cannot find libpango/libcairo
        raise GananimError(f"manim cannot load its system libraries ({str(e).splitlines()[0]}): {APT_HINT}") from None
    except OSError as e:
        raise GananimError(f"manim cannot load its system libraries ({e}): {APT_HINT}") from None
    return manim
