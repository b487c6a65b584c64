"""Export a recording to TensorBoard or Weights & Biases: its scalar series, its events and its rendered clip.

    gananim export runs/ring8 --tensorboard tb/        # then: tensorboard --logdir tb
    gananim export runs/ring8 --wandb --project gans   # WANDB_MODE=offline logs locally, for `wandb sync` later

Scalars: what the loop logged (the losses, ...) at every step it logged them (`Recording.dense`), else at each
snapshot; every other series `analyse(rec)` gives, one point per snapshot at its training step: the probes' d_real,
d_fake, ... under `gananim/`, with the metrics computed from the stored arrays. Non-finite points (a loss not logged at step 0, a metric the view box leaves undefined) are left out:
both tools would draw them as spikes or gaps.
The clip is the video `gananim render` makes, rendered once as MP4. TensorBoard gets it as an animated GIF in an
image summary, which its Images tab plays (its own add_video needs moviepy; this needs nothing more); wandb gets the
MP4 as a wandb.Video. Torch-free, like everything downstream of the recording.
"""

from __future__ import annotations

import html
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np

from gananim.analysis import analyse
from gananim.errors import GananimError
from gananim.extras import require
from gananim.recording.reader import Recording, load
from gananim.rendering.encode import fit_gif
from gananim.rendering.names import file_name
from gananim.rendering.pipeline import render_files
from gananim.text import plain

TB_FILES = "events.out.tfevents.*"  # TensorBoard's event files: the only files --overwrite removes
GIF_MB = 3.0  # TensorBoard keeps the GIF inside its event file: a few MB at most


# gananim's own scalars in recordings made before the loop's scalars were kept at every step (rec.dense): the
# probes' and the metrics gananim 0.1.0 recorded live. In those nothing else tells the probes' d_real from the
# loop's d_loss; newer recordings say it by rec.dense.
OLD_GANANIM_SCALARS = re.compile(
    r"d_real|d_fake|value|g_grad_norm|d_grad_norm|nonfinite_share|centroid_[xy]|d_between_modes|hq_share|js|kl"
    r"|reverse_kl|mmd|mode_share_\d+|modes_captured|outside_share|scored_samples"
)


def tag_of(rec: Recording, name: str) -> str:
    """TensorBoard/wandb tag of a series: what the loop logged keeps its own name (its `/` groups as it grouped
    it); gananim's own (the probes' scalars, the metrics computed from the stored arrays) go under `gananim/`, so
    they never sit among the user's at the top level."""
    if rec.dense:
        logged = name in rec.dense
    else:
        logged = name in rec.scalars and not OLD_GANANIM_SCALARS.fullmatch(name)
    return name if logged else f"gananim/{name}"


def series(rec: Recording) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every scalar series by tag: (steps, values), finite points only; a logged scalar at every step it was logged,
    the probes' scalars and computed metrics under `gananim/`."""
    analysis = analyse(rec)
    found = {tag_of(rec, name): (analysis.steps, values) for name, values in analysis.series.items()}
    found |= {name: (steps, values.astype(np.float64)) for name, (steps, values) in rec.dense.items()}  # they win
    out = {}
    for tag, (steps, values) in found.items():
        keep = np.isfinite(values)
        if keep.any():
            out[tag] = (steps[keep], values[keep])
    return out


def render_clip(rec: Recording, folder: Path, progress: Callable[[int, int], None] | None = None, **render) -> Path:
    """The recording's video as an MP4 in `folder` (`render`: view=, size=, fps=, duration=, dashboard=, ...)."""
    return render_files([rec], render.pop("view", None), folder / f"{file_name(rec)}.mp4", progress=progress, **render)[
        0
    ]


def tensorboard_folder(logdir: str | Path, rec: Recording, overwrite: bool) -> Path:
    """LOGDIR/NAME, TensorBoard's run for this recording; one holding event files is refused unless overwrite."""
    folder = Path(logdir) / file_name(rec)
    try:
        old = sorted(folder.glob(TB_FILES)) if folder.is_dir() else []
        if old and not overwrite:
            raise GananimError(
                f"{folder} already holds TensorBoard event files (TensorBoard would mix both exports); "
                "add --overwrite to replace them, or choose another --tensorboard folder"
            )
        for file in old:
            file.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise GananimError(
            f"cannot write into {folder}: a file is in the way, not a folder; choose another --tensorboard folder"
        ) from None
    except OSError as e:
        raise GananimError(f"cannot write to {folder}: {e.strerror or e}") from None
    return folder


# what can make a link, an image, code or a table; `_` stays (intra-word in names like mode_hop), HTML is escaped
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*[]()!|~"})


def literal(text: str) -> str:
    """Plain text as markdown that shows exactly it: one line, HTML escaped, markdown's punctuation escaped."""
    return html.escape(plain(text), quote=False).translate(_MARKDOWN)


def to_tensorboard(rec: Recording, folder: Path, gif: Path | None) -> Path:
    """Write the scalars (one event per snapshot), the events (a text summary) and the GIF into one event file."""
    require("tensorboard", "tensorboard", "exporting to TensorBoard")
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.plugins.text.summary_v2 import text_pb
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    analysis = analyse(rec)
    by_step: dict[int, list] = {}
    for tag, (steps, values) in series(rec).items():
        for step, value in zip(steps.tolist(), values.tolist()):
            by_step.setdefault(step, []).append(summary_pb2.Summary.Value(tag=tag, simple_value=value))
    last = int(rec.steps[-1]) if len(rec) else 0
    extra = []
    if analysis.events:
        # TensorBoard renders text as markdown, HTML included: each line is made literal (a caption is a stranger's)
        # the caption alone: it already says what happened (its kind too), and the frames show the same words
        lines = [f"- {literal(f'steps {e.start:,}–{e.end:,}: {e.caption}')}" for e in analysis.events]
        extra += text_pb("gananim/events", "\n".join(lines)).value
    if gif is not None:
        data = gif.read_bytes()
        width, height = int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")  # GIF's screen size
        extra.append(
            summary_pb2.Summary.Value(
                tag="gananim/clip",
                image=summary_pb2.Summary.Image(width=width, height=height, colorspace=3, encoded_image_string=data),
            )
        )
    if extra:
        by_step.setdefault(last, []).extend(extra)
    writer = EventFileWriter(str(folder))
    try:
        steps = sorted(by_step)
        for step, wall in zip(steps, wall_times(rec, np.array(steps, dtype=np.int64)).tolist()):
            writer.add_event(
                event_pb2.Event(wall_time=wall, step=step, summary=summary_pb2.Summary(value=by_step[step]))
            )
    finally:
        writer.close()
    return next(folder.glob(TB_FILES))  # the folder's only event file: older ones were refused or removed


def wall_times(rec: Recording, steps: np.ndarray) -> np.ndarray:
    """When the training reached each of `steps` (seconds since the epoch), for TensorBoard's Wall and Relative axes:
    the snapshots' own wall times, interpolated between snapshots for steps logged in between (and held flat
    beyond them). A recording made before wall times were kept gets a proxy that only keeps the order: its start
    (the manifest's `created`, else the epoch) plus one second per snapshot, interpolated likewise."""
    have = np.isfinite(rec.wall_times)
    if have.sum() >= 1:
        known_steps, known = rec.steps[have], np.maximum.accumulate(rec.wall_times[have])  # a clock set back: held
    else:
        start = created(rec)
        known_steps, known = rec.steps, start + np.arange(len(rec), dtype=np.float64)
    if not len(known_steps):
        return np.full(len(steps), created(rec))
    return np.interp(steps.astype(np.float64), known_steps.astype(np.float64), known)


def created(rec: Recording) -> float:
    """The manifest's `created` time in seconds since the epoch (0.0 when it has none or it does not parse)."""
    try:
        return datetime.strptime(str(rec.manifest.get("created")), "%Y-%m-%dT%H:%M:%S%z").timestamp()
    except ValueError:
        return 0.0


def to_wandb(rec: Recording, mp4: Path | None, *, project: str | None = None, name: str | None = None) -> str:
    """Log the scalars (one wandb step per snapshot, at its training step) and the clip as a wandb.Video; returns
    where the run went (its URL, or its folder in offline mode)."""
    wandb = require("wandb", "wandb", "exporting to Weights & Biases")
    rows: dict[int, dict] = {}
    for tag, (steps, values) in series(rec).items():
        for step, value in zip(steps.tolist(), values.tolist()):
            rows.setdefault(step, {})[tag] = value
    last = int(rec.steps[-1]) if len(rec) else 0
    try:
        run = wandb.init(
            project=project or "gananim",
            name=name or file_name(rec),
            job_type="gananim-export",
            config={"recording": str(rec.path), **rec.manifest},
        )
    except Exception as e:  # no login, no network: wandb's own errors, told in one line
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise GananimError(
            f"wandb could not start a run ({first}); run `wandb login`, or set WANDB_MODE=offline "
            "to log locally and `wandb sync` later"
        ) from None
    try:
        for step in sorted(rows):
            run.log(rows[step], step=step)
        if mp4 is not None:
            run.log({"gananim/clip": wandb.Video(str(mp4), format="mp4")}, step=max(last, max(rows, default=0)))
    finally:
        run.finish()
    if getattr(run, "offline", False):
        folder = Path(run.dir).parent
        return f"{folder} (offline: upload it with `wandb sync {folder}`)"
    return str(run.url)


def export(
    run: str | Path | Recording,
    *,
    tensorboard: str | Path | None = None,
    wandb: bool = False,
    project: str | None = None,
    name: str | None = None,
    overwrite: bool = False,
    gif_mb: float = GIF_MB,
    progress: Callable[[int, int], None] | None = None,
    **render,
) -> list[str]:
    """Export the recording `run` (a Recording or its folder) to TensorBoard and/or Weights & Biases; returns what
    was written, one line each. `gananim export --tensorboard DIR` and `--wandb` call it (`--html` is the player).

    - `tensorboard`: a log folder; the run goes into TENSORBOARD/NAME (`overwrite` replaces its earlier event files).
    - `wandb`: log to wandb, into `project` (default "gananim") as run `name` (default: the recording's name).
    - `gif_mb`: TensorBoard's clip, a GIF kept under this many MB.
    - `progress(done, total)`: called after each rendered frame.
    - `render`: the clip's options, as for `gananim.render` (view=, size=, fps=, duration=, dashboard=, ...).
    """
    rec = run if isinstance(run, Recording) else load(run)
    if tensorboard is None and not wandb:
        raise GananimError("say where to export: --tensorboard DIR, --wandb, or both")
    # the packages first, and the folder: a mistake is told before the render, not after it
    if tensorboard is not None:
        require("tensorboard", "tensorboard", "exporting to TensorBoard")
        folder = tensorboard_folder(tensorboard, rec, overwrite)
    if wandb:
        require("wandb", "wandb", "exporting to Weights & Biases")
    done = []
    with tempfile.TemporaryDirectory(prefix="gananim-export-") as tmp:
        mp4 = render_clip(rec, Path(tmp), progress, **render) if len(rec) else None
        if tensorboard is not None:
            gif = fit_gif(mp4, Path(tmp) / "clip.gif", gif_mb) if mp4 is not None else None
            done.append(f"TensorBoard: {to_tensorboard(rec, folder, gif)} (see it: tensorboard --logdir {tensorboard})")
        if wandb:
            done.append(f"wandb: {to_wandb(rec, mp4, project=project, name=name)}")
    return done
