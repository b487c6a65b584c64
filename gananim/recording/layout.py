"""A recording folder's layout: its file names, and what gananim may replace in it; stdlib only.

manifest.json       format version, config, target, view box, grid, latent set-up (written once)
fixed.npz           arrays fixed for the whole run: latents, latent grid, data density, modes
chunks/000000.npz   up to `chunk_size` snapshots stacked along axis 0, plus `step` and `scalar__*`
dense/000000.npz    every logged scalar at every step: `step__NAME` and `value__NAME` per name (gananim.recording.dense)
analysis.npz        scalars `gananim analyze` computed after the fact (the chunks are never rewritten)
events.json         the events `gananim analyze` detected
.writer.lock        held by the one process writing the recording (gananim.recording.lock)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from gananim.recording.lock import LOCK

FORMAT = "gananim-recording"
VERSION = 2  # the newest format read: 2 adds "kind" (gananim.kinds); each kind says which version it writes
MANIFEST = "manifest.json"
FIXED = "fixed.npz"
CHUNKS = "chunks"
DENSE = "dense"
ANALYSIS = "analysis.npz"
EVENTS = "events.json"
SCALAR_PREFIX = "scalar__"
WALL_TIME = "wall_time"  # a chunk's when-each-snapshot-was-taken (time.time()); recordings before it have none
DENSE_STEP, DENSE_VALUE = "step__", "value__"  # a dense file's key prefixes: the steps and the values of one name
CHUNK_NAME = re.compile(r"[0-9]{6}\.npz")

# Every file gananim writes in a recording folder (glob patterns relative to it; "checkpoint.pt" is the lab's,
# written beside the recording). `overwrite=True` replaces only a folder that holds nothing else, so a file a
# new version writes into the recording must be added here. The temporaries `.NAME.tmp` and
# `.NAME.XXXXXXXX.tmp` of these count as gananim's too: a killed writer leaves them.
GANANIM_FILES = (
    MANIFEST,
    FIXED,
    ANALYSIS,
    EVENTS,
    LOCK,
    "checkpoint.pt",
    f"{CHUNKS}/[0-9][0-9][0-9][0-9][0-9][0-9].npz",
    f"{DENSE}/[0-9][0-9][0-9][0-9][0-9][0-9].npz",
)
FOLDERS = (CHUNKS, DENSE)  # the sub-folders gananim writes
_TEMPORARY = re.compile(r"\.(?P<name>.+?)(\.[0-9a-f]{8})?\.tmp")


def chunk_files(path: Path, folder: str = CHUNKS) -> list[Path]:
    """The chunk files of `folder` (chunks/ or dense/), in order (only names NNNNNN.npz: anything else is not a chunk)."""
    return sorted(p for p in (path / folder).glob("*.npz") if CHUNK_NAME.fullmatch(p.name))


def _owned(rel: str) -> bool:
    """Is `rel` (a path relative to the folder, with '/') a file gananim writes, or a temporary of one?"""
    folder, _, name = rel.rpartition("/")
    m = _TEMPORARY.fullmatch(name)
    if m:
        rel = f"{folder}/{m['name']}" if folder else m["name"]
    return any(Path(rel).match(pattern) and rel.count("/") == pattern.count("/") for pattern in GANANIM_FILES)


def foreign(path: Path) -> list[str]:
    """The names in `path` that gananim did not write; [] for a folder of gananim's files only."""

    def plain_file(entry: Path) -> bool:
        return entry.is_file() and not entry.is_symlink()

    found = []
    for entry in sorted(path.iterdir()):
        if entry.name in FOLDERS and entry.is_dir() and not entry.is_symlink():
            found += [
                f"{entry.name}/{e.name}"
                for e in sorted(entry.iterdir())
                if not (plain_file(e) and _owned(f"{entry.name}/{e.name}"))
            ]
        elif not (plain_file(entry) and _owned(entry.name)):
            found.append(entry.name + ("/" if entry.is_dir() else ""))
    return found


def contents(path: Path) -> list[Path]:
    """What a folder holds besides the writer lock (a folder holding only the lock is as good as empty)."""
    return [e for e in path.iterdir() if e.name != LOCK] if path.is_dir() else []


def replace_refusal(path: Path) -> str | None:
    """Why the folder `path` may not be replaced, or None: it is provably a gananim recording and nothing else
    (its manifest parses and carries the format marker, and it holds only GANANIM_FILES)."""
    found = foreign(path)
    if found:
        more = f" and {len(found) - 1} more file(s)" if len(found) > 1 else ""
        return f"refusing to replace {path}: it holds {found[0]}{more}, which gananim did not write; move it or choose another --out"
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"refusing to replace {path}: it has no {MANIFEST}, so it is not provably a gananim recording; delete it yourself or choose another --out"
    except (OSError, ValueError, RecursionError):
        return f"refusing to replace {path}: its {MANIFEST} cannot be read, so it is not provably a gananim recording; delete it yourself or choose another --out"
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return f'refusing to replace {path}: its {MANIFEST} was not written by gananim (no "format": "{FORMAT}"); move it or choose another --out'
    return None


__all__ = [
    "ANALYSIS",
    "CHUNKS",
    "DENSE",
    "DENSE_STEP",
    "DENSE_VALUE",
    "EVENTS",
    "FIXED",
    "FORMAT",
    "GANANIM_FILES",
    "MANIFEST",
    "SCALAR_PREFIX",
    "VERSION",
    "chunk_files",
    "contents",
    "foreign",
    "replace_refusal",
]
