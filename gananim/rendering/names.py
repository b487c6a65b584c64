"""Where a render goes: the file names it chooses (never the same for two renders that draw different things), the
folder it makes, the files it replaces, and the --steps text both the names and the pipeline read."""

from __future__ import annotations

import re
from pathlib import Path

from gananim.errors import GananimError
from gananim.recording.reader import Recording

VIDEO_SUFFIXES = (".mp4", ".webm", ".gif")


def parse_steps(text: str | None) -> tuple[int | None, int | None]:
    """'A:B', 'A:' or ':B' → (A, B) training-step bounds (inclusive)."""
    if not text:
        return None, None
    m = re.fullmatch(r"\s*(\d*)\s*:\s*(\d*)\s*", text)
    if not m or not (m.group(1) or m.group(2)):
        raise GananimError(f"--steps takes A:B (training steps, either side may be left out), got {text!r}")
    lo, hi = (int(g) if g else None for g in m.groups())
    if lo is not None and hi is not None and lo > hi:
        raise GananimError(f"--steps {text}: the start is after the end")
    return lo, hi


def file_name(rec: Recording) -> str:
    """A safe file-name component for a recording: its experiment name or folder name, with only letters, digits,
    dots, dashes and underscores, never starting with a dot (no "..", no hidden file), at most 100 characters."""
    raw = (rec.manifest.get("config") or {}).get("name") or rec.path.name
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(raw)).strip("-.")[:100].rstrip("-.") or "recording"


def clip_name(
    recs: Recording | list[Recording],
    view: str,
    *,
    dashboard: bool = False,
    steps: str | None = None,
    scalars=None,
    data_points: bool | None = None,
) -> str:
    """The default video file's stem, and the stem of every file in an embed folder: every run's name (joined by
    `_vs_`), the view, then what changes the picture: `-dashboard`, `-steps{A}-{B}`, `-scalars-{names}`,
    `-data-points` / `-no-data-points`. Two renders that draw different things never share a name (issue 20:
    `render RUN`, `render RUN --dashboard` and `render RUN OTHER` all wrote renders/RUN-surface.mp4)."""
    recs = recs if isinstance(recs, (list, tuple)) else [recs]
    name = "_vs_".join(file_name(r) for r in recs) + f"-{view}"
    if dashboard and view != "dashboard":
        name += "-dashboard"
    if steps:
        lo, hi = parse_steps(steps)
        name += f"-steps{'' if lo is None else lo}-{'' if hi is None else hi}"
    if scalars:
        names = scalars.split(",") if isinstance(scalars, str) else list(scalars)
        name += "-scalars-" + re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(n.strip() for n in names)).strip("-.")[:60]
    if data_points is not None:
        name += "-data-points" if data_points else "-no-data-points"
    return name


def output_target(rec: Recording, view: str, out, embed: bool) -> Path:
    """The file or folder to write, its folder created now: an unwritable place is refused before any rendering."""
    return make_folder(output_path(rec, view, out, embed))


def replaced(target: Path, web: bool, stem: str) -> list[Path]:
    """The files a render into `target` will replace: the file itself, or an embed folder's files of this clip."""
    if not web:
        return [target] if target.is_file() else []
    return sorted(p for p in target.glob(f"{glob_escape(stem)}*") if p.is_file()) if target.is_dir() else []


def glob_escape(text: str) -> str:
    """`text` matched literally by Path.glob (file_name keeps only [A-Za-z0-9._-], but a --out folder's clip
    stem is ours too: escape anyway)."""
    return re.sub(r"([\[\]*?])", r"[\1]", text)


def output_path(rec: Recording | list[Recording], view: str, out, embed: bool, name: str | None = None) -> Path:
    """Where to write: the given file or folder, else renders/NAME.mp4 (or a folder for --embed), NAME the
    clip_name given (else the runs' names and the view)."""
    if out is None:
        name = name or clip_name(rec, view)
        return Path("renders") / (name if embed else f"{name}.mp4")
    out = Path(out)
    if out.suffix.lower() in VIDEO_SUFFIXES:
        if embed:
            raise GananimError(f"--embed writes a folder of files; give --out a folder, not {out.name}")
        return out.with_suffix(out.suffix.lower())
    if out.suffix:
        raise GananimError(f"cannot write {out.name}: use .mp4, .webm or .gif, or a folder (for all web formats)")
    return out


def make_folder(target: Path) -> Path:
    """Create the folder `target` is in (or is): a file in the way or no permission is refused before rendering."""
    folder = target if target.suffix == "" else target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file sits where the folder (or one above it) should be
        raise GananimError(
            f"cannot write into {folder}: a file is in the way, not a folder; choose another --out"
        ) from None
    except OSError as e:
        raise GananimError(f"cannot write to {folder}: {e.strerror or e}") from None
    return target
