"""The render pipeline: recording(s) → frames → web files, behind `gananim render` and `gananim.render`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from gananim.errors import GananimError
from gananim.recording.reader import Recording, load
from gananim.rendering import encode
from gananim.rendering.names import clip_name, make_folder, output_path, parse_steps, replaced
from gananim.rendering.pace import POSTER_SECONDS, frame_change
from gananim.rendering.timeline import Timeline
from gananim.rendering.views import Frame, make_style
from gananim.rendering.webvtt import captions_vtt, chapters_vtt, write_vtt

# Which event the poster shows (pace.story): a hop or a collapse is what a GAN clip is usually about and a still can
# show; a divergence only when nothing else happened (four-points' poster was its first seconds, samples flung out
# of view); the rest (sway, vanishing gradients, convergence) between, the first in time.
STORY_RANK = {"mode_hop": 0, "collapse": 1, "divergence": 3}


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


def frames(frame: Frame, timeline: Timeline, progress: Callable[[int], None] | None = None) -> Iterator[np.ndarray]:
    """Render the timeline as RGBA canvas buffers (no copies), each with its pace beside the step counter; a
    repeated step at the same pace reuses the last frame."""
    last_key, last = None, None
    for k, key in enumerate(zip(timeline.steps, timeline.labels())):
        if key != last_key:
            last_key, last = key, frame.render_rgba(float(key[0]), pace=key[1])
        yield last
        if progress:
            progress(k + 1)


def render(runs, view: str | None = None, out: str | Path | None = None, **options) -> Path:
    """Render a view of 1–4 recordings (side by side, synchronised on training step) to a web-ready video; returns
    the video file, or the folder for `embed=True`. `gananim render` on the command line is this function.

    - `runs`: a Recording, a recording folder, or a list of 1–4 of them.
    - `view`: a view's name (`surface`, `density`, `mapping`, `gradients`, `mountains`, `goodfellow-1d`,
      `dashboard`; images: `grid`, `interp`, `projection`, `d-hist`); None = the default for these recordings.
    - `out`: FILE.mp4, .webm or .gif, or a folder (all web formats, as `embed`); None = renders/NAME.mp4, NAME
      made of every run's name, the view, `-dashboard` and `-stepsA-B` where given (never the same for two
      renders that draw different things).
    - `options`, the keywords of `render_files` (defaults there): `size` ("720p", "1080p", "square",
      "WIDTHxHEIGHT" or (w, h)), `fps`, `steps` ("A:B", training steps), `speed` (2 = half as long), `duration`
      (seconds; default 8–20 from the snapshot count, longer where captions need it), `embed` (a folder of WebM, MP4, GIF, poster, HTML snippet,
      captions), `dashboard` (the dashboard beside the view), `max_mb` (a GIF's size budget), `title` (on every
      frame), `titles` (one per run), `slowmo` (slow events down that many times more), `crf` (quality: N, or
      "mp4=N"/"webm=N", or a list), `preset` (x264's speed name), `controls` (the embed's play bar), `even` (every
      step the same time), `data_points` (the stored real samples as dots in the 2D views; None: where the data
      came as samples), `scalars` (the dashboard's panels by scalar name), `announce` and `progress` (callbacks:
      see render_files).
    """
    written = render_files(runs, view, out, **options)
    return written[0].parent if len(written) > 1 else written[0]


@dataclass(frozen=True)
class RenderOptions:
    """The video options of one render: render_files's keywords (whose defaults they are), gathered once.

    Each is checked where it is used, in this order and after the recordings load (a missing recording is
    reported before a bad option): size by make_style, steps by chosen_steps, fps, speed, duration and slowmo
    by Timeline.make, out, embed, controls, crf and preset by _destination, before any folder is made. `even`
    gives every step the same time (no warp towards change and events; captions are still held to be read).
    `dashboard` puts the dashboard beside the view, `max_mb` is a GIF's size budget, `title` the text on every
    frame (default: the runs' names), `titles` one name per run, `data_points` draws the stored real samples in
    the 2D views (None: where the data came as samples), `scalars` picks the dashboard's panels by scalar name.
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
    even: bool = False
    data_points: bool | None = None  # draw the stored real samples in the 2D views (None: where data came as samples)
    scalars: object = None  # the dashboard's panels by scalar name, "a,b" or a list (gananim.rendering.views.scalars)


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
    even: bool = False,
    data_points: bool | None = None,
    scalars=None,
    announce: Callable[..., None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Render one view of 1–4 recordings (`runs`) to a video file (.mp4/.webm/.gif) or, with embed, a web folder;
    returns every file written. `render` (above) says what each option does: `view`, `out`, `size`, `fps`, `steps`,
    `speed`, `duration`, `embed`, `dashboard`, `max_mb`, `title`, `titles`, `slowmo`, `even`.

    `crf` (N, "FORMAT=N" or a list of them) and `preset` (an x264 preset name) set the MP4/WebM encoders
    (see gananim.rendering.encode.quality); `max_mb` is the GIF's budget (default for an embed: encode.EMBED_GIF_MB);
    `controls` gives the embed's <video> the browser's controls; `even` keeps the clock uniform (see RenderOptions);
    `data_points` draws the recording's stored real samples as blue dots in the 2D views (surface, density,
    mapping, gradients): None (the default) where the data came as samples, True or False always or never;
    `scalars` ("a,b/c" or a list of names) picks the dashboard's panels among every recorded scalar, a name with "/"
    grouped by what comes before it, a group's name picking all of it (gananim.rendering.views.scalars);
    `announce(target, frames, fps, unread=N, replacing=[files])` is called once the target is known and checked,
    before the first frame is drawn (N: captions the length given leaves under pace.CAPTION_SECONDS on screen;
    `replacing`: the files of an earlier render that this one will replace). `progress(done, total)` is called
    after each frame.
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
        even=even,
        data_points=data_points,
        scalars=scalars,
    )
    return _render(runs, view, out, opts, announce, progress)


def _render(runs, view: str | None, out, opts: RenderOptions, announce, progress) -> list[Path]:
    """render_files, once its keywords are gathered: draw the clip, then write it where it goes."""
    recs = [r if isinstance(r, Recording) else load(r) for r in (runs if isinstance(runs, (list, tuple)) else [runs])]
    view = default_view(recs) if view in (None, "compare") else view  # compare = several runs, a view all can show
    clip = plan_clip(recs, view, opts, gif_stride_for(out, opts))
    name = clip_name(
        recs, view, dashboard=opts.dashboard, steps=opts.steps, scalars=opts.scalars, data_points=opts.data_points
    )
    target = _destination(recs, view, out, opts, name)
    if announce:
        announce(
            target.path,
            len(clip.timeline),
            opts.fps,
            unread=clip.timeline.unread,
            replacing=replaced(target.path, target.web, name),
        )
    tick = (lambda k: progress(k, len(clip.timeline))) if progress else None
    if target.web:
        return _write_web(clip, target, name, opts, tick)
    return [_write_file(clip, target.path, opts.max_mb, tick, target.encoders.get(target.path.suffix.lstrip("."), {}))]


@dataclass
class Clip:
    """What a render draws: the frame (views, style), which step each video frame shows, the events on screen."""

    frame: Frame
    timeline: Timeline
    events: list


def plan_clip(recs: list[Recording], view: str, opts: RenderOptions, stride: int = 1) -> Clip:
    """The frame for `view` of the recordings, and the timeline over the steps chosen: paced by how much the
    picture changes and by the events (unless opts.even), the story frame (the outcome of the first event of the
    likeliest story, STORY_RANK, else the final state) held POSTER_SECONDS for the poster,
    held snapshots advancing evenly in a GIF that keeps every `stride`-th frame."""
    frame = Frame(
        recs,
        view,
        make_style(opts.size),
        titles=opts.titles,
        title=opts.title,
        dashboard=opts.dashboard,
        data_points=opts.data_points,
        scalars=opts.scalars,
    )
    events = [e for r in frame.events for e in r]
    tween = any(getattr(v, "tweens", False) for v in frame.views)  # else every frame shows a recorded snapshot
    chosen = chosen_steps(recs, frame, opts.steps)
    timeline = Timeline.make(
        chosen,
        opts.fps,
        opts.speed,
        opts.duration,
        events=[(e.start, e.end) for e in story_order(events)],
        slowmo=opts.slowmo,
        tween=tween,
        change=None if opts.even else frame_change(recs, chosen),
        poster=POSTER_SECONDS,
        stride=stride,
    )
    return Clip(frame, timeline, events)


def story_order(events: list) -> list:
    """The events in the order the poster looks for its story (pace.story): by STORY_RANK, then by start."""
    return sorted(events, key=lambda e: (STORY_RANK.get(e.kind, 2), e.start))


def gif_stride_for(out, opts: RenderOptions) -> int:
    """Every how many frames the GIF this render writes keeps one (1 when it writes none): held snapshots are
    paced in whole multiples of it, so that the GIF advances as evenly as the video."""
    suffix = Path(out).suffix.lower() if out is not None else ""
    if opts.embed or (out is not None and not suffix):
        return encode.gif_stride(opts.fps, encode.EMBED_GIF["max_fps"])
    return encode.gif_stride(opts.fps) if suffix == ".gif" else 1


EMBED_FORMATS = ("webm", "mp4", "gif")


@dataclass(frozen=True)
class Destination:
    """Where a render goes: a video file, or a folder of web files (web); each format's encoder options."""

    path: Path
    web: bool
    encoders: dict[str, dict]


def _destination(recs: list[Recording], view: str, out, opts: RenderOptions, name: str) -> Destination:
    """The file or folder to write and its encoders' options, all checked before its folder is made."""
    path = output_path(recs, view, out, opts.embed, name)
    web = opts.embed or path.suffix == ""  # --out FOLDER gets the web files, as --embed does
    if opts.controls and not web:
        raise GananimError(f"--controls is for --embed (the HTML snippet); {path.name} is a plain video file")
    encoders = encode.encoder_options(EMBED_FORMATS if web else [path.suffix], opts.crf, opts.preset)
    return Destination(make_folder(path), web, encoders)


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
        poster=clip.timeline.poster,  # the story frame, held still: a moment the clip is about, not a flash
        controls=opts.controls,
    )
    for path, kind in tracks:  # written once the videos are: a failed render leaves no stray captions
        write_vtt(path, (captions_vtt if kind == "captions" else chapters_vtt)(clip.events, clip.timeline))
    return list(written.values()) + [t for t, _ in tracks]


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
