"""Render speed, end to end (frames + MP4), as a ratio against the naive matplotlib way, in one run.

The baseline is what people write by hand: a FuncAnimation that clears the axes and redraws contourf +
scatter + quiver every frame, saved with matplotlib's FFMpegWriter. gananim's `surface` and `mapping` views
render the same synthetic recording at the same size to an MP4, start-up (figure, layout, first full draw)
included. Two recordings:
    300 snapshots  the default video is 10 s at 30 fps: one frame per snapshot;
    100 snapshots  the default video is 8 s = 240 frames: `mapping` blends every frame between snapshots,
                   `surface` holds; the baseline draws its 240 frames (FuncAnimation has no blending).
The machine may be shared: every variant runs once per round, interleaved, and the ratios are per round (each
against that round's baseline), so a busy spell slows a whole round rather than one side.
Run: .venv/bin/python bench/bench_render.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import imageio_ffmpeg
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.animation import FFMpegWriter, FuncAnimation  # noqa: E402

from gananim import load  # noqa: E402
from gananim.recording.writer import RecordingWriter  # noqa: E402
from gananim.rendering.pipeline import Timeline, render  # noqa: E402

GRID, N, LATENT = 64, 512, 21


def synthetic(path: Path, frames: int) -> None:
    """A recording of blobs circling a ring: D, density, samples and mapping all move every snapshot."""
    axis = np.linspace(-10, 10, GRID)
    xx, yy = np.meshgrid(axis, axis)
    lat = np.linspace(-2, 2, LATENT)
    lx, ly = np.meshgrid(lat, lat)
    coords = np.stack([lx.ravel(), ly.ravel()], axis=1)
    rng = np.random.default_rng(0)
    z = rng.normal(size=(N, 2))
    manifest = {
        "data_dim": 2,
        "latent_dim": 2,
        "n_samples": N,
        "grid": {"bounds": [[-10, 10], [-10, 10]], "size": GRID},
        "latent_grid_shape": [LATENT, LATENT],
        "every": 1,
        "has_discriminator": True,
        "prior": "normal",
        "latent_extent": [-2, 2],
        "config": {"name": "bench"},
    }
    fixed = {
        "latents": z.astype(np.float32),
        "latent_grid": coords.astype(np.float32),
        "latent_grid_coords": coords.astype(np.float32),
    }
    writer = RecordingWriter(path, manifest, fixed, flush_secs=3600)
    for t in range(frames):
        a = 2 * np.pi * t / frames
        c = 5 * np.array([np.cos(a), np.sin(a)])
        d = 1 / (1 + np.exp(((xx - c[0]) ** 2 + (yy - c[1]) ** 2) / 8 - 2))
        dens = np.exp(-((xx + c[0]) ** 2 + (yy - c[1]) ** 2) / 4)
        samples = z * 1.5 + [-c[0], c[1]]
        mapping = coords * (2 + np.sin(a)) + c
        writer.append(
            t,
            {"samples": samples, "mapping": mapping, "d_grid": d, "density": dens / dens.sum() / (20 / GRID) ** 2},
            {},
        )
    writer.close()


def naive(rec, out: Path, size: tuple[int, int], frames: int | None = None) -> None:
    """The hand-written baseline: clear and redraw everything each frame, FFMpegWriter to MP4 (`frames` spread
    over the snapshots, each frame drawn)."""
    plt.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    fig, ax = plt.subplots(figsize=(size[0] / 100, size[1] / 100), dpi=100)
    axis = rec.grid.axes
    tails = rec.fixed["latent_grid_coords"]

    n = frames or len(rec)

    def draw(k):
        snap = rec[k * len(rec) // n]
        ax.clear()
        ax.contourf(axis[0], axis[1], snap.d_grid, levels=10, cmap="Purples")
        ax.scatter(snap.samples[:, 0], snap.samples[:, 1], s=4, c="red")
        ax.quiver(
            tails[:, 0], tails[:, 1], *(snap.mapping - tails).T, angles="xy", scale_units="xy", scale=1, width=0.002
        )
        ax.set_xlim(-10, 10)
        ax.set_ylim(-10, 10)

    FuncAnimation(fig, draw, frames=n).save(out, writer=FFMpegWriter(fps=30))
    plt.close(fig)


def seconds(fn) -> float:
    """Wall time of one call (no tracing: tracemalloc slows Python-heavy code unevenly)."""
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def peak_mb(fn) -> float:
    """Peak traced Python memory of one call, in MB."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--frames", type=int, default=300, help="snapshots of the first recording (its video: one frame each)"
    )
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        synthetic(tmp / "rec", args.frames)
        synthetic(tmp / "short", 100)
        rec, short = load(tmp / "rec"), load(tmp / "short")
        blended = len(render_timeline(short))
        ratios: dict[str, list[float]] = {}
        for r in range(args.rounds):
            base = seconds(lambda: naive(rec, tmp / "naive.mp4", size))
            base_short = seconds(lambda: naive(short, tmp / "naive-short.mp4", size, blended))
            print(
                f"round {r + 1}: naive FuncAnimation + FFMpegWriter: {args.frames / base:5.1f} frames/s "
                f"({args.frames} frames), {blended / base_short:5.1f} frames/s ({blended} frames)"
            )
            for view in ("surface", "mapping"):
                sec = seconds(lambda: render(rec, view, tmp / f"{view}.mp4", size=size))
                ratios.setdefault(f"{view:<8} {args.frames} snapshots -> {args.frames} frames", []).append(base / sec)
                print(
                    f"  gananim {view:<8} {args.frames} frames: {args.frames / sec:6.1f} frames/s = {base / sec:5.2f}x"
                )
                sec = seconds(lambda: render(short, view, tmp / f"{view}-short.mp4", size=size))
                kind = "blended" if view == "mapping" else "held"
                ratios.setdefault(f"{view:<8} 100 snapshots -> {blended} frames ({kind})", []).append(base_short / sec)
                print(
                    f"  gananim {view:<8} {blended} frames ({kind}): {blended / sec:6.1f} frames/s = {base_short / sec:5.2f}x"
                )
        print("median ratio against the baseline, end to end, start-up included:")
        for name, values in ratios.items():
            print(f"  {name}: {np.median(values):5.2f}x  (rounds: {', '.join(f'{v:.2f}' for v in values)})")
        half = f"0:{args.frames // 2 - 1}"
        mem_half = peak_mb(lambda: render(load(tmp / "rec"), "surface", tmp / "half.mp4", size=size, steps=half))
        mem_full = peak_mb(lambda: render(load(tmp / "rec"), "surface", tmp / "full.mp4", size=size))
        print(
            f"memory (surface): peak {mem_half:.0f} MB traced for {args.frames // 2} snapshots, {mem_full:.0f} MB for {args.frames}"
        )


def render_timeline(rec) -> Timeline:
    """The default timeline of a recording: how many frames its video has."""
    return Timeline.make(rec.steps, 30, tween=True)


if __name__ == "__main__":
    main()
