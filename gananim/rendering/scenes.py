"""Render an explainer scene (scenes/*.py, manim) from recordings into the same web files as `gananim render`.

Manim draws each frame; instead of letting it write and concatenate its own movie files, the runner gives the
scene a file writer that hands every frame (RGBA, top row first) to gananim.rendering.encode's writers: one MP4/WebM/GIF,
or with embed the WebM + MP4 + GIF + poster + HTML snippet folder, encoded once, atomically published.
Manim is imported only here and in gananim.rendering.manim, never by `import gananim` or the matplotlib views.
"""

from __future__ import annotations

import importlib.util
import inspect
import queue
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from gananim.errors import GananimError
from gananim.recording.reader import Recording, load
from gananim.rendering import encode

QUALITIES = {"low": (854, 480, 15), "medium": (1280, 720, 30), "high": (1920, 1080, 30)}


def _manim():
    from gananim.rendering.manim import require_manim

    return require_manim()


def load_scene(path: str | Path):
    """The RecordingScene subclass defined in a scene file (its SCENE attribute if it names one)."""
    _manim()
    from gananim.rendering.manim.scene import RecordingScene

    path = Path(path)
    if not path.is_file():
        raise GananimError(f"no scene file {path}: give a file from scenes/, e.g. scenes/mode_hopping.py")
    name = f"gananim_scene_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise GananimError(f"cannot load scene file {path}: it must be a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    chosen = getattr(module, "SCENE", None)
    if chosen is None:
        found = [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, RecordingScene) and c is not RecordingScene and c.__module__ == name
        ]
        if not found:
            raise GananimError(
                f"{path} defines no gananim scene (a subclass of gananim.rendering.manim.scene.RecordingScene)"
            )
        chosen = found[0]
    return chosen


class _Stop(Exception):
    """Raised inside manim's render loop when the consumer is gone."""


def _sink_writer(deliver: Callable[[np.ndarray], None]):
    """A manim SceneFileWriter that passes frames to `deliver` and writes no files of its own."""
    from manim.scene.scene_file_writer import SceneFileWriter

    class FrameSink(SceneFileWriter):
        def add_partial_movie_file(self, hash_animation):
            pass

        def is_already_cached(self, hash_invocation):
            return False

        def begin_animation(self, allow_write=False, **kwargs):
            pass

        def end_animation(self, allow_write=False):
            pass

        def write_frame(self, pixels, *, repeat=1):
            for _ in range(repeat):
                deliver(pixels)

        def finish(self):
            pass

        def save_image(self, pixels):
            pass

        def print_file_ready_message(self, file_path):
            pass

    return FrameSink


def _render_into(scene_cls, recs, width: int, height: int, fps: float, deliver: Callable[[np.ndarray], None]) -> None:
    """Run the scene at width x height and fps, each frame to deliver(RGBA array)."""
    manim = _manim()
    from manim.renderer.cairo_renderer import CairoRenderer

    from gananim.rendering.manim.camera import FastCamera

    with tempfile.TemporaryDirectory(prefix="gananim-manim-") as media:
        settings = {
            "pixel_width": int(width),
            "pixel_height": int(height),
            "frame_rate": float(fps),
            "frame_width": 8.0 * width / height,
            "frame_height": 8.0,
            "background_color": "#ffffff",
            "media_dir": media,
            "disable_caching": True,
            "verbosity": "ERROR",
            "progress_bar": "none",
            "write_to_movie": False,
            "save_last_frame": False,
            "renderer": "cairo",
        }
        with manim.tempconfig(settings):
            scene = scene_cls(renderer=CairoRenderer(file_writer_class=_sink_writer(deliver), camera_class=FastCamera))
            scene.recs = list(recs)
            scene.render()


def scene_frames(scene_cls, recs, width: int, height: int, fps: float) -> Iterator[np.ndarray]:
    """The scene's frames as an iterator (manim renders in a thread; a bounded queue keeps memory flat)."""
    q: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()
    done = object()

    def deliver(frame):
        if stop.is_set():
            raise _Stop()
        q.put(frame)

    def work():
        try:
            _render_into(scene_cls, recs, width, height, fps, deliver)
            q.put(done)
        except _Stop:
            pass
        except BaseException as e:  # handed to the consumer
            q.put(e)

    thread = threading.Thread(target=work, daemon=True, name="gananim-manim")
    thread.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def render_stills(scene_cls, recs, width: int, height: int, fps: float, at=(0.5, 1.0)) -> list[np.ndarray]:
    """RGB frames at shares `at` of the scene's length (1.0 = the last frame): renders the scene once, keeps few."""
    frames: list[np.ndarray] = []
    kept: dict[int, np.ndarray] = {}
    total = max(1, int(round(scene_cls.seconds() * fps)))
    wanted = {min(total - 1, int(a * (total - 1))) for a in at if a < 1.0}
    count = [0]

    def deliver(frame):
        k = count[0]
        if k in wanted:
            kept[k] = frame[..., :3].copy()
        frames[:] = [frame]
        count[0] += 1

    _render_into(scene_cls, recs, width, height, fps, deliver)
    out = []
    for a in at:
        out.append(
            frames[0][..., :3].copy() if a >= 1.0 else kept[min(kept, key=lambda k: abs(k - int(a * (total - 1))))]
        )
    return out


def check_recordings(scene_cls, runs) -> list[Recording]:
    recs = [r if isinstance(r, Recording) else load(r) for r in (runs if isinstance(runs, (list, tuple)) else [runs])]
    scene_cls.check(recs)
    return recs


def render_scene(
    runs,
    scene_file,
    out=None,
    *,
    quality: str = "medium",
    embed: bool = False,
    max_mb: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Render scenes/NAME.py from recording(s) to a video file or, with embed (or a folder), the web files."""
    from gananim.rendering.names import clip_name, output_target

    if quality not in QUALITIES:
        raise GananimError(f"unknown quality {quality!r}: use low, medium or high")
    scene_cls = load_scene(scene_file)
    recs = check_recordings(scene_cls, runs)
    width, height, fps = QUALITIES[quality]
    view = Path(scene_file).stem.replace("_", "-")
    target = output_target(recs[0], view, out, embed)
    total = int(round(scene_cls.seconds() * fps))

    def counted():
        for k, frame in enumerate(scene_frames(scene_cls, recs, width, height, fps)):
            yield frame
            if progress:
                progress(k + 1, max(total, k + 1))

    if embed or target.suffix == "":
        written = encode.write_embed(
            counted,
            target,
            clip_name(recs[0], view),
            fps,
            (width, height),
            formats=("webm", "mp4", "gif"),
            channels=4,
            gif_max_mb=encode.EMBED_GIF_MB if max_mb is None else max_mb,
        )
        return list(written.values())
    with encode.writer_for(target, fps, (width, height), channels=4) as writer:
        for frame in counted():
            writer.grab_frame(frame)
    path = writer.finish()
    if path.suffix == ".gif" and max_mb is not None and path.stat().st_size > max_mb * 2**20:
        encode.fit_gif(path, path, max_mb, fps=fps, width=width)
    return [path]
