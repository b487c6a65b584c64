"""gananim: record GAN training, store it crash-safe, render it to web-ready video, explain what happened.

Reading and rendering need numpy alone: torch is imported only when a Recorder is used.
"""

from gananim.about import version as _version
from gananim.errors import GananimError
from gananim.record.labels import Labels
from gananim.record.options import ProbeOptions
from gananim.recording.reader import Recording, load
from gananim.rendering.notebook import register as _show_recordings_in_notebooks

__version__ = _version()  # from the package metadata (gananim.about)

_show_recordings_in_notebooks()  # in Jupyter/IPython a Recording displays as a video; elsewhere nothing happens

__all__ = ["Recorder", "Labels", "ProbeOptions", "Recording", "GananimError", "load", "render", "__version__"]


def __getattr__(name: str):
    """Import the torch side and the renderer lazily, so `import gananim` for reading stays numpy-only."""
    if name == "Recorder":
        from gananim.extras import require_torch

        require_torch()  # one line saying what to install, not a traceback from deep inside the recorder
        from gananim.record.recorder import Recorder

        return Recorder
    if name == "render":
        from gananim.rendering.pipeline import render

        return render
    raise AttributeError(f"module 'gananim' has no attribute {name!r}")
