"""`from gananim.lightning import RecorderCallback`: the public path of the Lightning callback (gananim.record.lightning)."""

from gananim.record.lightning import RecorderCallback

__all__ = ["RecorderCallback"]
