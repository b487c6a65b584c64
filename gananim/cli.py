"""The `gananim` command: record, presets, info. User mistakes print one line and exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from gananim.errors import GananimError

console = Console()
err_console = Console(stderr=True)


def say(message: str) -> None:
    """One unwrapped line on stdout: paths stay whole and greppable."""
    console.print(message, soft_wrap=True, highlight=False, markup=False)


def human_size(n: float) -> str:
    """Bytes as a short human string (KB, MB, ...)."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


class RateColumn(ProgressColumn):
    """Items per second, from rich's own speed estimate."""

    def __init__(self, unit: str = "steps/s"):
        super().__init__()
        self.unit = unit

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.1f} {self.unit}" if task.speed else f"… {self.unit}", style="cyan")


class LazyProgress:
    """A rich progress bar that appears with the first update, so errors raised before any work print alone."""

    def __init__(self, *columns: ProgressColumn, total: int | None = None, **fields):
        self.bar = Progress(*columns, console=err_console)
        self.task = self.bar.add_task("", total=total, **fields)
        self.started = False

    def update(self, completed: int, total: int | None = None, **fields) -> None:
        if not self.started:
            self.bar.start()
            self.started = True
        self.bar.update(self.task, completed=completed, **({"total": total} if total else {}), **fields)

    def __enter__(self) -> "LazyProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self.started:
            self.bar.stop()


RENDER_COLUMNS = (TextColumn("[bold]render"), BarColumn(), MofNCompleteColumn(), RateColumn("frames/s"),
                  TimeElapsedColumn(), TimeRemainingColumn())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gananim")
def cli() -> None:
    """Record GAN training, then render it to web-ready video."""


def _resolve_config(preset: str | None, config: str | None):
    """The Config named by a preset or read from a TOML file (exactly one of the two)."""
    from gananim.config import load_config
    from gananim.lab.presets import load_preset

    if bool(preset) == bool(config):
        raise GananimError("give a preset name (see `gananim presets`) or --config FILE, not both and not neither")
    return load_preset(preset) if preset else load_config(config)


def _precheck_out(out: Path, overwrite: bool, resume: bool) -> None:
    """Refuse early (before importing torch) to touch an existing recording without a flag."""
    if overwrite and resume:
        raise GananimError("--overwrite and --resume exclude each other: replace the recording, or continue it")
    if out.exists() and any(out.iterdir()) and not (overwrite or resume):
        raise GananimError(f"recording {out} already exists; add --overwrite to replace it or --resume to continue it")


@cli.command()
@click.argument("preset", required=False)
@click.option("--config", "config_file", type=str, help="A TOML config file (copy one with `gananim presets --show NAME`).")
@click.option("--steps", type=click.IntRange(min=0), help="Training steps (overrides the config).")
@click.option("--every", type=click.IntRange(min=1), help="Snapshot every K steps (overrides the config).")
@click.option("--seed", type=int, help="Random seed (overrides the config).")
@click.option("--out", type=click.Path(path_type=Path), help="Recording folder [default: runs/NAME].")
@click.option("--overwrite", is_flag=True, help="Replace an existing recording.")
@click.option("--resume", is_flag=True, help="Continue an existing recording from its checkpoint.")
@click.option("--float16", is_flag=True, help="Store snapshot arrays as float16 (half the size).")
def record(preset, config_file, steps, every, seed, out, overwrite, resume, float16) -> None:
    """Train a toy GAN from PRESET or --config FILE and record it."""
    cfg = _resolve_config(preset, config_file)
    if steps is not None:
        cfg.steps = steps
    if every is not None:
        cfg.record.every = every
    if seed is not None:
        cfg.seed = seed
    cfg.record.float16 = cfg.record.float16 or float16
    cfg.validate()
    out = out or Path("runs") / cfg.name
    _precheck_out(out, overwrite, resume)
    path = _train_with_progress(cfg, out, overwrite=overwrite, resume=resume)
    _print_summary(path)


def _train_with_progress(cfg, out: Path, *, overwrite: bool, resume: bool) -> Path:
    """Run the lab trainer under a progress bar showing steps/s and the latest losses."""
    from gananim.lab.train import run

    columns = [TextColumn(f"[bold]{cfg.name}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
               TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[losses]}")]
    with LazyProgress(*columns, total=cfg.steps, losses="") as progress:

        def report(step: int, scalars: dict[str, float]) -> None:
            progress.update(step, losses="  ".join(f"{k} {v:.3f}" for k, v in scalars.items()))

        path = run(cfg, out, overwrite=overwrite, resume=resume, progress=report)
        progress.update(cfg.steps)
    return Path(path)


def _print_summary(path: Path) -> None:
    from gananim.store import load

    rec = load(path)
    steps = f"steps {rec.steps[0]}–{rec.steps[-1]}" if len(rec) else "no steps"
    say(f"recorded {len(rec)} snapshots ({steps}) to {path} ({human_size(rec.nbytes())})")


@cli.command()
@click.option("--show", metavar="NAME", help="Print a preset's TOML, to copy and edit.")
def presets(show: str | None) -> None:
    """List the built-in experiments (presets)."""
    from gananim.lab.presets import DEFAULT_PRESET, list_presets, preset_path

    if show:
        click.echo(preset_path(show).read_text(), nl=False)
        return
    table = Table(box=None, show_header=False, pad_edge=False)
    for name, description in list_presets():
        table.add_row(f"[bold]{name}[/]" + (" (default)" if name == DEFAULT_PRESET else ""), description)
    console.print(table)


def _scalar_summary(series: np.ndarray) -> dict[str, float | None]:
    """first/last/min/max/mean of a scalar series, ignoring NaN."""
    finite = series[np.isfinite(series)]
    if not len(finite):
        return {"first": None, "last": None, "min": None, "max": None, "mean": None}
    return {"first": float(finite[0]), "last": float(finite[-1]), "min": float(finite.min()),
            "max": float(finite.max()), "mean": float(finite.mean())}


@cli.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def info(run: Path, as_json: bool) -> None:
    """Print a recording's manifest, a summary of its scalars and metrics, and its events."""
    from gananim.analysis import analyse
    from gananim.store import load

    rec = load(run)
    analysis = analyse(rec)
    m = rec.manifest
    summary = {name: _scalar_summary(series) for name, series in analysis.series.items()}
    if as_json:
        click.echo(json.dumps({"path": str(run), "snapshots": len(rec), "steps": rec.steps.tolist(),
                               "bytes": rec.nbytes(), "manifest": m, "scalars": summary,
                               "analysed": list(analysis.analysed),
                               "events": [e.to_dict() for e in analysis.events]}, indent=2))
        return
    config = m.get("config") or {}
    rows = [("recording", f"{run}  ({human_size(rec.nbytes())}, format v{m['version']}, {m.get('dtype')})"),
            ("experiment", f"{config.get('name', '(user loop)')}: {config.get('description', '')}".rstrip(": ")),
            ("target", json.dumps(m.get("target")) if m.get("target") else "(view box only)"),
            ("data", f"{m['data_dim']}D, view box {[list(b) for b in rec.view_box]}, grid {m['grid']['size']} per axis"),
            ("latent", f"{m['latent_dim']}D {m['prior']}, {m['n_samples']} fixed samples, grid {m['latent_grid_shape']}"),
            ("discriminator", f"outputs {m['d_output']}" if m.get("has_discriminator") else "none"),
            ("snapshots", f"{len(rec)}, steps {rec.steps[0]}–{rec.steps[-1]} every {m['every']}" if len(rec) else "0")]
    table = Table(box=None, show_header=False, pad_edge=False)
    for key, value in rows:
        table.add_row(f"[bold]{key}[/]", value)
    console.print(table)
    scalars = Table(title="scalars", title_justify="left")
    for col in ("name", "first", "last", "min", "max", "mean"):
        scalars.add_column(col, justify="left" if col == "name" else "right")
    for name, s in summary.items():
        scalars.add_row(name, *("—" if s[k] is None else f"{s[k]:.4g}" for k in ("first", "last", "min", "max", "mean")))
    console.print(scalars)
    events = analysis.events
    console.print(f"[bold]events[/] ({len(events)})" if events else "[bold]events[/]: none detected")
    from gananim.events import timeline

    for line in timeline(events):
        say(line)


@cli.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--view", help="goodfellow-1d, mapping, surface, mountains, dashboard, gradients [default: by data].")
@click.option("--out", type=click.Path(path_type=Path), help="FILE.mp4|.webm|.gif, or a folder for all web formats.")
@click.option("--embed", is_flag=True, help="Write WebM, MP4, GIF, a poster and an HTML snippet into a folder.")
@click.option("--size", default="720p", show_default=True, help="720p, 1080p, square or WIDTHxHEIGHT.")
@click.option("--fps", type=click.FloatRange(min=1, max=120), default=30, show_default=True)
@click.option("--steps", "step_range", metavar="A:B", help="Only training steps A to B.")
@click.option("--speed", type=click.FloatRange(min=0.01), default=1.0, show_default=True, help="Snapshots per frame (2 = twice as fast).")
@click.option("--duration", type=click.FloatRange(min=0.1), help="Stretch or squeeze the video to this many seconds.")
@click.option("--dashboard", is_flag=True, help="Put the dashboard beside the view.")
@click.option("--max-mb", type=click.FloatRange(min=0.01), help="Size budget for GIFs: met by lowering fps and size.")
@click.option("--title", help="Title on every frame [default: the experiment's name].")
@click.option("--slowmo", type=click.FloatRange(min=1), is_flag=False, flag_value=3.0, default=1.0,
              help="Slow down around detected events: each snapshot shown FACTOR times as long [flag alone: 3].")
@click.option("--scene", "scene_file", type=click.Path(path_type=Path),
              help="A narrated manim explainer, e.g. scenes/mode_hopping.py (needs `pip install 'gananim[scenes]'`).")
@click.option("--quality", type=click.Choice(["low", "medium", "high"]), default="medium", show_default=True,
              help="With --scene: 480p15, 720p30 or 1080p30.")
def render(runs, view, out, embed, size, fps, step_range, speed, duration, dashboard, max_mb, title, slowmo, scene_file,
           quality) -> None:
    """Render RUN (or 2–4 RUNs side by side) to web-ready video; with --scene, a manim explainer of them."""
    from gananim.store import load

    recs = [load(r) for r in runs]
    if scene_file is not None:
        from gananim.scene_runner import render_scene

        with LazyProgress(*RENDER_COLUMNS) as progress:
            written = render_scene(recs, scene_file, out, quality=quality, embed=embed, max_mb=max_mb,
                                   progress=progress.update)
        say("wrote " + ", ".join(f"{p} ({human_size(p.stat().st_size)})" for p in written))
        return
    from gananim.pipeline import render_files as render_runs

    with LazyProgress(*RENDER_COLUMNS) as progress:
        written = render_runs(recs, view, out, size=size, fps=fps, steps=step_range, speed=speed, duration=duration,
                              embed=embed, dashboard=dashboard, max_mb=max_mb, title=title, slowmo=slowmo,
                              progress=progress.update)
    say("wrote " + ", ".join(f"{p} ({human_size(p.stat().st_size)})" for p in written))


DEMO_GIF_MB = 4.0  # a GIF for a blog post: a few MB at most


@cli.command()
@click.option("--steps", type=click.IntRange(min=1), help="Training steps [default: the preset's].")
@click.option("--out", type=click.Path(path_type=Path), default=Path("renders"), show_default=True, help="Folder for the videos.")
def demo(steps, out) -> None:
    """Record the default preset and render its headline video (the README's main job)."""
    from gananim.lab.presets import DEFAULT_PRESET, load_preset
    from gananim.pipeline import render_files as render_runs

    cfg = load_preset(DEFAULT_PRESET)
    if steps:
        cfg.steps = steps
    run_dir = Path("runs") / "demo"  # the demo owns this folder: running it again replaces it
    path = _train_with_progress(cfg, run_dir, overwrite=True, resume=False)
    _print_summary(path)
    with LazyProgress(*RENDER_COLUMNS) as progress:
        written = render_runs(path, None, out / f"{cfg.name}", embed=True, dashboard=True, max_mb=DEMO_GIF_MB,
                              progress=progress.update)
    say("wrote " + ", ".join(f"{p} ({human_size(p.stat().st_size)})" for p in written))


@cli.command()
@click.argument("run", type=click.Path(path_type=Path))
def analyze(run: Path) -> None:
    """Compute RUN's metrics and events from its stored arrays and cache them beside it; the recording stays untouched."""
    from gananim.analysis import SERIES_FILE, analyse
    from gananim.atomic import check_writable
    from gananim.events import timeline
    from gananim.store import load

    rec = load(run)
    check_writable(rec.path)  # this command's job is the cache: refuse a read-only recording before the work
    analysis = analyse(rec)
    where = f"cached in {run / SERIES_FILE}" if analysis.cached else f"not cached: writing into {run} failed"
    say(f"{len(analysis.analysed)} metric series computed from the stored arrays ({where})")
    say(f"{len(analysis.events)} events" + (":" if analysis.events else ""))
    for line in timeline(analysis.events):
        say(line)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; user errors become one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="gananim", standalone_mode=False)
    except (GananimError, click.ClickException) as e:
        message = e.format_message() if isinstance(e, click.ClickException) else str(e)
        err_console.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
        return 2
    except click.exceptions.Abort:
        err_console.print("interrupted", highlight=False)
        return 130
    except KeyboardInterrupt:
        err_console.print("interrupted: what was flushed is on disk; continue with --resume", highlight=False)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
