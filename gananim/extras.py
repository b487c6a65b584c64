"""Optional parts and what to install for them: recording needs torch (the `torch` extra), the Lightning callback
Lightning, the exports TensorBoard or wandb.

Reading, analysing and rendering a recording need numpy alone (`pip install gananim`); only recording
(the Recorder, `gananim record`, `gananim demo`) imports torch. This is the one place that turns a
missing optional package into one line saying what to install.
"""

from __future__ import annotations

import importlib

from gananim.errors import GananimError

# A bare `torch` from PyPI is the multi-GB CUDA build on Linux; the CPU build is enough for the toy lab.
TORCH_HINT = (
    "pip install 'gananim[torch]' (the CPU-only build is much smaller: install it first with "
    "`pip install torch --index-url https://download.pytorch.org/whl/cpu`)"
)


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


def require(module: str, extra: str, purpose: str, *, also: tuple[str, ...] = ()):
    """Import `module` (or the first of `also` that imports), else raise one line naming the extra to install.

    A package that is there but misses a dependency of its own is named as such: reinstalling the extra fixes both.
    """
    hint = f"pip install 'gananim[{extra}]'"
    for name in (module, *also):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as e:
            top = (e.name or name).split(".")[0]
            if top != name.split(".")[0]:
                raise GananimError(
                    f"{name.split('.')[0]} is installed but its dependency {e.name} is missing: {hint}"
                ) from None
    raise GananimError(f"{purpose} needs {module.split('.')[0]}, which is not installed: {hint}")
