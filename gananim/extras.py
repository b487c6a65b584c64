"""Optional parts and what to install for them: recording needs torch, through the `torch` extra.

Reading, analysing and rendering a recording need numpy alone (`pip install gananim`); only recording
(the Recorder, `gananim record`, `gananim demo`) imports torch. This is the one place that turns a
missing torch into one line saying what to install.
"""

from __future__ import annotations

from gananim.errors import GananimError

# A bare `torch` from PyPI is the multi-GB CUDA build on Linux; the CPU build is enough for the toy lab.
TORCH_HINT = ("pip install 'gananim[torch]' (the CPU-only build is much smaller: install it first with "
              "`pip install torch --index-url https://download.pytorch.org/whl/cpu`)")


def require_torch():
    """Import torch, or raise a one-line GananimError saying what to install."""
    try:
        import torch
    except ModuleNotFoundError as e:
        missing = e.name or "torch"
        if missing.split(".")[0] == "torch":
            raise GananimError(f"recording needs torch, which is not installed: {TORCH_HINT}") from None
        raise GananimError(f"torch is installed but its dependency {missing} is missing: {TORCH_HINT}") from None
    except (ImportError, OSError) as e:  # a broken install: a shared library that cannot be loaded
        first = (str(e).splitlines() or [type(e).__name__])[0]
        raise GananimError(f"torch is installed but cannot be loaded ({first}): reinstall it, {TORCH_HINT}") from None
    return torch
