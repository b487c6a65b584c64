"""OUT/checkpoint.pt: everything a run needs to continue bit-identically (models, optimisers, every RNG
state, the config), written atomically; and the check that a resumed run has the same config."""

from __future__ import annotations

import io
from pathlib import Path

import torch

from gananim.errors import GananimError
from gananim.lab.config import config_from_dict
from gananim.lab.state import LabState
from gananim.recording import atomic

CHECKPOINT = "checkpoint.pt"
CHECKPOINT_FORMAT = "gananim-checkpoint"
CHECKPOINT_VERSION = 1
RESUME_FREE_KEYS = ("steps", "name", "description")  # a resumed run may change these, nothing else


def capture(lab: LabState, step: int) -> dict:
    """The lab's state after `step`, as plain tensors and dicts (loadable with weights_only=True)."""
    return {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "step": step,
        "config": lab.config.to_dict(),
        "models": {k: m.state_dict() for k, m in lab.models.items()},
        "optimizers": {k: o.state_dict() for k, o in lab.optimizers.items()},
        "rng": {
            "torch_generator": lab.torch_gen.get_state(),
            "numpy": _encode_np_state(lab.np_rng.bit_generator.state),
            "torch_global": torch.get_rng_state(),
        },
    }


def restore(lab: LabState, ckpt: dict) -> int:
    """Put a captured state back into `lab`; returns the step it was captured after."""
    for k, m in lab.models.items():
        m.load_state_dict(ckpt["models"][k])
    for k, o in lab.optimizers.items():
        o.load_state_dict(ckpt["optimizers"][k])
    lab.torch_gen.set_state(ckpt["rng"]["torch_generator"])
    lab.np_rng.bit_generator.state = _decode_np_state(ckpt["rng"]["numpy"])
    torch.set_rng_state(ckpt["rng"]["torch_global"])
    return int(ckpt["step"])


def save_checkpoint(path: Path, state: dict) -> None:
    """Write a captured state to `path` atomically; a failed write (e.g. a full disk) is one GananimError line."""
    buf = io.BytesIO()
    torch.save(state, buf)
    try:
        atomic.write_bytes(path, buf.getvalue())  # the project's one atomic write: a full disk is already one line
    except OSError as e:
        raise GananimError(
            f"cannot write checkpoint {path}: {e.strerror or e}; free space or fix permissions, "
            f"then continue with --resume"
        ) from None


def load_checkpoint(path: Path) -> dict:
    """Read OUT/checkpoint.pt; a damaged or foreign file is a GananimError."""
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for a truncated or foreign file
        raise GananimError(
            f"cannot read checkpoint {path} ({type(e).__name__}); record again with --overwrite"
        ) from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        raise GananimError(f"{path} is not a gananim checkpoint; record again with --overwrite")
    if ckpt.get("version") != CHECKPOINT_VERSION:
        raise GananimError(
            f"checkpoint {path} has version {ckpt.get('version')}, this gananim reads {CHECKPOINT_VERSION}; record again with --overwrite"
        )
    return ckpt


def config_difference(saved: dict, now: dict) -> str | None:
    """Where a saved config (a checkpoint's or a recording's) and this run's differ, ignoring the keys a
    resumed run may change, as "key (old saved, new now)"; None when the run may continue it."""
    return _first_difference(_with_defaults(saved), now)


def _first_difference(a, b, where: str = "") -> str | None:
    """The first key path where two nested config dicts differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if where == "" and k in RESUME_FREE_KEYS:
                continue
            d = _first_difference(a.get(k), b.get(k), f"{where}.{k}" if where else k)
            if d is not None:
                return d
        return None
    return None if a == b else f"{where} ({a!r} saved, {b!r} now)"


def _with_defaults(saved: dict) -> dict:
    """A saved config with keys added since it was written filled by their defaults (so an older
    checkpoint, written before e.g. train.unroll_steps existed, still resumes); as saved if it no longer validates."""
    try:
        return config_from_dict(saved).to_dict()
    except (GananimError, TypeError):
        return saved


def _encode_np_state(state):
    """numpy's bit-generator state holds 128-bit ints; store them as strings (weights_only-safe)."""
    if isinstance(state, dict):
        return {k: _encode_np_state(v) for k, v in state.items()}
    if isinstance(state, int) and not isinstance(state, bool):
        return {"__int__": str(state)}
    return state


def _decode_np_state(state):
    if isinstance(state, dict):
        if set(state) == {"__int__"}:
            return int(state["__int__"])
        return {k: _decode_np_state(v) for k, v in state.items()}
    return state
