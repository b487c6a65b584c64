"""What `gananim info` says about a recording: (name, value) rows, for points (1D/2D) and images recordings alike.

The manifests of the kinds of data differ: each kind gives its own rows about its data and latents (gananim.kinds).
"""

from __future__ import annotations

from pathlib import Path

from gananim.recording.game import game_of
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
        ("discriminator", _discriminator(m) if m.get("has_discriminator") else "none"),
        ("snapshots", f"{len(rec)}, steps {rec.steps[0]}–{rec.steps[-1]} every {every}" if len(rec) else "0"),
    ]
    return rows


def _discriminator(m: dict) -> str:
    """What D outputs and which game it plays, with what was inferred rather than given (zero-edit, defaults)."""
    game = game_of(m)
    outputs = {"logits": "logits", "probs": "probabilities", "critic": "a critic's unbounded scores"}[game.d_output]
    guessed = [
        f"{what} inferred: {how}"
        for what, how in (("loss", m.get("loss_inferred")), ("d_output", m.get("d_output_inferred")))
        if isinstance(how, str)
    ]
    return f"outputs {outputs}; {game.name}, loss {game.loss!r}" + (f" ({'; '.join(guessed)})" if guessed else "")


__all__ = ["describe", "human_size"]
