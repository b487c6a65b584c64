"""What `gananim info` says about a recording: (name, value) rows, for points (1D/2D) and images recordings alike.

The manifests of the kinds of data differ: each kind gives its own rows about its data and latents (gananim.kinds).
"""

from __future__ import annotations

from pathlib import Path

from gananim.recording.reader import Recording


def human_size(n: float) -> str:
    """Bytes as a short human string (KB, MB, ...)."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def describe(rec: Recording, run: Path) -> list[tuple[str, str]]:
    """The rows of `gananim info RUN`'s table: the recording, its experiment, data, latent, D and snapshots."""
    m = rec.manifest
    config = m.get("config") or {}
    kind = f", {rec.kind}" if "kind" in m else ""  # a manifest names its kind unless it is points (format 1)
    rows = [
        ("recording", f"{run}  ({human_size(rec.nbytes())}, format v{m['version']}{kind}, {m.get('dtype')})"),
        ("experiment", f"{config.get('name', '(user loop)')}: {config.get('description', '')}".rstrip(": ")),
    ]
    rows += rec.kind_of.info_rows(rec)
    every = m.get("every", "?")
    rows += [
        ("discriminator", f"outputs {m.get('d_output')}" if m.get("has_discriminator") else "none"),
        ("snapshots", f"{len(rec)}, steps {rec.steps[0]}–{rec.steps[-1]} every {every}" if len(rec) else "0"),
    ]
    return rows


__all__ = ["describe", "human_size"]
