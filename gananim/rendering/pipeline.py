"""The render pipeline: recording(s) → frames → web files, behind `gananim render` and `gananim.render`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from gananim.errors import GananimError
from gananim.recording.reader import Recording, load
from gananim.rendering import encode
from gananim.rendering.views import Frame, make_style
from gananim.rendering.webvtt import captions_vtt, chapters_vtt, write_vtt

VIDEO_SUFFIXES = (".mp4", ".webm", ".gif")


def default_view(recs: Recording | list[Recording]) -> str:
    """The headline view that every recording given can show (compare draws one view for all, side by side): their
    kind's (gananim.kinds), which must be one kind for all."""
    recs = recs if isinstance(recs, (list, tuple)) else [recs]
    names = list(dict.fromkeys(r.kind for r in recs))
    if len(names) > 1:
        raise GananimError(
            f"cannot draw recordings of {' and '.join(names)} side by side: no view shows both; render them apart"
        )
    return recs[0].kind_of.default_view(recs)


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


def chosen_steps(recs: list[Recording], frame: Frame, steps: str | None) -> np.ndarray:
    """The snapshot steps that --steps selects; none selected is an error naming the steps there are."""
    lo, hi = parse_steps(steps)
    chosen = frame.steps(lo, hi)
    if len(chosen):
        return chosen
    every = np.unique(np.concatenate([r.steps for r in recs]))
    names = " and ".join(str(r.path) for r in recs)
    if not len(every):
        raise GananimError(f"{names} has no snapshots yet: nothing to render")
    spacing = (
        f", a snapshot every {recs[0].manifest['every']}" if len(recs) == 1 and recs[0].manifest.get("every") else ""
    )
    raise GananimError(
        f"steps {steps} select no snapshot: {names} {'has' if len(recs) == 1 else 'have'} steps "
        f"{every[0]}–{every[-1]}{spacing}"
    )


MAX_VIDEO_SECONDS = (
    3600  # gananim makes clips to watch and embed: a longer video means a typo in --speed/--duration/--slowmo
)
# The default length: one snapshot per frame at PACE snapshots a second, clamped to MIN..MAX seconds, so a short
# recording still plays long enough to follow and a long one stays a clip (its frames then skip snapshots).
PACE, MIN_SECONDS, MAX_SECONDS = 30.0, 8.0, 20.0


def default_seconds(snapshots: int) -> float:
    """The default video length for a recording of this many snapshots (before --speed and --slowmo)."""
    return float(np.clip(snapshots / PACE, MIN_SECONDS, MAX_SECONDS))


@dataclass
class Timeline:
    """Which training step each video frame shows: snapshot steps (held), or steps between them (blended)."""

    steps: np.ndarray  # float: a frame between two snapshots shows a fractional training step
    fps: float

    @classmethod
    def make(
        cls,
        snapshot_steps: np.ndarray,
        fps: float,
        speed: float = 1.0,
        duration: float | None = None,
        slow: list[tuple[int, int]] = (),
        slowmo: float = 1.0,
        tween: bool = False,
    ) -> "Timeline":
        """Frames over the snapshots for `duration` seconds (default: `default_seconds`, divided by `speed`);
        steps inside a `slow` span are shown `slowmo` times as long.

        Held (tween=False), each frame shows a recorded snapshot's step, each snapshot for an equal share of time.
        Blended (tween=True), the first frame shows the first snapshot, the last frame the last, and the frames
        between move evenly through the gaps between snapshots, at fractional steps the views blend.
        """
        n = len(snapshot_steps)
        if n == 0:
            raise GananimError("no snapshots in the chosen step range")
        if fps <= 0 or speed <= 0 or slowmo < 1 or (duration is not None and duration <= 0):
            raise GananimError("--fps, --speed and --duration must be positive, --slowmo at least 1")
        steps = np.asarray(snapshot_steps, dtype=float)
        weight = np.ones(n)
        for start, end in slow:
            weight[(steps >= start) & (steps <= end)] = slowmo
        seconds = duration if duration else default_seconds(n) * weight.mean() / speed
        frames = seconds * fps
        if not frames / fps <= MAX_VIDEO_SECONDS:  # also catches inf and nan
            raise GananimError(
                f"the video would last {frames / fps:,.0f} s; at most {MAX_VIDEO_SECONDS:,} s: "
                f"raise --speed or lower --duration or --slowmo"
            )
        count = max(round(frames), 1)
        if not tween or n == 1:
            clock = np.concatenate([[0], np.cumsum(weight)])  # each snapshot's share of screen time
            at = (np.arange(count) + 0.5) * clock[-1] / count
            return cls(steps[np.searchsorted(clock, at, side="right") - 1], fps)
        gaps = np.maximum(weight[:-1], weight[1:])  # a gap touching a slowed snapshot is slowed too
        clock = np.concatenate([[0], np.cumsum(gaps)])
        at = np.linspace(0, clock[-1], count) if count > 1 else np.zeros(1)
        j = np.minimum(np.searchsorted(clock, at, side="right") - 1, n - 2)
        u = np.clip((at - clock[j]) / gaps[j], 0, 1)
        return cls(steps[j] + (steps[j + 1] - steps[j]) * u, fps)

    def seconds(self, start: int, end: int) -> tuple[float, float] | None:
        """When the frames showing steps start..end play, in seconds; None if none of them does."""
        shown = np.flatnonzero((self.steps >= start) & (self.steps <= end))
        return (shown[0] / self.fps, (shown[-1] + 1) / self.fps) if len(shown) else None

    def __len__(self) -> int:
        return len(self.steps)


def frames(frame: Frame, timeline: Timeline, progress: Callable[[int], None] | None = None) -> Iterator[np.ndarray]:
    """Render the timeline as RGBA canvas buffers (no copies); a repeated step reuses the last frame."""
    last_step, last = None, None
    for k, step in enumerate(timeline.steps):
        if step != last_step:
            last_step, last = step, frame.render_rgba(float(step))
        yield last
        if progress:
            progress(k + 1)


def render(runs, view: str | None = None, out: str | Path | None = None, **options) -> Path:
    """Render a view of 1–4 recordings; returns the video file, or the folder for `embed=True`."""
    written = render_files(runs, view, out, **options)
    return written[0].parent if len(written) > 1 else written[0]


@dataclass(frozen=True)
class RenderOptions:
    """The video options of one render: render_files's keywords (whose defaults they are), gathered once.

    Each is checked where it is used, in this order and after the recordings load (a missing recording is
    reported before a bad option): size by make_style, steps by chosen_steps, fps, speed, duration and slowmo
    by Timeline.make, out, embed, controls, crf and preset by _destination, before any folder is made.
    """

    size: str | tuple[int, int]
    fps: float
    steps: str | None
    speed: float
    duration: float | None
    embed: bool
    dashboard: bool
    max_mb: float | None
    title: str | None
    titles: list[str] | None
    slowmo: float
    crf: object  # N, "FORMAT=N" or a list of them: see gananim.rendering.encode.quality
    preset: str | None
    controls: bool


def render_files(
    runs,
    view: str | None = None,
    out: str | Path | None = None,
    *,
    size: str | tuple[int, int] = "720p",
    fps: float = 30,
    steps: str | None = None,
    speed: float = 1.0,
    duration: float | None = None,
    embed: bool = False,
    dashboard: bool = False,
    max_mb: float | None = None,
    title: str | None = None,
    titles: list[str] | None = None,
    slowmo: float = 1.0,
    crf=None,
    preset: str | None = None,
    controls: bool = False,
    announce: Callable[[Path, int, float], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Render one view of 1–4 recordings to a video file (.mp4/.webm/.gif) or, with embed, a web folder.

    `crf` (N, "FORMAT=N" or a list of them) and `preset` (an x264 preset name) set the MP4/WebM encoders
    (see gananim.rendering.encode.quality); `max_mb` is the GIF's budget (default for an embed: encode.EMBED_GIF_MB);
    `controls` gives the embed's <video> the browser's controls; `announce(target, frames, fps)` is called
    once the target is known and checked, before the first frame is drawn.
    """
    opts = RenderOptions(
        size=size,
        fps=fps,
        steps=steps,
        speed=speed,
        duration=duration,
        embed=embed,
        dashboard=dashboard,
        max_mb=max_mb,
        title=title,
        titles=titles,
        slowmo=slowmo,
        crf=crf,
        preset=preset,
        controls=controls,
    )
    return _render(runs, view, out, opts, announce, progress)


def _render(runs, view: str | None, out, opts: RenderOptions, announce, progress) -> list[Path]:
    """render_files, once its keywords are gathered: draw the clip, then write it where it goes."""
    recs = [r if isinstance(r, Recording) else load(r) for r in (runs if isinstance(runs, (list, tuple)) else [runs])]
    view = default_view(recs) if view in (None, "compare") else view  # compare = several runs, a view all can show
    clip = plan_clip(recs, view, opts)
    target = _destination(recs[0], view, out, opts)
    if announce:
        announce(target.path, len(clip.timeline), opts.fps)
    tick = (lambda k: progress(k, len(clip.timeline))) if progress else None
    if target.web:
        return _write_web(clip, target, clip_name(recs[0], view), opts, tick)
    return [_write_file(clip, target.path, opts.max_mb, tick, target.encoders.get(target.path.suffix.lstrip("."), {}))]


@dataclass
class Clip:
    """What a render draws: the frame (views, style), which step each video frame shows, the events on screen."""

    frame: Frame
    timeline: Timeline
    events: list


def plan_clip(recs: list[Recording], view: str, opts: RenderOptions) -> Clip:
    """The frame for `view` of the recordings, and the timeline over the steps chosen (events slowed by slowmo)."""
    frame = Frame(recs, view, make_style(opts.size), titles=opts.titles, title=opts.title, dashboard=opts.dashboard)
    events = [e for r in frame.events for e in r]
    tween = any(getattr(v, "tweens", False) for v in frame.views)  # else every frame shows a recorded snapshot
    timeline = Timeline.make(
        chosen_steps(recs, frame, opts.steps),
        opts.fps,
        opts.speed,
        opts.duration,
        slow=[(e.start, e.end) for e in events],
        slowmo=opts.slowmo,
        tween=tween,
    )
    return Clip(frame, timeline, events)


EMBED_FORMATS = ("webm", "mp4", "gif")


@dataclass(frozen=True)
class Destination:
    """Where a render goes: a video file, or a folder of web files (web); each format's encoder options."""

    path: Path
    web: bool
    encoders: dict[str, dict]


def _destination(rec: Recording, view: str, out, opts: RenderOptions) -> Destination:
    """The file or folder to write and its encoders' options, all checked before its folder is made."""
    path = _output_path(rec, view, out, opts.embed)
    web = opts.embed or path.suffix == ""  # --out FOLDER gets the web files, as --embed does
    if opts.controls and not web:
        raise GananimError(f"--controls is for --embed (the HTML snippet); {path.name} is a plain video file")
    encoders = encode.encoder_options(EMBED_FORMATS if web else [path.suffix], opts.crf, opts.preset)
    return Destination(_make_folder(path), web, encoders)


def _write_web(clip: Clip, target: Destination, name: str, opts: RenderOptions, tick) -> list[Path]:
    """Every web format, the poster and the snippet into the folder; then the WebVTT captions and chapters."""
    folder = target.path
    tracks = [(folder / f"{name}-captions.vtt", "captions"), (folder / f"{name}-chapters.vtt", "chapters")]
    tracks = tracks if clip.events else []
    written = encode.write_embed(
        lambda: frames(clip.frame, clip.timeline, tick),
        folder,
        name,
        opts.fps,
        (clip.frame.style.width, clip.frame.style.height),
        formats=EMBED_FORMATS,
        channels=4,
        tracks=tracks,
        options=target.encoders,
        gif_max_mb=encode.EMBED_GIF_MB if opts.max_mb is None else opts.max_mb,
        poster=poster_frame(clip.events, clip.timeline),
        controls=opts.controls,
    )
    for path, kind in tracks:  # written once the videos are: a failed render leaves no stray captions
        write_vtt(path, (captions_vtt if kind == "captions" else chapters_vtt)(clip.events, clip.timeline))
    return list(written.values()) + [t for t, _ in tracks]


def poster_frame(events: list, timeline: Timeline) -> int:
    """The frame the embed's poster shows: the middle of the first event on screen, else the middle of the clip.

    The poster is what a reader sees before the video plays (or instead, where autoplay is off): the last
    frame is the end of the story; the first event is the moment the clip is about.
    """
    for e in sorted(events, key=lambda e: (e.start, e.end)):
        shown = np.flatnonzero((timeline.steps >= e.start) & (timeline.steps <= e.end))
        if len(shown):
            return int(shown[len(shown) // 2])
    return len(timeline) // 2


def _write_file(clip: Clip, path: Path, max_mb: float | None, tick, options: dict) -> Path:
    """One video file; a GIF over its size budget is remade at a lower fps and size, never refused."""
    style, timeline = clip.frame.style, clip.timeline
    with encode.writer_for(path, timeline.fps, (style.width, style.height), channels=4, **options) as writer:
        for img in frames(clip.frame, timeline, tick):
            writer.grab_frame(img)
    written = writer.finish()
    if path.suffix == ".gif" and max_mb is not None and written.stat().st_size > max_mb * 2**20:
        encode.fit_gif(written, written, max_mb, fps=timeline.fps, width=style.width)
    return written


def file_name(rec: Recording) -> str:
    """A safe file-name component for a recording: its experiment name or folder name, with only letters, digits,
    dots, dashes and underscores, never starting with a dot (no "..", no hidden file), at most 100 characters."""
    raw = (rec.manifest.get("config") or {}).get("name") or rec.path.name
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(raw)).strip("-.")[:100].rstrip("-.") or "recording"


def clip_name(rec: Recording, view: str) -> str:
    """NAME-VIEW: the default video file's stem, and the stem of every file in an embed folder."""
    return f"{file_name(rec)}-{view}"


def output_target(rec: Recording, view: str, out, embed: bool) -> Path:
    """The file or folder to write, its folder created now: an unwritable place is refused before any rendering."""
    return _make_folder(_output_path(rec, view, out, embed))


def _output_path(rec: Recording, view: str, out, embed: bool) -> Path:
    """Where to write: the given file or folder, else renders/NAME-VIEW.mp4 (or a folder for --embed)."""
    if out is None:
        name = clip_name(rec, view)
        return Path("renders") / (name if embed else f"{name}.mp4")
    out = Path(out)
    if out.suffix.lower() in VIDEO_SUFFIXES:
        if embed:
            raise GananimError(f"--embed writes a folder of files; give --out a folder, not {out.name}")
        return out.with_suffix(out.suffix.lower())
    if out.suffix:
        raise GananimError(f"cannot write {out.name}: use .mp4, .webm or .gif, or a folder (for all web formats)")
    return out


def _make_folder(target: Path) -> Path:
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
